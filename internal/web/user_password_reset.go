package web

import (
	"net/http"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// resetUserPassword sets a new password chosen by the office for a user
// who forgot theirs.
func (s *Server) resetUserPassword(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, sess, badForm(err))
		return
	}
	if err := s.store.SetPassword(r.Context(), sess.Actor, id, r.PostFormValue("password")); err != nil {
		if domain.ErrorKind(err) == domain.KindInvalid {
			fe, _ := formErrorsOf(printer(r), err)
			s.renderUsers(w, r, sess, http.StatusUnprocessableEntity, &userListData{New: &domain.User{Role: domain.RoleDepartment}, Errors: fe}, "")
			return
		}
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/staff/users?done=password", http.StatusSeeOther)
}
