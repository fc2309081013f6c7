package web

import "net/http"

type loginData struct {
	Username string
	Next     string
}

func (s *Server) showLogin(w http.ResponseWriter, r *http.Request) {
	if sess := s.currentSession(r); sess != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	pg := s.newPage(r, nil, "web.login.title", &loginData{Next: r.URL.Query().Get("next")})
	pg.Nav = "login"
	s.render(w, r, http.StatusOK, pageLogin, pg)
}
