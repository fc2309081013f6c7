package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

type taskShowData struct {
	Plan        *domain.Plan
	Row         planRow
	Task        *domain.Task
	Adjustments []domain.Adjustment
	Reports     map[int64]*domain.DispatchReport // per dispatched batch
	Ref         *reference
	Kinds       []domain.AdjustmentKind
	Classes     []domain.RiskClass
	CanDraft    bool // the actor may draft for the task's lead department
	CanDispatch bool
	CanOffice   bool
	Pending     bool               // an adjustment awaits the office
	CanDraw     bool               // the actor may run the task's draws
	Draws       map[int64][]string // each batch's draws, oldest first
}

// showTask is one task: its columns, batches with their states and the
// dispatch button, its adjustments and the form to file one.
func (s *Server) showTask(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	t, err := s.store.GetTask(ctx, sess.Actor, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	data := &taskShowData{Task: t, Kinds: domain.AdjustmentKinds, Classes: domain.RiskClasses, Reports: map[int64]*domain.DispatchReport{},
		CanDraft: domain.Can(sess.Actor, domain.ActDraftTask, t.LeadDepartmentID), CanDispatch: domain.Can(sess.Actor, domain.ActDispatch, t.LeadDepartmentID),
		CanOffice: domain.Can(sess.Actor, domain.ActFilePlan, 0)}
	if data.Plan, err = s.store.GetPlan(ctx, sess.Actor, t.PlanID); err == nil {
		data.Ref, err = s.reference(ctx)
	}
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	rows, err := s.planRows(ctx, printer(r), data.Ref, []domain.Task{*t}, false)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	data.Row = rows[0]
	all, err := s.store.ListAdjustments(ctx, sess.Actor, t.PlanID)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	for _, a := range all {
		if a.TaskID == t.ID {
			data.Adjustments = append(data.Adjustments, a)
			data.Pending = data.Pending || a.State == domain.AdjFiled
		}
	}
	data.CanDraw, data.Draws = domain.Can(sess.Actor, domain.ActRunDraw, t.LeadDepartmentID), map[int64][]string{}
	for _, b := range t.Batches {
		if data.Draws[b.ID], err = s.store.DrawsOfBatch(ctx, b.ID); err != nil {
			s.fail(w, r, sess, err)
			return
		}
		if b.Visits > 0 {
			if data.Reports[b.ID], err = s.store.DispatchSummary(ctx, sess.Actor, b.ID); err != nil {
				s.fail(w, r, sess, err)
				return
			}
		}
	}
	pg := s.newPage(r, sess, "", data)
	pg.Title = t.Name
	pg.Nav = "plans"
	done(pg, r)
	s.render(w, r, http.StatusOK, pageTaskShow, pg)
}

// taskAction lodges (submit), returns or withdraws a task.
func (s *Server) taskAction(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	ctx, a := r.Context(), sess.Actor
	action := r.PathValue("action")
	switch action {
	case "submit":
		err = s.store.SubmitTask(ctx, a, id)
	case "return":
		err = s.store.ReturnTask(ctx, a, id, r.PostFormValue("remark"))
	case "withdraw":
		err = s.store.WithdrawTask(ctx, a, id)
	default:
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/staff/tasks/"+idString(id)+"?done="+action, http.StatusSeeOther)
}

// fileAdjustment files an adjustment of the task with the office.
func (s *Server) fileAdjustment(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	f := r.PostForm
	adj := &domain.Adjustment{TaskID: id, Kind: domain.AdjustmentKind(f.Get("kind")), Reason: f.Get("reason")}
	ve := &domain.ValidationError{Op: "web.fileAdjustment"}
	switch adj.Kind {
	case domain.AdjChangeRatio:
		adj.Ratios = domain.Ratios{}
		for _, c := range domain.RiskClasses {
			v, ok := domain.ParseRatio(f.Get("ratio_" + string(c)))
			if !ok {
				ve.Add(domain.FieldErr(domain.FieldTaskRatios, f.Get("ratio_"+string(c)), "err.plan.ratios"))
			}
			adj.Ratios[c] = v
		}
	case domain.AdjDelayBatch:
		adj.BatchID, _ = strconv.ParseInt(f.Get("batch"), 10, 64)
		adj.Window, err = windowOf(f.Get("start"), f.Get("end"))
		if err != nil {
			ve.Add(domain.FieldErr(domain.FieldAdjWindow, f.Get("start")+"～"+f.Get("end"), "err.bad_date"))
		}
	case domain.AdjChangeFrequency:
		for _, line := range strings.Split(f.Get("windows"), "\n") {
			a, b, _ := strings.Cut(strings.NewReplacer("～", "~", " ", "").Replace(strings.TrimSpace(line)), "~")
			if a == "" && b == "" {
				continue
			}
			wnd, err := windowOf(a, b)
			if err != nil {
				ve.Add(domain.FieldErr(domain.FieldAdjWindow, line, "err.bad_date"))
				continue
			}
			adj.Windows = append(adj.Windows, wnd)
		}
	}
	err = ve.Err()
	if err == nil {
		err = s.store.FileAdjustment(r.Context(), sess.Actor, adj)
	}
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/staff/tasks/"+idString(id)+"?done=adjustment_filed", http.StatusSeeOther)
}

func windowOf(start, end string) (domain.Window, error) {
	a, err := domain.ParseDate(strings.TrimSpace(start))
	if err != nil {
		return domain.Window{}, err
	}
	b, err := domain.ParseDate(strings.TrimSpace(end))
	return domain.Window{Start: a, End: b}, err
}

// adjustmentAction accepts or returns an adjustment (the office).
func (s *Server) adjustmentAction(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	ctx := r.Context()
	adj, err := s.store.GetAdjustment(ctx, sess.Actor, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	action := r.PathValue("action")
	switch action {
	case "accept":
		err = s.store.AcceptAdjustment(ctx, sess.Actor, id)
	case "return":
		err = s.store.ReturnAdjustment(ctx, sess.Actor, id, r.PostFormValue("remark"))
	default:
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/staff/plans/"+idString(adj.PlanID)+"/adjustments?done="+action, http.StatusSeeOther)
}

// batchAction dispatches a drawn batch or moves it along.
func (s *Server) batchAction(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	ctx := r.Context()
	action := r.PathValue("action")
	switch action {
	case "dispatch":
		_, err = s.store.Dispatch(ctx, sess.Actor, id)
	case "advance":
		err = s.store.AdvanceBatch(ctx, sess.Actor, id, domain.State(r.PostFormValue("to")))
	default:
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	task, _ := strconv.ParseInt(r.PostFormValue("task"), 10, 64)
	if task == 0 {
		http.Redirect(w, r, "/staff/visits?batch="+idString(id), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/staff/tasks/"+idString(task)+"?done="+action, http.StatusSeeOther)
}

type adjustmentListData struct {
	Plan        *domain.Plan
	Adjustments []domain.Adjustment
	Ref         *reference
	CanOffice   bool
}

// listAdjustments is the plan's adjustments, the waiting ones first with
// the office's accept and return buttons.
func (s *Server) listAdjustments(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	data := &adjustmentListData{CanOffice: domain.Can(sess.Actor, domain.ActFilePlan, 0)}
	if data.Plan, err = s.store.GetPlan(ctx, sess.Actor, id); err == nil {
		if data.Adjustments, err = s.store.ListAdjustments(ctx, sess.Actor, id); err == nil {
			data.Ref, err = s.reference(ctx)
		}
	}
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	pg := s.newPage(r, sess, "plan.adjustments.title", data)
	pg.Nav = "plans"
	done(pg, r)
	s.render(w, r, http.StatusOK, pageAdjustmentList, pg)
}
