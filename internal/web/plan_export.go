package web

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/importx"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// exportPlan downloads a plan in the standard layout (staff: drafts the
// actor may see included).
func (s *Server) exportPlan(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p, err := s.store.GetPlan(r.Context(), sess.Actor, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	tasks, err := s.store.ListTasks(r.Context(), sess.Actor, store.TaskFilter{PlanID: id})
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	adjs, err := s.store.PublishedAdjustments(r.Context(), id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	s.writePlanXLSX(w, r, sess, p, tasks, adjs)
}

// writePlanXLSX renders the plan's rows and its published adjustments (as
// notes under the table) into the XLSX download.
func (s *Server) writePlanXLSX(w http.ResponseWriter, r *http.Request, sess *session, p *domain.Plan, tasks []domain.Task, adjs []domain.Adjustment) {
	pr := printer(r)
	ref, err := s.reference(r.Context())
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	rows, err := s.planRows(r.Context(), pr, ref, tasks, true)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	header := make([]string, len(planColumns))
	for i, k := range planColumns {
		header[i] = pr.T(k)
	}
	cells := make([][]string, len(rows))
	for i, row := range rows {
		cells[i] = row.Cells()
	}
	var notes []string
	for _, a := range adjs {
		notes = append(notes, adjustmentLine(pr, &a))
	}
	var buf bytes.Buffer
	if err := importx.WritePlan(&buf, p.Title, header, cells, notes); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	y := strconv.Itoa(p.Year)
	attachment(w, xlsxType, "plan-"+y+".xlsx", y+"年度抽查计划.xlsx")
	_, _ = buf.WriteTo(w)
}

// adjustmentLine is one published adjustment as a dated sentence.
func adjustmentLine(pr interface {
	T(string, ...any) string
}, a *domain.Adjustment) string {
	return pr.T("plan.adjustment.line", "date", domain.DateOf(a.DecidedAt.Local()).String(), "task", a.TaskName,
		"kind", pr.T("plan.adjkind."+string(a.Kind)), "before", a.Before, "after", a.After, "reason", a.Reason)
}
