package web

import (
	"net/http"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

type departmentFormData struct {
	Department *domain.Department
	Errors     *fieldErrors
}

var departmentFormFields = []string{domain.FieldName, "short_name", "liaison", "liaison_phone", "leader", "leader_phone"}

func (s *Server) showEditDepartment(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if !domain.Can(sess.Actor, domain.ActEditReference, 0) {
		s.fail(w, r, sess, domain.E("web.showEditDepartment", domain.KindForbidden, "err.forbidden"))
		return
	}
	d, err := s.store.GetDepartment(r.Context(), id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	s.renderDepartmentForm(w, r, sess, http.StatusOK, &departmentFormData{Department: d})
}

func (s *Server) renderDepartmentForm(w http.ResponseWriter, r *http.Request, sess *session, status int, data *departmentFormData) {
	pg := s.newPage(r, sess, "web.department.edit.title", data)
	pg.Nav = "departments"
	if data.Errors != nil && len(data.Errors.General) > 0 {
		pg.Error = data.Errors.General[0]
	}
	s.render(w, r, status, pageDepartmentForm, pg)
}
