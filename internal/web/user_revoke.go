package web

import "net/http"

// revokeUserSessions logs a user out everywhere, e.g. after a lost laptop.
func (s *Server) revokeUserSessions(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := s.store.RevokeSessions(r.Context(), sess.Actor, id); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/staff/users?done=revoked", http.StatusSeeOther)
}
