package web

import "net/http"

// logout ends the session in the store, not only in the browser, so a
// copied cookie stops working too.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := s.store.Logout(r.Context(), c.Value); err != nil {
			s.log.Warn("logout", "err", err)
		}
	}
	s.clearSessionCookie(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
