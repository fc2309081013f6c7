package web

import (
	"net/http"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

type staffHomeData struct {
	Stats       *domain.Stats
	Department  *domain.Department
	Inspectors  *domain.List[domain.Inspector] // department: its inspectors
	Self        *domain.Inspector              // inspector: own record
	Audit       *domain.List[domain.AuditEntry]
	Departments map[int64]string
}

// showStaffHome is the role-aware start page: the office sees figures and
// shortcuts, a department its inspectors, an inspector the own record, the
// discipline office the latest audit entries.
func (s *Server) showStaffHome(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	data := &staffHomeData{}
	var err error
	if data.Stats, err = s.store.Stats(ctx); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if data.Departments, err = s.departmentNames(r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	u := sess.User
	switch u.Role {
	case domain.RoleDepartment:
		if data.Department, err = s.store.GetDepartment(ctx, u.DepartmentID); err != nil {
			s.fail(w, r, sess, err)
			return
		}
		data.Inspectors, err = s.store.ListInspectors(ctx, sess.Actor, domain.InspectorFilter{
			DepartmentID: u.DepartmentID, Sort: "name", Page: domain.Page{Number: 1, Size: 20}})
	case domain.RoleInspector:
		if u.InspectorID != 0 {
			data.Self, err = s.store.GetInspector(ctx, sess.Actor, u.InspectorID)
		}
	case domain.RoleDiscipline, domain.RoleOffice:
		data.Audit, err = s.store.ListAudit(ctx, sess.Actor, domain.AuditFilter{Page: domain.Page{Number: 1, Size: 10}})
	}
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	pg := s.newPage(r, sess, "web.staff.home.title", data)
	pg.Nav = "home"
	s.render(w, r, http.StatusOK, pageStaffHome, pg)
}

// departmentNames maps department IDs to their names for listings.
func (s *Server) departmentNames(r *http.Request) (map[int64]string, error) {
	ds, err := s.store.ListDepartments(r.Context())
	if err != nil {
		return nil, err
	}
	m := make(map[int64]string, len(ds))
	for _, d := range ds {
		m[d.ID] = d.Name
	}
	return m, nil
}
