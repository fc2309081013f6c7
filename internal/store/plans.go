package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// This file keeps the annual plans and their tasks and batches, and moves
// them along the one lifecycle of domain.Transitions. Adjustments are in
// plans_adjust.go, the draw's selections, dispatch and visits in
// plans_visits.go, the inbox in notices.go.

const planCols = `id, year, title, state, cap_a, cap_b, cap_c, cap_d, merge_policy, filed_at, filed_by, published_at, published_by, updated_at`

func scanPlan(sc interface{ Scan(...any) error }, p *domain.Plan) error {
	var caps [4]int
	err := sc.Scan(&p.ID, &p.Year, &p.Title, &p.State, &caps[0], &caps[1], &caps[2], &caps[3], &p.MergePolicy,
		timeCol{&p.FiledAt}, &p.FiledBy, timeCol{&p.PublishedAt}, &p.PublishedBy, timeCol{&p.UpdatedAt})
	p.Caps = map[domain.RiskClass]int{}
	for i, c := range domain.RiskClasses {
		if caps[i] > 0 {
			p.Caps[c] = caps[i]
		}
	}
	return err
}

func (s *Store) getPlan(ctx context.Context, q querier, col string, v any) (*domain.Plan, error) {
	var p domain.Plan
	err := scanPlan(q.QueryRowContext(ctx, "SELECT "+planCols+" FROM plans WHERE "+col+" = $1", v), &p)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("GetPlan")
	}
	if err != nil {
		return nil, internal("GetPlan", err)
	}
	return &p, nil
}

// CreatePlan opens the annual plan of p.Year (the office). A year has one
// plan; its tasks are then drafted by the lead departments.
func (s *Store) CreatePlan(ctx context.Context, a domain.Actor, p *domain.Plan) error {
	const op = "CreatePlan"
	if err := domain.Require("store."+op, a, domain.ActFilePlan, 0); err != nil {
		return err
	}
	domain.NormalizePlan(p)
	if err := domain.ValidatePlan(p).Err(); err != nil {
		return err
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		p.State, p.UpdatedAt = domain.StateDraft, s.clock()
		err := tx.QueryRowContext(ctx, `INSERT INTO plans (year, title, state, cap_a, cap_b, cap_c, cap_d, merge_policy, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, p.Year, p.Title, string(p.State),
			p.Caps[domain.RiskA], p.Caps[domain.RiskB], p.Caps[domain.RiskC], p.Caps[domain.RiskD], string(p.MergePolicy), s.ts(p.UpdatedAt)).Scan(&p.ID)
		if isUnique(err) {
			return domain.E("store."+op, domain.KindConflict, "err.plan.year_taken", "year", p.Year).WithField(domain.FieldPlanYear)
		}
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auditRec{Action: "plan.create", ObjectType: "plan", ObjectKey: strconv.Itoa(p.Year), After: p})
	})
}

// SavePlanSettings changes a plan's title and its 无事不扰 settings: the
// yearly cap of visits per business per risk class and the merge policy
// (the office). Only dispatches after the change follow the new settings.
func (s *Store) SavePlanSettings(ctx context.Context, a domain.Actor, p *domain.Plan) error {
	const op = "SavePlanSettings"
	if err := domain.Require("store."+op, a, domain.ActFilePlan, 0); err != nil {
		return err
	}
	domain.NormalizePlan(p)
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		old, err := s.getPlan(ctx, tx, "id", p.ID)
		if err != nil {
			return err
		}
		p.Year = old.Year
		if err := domain.ValidatePlan(p).Err(); err != nil {
			return err
		}
		p.UpdatedAt = s.clock()
		if _, err := tx.ExecContext(ctx, `UPDATE plans SET title = $1, cap_a = $2, cap_b = $3, cap_c = $4, cap_d = $5, merge_policy = $6, updated_at = $7 WHERE id = $8`,
			p.Title, p.Caps[domain.RiskA], p.Caps[domain.RiskB], p.Caps[domain.RiskC], p.Caps[domain.RiskD], string(p.MergePolicy), s.ts(p.UpdatedAt), p.ID); err != nil {
			return err
		}
		np, err := s.getPlan(ctx, tx, "id", p.ID)
		if err != nil {
			return err
		}
		*p = *np
		return s.audit(ctx, tx, a, auditRec{Action: "plan.settings", ObjectType: "plan", ObjectKey: strconv.Itoa(p.Year), Before: old, After: p})
	})
}

// GetPlan returns one plan by ID.
func (s *Store) GetPlan(ctx context.Context, a domain.Actor, id int64) (*domain.Plan, error) {
	if err := domain.Require("store.GetPlan", a, domain.ActViewPlans, 0); err != nil {
		return nil, err
	}
	return s.getPlan(ctx, s.read, "id", id)
}

// GetPlanByYear returns the plan of a year; KindNotFound if none.
func (s *Store) GetPlanByYear(ctx context.Context, a domain.Actor, year int) (*domain.Plan, error) {
	if err := domain.Require("store.GetPlanByYear", a, domain.ActViewPlans, 0); err != nil {
		return nil, err
	}
	return s.getPlan(ctx, s.read, "year", year)
}

// ListPlans returns every plan, newest year first.
func (s *Store) ListPlans(ctx context.Context, a domain.Actor) ([]domain.Plan, error) {
	if err := domain.Require("store.ListPlans", a, domain.ActViewPlans, 0); err != nil {
		return nil, err
	}
	return s.listPlans(ctx, "")
}

// PublishedPlans returns the published plans, newest first: the portal's.
func (s *Store) PublishedPlans(ctx context.Context) ([]domain.Plan, error) {
	return s.listPlans(ctx, " WHERE state = 'published'")
}

func (s *Store) listPlans(ctx context.Context, where string) ([]domain.Plan, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT "+planCols+" FROM plans"+where+" ORDER BY year DESC")
	if err != nil {
		return nil, internal("ListPlans", err)
	}
	defer rows.Close()
	out := []domain.Plan{}
	for rows.Next() {
		var p domain.Plan
		if err := scanPlan(rows, &p); err != nil {
			return nil, internal("ListPlans", err)
		}
		out = append(out, p)
	}
	return out, internal("ListPlans", rows.Err())
}

// --- tasks ---------------------------------------------------------------------

const taskCols = `t.id, t.plan_id, p.year, t.seq, t.industry_code, t.lead_department_id, t.name, t.list_version_id, t.scope_kinds, t.scope_townships,
t.scope_statuses, t.implementer, t.ratio_a, t.ratio_b, t.ratio_c, t.ratio_d, t.note, t.state, t.remark, t.updated_at`

const taskFrom = ` FROM plan_tasks t JOIN plans p ON p.id = t.plan_id`

func scanTask(sc interface{ Scan(...any) error }, t *domain.Task) error {
	var kinds, towns, statuses string
	var r [4]int
	err := sc.Scan(&t.ID, &t.PlanID, &t.Year, &t.Seq, &t.IndustryCode, &t.LeadDepartmentID, &t.Name, nullID{&t.ListVersionID},
		&kinds, &towns, &statuses, &t.Implementer, &r[0], &r[1], &r[2], &r[3], &t.Note, &t.State, &t.Remark, timeCol{&t.UpdatedAt})
	t.Scope = domain.Scope{Kinds: splitCodes[domain.EntityKind](kinds), Townships: splitCodes[string](towns), Statuses: splitCodes[domain.RegStatus](statuses)}
	t.Ratios = domain.Ratios{}
	for i, c := range domain.RiskClasses {
		t.Ratios[c] = domain.Ratio(r[i])
	}
	return err
}

func splitCodes[T ~string](s string) []T {
	out := []T{}
	if s == "" {
		return out
	}
	for _, p := range strings.Split(s, ",") {
		out = append(out, T(p))
	}
	return out
}

func joinCodes[T ~string](xs []T) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = string(x)
	}
	return strings.Join(parts, ",")
}

// getTask reads a task with its departments, items and batches.
func (s *Store) getTask(ctx context.Context, q querier, id int64) (*domain.Task, error) {
	var t domain.Task
	err := scanTask(q.QueryRowContext(ctx, "SELECT "+taskCols+taskFrom+" WHERE t.id = $1", id), &t)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("GetTask")
	}
	if err != nil {
		return nil, internal("GetTask", err)
	}
	if err := s.loadTaskParts(ctx, q, &t); err != nil {
		return nil, internal("GetTask", err)
	}
	return &t, nil
}

func (s *Store) loadTaskParts(ctx context.Context, q querier, t *domain.Task) error {
	rows, err := q.QueryContext(ctx, `SELECT department_id, division FROM task_departments WHERE task_id = $1 ORDER BY position`, t.ID)
	if err != nil {
		return err
	}
	t.Departments = []domain.TaskDepartment{}
	for rows.Next() {
		var d domain.TaskDepartment
		if err := rows.Scan(&d.DepartmentID, &d.Division); err != nil {
			rows.Close()
			return err
		}
		d.Lead, d.ItemIDs = d.DepartmentID == t.LeadDepartmentID, []int64{}
		t.Departments = append(t.Departments, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = q.QueryContext(ctx, `SELECT department_id, item_id FROM task_items WHERE task_id = $1 ORDER BY position`, t.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var dept, item int64
		if err := rows.Scan(&dept, &item); err != nil {
			rows.Close()
			return err
		}
		if d := t.Department(dept); d != nil {
			d.ItemIDs = append(d.ItemIDs, item)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	t.Batches, err = s.taskBatches(ctx, q, t.ID)
	return err
}

const batchCols = `b.id, b.task_id, b.seq, b.start_on, b.end_on, b.state,
(SELECT count(*) FROM batch_selection x WHERE x.batch_id = b.id),
(SELECT count(*) FROM visit_batches x WHERE x.batch_id = b.id)`

func scanBatch(sc interface{ Scan(...any) error }, b *domain.Batch) error {
	return sc.Scan(&b.ID, &b.TaskID, &b.Seq, dateCol{&b.Window.Start}, dateCol{&b.Window.End}, &b.State, &b.Selected, &b.Visits)
}

func (s *Store) taskBatches(ctx context.Context, q querier, taskID int64) ([]domain.Batch, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+batchCols+" FROM task_batches b WHERE b.task_id = $1 ORDER BY b.seq", taskID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []domain.Batch{}
	for rows.Next() {
		var b domain.Batch
		if err := scanBatch(rows, &b); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// GetTask returns one task with its departments, items, batches and its
// live 基数 per risk class. A draft is seen by its lead department and the
// office (and the discipline office) only.
func (s *Store) GetTask(ctx context.Context, a domain.Actor, id int64) (*domain.Task, error) {
	const op = "GetTask"
	if err := domain.Require("store."+op, a, domain.ActViewPlans, 0); err != nil {
		return nil, err
	}
	t, err := s.getTask(ctx, s.read, id)
	if err != nil {
		return nil, err
	}
	if !canSeeTask(a, t.LeadDepartmentID, t.State) {
		return nil, notFound(op)
	}
	if t.Base, err = s.taskBase(ctx, s.read, t); err != nil {
		return nil, internal(op, err)
	}
	return t, nil
}

// canSeeTask: drafts and tasks returned for rework are their lead
// department's business until lodged with the office.
func canSeeTask(a domain.Actor, lead int64, st domain.State) bool {
	if st != domain.StateDraft {
		return true
	}
	return a.Role == domain.RoleOffice || a.Role == domain.RoleDiscipline || (a.Role == domain.RoleDepartment && a.DepartmentID == lead)
}

// TaskFilter selects a plan's tasks.
type TaskFilter struct {
	PlanID       int64
	DepartmentID int64 // tasks the department leads or joins
	State        domain.State
}

// ListTasks returns a plan's tasks in plan order (序号, then drafts by
// creation), with departments, items and batches; drafts of other
// departments are left out as GetTask does.
func (s *Store) ListTasks(ctx context.Context, a domain.Actor, f TaskFilter) ([]domain.Task, error) {
	const op = "ListTasks"
	if err := domain.Require("store."+op, a, domain.ActViewPlans, 0); err != nil {
		return nil, err
	}
	if err := refuseBadText(op, "state", string(f.State)); err != nil {
		return nil, err
	}
	ts, err := s.listTasks(ctx, f)
	if err != nil {
		return nil, err
	}
	out := ts[:0]
	for _, t := range ts {
		if canSeeTask(a, t.LeadDepartmentID, t.State) {
			out = append(out, t)
		}
	}
	return out, nil
}

func (s *Store) listTasks(ctx context.Context, f TaskFilter) ([]domain.Task, error) {
	const op = "ListTasks"
	var args sqlArgs
	where := []string{"t.plan_id = " + args.add(f.PlanID)}
	if f.DepartmentID != 0 {
		where = append(where, "t.id IN (SELECT task_id FROM task_departments WHERE department_id = "+args.add(f.DepartmentID)+")")
	}
	if f.State != "" {
		where = append(where, "t.state = "+args.add(string(f.State)))
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+taskCols+taskFrom+" WHERE "+strings.Join(where, " AND ")+
		" ORDER BY CASE WHEN t.seq = 0 THEN 1 ELSE 0 END, t.seq, t.id", args...)
	if err != nil {
		return nil, internal(op, err)
	}
	out := []domain.Task{}
	for rows.Next() {
		var t domain.Task
		if err := scanTask(rows, &t); err != nil {
			rows.Close()
			return nil, internal(op, err)
		}
		out = append(out, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal(op, err)
	}
	for i := range out {
		if err := s.loadTaskParts(ctx, s.read, &out[i]); err != nil {
			return nil, internal(op, err)
		}
	}
	return out, nil
}

// TaskBase counts the businesses in a task's scope per risk class, now
// (the live 基数). Counts are public: the portal shows them beside the
// ratios.
func (s *Store) TaskBase(ctx context.Context, t *domain.Task) (map[domain.RiskClass]int, error) {
	b, err := s.taskBase(ctx, s.read, t)
	return b, internal("TaskBase", err)
}

// PublishedTasks returns the tasks of a published plan as the public sees
// them: every task that was published, in 序号 order, whatever became of it
// since (cancelled, closed); never drafts.
func (s *Store) PublishedTasks(ctx context.Context, planID int64) ([]domain.Task, error) {
	ts, err := s.listTasks(ctx, TaskFilter{PlanID: planID})
	if err != nil {
		return nil, err
	}
	out := ts[:0]
	for _, t := range ts {
		if t.Seq > 0 {
			out = append(out, t)
		}
	}
	return out, nil
}

// taskBase counts the businesses in a task's scope per risk class, now.
func (s *Store) taskBase(ctx context.Context, q querier, t *domain.Task) (map[domain.RiskClass]int, error) {
	var args sqlArgs
	where := []string{"industry_code = " + args.add(t.IndustryCode)}
	in := func(col string, vals []string) {
		if len(vals) == 0 {
			return
		}
		names := make([]string, len(vals))
		for i, v := range vals {
			names[i] = args.add(v)
		}
		where = append(where, col+" IN ("+strings.Join(names, ", ")+")")
	}
	in("kind", strs(t.Scope.Kinds))
	in("township_code", t.Scope.Townships)
	in("status", strs(t.Scope.Statuses))
	rows, err := q.QueryContext(ctx, "SELECT risk_class, count(*) FROM entities WHERE "+strings.Join(where, " AND ")+" GROUP BY risk_class", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[domain.RiskClass]int{}
	for _, c := range domain.RiskClasses {
		out[c] = 0
	}
	for rows.Next() {
		var c domain.RiskClass
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			return nil, err
		}
		out[c] = n
	}
	return out, rows.Err()
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// SaveTask creates (ID 0) or updates a draft task of a plan (a lead
// department for its own tasks, or the office). Only drafts are edited:
// a lodged or published task changes through the office or adjustments.
func (s *Store) SaveTask(ctx context.Context, a domain.Actor, t *domain.Task) error {
	const op = "SaveTask"
	if err := domain.Require("store."+op, a, domain.ActDraftTask, t.LeadDepartmentID); err != nil {
		return err
	}
	domain.NormalizeTask(t)
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		var before *domain.Task
		if t.ID != 0 {
			old, err := s.getTask(ctx, tx, t.ID)
			if err != nil {
				return err
			}
			if err := domain.Require("store."+op, a, domain.ActDraftTask, old.LeadDepartmentID); err != nil {
				return err
			}
			if old.State != domain.StateDraft {
				return domain.E("store."+op, domain.KindConflict, "err.plan.not_draft", "state", old.State)
			}
			before, t.PlanID = old, old.PlanID
		}
		plan, err := s.getPlan(ctx, tx, "id", t.PlanID)
		if err != nil {
			return err
		}
		t.Year = plan.Year
		v := domain.ValidateTask(t)
		v.Op = "store." + op
		if err := s.checkTaskRefs(ctx, tx, t, v); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		now := s.clock()
		t.State, t.UpdatedAt, t.Remark = domain.StateDraft, now, ""
		args := []any{t.IndustryCode, t.LeadDepartmentID, t.Name, idOrNull(t.ListVersionID), joinCodes(t.Scope.Kinds), joinCodes(t.Scope.Townships),
			joinCodes(t.Scope.Statuses), t.Implementer, int(t.Ratios[domain.RiskA]), int(t.Ratios[domain.RiskB]), int(t.Ratios[domain.RiskC]),
			int(t.Ratios[domain.RiskD]), t.Note, string(t.State), s.ts(now)}
		if before == nil {
			err = tx.QueryRowContext(ctx, `INSERT INTO plan_tasks (industry_code, lead_department_id, name, list_version_id, scope_kinds, scope_townships,
scope_statuses, implementer, ratio_a, ratio_b, ratio_c, ratio_d, note, state, updated_at, plan_id, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`, append(args, t.PlanID, s.ts(now))...).Scan(&t.ID)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE plan_tasks SET industry_code = $1, lead_department_id = $2, name = $3, list_version_id = $4,
scope_kinds = $5, scope_townships = $6, scope_statuses = $7, implementer = $8, ratio_a = $9, ratio_b = $10, ratio_c = $11, ratio_d = $12,
note = $13, state = $14, updated_at = $15, remark = '' WHERE id = $16`, append(args, t.ID)...)
		}
		if err != nil {
			return err
		}
		if err := s.writeTaskParts(ctx, tx, t); err != nil {
			return err
		}
		saved, err := s.getTask(ctx, tx, t.ID)
		if err != nil {
			return err
		}
		*t = *saved
		r := auditRec{Action: "task.create", ObjectType: "task", ObjectKey: strconv.FormatInt(t.ID, 10), Dept: t.LeadDepartmentID, After: t}
		if before != nil {
			r.Action, r.Before = "task.update", before
		}
		return s.audit(ctx, tx, a, r)
	})
}

// writeTaskParts replaces a draft's departments, items and batches.
func (s *Store) writeTaskParts(ctx context.Context, tx *sql.Tx, t *domain.Task) error {
	for _, q := range []string{"DELETE FROM task_items WHERE task_id = $1", "DELETE FROM task_departments WHERE task_id = $1", "DELETE FROM task_batches WHERE task_id = $1"} {
		if _, err := tx.ExecContext(ctx, q, t.ID); err != nil {
			return err
		}
	}
	pos := 0
	for i, d := range t.Departments {
		if _, err := tx.ExecContext(ctx, `INSERT INTO task_departments (task_id, department_id, position, division) VALUES ($1, $2, $3, $4)`,
			t.ID, d.DepartmentID, i, d.Division); err != nil {
			return err
		}
		for _, item := range d.ItemIDs {
			pos++
			if _, err := tx.ExecContext(ctx, `INSERT INTO task_items (task_id, department_id, item_id, position) VALUES ($1, $2, $3, $4)`,
				t.ID, d.DepartmentID, item, pos); err != nil {
				if isUnique(err) {
					return domain.E("store.SaveTask", domain.KindInvalid, "err.plan.item_twice", "item", item).WithField(domain.FieldTaskItems)
				}
				return err
			}
		}
	}
	now := s.ts(s.clock())
	for i, b := range t.Batches {
		if _, err := tx.ExecContext(ctx, `INSERT INTO task_batches (task_id, seq, start_on, end_on, state, updated_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			t.ID, i+1, date(b.Window.Start), date(b.Window.End), string(domain.StateDraft), now); err != nil {
			return err
		}
	}
	return nil
}

// checkTaskRefs adds the problems of a task's references: industry, lead
// and joint departments, townships of the scope, and the items from its
// joint-list version (see checkTaskItems).
func (s *Store) checkTaskRefs(ctx context.Context, q querier, t *domain.Task, v *domain.ValidationError) error {
	if t.IndustryCode != "" && domain.TextOK(t.IndustryCode) {
		ok, err := exists(ctx, q, "industries", "code", t.IndustryCode)
		if err != nil {
			return err
		}
		if !ok {
			v.Add(domain.FieldErr(domain.FieldTaskIndustry, t.IndustryCode, "err.unknown_industry"))
		}
	}
	for _, d := range t.Departments {
		ok, err := exists(ctx, q, "departments", "id", d.DepartmentID)
		if err != nil {
			return err
		}
		if !ok {
			v.Add(domain.FieldErr(domain.FieldTaskDepts, strconv.FormatInt(d.DepartmentID, 10), "err.unknown_department"))
		}
	}
	for _, tw := range t.Scope.Townships {
		if !domain.TextOK(tw) {
			continue
		}
		ok, err := exists(ctx, q, "townships", "code", tw)
		if err != nil {
			return err
		}
		if !ok {
			v.Add(domain.FieldErr(domain.FieldTaskScope, tw, "err.unknown_township"))
		}
	}
	return s.checkTaskItems(ctx, q, t, v)
}

// checkTaskItems checks a task against its joint-list version: it must
// be a published version of the task's industry, every department of the
// task must have a part in it, and every item must be in that part.
func (s *Store) checkTaskItems(ctx context.Context, q querier, t *domain.Task, v *domain.ValidationError) error {
	if t.ListVersionID == 0 {
		v.Add(domain.FieldErr(domain.FieldTaskList, "", "err.required"))
		return nil
	}
	ver, err := loadVersion(ctx, q, "v.id = $1", t.ListVersionID)
	if domain.IsKind(err, domain.KindNotFound) {
		v.Add(domain.FieldErr(domain.FieldTaskList, strconv.FormatInt(t.ListVersionID, 10), "err.plan.list_unknown"))
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case ver.Status != domain.ListPublished:
		v.Add(domain.FieldErr(domain.FieldTaskList, strconv.FormatInt(t.ListVersionID, 10), "err.plan.list_not_published"))
		return nil
	case ver.IndustryCode != t.IndustryCode:
		v.Add(domain.FieldErr(domain.FieldTaskList, ver.IndustryName, "err.plan.list_industry"))
		return nil
	}
	for _, d := range t.Departments {
		part := ver.Part(d.DepartmentID)
		if part == nil {
			v.Add(domain.FieldErr(domain.FieldTaskDepts, strconv.FormatInt(d.DepartmentID, 10), "err.plan.dept_not_in_list"))
			continue
		}
		for _, id := range d.ItemIDs {
			if !slices.ContainsFunc(part.Items, func(it domain.ListItem) bool { return it.ItemID == id }) {
				v.Add(domain.FieldErr(domain.FieldTaskItems, strconv.FormatInt(id, 10), "err.plan.item_not_in_list"))
			}
		}
	}
	return nil
}

// --- lifecycle -----------------------------------------------------------------

// stateChange moves one plan, task or batch from → to after checking the
// transition table and the right it names, and audits it. The UPDATE
// matches the old state too, so that two concurrent changes cannot both
// succeed.
func (s *Store) stateChange(ctx context.Context, tx *sql.Tx, a domain.Actor, op string, of domain.Lifecycle, id, dept int64, from, to domain.State, extra map[string]any) error {
	if err := domain.RequireTransition("store."+op, a, of, to, dept); err != nil {
		return err
	}
	tr, err := domain.CheckTransition("store."+op, of, from, to)
	if err != nil {
		return err
	}
	if err := domain.Require("store."+op, a, tr.Act, dept); err != nil {
		return err
	}
	table := map[domain.Lifecycle]string{domain.OfPlan: "plans", domain.OfTask: "plan_tasks", domain.OfBatch: "task_batches"}[of]
	res, err := tx.ExecContext(ctx, "UPDATE "+table+" SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4",
		string(to), s.ts(s.clock()), id, string(from))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return domain.E("store."+op, domain.KindConflict, "err.plan.changed")
	}
	after := map[string]any{"state": to}
	for k, v := range extra {
		after[k] = v
	}
	return s.audit(ctx, tx, a, auditRec{Action: string(of) + "." + string(to), ObjectType: string(of), ObjectKey: strconv.FormatInt(id, 10),
		Dept: dept, Before: map[string]any{"state": from}, After: after})
}

// SubmitTask lodges a draft task with the office for the plan (报备), by
// its lead department. Once the plan is published a new task joins it
// only through an add-task adjustment.
func (s *Store) SubmitTask(ctx context.Context, a domain.Actor, id int64) error {
	const op = "SubmitTask"
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		t, err := s.getTask(ctx, tx, id)
		if err != nil {
			return err
		}
		plan, err := s.getPlan(ctx, tx, "id", t.PlanID)
		if err != nil {
			return err
		}
		if plan.State == domain.StatePublished && t.State == domain.StateDraft {
			if err := domain.Require("store."+op, a, domain.ActDraftTask, t.LeadDepartmentID); err != nil {
				return err
			}
			return domain.E("store."+op, domain.KindConflict, "err.plan.use_adjustment")
		}
		if err := s.stateChange(ctx, tx, a, op, domain.OfTask, t.ID, t.LeadDepartmentID, t.State, domain.StateFiled, nil); err != nil {
			return err
		}
		return s.notify(ctx, tx, recipientOffice, "task_filed", map[string]any{"task": t.Name}, taskLink(t.ID), "task_filed:"+strconv.FormatInt(t.ID, 10)+":"+s.clock().Format(tsLayout))
	})
}

// ReturnTask sends a lodged task back to its lead department for rework,
// with the office's remark.
func (s *Store) ReturnTask(ctx context.Context, a domain.Actor, id int64, remark string) error {
	const op = "ReturnTask"
	remark = strings.TrimSpace(remark)
	v := &domain.ValidationError{Op: "store." + op}
	domain.CheckLongText(v, 0, domain.FieldAdjRemark, remark, true)
	if err := v.Err(); err != nil {
		return err
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		t, err := s.getTask(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.stateChange(ctx, tx, a, op, domain.OfTask, t.ID, t.LeadDepartmentID, t.State, domain.StateDraft, map[string]any{"remark": remark}); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE plan_tasks SET remark = $1 WHERE id = $2", remark, t.ID); err != nil {
			return err
		}
		return s.notify(ctx, tx, recipientDept(t.LeadDepartmentID), "task_returned", map[string]any{"task": t.Name, "remark": remark},
			taskLink(t.ID), "task_returned:"+strconv.FormatInt(t.ID, 10)+":"+s.clock().Format(tsLayout))
	})
}

// WithdrawTask cancels a draft task that will not be lodged (its lead
// department). A published task is cancelled by an adjustment instead.
func (s *Store) WithdrawTask(ctx context.Context, a domain.Actor, id int64) error {
	const op = "WithdrawTask"
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		t, err := s.getTask(ctx, tx, id)
		if err != nil {
			return err
		}
		if t.State == domain.StatePublished {
			if err := domain.Require("store."+op, a, domain.ActDraftTask, t.LeadDepartmentID); err != nil {
				return err
			}
			return domain.E("store."+op, domain.KindConflict, "err.plan.use_adjustment")
		}
		if err := s.stateChange(ctx, tx, a, op, domain.OfTask, t.ID, t.LeadDepartmentID, t.State, domain.StateCancelled, nil); err != nil {
			return err
		}
		for _, b := range t.Batches {
			if err := s.stateChange(ctx, tx, a, op, domain.OfBatch, b.ID, t.LeadDepartmentID, b.State, domain.StateCancelled, nil); err != nil {
				return err
			}
		}
		return nil
	})
}

// FilePlan records the plan as filed (备案) by the office: the tasks
// lodged so far are in it. A plan without a lodged task cannot be filed.
func (s *Store) FilePlan(ctx context.Context, a domain.Actor, id int64) error {
	const op = "FilePlan"
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		p, err := s.getPlan(ctx, tx, "id", id)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM plan_tasks WHERE plan_id = $1 AND state = 'filed'", id).Scan(&n); err != nil {
			return err
		}
		if n == 0 && p.State == domain.StateDraft {
			if err := domain.Require("store."+op, a, domain.ActFilePlan, 0); err != nil {
				return err
			}
			return domain.E("store."+op, domain.KindConflict, "err.plan.no_filed_tasks")
		}
		if err := s.stateChange(ctx, tx, a, op, domain.OfPlan, p.ID, 0, p.State, domain.StateFiled, map[string]any{"tasks": n}); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE plans SET filed_at = $1, filed_by = $2 WHERE id = $3", s.ts(s.clock()), actorName(a), p.ID)
		return err
	})
}

// ReopenPlan takes a filed plan back to draft (the office), e.g. to wait
// for a late department's tasks.
func (s *Store) ReopenPlan(ctx context.Context, a domain.Actor, id int64) error {
	const op = "ReopenPlan"
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		p, err := s.getPlan(ctx, tx, "id", id)
		if err != nil {
			return err
		}
		return s.stateChange(ctx, tx, a, op, domain.OfPlan, p.ID, 0, p.State, domain.StateDraft, nil)
	})
}

// PublishPlan publishes a filed plan (the office): every lodged task is
// published with its 序号 and its batches open for drawing; the lead and
// joint departments are told; the plan is appended to the transparency
// log in the same transaction. Drafts stay drafts (they may join later by
// an add-task adjustment).
func (s *Store) PublishPlan(ctx context.Context, a domain.Actor, id int64) error {
	const op = "PublishPlan"
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		p, err := s.getPlan(ctx, tx, "id", id)
		if err != nil {
			return err
		}
		if err := s.stateChange(ctx, tx, a, op, domain.OfPlan, p.ID, 0, p.State, domain.StatePublished, nil); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE plans SET published_at = $1, published_by = $2 WHERE id = $3", s.ts(s.clock()), actorName(a), p.ID); err != nil {
			return err
		}
		ids, err := queryIDs(ctx, tx, "SELECT id FROM plan_tasks WHERE plan_id = $1 AND state = 'filed' ORDER BY id", p.ID)
		if err != nil {
			return err
		}
		for _, tid := range ids {
			t, err := s.publishTask(ctx, tx, a, op, tid)
			if err != nil {
				return err
			}
			for _, d := range t.Departments {
				if err := s.notify(ctx, tx, recipientDept(d.DepartmentID), "plan_published", map[string]any{"year": p.Year, "task": t.Name},
					taskLink(t.ID), "plan_published:"+strconv.FormatInt(t.ID, 10)+":"+strconv.FormatInt(d.DepartmentID, 10)); err != nil {
					return err
				}
			}
		}
		return s.logPlan(ctx, tx, p.Year)
	})
}

// publishTask publishes one lodged task with the next 序号 of its plan and
// opens its batches.
func (s *Store) publishTask(ctx context.Context, tx *sql.Tx, a domain.Actor, op string, id int64) (*domain.Task, error) {
	t, err := s.getTask(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	var seq int
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(max(seq), 0) + 1 FROM plan_tasks WHERE plan_id = $1", t.PlanID).Scan(&seq); err != nil {
		return nil, err
	}
	if err := s.stateChange(ctx, tx, a, op, domain.OfTask, t.ID, t.LeadDepartmentID, t.State, domain.StatePublished, map[string]any{"seq": seq}); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE plan_tasks SET seq = $1 WHERE id = $2", seq, t.ID); err != nil {
		return nil, err
	}
	for _, b := range t.Batches {
		if err := s.stateChange(ctx, tx, a, op, domain.OfBatch, b.ID, t.LeadDepartmentID, b.State, domain.StatePublished, nil); err != nil {
			return nil, err
		}
	}
	t.Seq, t.State = seq, domain.StatePublished
	return t, nil
}

// batchTask reads a batch and its task.
func (s *Store) batchTask(ctx context.Context, q querier, batchID int64) (*domain.Batch, *domain.Task, error) {
	var taskID int64
	err := q.QueryRowContext(ctx, "SELECT task_id FROM task_batches WHERE id = $1", batchID).Scan(&taskID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, notFound("GetBatch")
	}
	if err != nil {
		return nil, nil, err
	}
	t, err := s.getTask(ctx, q, taskID)
	if err != nil {
		return nil, nil, err
	}
	return t.Batch(batchID), t, nil
}

// AdvanceBatch moves a batch one step along its lifecycle after dispatch:
// in progress, results complete, results published, closed (the lead
// department). Closing the last open batch closes the task. Drawing and
// dispatching have their own methods (SetBatchSelection, Dispatch), and
// delays and cancellations go through adjustments.
func (s *Store) AdvanceBatch(ctx context.Context, a domain.Actor, batchID int64, to domain.State) error {
	const op = "AdvanceBatch"
	switch to {
	case domain.StateInProgress, domain.StateResultsComplete, domain.StateResultsPublished, domain.StateClosed:
	default:
		return domain.E("store."+op, domain.KindInvalid, "err.bad_choice").WithField("state")
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		b, t, err := s.batchTask(ctx, tx, batchID)
		if err != nil {
			return err
		}
		if err := s.stateChange(ctx, tx, a, op, domain.OfBatch, b.ID, t.LeadDepartmentID, b.State, to, nil); err != nil {
			return err
		}
		if to == domain.StateClosed {
			return s.closeTaskIfDone(ctx, tx, a, op, t)
		}
		return nil
	})
}

// closeTaskIfDone closes a published task whose batches are all closed or
// cancelled.
func (s *Store) closeTaskIfDone(ctx context.Context, tx *sql.Tx, a domain.Actor, op string, t *domain.Task) error {
	var open int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM task_batches WHERE task_id = $1 AND state NOT IN ('closed', 'cancelled')", t.ID).Scan(&open); err != nil {
		return err
	}
	if open > 0 || t.State != domain.StatePublished {
		return nil
	}
	return s.stateChange(ctx, tx, a, op, domain.OfTask, t.ID, t.LeadDepartmentID, t.State, domain.StateClosed, nil)
}

func queryIDs(ctx context.Context, q querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func actorName(a domain.Actor) string {
	if a.Name != "" {
		return a.Name
	}
	return string(a.Role)
}

func taskLink(id int64) string { return "/staff/tasks/" + strconv.FormatInt(id, 10) }
