package web

import (
	"net/http"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

type inspectorFormData struct {
	Inspector *domain.Inspector
	Ref       *reference
	New       bool
	Action    string
	Errors    *fieldErrors
	Values    map[string]string // cert_expiry, labels and conflicts as typed
	FixedDept bool              // department staff cannot move inspectors elsewhere
	Private   bool              // show ID number, phone and conflicts
}

var inspectorFormFields = []string{domain.FieldDepartment, domain.FieldName, domain.FieldIDNumber, domain.FieldCertNo,
	domain.FieldCertExpiry, domain.FieldLabels, domain.FieldExpertise, domain.FieldExpert, domain.FieldStatus,
	domain.FieldPhone, domain.FieldConflicts}

func (s *Server) showNewInspector(w http.ResponseWriter, r *http.Request, sess *session) {
	dept := editableDepartment(sess)
	if dept == 0 {
		s.fail(w, r, sess, domain.E("web.showNewInspector", domain.KindForbidden, "err.forbidden"))
		return
	}
	in := &domain.Inspector{Status: domain.InspectorOnDuty}
	if dept > 0 {
		in.DepartmentID = dept
	}
	s.renderInspectorForm(w, r, sess, http.StatusOK, &inspectorFormData{Inspector: in, New: true, Action: "/staff/inspectors"})
}

func (s *Server) showEditInspector(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	in, err := s.store.GetInspector(r.Context(), sess.Actor, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if !domain.Can(sess.Actor, domain.ActEditInspector, in.DepartmentID) {
		s.fail(w, r, sess, domain.E("web.showEditInspector", domain.KindForbidden, "err.forbidden"))
		return
	}
	s.renderInspectorForm(w, r, sess, http.StatusOK, &inspectorFormData{Inspector: in, Action: strings.TrimSuffix(r.URL.Path, "/edit")})
}

func (s *Server) renderInspectorForm(w http.ResponseWriter, r *http.Request, sess *session, status int, data *inspectorFormData) {
	ref, err := s.reference(r.Context())
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	data.Ref = ref
	data.FixedDept = editableDepartment(sess) != -1
	dept := data.Inspector.DepartmentID
	if dept == 0 {
		dept = sess.Actor.DepartmentID
	}
	data.Private = domain.Can(sess.Actor, domain.ActViewPrivate, dept) || editableDepartment(sess) == -1
	if data.Values == nil {
		data.Values = map[string]string{
			domain.FieldCertExpiry: data.Inspector.CertExpiry.String(),
			domain.FieldLabels:     strings.Join(data.Inspector.Labels, "，"),
			domain.FieldConflicts:  formatConflicts(data.Inspector.Conflicts),
		}
	}
	title := "web.inspector.edit.title"
	if data.New {
		title = "web.inspector.new.title"
	}
	pg := s.newPage(r, sess, title, data)
	pg.Nav = "inspectors"
	if data.Errors != nil && len(data.Errors.General) > 0 {
		pg.Error = strings.Join(data.Errors.General, "；")
	}
	s.render(w, r, status, pageInspectorForm, pg)
}

// formatConflicts writes conflicts one per line: code, then the reason.
func formatConflicts(cs []domain.Conflict) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString(c.EntityCode)
		if c.Reason != "" {
			b.WriteString(" ")
			b.WriteString(c.Reason)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// parseConflicts reads the conflicts textarea. A code declared before keeps
// its declaration date; a new one is declared today.
func parseConflicts(text string, old []domain.Conflict, today domain.Date) []domain.Conflict {
	declared := map[string]domain.Date{}
	for _, c := range old {
		declared[c.EntityCode] = c.DeclaredOn
	}
	var out []domain.Conflict
	for line := range strings.Lines(text) {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		c := domain.Conflict{EntityCode: fields[0], Reason: strings.Join(fields[1:], " ")}
		if d, ok := declared[c.EntityCode]; ok && !d.IsZero() {
			c.DeclaredOn = d
		} else {
			c.DeclaredOn = today
		}
		out = append(out, c)
	}
	return out
}

// splitLabels accepts labels separated by commas (either width), the
// Chinese enumeration comma or semicolons.
func splitLabels(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == '\n'
	})
}
