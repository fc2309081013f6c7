package web

import (
	"net/http"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

type userListData struct {
	Users      []domain.User
	Ref        *reference
	Inspectors []domain.Inspector // records an inspector account may be linked to
	New        *domain.User       // the add form's values
	Errors     *fieldErrors
}

var userFormFields = []string{domain.FieldUsername, domain.FieldDisplayName, domain.FieldRole, domain.FieldDepartment, "inspector", domain.FieldPassword}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, sess *session) {
	s.renderUsers(w, r, sess, http.StatusOK, &userListData{New: &domain.User{Role: domain.RoleDepartment}}, noticeOf(r))
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, sess *session, status int, data *userListData, notice string) {
	users, err := s.store.ListUsers(r.Context(), sess.Actor)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	ref, err := s.reference(r.Context())
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	ins, err := s.store.ListInspectors(r.Context(), sess.Actor, domain.InspectorFilter{Sort: "department", Page: domain.Page{Number: 1, Size: domain.MaxPageSize}})
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	data.Users, data.Ref, data.Inspectors = users, ref, ins.Items
	pg := s.newPage(r, sess, "web.users.title", data)
	pg.Nav = "users"
	if notice != "" {
		pg.Notice = pg.P.T(notice)
	}
	if data.Errors != nil && len(data.Errors.General) > 0 {
		pg.Error = data.Errors.General[0]
	}
	s.render(w, r, status, pageUserList, pg)
}

// noticeOf reads the ?done= notice of a redirect after a successful
// action; only known keys are shown.
func noticeOf(r *http.Request) string {
	switch d := r.URL.Query().Get("done"); d {
	case "saved", "created", "disabled", "enabled", "password", "revoked":
		return "web.notice." + d
	}
	return ""
}
