package web

import "net/http"

// showHome renders the home page: site, subscribe form, recent posts and
// feed links with autodiscovery.
func (s *Server) showHome(w http.ResponseWriter, r *http.Request) {
	d := s.data()
	for _, l := range s.feeds.Load().links {
		l.URL = s.cfg.Load().PublicURL + l.URL
		d.Feeds = append(d.Feeds, l)
	}
	d.Posts = s.posts.Load().recent(s.now(), homePosts)
	s.render(w, r, http.StatusOK, "home", d)
}
