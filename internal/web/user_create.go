package web

import (
	"net/http"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

func (s *Server) createUser(w http.ResponseWriter, r *http.Request, sess *session) {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, sess, badForm(err))
		return
	}
	u := &domain.User{
		Username:    r.PostFormValue("username"),
		DisplayName: r.PostFormValue("display_name"),
		Role:        domain.Role(r.PostFormValue("role")),
	}
	u.DepartmentID, _ = strconv.ParseInt(r.PostFormValue("department"), 10, 64)
	if u.Role == domain.RoleInspector {
		u.InspectorID, _ = strconv.ParseInt(r.PostFormValue("inspector"), 10, 64)
	}
	if err := s.store.CreateUser(r.Context(), sess.Actor, u, r.PostFormValue("password")); err != nil {
		fe, ok := formErrorsOf(printer(r), err, userFormFields...)
		if !ok {
			s.fail(w, r, sess, err)
			return
		}
		s.renderUsers(w, r, sess, formStatus(err), &userListData{New: u, Errors: fe}, "")
		return
	}
	http.Redirect(w, r, "/staff/users?done=created", http.StatusSeeOther)
}
