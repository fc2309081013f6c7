package web

import (
	"net/http"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

type departmentListData struct {
	Departments []domain.Department
}

// listDepartments shows every department with its liaison (联络员) and
// leader in charge (分管领导): staff need to know whom to call.
func (s *Server) listDepartments(w http.ResponseWriter, r *http.Request, sess *session) {
	ds, err := s.store.ListDepartments(r.Context())
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	pg := s.newPage(r, sess, "web.departments.title", &departmentListData{Departments: ds})
	pg.Nav = "departments"
	pg.Notice = ""
	if n := noticeOf(r); n != "" {
		pg.Notice = pg.P.T(n)
	}
	s.render(w, r, http.StatusOK, pageDepartmentList, pg)
}
