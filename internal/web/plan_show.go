package web

import (
	"net/http"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

type planShowData struct {
	Plan     *domain.Plan
	Rows     []planRow
	Burden   *domain.Burden
	Deadline string
	Days     int
	Pending  int // adjustments awaiting the office
	Ref      *reference
	Policies []domain.MergePolicy
	Classes  []domain.RiskClass
	Public   bool // the portal's rendering: no actions
}

// showPlan is the annual plan in the standard columns, with the office's
// actions (file, publish, settings), the 无事不扰 ledger, and the links to
// draft a task, to the adjustments and to the XLSX download.
func (s *Server) showPlan(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p, err := s.store.GetPlan(ctx, sess.Actor, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	tasks, err := s.store.ListTasks(ctx, sess.Actor, store.TaskFilter{PlanID: id})
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	ref, err := s.reference(ctx)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	pr := printer(r)
	rows, err := s.planRows(ctx, pr, ref, tasks, true)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	burden, err := s.store.Burden(ctx, sess.Actor, p.Year)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	adjs, err := s.store.ListAdjustments(ctx, sess.Actor, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	data := &planShowData{Plan: p, Rows: rows, Burden: burden, Ref: ref, Policies: domain.MergePolicies, Classes: domain.RiskClasses}
	for _, a := range adjs {
		if a.State == domain.AdjFiled {
			data.Pending++
		}
	}
	data.Deadline, data.Days = p.DeadlineStatus(domain.DateOf(s.now()))
	pg := s.newPage(r, sess, "", data)
	pg.Title = p.Title
	pg.Nav = "plans"
	done(pg, r)
	s.render(w, r, http.StatusOK, pagePlanShow, pg)
}

// planAction files, reopens or publishes a plan (the office).
func (s *Server) planAction(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	ctx, a := r.Context(), sess.Actor
	action := r.PathValue("action")
	switch action {
	case "file":
		err = s.store.FilePlan(ctx, a, id)
	case "reopen":
		err = s.store.ReopenPlan(ctx, a, id)
	case "publish":
		err = s.store.PublishPlan(ctx, a, id)
	default:
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/staff/plans/"+idString(id)+"?done="+action, http.StatusSeeOther)
}

// savePlanSettings saves the caps per risk class and the merge policy.
func (s *Server) savePlanSettings(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := &domain.Plan{ID: id, Title: r.PostFormValue("title"), MergePolicy: domain.MergePolicy(r.PostFormValue("merge_policy")), Caps: map[domain.RiskClass]int{}}
	for _, c := range domain.RiskClasses {
		v := r.PostFormValue("cap_" + string(c))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			s.fail(w, r, sess, domain.E("web.savePlanSettings", domain.KindInvalid, "err.plan.cap").WithField(domain.FieldPlanCaps))
			return
		}
		p.Caps[c] = n
	}
	if err := s.store.SavePlanSettings(r.Context(), sess.Actor, p); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/staff/plans/"+idString(id)+"?done=settings", http.StatusSeeOther)
}
