package web

import (
	"net/http"

	"github.com/heraldhq/herald/internal/feed"
)

// showHome renders the home page: site, subscribe form, recent posts and
// feed links with autodiscovery.
func (s *Server) showHome(w http.ResponseWriter, r *http.Request) {
	d := s.data()
	for _, l := range s.feeds.Load().links {
		l.URL = s.cfg.Load().PublicURL + l.URL
		d.Feeds = append(d.Feeds, l)
	}
	if _, ok := s.feeds.Load().files[feed.IndexPath]; ok {
		d.FeedsView = s.cfg.Load().PublicURL + "/feeds/"
	}
	d.Posts = s.posts.Load().recent(s.now(), homePosts)
	s.render(w, r, http.StatusOK, "home", d)
}
