package web

import "net/http"

// disableUser locks an account out; the store ends its sessions too.
func (s *Server) disableUser(w http.ResponseWriter, r *http.Request, sess *session) {
	s.setUserDisabled(w, r, sess, true)
}

func (s *Server) enableUser(w http.ResponseWriter, r *http.Request, sess *session) {
	s.setUserDisabled(w, r, sess, false)
}

func (s *Server) setUserDisabled(w http.ResponseWriter, r *http.Request, sess *session, disabled bool) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := s.store.SetDisabled(r.Context(), sess.Actor, id, disabled); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	done := "enabled"
	if disabled {
		done = "disabled"
	}
	http.Redirect(w, r, "/staff/users?done="+done, http.StatusSeeOther)
}
