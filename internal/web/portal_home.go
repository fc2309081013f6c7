package web

import (
	"net/http"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

type portalHomeData struct {
	Stats *domain.Stats
}

// showPortalHome explains the scheme to the public and shows the size of
// the directories.
func (s *Server) showPortalHome(w http.ResponseWriter, r *http.Request) {
	st, err := s.store.Stats(r.Context())
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	pg := s.newPage(r, nil, "web.portal.home.title", &portalHomeData{Stats: st})
	pg.Nav = "home"
	s.render(w, r, http.StatusOK, pagePortalHome, pg)
}
