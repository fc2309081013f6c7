package web

import "net/http"

func (s *Server) showAbout(w http.ResponseWriter, r *http.Request) {
	pg := s.newPage(r, nil, "web.about.title", nil)
	pg.Nav = "about"
	s.render(w, r, http.StatusOK, pageAbout, pg)
}
