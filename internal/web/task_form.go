package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

type taskFormData struct {
	Plan     *domain.Plan
	Task     *domain.Task
	Version  *domain.JointListVersion
	Versions []*domain.JointListVersion // step 1: the published lists to start from
	Ref      *reference
	Errors   *fieldErrors
	Action   string
	Ratios   map[domain.RiskClass]string
	Batches  []domain.Window // the task's windows and two empty rows
}

var taskFormFields = []string{domain.FieldTaskName, domain.FieldTaskLead, domain.FieldTaskList, domain.FieldTaskDepts, domain.FieldTaskItems,
	domain.FieldTaskDivision, domain.FieldTaskScope, domain.FieldTaskBody, domain.FieldTaskRatios, domain.FieldTaskBatches, domain.FieldTaskNote}

// showNewTask drafts a task of a plan. Step 1 picks the published joint
// list the task is built on; step 2 is the task prefilled from it.
func (s *Server) showNewTask(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	// The form only for who may save it (the store decides again on save).
	if err := domain.Require("web.showNewTask", sess.Actor, domain.ActDraftTask, sess.Actor.DepartmentID); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p, err := s.store.GetPlan(ctx, sess.Actor, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	data := &taskFormData{Plan: p, Action: "/staff/plans/" + idString(id) + "/tasks"}
	if data.Ref, err = s.reference(ctx); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	vid, _ := strconv.ParseInt(r.URL.Query().Get("version"), 10, 64)
	if vid == 0 {
		all, err := s.store.CurrentJointListVersions(ctx)
		if err != nil {
			s.fail(w, r, sess, err)
			return
		}
		for _, v := range all {
			if sess.Actor.Role != domain.RoleDepartment || v.Part(sess.Actor.DepartmentID) != nil {
				data.Versions = append(data.Versions, v)
			}
		}
		s.renderTaskForm(w, r, sess, http.StatusOK, data)
		return
	}
	if data.Version, err = s.store.GetJointListVersion(ctx, sess.Actor, vid); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	data.Task = domain.TaskFromVersion(data.Version, p)
	data.Task.Name = data.Ref.Industry[data.Version.IndustryCode] + printer(r).T("plan.task.default_suffix")
	if sess.Actor.Role == domain.RoleDepartment && data.Version.Part(sess.Actor.DepartmentID) != nil {
		data.Task.LeadDepartmentID = sess.Actor.DepartmentID
	}
	s.renderTaskForm(w, r, sess, http.StatusOK, data)
}

// showEditTask edits a draft.
func (s *Server) showEditTask(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	t, err := s.store.GetTask(ctx, sess.Actor, id)
	if err == nil {
		err = domain.Require("web.showEditTask", sess.Actor, domain.ActDraftTask, t.LeadDepartmentID)
	}
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	data := &taskFormData{Task: t, Action: "/staff/tasks/" + idString(id)}
	if data.Plan, err = s.store.GetPlan(ctx, sess.Actor, t.PlanID); err == nil {
		data.Ref, err = s.reference(ctx)
	}
	if err == nil {
		data.Version, err = s.store.GetJointListVersion(ctx, sess.Actor, t.ListVersionID)
	}
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	s.renderTaskForm(w, r, sess, http.StatusOK, data)
}

func (s *Server) renderTaskForm(w http.ResponseWriter, r *http.Request, sess *session, status int, data *taskFormData) {
	if t := data.Task; t != nil {
		data.Ratios = map[domain.RiskClass]string{}
		for _, c := range domain.RiskClasses {
			data.Ratios[c] = strings.TrimSuffix(t.Ratios[c].String(), "%")
		}
		for _, b := range t.Batches {
			data.Batches = append(data.Batches, b.Window)
		}
		data.Batches = append(data.Batches, domain.Window{}, domain.Window{})
	}
	title := "plan.task.new.title"
	if data.Task != nil && data.Task.ID != 0 {
		title = "plan.task.edit.title"
	}
	pg := s.newPage(r, sess, title, data)
	pg.Nav = "plans"
	if data.Errors != nil && len(data.Errors.General) > 0 {
		pg.Error = strings.Join(data.Errors.General, printer(r).T("plan.semicolon"))
	}
	s.render(w, r, status, pageTaskForm, pg)
}

// taskFromForm reads the task form over t (a new task from its version,
// or the stored draft). Unparsable ratios and dates become validation
// errors of their fields, reported with the store's.
func taskFromForm(f url.Values, t *domain.Task, v *domain.JointListVersion) *domain.ValidationError {
	ve := &domain.ValidationError{Op: "web.taskForm"}
	t.Name, t.Implementer, t.Note = f.Get("name"), f.Get("implementer"), f.Get("note")
	if lead, err := strconv.ParseInt(f.Get("lead"), 10, 64); err == nil {
		t.LeadDepartmentID = lead
	}
	t.Departments = nil
	for _, p := range v.Parts {
		key := idString(p.DepartmentID)
		if p.DepartmentID != t.LeadDepartmentID && f.Get("dept_"+key) == "" {
			continue
		}
		d := domain.TaskDepartment{DepartmentID: p.DepartmentID, Division: f.Get("division_" + key), ItemIDs: []int64{}}
		for _, s := range f["item_"+key] {
			if id, err := strconv.ParseInt(s, 10, 64); err == nil {
				d.ItemIDs = append(d.ItemIDs, id)
			}
		}
		t.Departments = append(t.Departments, d)
	}
	t.Scope = domain.Scope{}
	for _, k := range f["kind"] {
		t.Scope.Kinds = append(t.Scope.Kinds, domain.EntityKind(k))
	}
	t.Scope.Townships = slices.Clone(f["township"])
	for _, st := range f["status"] {
		t.Scope.Statuses = append(t.Scope.Statuses, domain.RegStatus(st))
	}
	t.Ratios = domain.Ratios{}
	for _, c := range domain.RiskClasses {
		r, ok := domain.ParseRatio(f.Get("ratio_" + string(c)))
		if !ok {
			ve.Add(domain.FieldErr(domain.FieldTaskRatios, f.Get("ratio_"+string(c)), "err.plan.ratios"))
			continue
		}
		t.Ratios[c] = r
	}
	t.Batches = nil
	starts, ends := f["batch_start"], f["batch_end"]
	for i := range starts {
		end := ""
		if i < len(ends) {
			end = ends[i]
		}
		if strings.TrimSpace(starts[i]) == "" && strings.TrimSpace(end) == "" {
			continue
		}
		a, err1 := domain.ParseDate(strings.TrimSpace(starts[i]))
		b, err2 := domain.ParseDate(strings.TrimSpace(end))
		if err1 != nil || err2 != nil {
			ve.Add(domain.FieldErr(domain.FieldTaskBatches, starts[i]+"～"+end, "err.bad_date"))
			continue
		}
		t.Batches = append(t.Batches, domain.Batch{Window: domain.Window{Start: a, End: b}})
	}
	return ve
}

// createTask saves a new draft from the form.
func (s *Server) createTask(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p, err := s.store.GetPlan(ctx, sess.Actor, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	vid, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	v, err := s.store.GetJointListVersion(ctx, sess.Actor, vid)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	t := domain.TaskFromVersion(v, p)
	s.saveTaskForm(w, r, sess, &taskFormData{Plan: p, Task: t, Version: v, Action: "/staff/plans/" + idString(id) + "/tasks"})
}

// updateTask saves an edited draft.
func (s *Server) updateTask(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	t, err := s.store.GetTask(ctx, sess.Actor, id)
	if err == nil {
		err = domain.Require("web.showEditTask", sess.Actor, domain.ActDraftTask, t.LeadDepartmentID)
	}
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	data := &taskFormData{Task: t, Action: "/staff/tasks/" + idString(id)}
	if data.Plan, err = s.store.GetPlan(ctx, sess.Actor, t.PlanID); err == nil {
		data.Version, err = s.store.GetJointListVersion(ctx, sess.Actor, t.ListVersionID)
	}
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	s.saveTaskForm(w, r, sess, data)
}

func (s *Server) saveTaskForm(w http.ResponseWriter, r *http.Request, sess *session, data *taskFormData) {
	ve := taskFromForm(r.PostForm, data.Task, data.Version)
	err := ve.Err()
	if err == nil {
		err = s.store.SaveTask(r.Context(), sess.Actor, data.Task)
	}
	if err != nil {
		fe, ok := formErrorsOf(printer(r), err, taskFormFields...)
		if !ok {
			s.fail(w, r, sess, err)
			return
		}
		var rerr error
		if data.Ref, rerr = s.reference(r.Context()); rerr != nil {
			s.fail(w, r, sess, rerr)
			return
		}
		data.Errors = fe
		s.renderTaskForm(w, r, sess, formStatus(err), data)
		return
	}
	http.Redirect(w, r, "/staff/tasks/"+idString(data.Task.ID)+"?done=saved", http.StatusSeeOther)
}
