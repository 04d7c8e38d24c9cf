package web

import (
	"net/http"
	"slices"

	"github.com/heraldhq/herald/internal/subscriber"
)

// showPreferences renders the subscriber's name and topics with the
// topics offered by the posts; a topic they follow that no post has any
// more is still listed, so saving does not drop it silently.
func (s *Server) showPreferences(w http.ResponseWriter, r *http.Request) {
	sub, ok := s.subscriberFor(w, r, subscriber.PurposePreferences)
	if !ok {
		return
	}
	if left(sub) {
		s.renderLeft(w, r, http.StatusOK, sub, "")
		return
	}
	s.renderPreferences(w, r, sub, "")
}

// left reports whether sub receives nothing any more: unsubscribed, or
// bounced.
func left(sub subscriber.Subscriber) bool {
	return sub.Status == subscriber.Unsubscribed || sub.Status == subscriber.Bounced
}

// renderLeft renders the preferences page of someone who left: it says so
// and offers to subscribe again (with a new confirmation).
func (s *Server) renderLeft(w http.ResponseWriter, r *http.Request, status int, sub subscriber.Subscriber, msg string) {
	d := s.data()
	d.Action, d.Message = s.action(r), msg
	d.Heading = "You are unsubscribed"
	if sub.Status == subscriber.Bounced {
		d.Heading = "Emails to you stopped: your address could not be reached"
	}
	s.render(w, r, status, "left", d)
}

func (s *Server) renderPreferences(w http.ResponseWriter, r *http.Request, sub subscriber.Subscriber, msg string) {
	d := s.data()
	d.Action, d.Name, d.Message = s.action(r), sub.Name, msg
	d.Topics = choices(s.posts.Load().topics, sub.Topics)
	s.render(w, r, http.StatusOK, "preferences", d)
}

// choices marks offered topics the subscriber follows and appends the
// followed ones not offered.
func choices(offered []topicChoice, followed []string) []topicChoice {
	out := slices.Clone(offered)
	for i := range out {
		out[i].Checked = slices.Contains(followed, out[i].Value)
	}
	for _, t := range followed {
		if !slices.ContainsFunc(offered, func(c topicChoice) bool { return c.Value == t }) {
			out = append(out, topicChoice{Value: t, Label: t, Checked: true})
		}
	}
	return out
}
