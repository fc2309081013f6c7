package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// SetBatchSelection records the draw's result for a published (or
// delayed) batch: the selected businesses in draw order, each with its
// inspector team, and moves the batch to drawn. This is the method the
// draw (issue 5) calls inside its own flow; until the draw exists, tests
// and the demo call it with a fixed selection. A drawn batch's selection
// is never replaced: a redraw is a new batch (adjustment), not an edit.
func (s *Store) SetBatchSelection(ctx context.Context, a domain.Actor, batchID int64, sel []domain.Selected) error {
	const op = "SetBatchSelection"
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		return s.SetBatchSelectionTx(ctx, tx, a, batchID, sel)
	})
}

// SetBatchSelectionTx is SetBatchSelection inside the caller's
// transaction, for the draw to write its record and the selection at once.
func (s *Store) SetBatchSelectionTx(ctx context.Context, tx *sql.Tx, a domain.Actor, batchID int64, sel []domain.Selected) error {
	const op = "SetBatchSelection"
	b, t, err := s.batchTask(ctx, tx, batchID)
	if err != nil {
		return err
	}
	if err := s.stateChange(ctx, tx, a, op, domain.OfBatch, b.ID, t.LeadDepartmentID, b.State, domain.StateDrawn, map[string]any{"selected": len(sel)}); err != nil {
		return err
	}
	v := &domain.ValidationError{Op: "store." + op}
	seen := map[int64]bool{}
	for i, x := range sel {
		row := strconv.Itoa(i + 1)
		if seen[x.EntityID] {
			v.Add(domain.FieldErr(domain.FieldSelection, row, "err.duplicate"))
			continue
		}
		seen[x.EntityID] = true
		ok, err := exists(ctx, tx, "entities", "id", x.EntityID)
		if err != nil {
			return err
		}
		if !ok {
			v.Add(domain.FieldErr(domain.FieldSelection, row, "err.plan.unknown_entity", "n", i+1))
			continue
		}
		if len(x.InspectorIDs) == 0 {
			v.Add(domain.FieldErr(domain.FieldSelectionTeam, row, "err.plan.team_empty", "n", i+1))
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO batch_selection (batch_id, entity_id, position) VALUES ($1, $2, $3)", b.ID, x.EntityID, i+1); err != nil {
			return err
		}
		for j, in := range x.InspectorIDs {
			ok, err := exists(ctx, tx, "inspectors", "id", in)
			if err != nil {
				return err
			}
			if !ok {
				v.Add(domain.FieldErr(domain.FieldSelectionTeam, row, "err.unknown_inspector"))
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO batch_team (batch_id, entity_id, inspector_id, position) VALUES ($1, $2, $3, $4)
ON CONFLICT (batch_id, entity_id, inspector_id) DO NOTHING`, b.ID, x.EntityID, in, j+1); err != nil {
				return err
			}
		}
	}
	return v.Err()
}

// BatchSelection returns a batch's selection in draw order.
func (s *Store) BatchSelection(ctx context.Context, a domain.Actor, batchID int64) ([]domain.Selected, error) {
	const op = "BatchSelection"
	if err := domain.Require("store."+op, a, domain.ActViewPlans, 0); err != nil {
		return nil, err
	}
	return s.batchSelection(ctx, s.read, batchID)
}

func (s *Store) batchSelection(ctx context.Context, q querier, batchID int64) ([]domain.Selected, error) {
	rows, err := q.QueryContext(ctx, `SELECT x.entity_id, t.inspector_id FROM batch_selection x
LEFT JOIN batch_team t ON t.batch_id = x.batch_id AND t.entity_id = x.entity_id
WHERE x.batch_id = $1 ORDER BY x.position, t.position`, batchID)
	if err != nil {
		return nil, internal("BatchSelection", err)
	}
	defer rows.Close()
	out := []domain.Selected{}
	for rows.Next() {
		var e int64
		var in sql.NullInt64
		if err := rows.Scan(&e, &in); err != nil {
			return nil, internal("BatchSelection", err)
		}
		if len(out) == 0 || out[len(out)-1].EntityID != e {
			out = append(out, domain.Selected{EntityID: e, InspectorIDs: []int64{}})
		}
		if in.Valid {
			out[len(out)-1].InspectorIDs = append(out[len(out)-1].InspectorIDs, in.Int64)
		}
	}
	return out, internal("BatchSelection", rows.Err())
}

// Dispatch is one-click dispatch (一键分发) of a drawn batch: for every
// selected business it creates the joint visit (or joins one), each
// department's part with its items, each inspector's assignment, and puts
// a notice in each department's and inspector's inbox; the batch becomes
// dispatched. 无事不扰 is applied here: a business another task already
// visits in an overlapping window is merged into that visit or left out
// with the reason recorded, as the plan's merge policy says, and a
// business at its risk class's yearly cap is left out.
//
// Dispatch is idempotent: on a batch already dispatched it creates
// nothing and reports what the first dispatch did, with Again set.
func (s *Store) Dispatch(ctx context.Context, a domain.Actor, batchID int64) (*domain.DispatchReport, error) {
	const op = "Dispatch"
	var rep *domain.DispatchReport
	err := s.inTx(ctx, op, func(tx *sql.Tx) error {
		b, t, err := s.batchTask(ctx, tx, batchID)
		if err != nil {
			return err
		}
		if err := domain.Require("store."+op, a, domain.ActDispatch, t.LeadDepartmentID); err != nil {
			return err
		}
		switch b.State {
		case domain.StateDispatched, domain.StateInProgress, domain.StateResultsComplete, domain.StateResultsPublished, domain.StateClosed:
			rep, err = s.dispatchSummary(ctx, tx, b.ID)
			return err
		}
		plan, err := s.getPlan(ctx, tx, "id", t.PlanID)
		if err != nil {
			return err
		}
		rep = &domain.DispatchReport{BatchID: b.ID, Exclusions: []domain.Exclusion{}}
		if err := s.stateChange(ctx, tx, a, op, domain.OfBatch, b.ID, t.LeadDepartmentID, b.State, domain.StateDispatched, nil); err != nil {
			return err
		}
		sel, err := s.batchSelection(ctx, tx, b.ID)
		if err != nil {
			return err
		}
		d := &dispatcher{s: s, tx: tx, plan: plan, task: t, batch: b, rep: rep, inspectors: map[int64]int{}}
		for _, x := range sel {
			if err := d.one(ctx, x); err != nil {
				return err
			}
		}
		if err := d.notices(ctx); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auditRec{Action: "batch.dispatch_report", ObjectType: "batch", ObjectKey: strconv.FormatInt(b.ID, 10), Dept: t.LeadDepartmentID, After: rep})
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// dispatcher holds one dispatch's state.
type dispatcher struct {
	s          *Store
	tx         *sql.Tx
	plan       *domain.Plan
	task       *domain.Task
	batch      *domain.Batch
	rep        *domain.DispatchReport
	inspectors map[int64]int // visits per inspector, for their notices
}

// one dispatches one selected business.
func (d *dispatcher) one(ctx context.Context, x domain.Selected) error {
	tx, b := d.tx, d.batch
	var code, name string
	var risk domain.RiskClass
	if err := tx.QueryRowContext(ctx, "SELECT code, name, risk_class FROM entities WHERE id = $1", x.EntityID).Scan(&code, &name, &risk); err != nil {
		return err
	}
	exclude := func(reason domain.ExclusionReason, visit int64) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO batch_exclusions (batch_id, entity_id, reason, visit_id) VALUES ($1, $2, $3, $4)
ON CONFLICT (batch_id, entity_id) DO NOTHING`, b.ID, x.EntityID, string(reason), idOrNull(visit)); err != nil {
			return err
		}
		d.rep.Excluded++
		d.rep.Exclusions = append(d.rep.Exclusions, domain.Exclusion{EntityID: x.EntityID, EntityCode: code, EntityName: name, Reason: reason, VisitID: visit})
		return nil
	}
	// Another task's visit of this business whose window overlaps ours.
	var other int64
	var otherState domain.VisitState
	err := tx.QueryRowContext(ctx, `SELECT id, state FROM visits WHERE entity_id = $1 AND year = $2 AND state <> 'cancelled'
AND start_on <= $3 AND end_on >= $4 ORDER BY id LIMIT 1`, x.EntityID, d.plan.Year, date(b.Window.End), date(b.Window.Start)).Scan(&other, &otherState)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return err
	default:
		// Only a visit still waiting to happen can take more items; one
		// under way or done already saw the business in this window.
		if d.plan.MergePolicy == domain.MergeExclude || otherState != domain.VisitDispatched {
			return exclude(domain.ExcludeOverlap, other)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO visit_batches (batch_id, entity_id, visit_id, merged) VALUES ($1, $2, $3, $4)",
			b.ID, x.EntityID, other, true); err != nil {
			return err
		}
		d.rep.Merged++
		return d.fill(ctx, other, x)
	}
	if limit := d.plan.Caps[risk]; limit > 0 {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM visits WHERE entity_id = $1 AND year = $2 AND state <> 'cancelled'",
			x.EntityID, d.plan.Year).Scan(&n); err != nil {
			return err
		}
		if n >= limit {
			return exclude(domain.ExcludeCap, 0)
		}
	}
	now := d.s.ts(d.s.clock())
	var visit int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO visits (entity_id, risk_class, year, lead_department_id, start_on, end_on, state, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, x.EntityID, string(risk), d.plan.Year, d.task.LeadDepartmentID,
		date(b.Window.Start), date(b.Window.End), string(domain.VisitDispatched), now, now).Scan(&visit); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO visit_batches (batch_id, entity_id, visit_id, merged) VALUES ($1, $2, $3, $4)",
		b.ID, x.EntityID, visit, false); err != nil {
		return err
	}
	d.rep.Created++
	return d.fill(ctx, visit, x)
}

// fill adds the task's department parts, items and the team to a visit,
// leaving what is already there.
func (d *dispatcher) fill(ctx context.Context, visit int64, x domain.Selected) error {
	tx := d.tx
	now := d.s.ts(d.s.clock())
	for _, dep := range d.task.Departments {
		res, err := tx.ExecContext(ctx, `INSERT INTO visit_parts (visit_id, department_id, state, updated_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (visit_id, department_id) DO NOTHING`, visit, dep.DepartmentID, string(domain.PartPending), now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			d.rep.Parts++
		}
		var part, pos int64
		if err := tx.QueryRowContext(ctx, `SELECT p.id, COALESCE((SELECT max(position) FROM visit_part_items i WHERE i.part_id = p.id), 0)
FROM visit_parts p WHERE p.visit_id = $1 AND p.department_id = $2`, visit, dep.DepartmentID).Scan(&part, &pos); err != nil {
			return err
		}
		for _, item := range dep.ItemIDs {
			res, err := tx.ExecContext(ctx, `INSERT INTO visit_part_items (part_id, item_id, task_id, position) VALUES ($1, $2, $3, $4)
ON CONFLICT (part_id, item_id) DO NOTHING`, part, item, d.task.ID, pos+1)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				pos++
			}
		}
	}
	for _, in := range x.InspectorIDs {
		res, err := tx.ExecContext(ctx, `INSERT INTO visit_assignments (visit_id, inspector_id, department_id, batch_id)
SELECT $1, id, department_id, $2 FROM inspectors WHERE id = $3
ON CONFLICT (visit_id, inspector_id) DO NOTHING`, visit, d.batch.ID, in)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			d.rep.Assignments++
			d.inspectors[in]++
		}
	}
	return nil
}

// notices tells each department of the task and each assigned inspector.
func (d *dispatcher) notices(ctx context.Context) error {
	b, t := d.batch, d.task
	key := "dispatch:" + strconv.FormatInt(b.ID, 10) + ":"
	link := "/staff/visits?batch=" + strconv.FormatInt(b.ID, 10)
	visits := d.rep.Created + d.rep.Merged
	for _, dep := range t.Departments {
		ok, err := d.s.notifyCount(ctx, d.tx, recipientDept(dep.DepartmentID), "dispatch_department",
			map[string]any{"task": t.Name, "batch": b.Seq, "visits": visits}, link, key+recipientDept(dep.DepartmentID))
		if err != nil {
			return err
		}
		if ok {
			d.rep.Notices++
		}
	}
	for in, n := range d.inspectors {
		ok, err := d.s.notifyCount(ctx, d.tx, recipientInspector(in), "dispatch_inspector",
			map[string]any{"task": t.Name, "batch": b.Seq, "visits": n}, "/staff/visits?mine=1", key+recipientInspector(in))
		if err != nil {
			return err
		}
		if ok {
			d.rep.Notices++
		}
	}
	return nil
}

// dispatchSummary rebuilds the counts of an earlier dispatch of a batch.
func (s *Store) dispatchSummary(ctx context.Context, q querier, batchID int64) (*domain.DispatchReport, error) {
	rep := &domain.DispatchReport{BatchID: batchID, Again: true, Exclusions: []domain.Exclusion{}}
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(sum(CASE WHEN merged THEN 0 ELSE 1 END), 0), COALESCE(sum(CASE WHEN merged THEN 1 ELSE 0 END), 0)
FROM visit_batches WHERE batch_id = $1`, batchID).Scan(&rep.Created, &rep.Merged); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT x.entity_id, e.code, e.name, x.reason, x.visit_id FROM batch_exclusions x JOIN entities e ON e.id = x.entity_id
WHERE x.batch_id = $1 ORDER BY e.code`, batchID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var x domain.Exclusion
		if err := rows.Scan(&x.EntityID, &x.EntityCode, &x.EntityName, &x.Reason, nullID{&x.VisitID}); err != nil {
			return nil, err
		}
		rep.Exclusions = append(rep.Exclusions, x)
	}
	rep.Excluded = len(rep.Exclusions)
	return rep, rows.Err()
}

// DispatchSummary reports what the dispatch of a batch did (Again set),
// or an empty report for a batch not dispatched yet.
func (s *Store) DispatchSummary(ctx context.Context, a domain.Actor, batchID int64) (*domain.DispatchReport, error) {
	if err := domain.Require("store.DispatchSummary", a, domain.ActViewPlans, 0); err != nil {
		return nil, err
	}
	rep, err := s.dispatchSummary(ctx, s.read, batchID)
	return rep, internal("DispatchSummary", err)
}

// Burden is the 无事不扰 ledger of a year: joint visits, selections
// dispatched, merged and left out, and the separate visits avoided.
func (s *Store) Burden(ctx context.Context, a domain.Actor, year int) (*domain.Burden, error) {
	const op = "Burden"
	if err := domain.Require("store."+op, a, domain.ActViewPlans, 0); err != nil {
		return nil, err
	}
	return s.burden(ctx, year)
}

// PublicBurden is Burden for the portal: counts only, nothing private.
func (s *Store) PublicBurden(ctx context.Context, year int) (*domain.Burden, error) {
	return s.burden(ctx, year)
}

func (s *Store) burden(ctx context.Context, year int) (*domain.Burden, error) {
	const op = "Burden"
	b := &domain.Burden{Year: year}
	err := s.read.QueryRowContext(ctx, `SELECT
 (SELECT count(*) FROM visits WHERE year = $1 AND state <> 'cancelled'),
 (SELECT count(*) FROM visit_batches vb JOIN visits v ON v.id = vb.visit_id WHERE v.year = $1),
 (SELECT count(*) FROM visit_batches vb JOIN visits v ON v.id = vb.visit_id WHERE v.year = $1 AND vb.merged),
 (SELECT count(*) FROM batch_exclusions x JOIN task_batches tb ON tb.id = x.batch_id JOIN plan_tasks t ON t.id = tb.task_id
   JOIN plans p ON p.id = t.plan_id WHERE p.year = $1 AND x.reason = 'overlap'),
 (SELECT count(*) FROM batch_exclusions x JOIN task_batches tb ON tb.id = x.batch_id JOIN plan_tasks t ON t.id = tb.task_id
   JOIN plans p ON p.id = t.plan_id WHERE p.year = $1 AND x.reason = 'cap')`, year).
		Scan(&b.Visits, &b.Selections, &b.Merged, &b.ExcludedOverlap, &b.ExcludedCap)
	if err != nil {
		return nil, internal(op, err)
	}
	b.Selections += b.ExcludedOverlap + b.ExcludedCap
	b.Avoided = b.Merged + b.ExcludedOverlap
	return b, nil
}

// --- visits ---------------------------------------------------------------------

const visitCols = `v.id, v.entity_id, e.code, e.name, e.township_code, v.risk_class, v.year, v.lead_department_id, v.start_on, v.end_on, v.state, v.created_at,
EXISTS (SELECT 1 FROM visit_archives va WHERE va.visit_id = v.id)`

func scanVisit(sc interface{ Scan(...any) error }, v *domain.Visit) error {
	return sc.Scan(&v.ID, &v.EntityID, &v.EntityCode, &v.EntityName, &v.TownshipCode, &v.RiskClass, &v.Year, &v.LeadDepartmentID,
		dateCol{&v.Window.Start}, dateCol{&v.Window.End}, &v.State, timeCol{&v.CreatedAt}, &v.Archived)
}

// visitScope narrows a visit filter to what the actor may see: department
// staff see the visits their department has a part in, inspectors the
// visits they are assigned to; the office and the discipline office all.
func visitScope(a domain.Actor, f *domain.VisitFilter) {
	switch a.Role {
	case domain.RoleDepartment:
		f.DepartmentID = a.DepartmentID
	case domain.RoleInspector:
		f.InspectorID = a.InspectorID
		if a.InspectorID == 0 {
			f.InspectorID = -1
		}
	}
}

// ListVisits returns one page of joint visits, newest first, with the
// batches (tasks) each serves.
func (s *Store) ListVisits(ctx context.Context, a domain.Actor, f domain.VisitFilter) (*domain.List[domain.Visit], error) {
	const op = "ListVisits"
	if err := domain.Require("store."+op, a, domain.ActViewPlans, 0); err != nil {
		return nil, err
	}
	visitScope(a, &f)
	var args sqlArgs
	var where []string
	if f.Year != 0 {
		where = append(where, "v.year = "+args.add(f.Year))
	}
	if f.BatchID != 0 {
		where = append(where, "v.id IN (SELECT visit_id FROM visit_batches WHERE batch_id = "+args.add(f.BatchID)+")")
	}
	if f.DepartmentID != 0 {
		where = append(where, "v.id IN (SELECT visit_id FROM visit_parts WHERE department_id = "+args.add(f.DepartmentID)+")")
	}
	if f.InspectorID != 0 {
		where = append(where, "v.id IN (SELECT visit_id FROM visit_assignments WHERE inspector_id = "+args.add(f.InspectorID)+")")
	}
	if f.EntityID != 0 {
		where = append(where, "v.entity_id = "+args.add(f.EntityID))
	}
	if f.Township != "" {
		where = append(where, "v.entity_id IN (SELECT id FROM entities WHERE township_code = "+args.add(f.Township)+")")
	}
	if f.State != "" {
		where = append(where, "v.state = "+args.add(string(f.State)))
	}
	switch f.Archived {
	case "yes":
		where = append(where, "v.id IN (SELECT visit_id FROM visit_archives)")
	case "no":
		where = append(where, "v.id NOT IN (SELECT visit_id FROM visit_archives)")
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	order := " ORDER BY v.id DESC"
	if f.ByDate {
		order = " ORDER BY v.start_on, e.township_code, v.id"
	}
	p := f.Page.Norm()
	out := &domain.List[domain.Visit]{Page: p.Number, Size: p.Size, Items: []domain.Visit{}}
	nargs := len(args)
	rows, err := s.read.QueryContext(ctx, "SELECT "+visitCols+" FROM visits v JOIN entities e ON e.id = v.entity_id"+cond+
		order+" LIMIT "+args.add(p.Size)+" OFFSET "+args.add(p.Offset()), args...)
	if err != nil {
		return nil, internal(op, err)
	}
	for rows.Next() {
		var v domain.Visit
		if err := scanVisit(rows, &v); err != nil {
			rows.Close()
			return nil, internal(op, err)
		}
		out.Items = append(out.Items, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal(op, err)
	}
	for i := range out.Items {
		if out.Items[i].Batches, err = s.visitBatches(ctx, s.read, out.Items[i].ID); err != nil {
			return nil, internal(op, err)
		}
	}
	if err := s.countTotal(ctx, &out.Total, p, len(out.Items), "SELECT count(*) FROM visits v"+cond, args[:nargs]); err != nil {
		return nil, internal(op, err)
	}
	return out, nil
}

// GetVisit returns one joint visit with its batches, department parts and
// their items, and the inspectors' assignments. Department staff see it
// if their department has a part, inspectors if they are assigned.
func (s *Store) GetVisit(ctx context.Context, a domain.Actor, id int64) (*domain.Visit, error) {
	const op = "GetVisit"
	if err := domain.Require("store."+op, a, domain.ActViewPlans, 0); err != nil {
		return nil, err
	}
	v, err := s.getVisit(ctx, s.read, id)
	if err != nil {
		return nil, err
	}
	f := domain.VisitFilter{}
	visitScope(a, &f)
	switch {
	case f.DepartmentID != 0 && !hasPart(v, f.DepartmentID):
		return nil, notFound(op)
	case f.InspectorID != 0 && !hasInspector(v, f.InspectorID):
		return nil, notFound(op)
	}
	return v, nil
}

func hasPart(v *domain.Visit, dept int64) bool {
	for _, p := range v.Parts {
		if p.DepartmentID == dept {
			return true
		}
	}
	return false
}

func hasInspector(v *domain.Visit, in int64) bool {
	for _, x := range v.Assignments {
		if x.InspectorID == in {
			return true
		}
	}
	return false
}

func (s *Store) getVisit(ctx context.Context, q querier, id int64) (*domain.Visit, error) {
	const op = "GetVisit"
	var v domain.Visit
	err := scanVisit(q.QueryRowContext(ctx, "SELECT "+visitCols+" FROM visits v JOIN entities e ON e.id = v.entity_id WHERE v.id = $1", id), &v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op)
	}
	if err != nil {
		return nil, internal(op, err)
	}
	if v.Batches, err = s.visitBatches(ctx, q, id); err != nil {
		return nil, internal(op, err)
	}
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.department_id, p.state, i.item_id, i.task_id FROM visit_parts p
LEFT JOIN visit_part_items i ON i.part_id = p.id WHERE p.visit_id = $1 ORDER BY p.id, i.position`, id)
	if err != nil {
		return nil, internal(op, err)
	}
	v.Parts = []domain.VisitPart{}
	for rows.Next() {
		var p domain.VisitPart
		var item, task sql.NullInt64
		if err := rows.Scan(&p.ID, &p.DepartmentID, &p.State, &item, &task); err != nil {
			rows.Close()
			return nil, internal(op, err)
		}
		if len(v.Parts) == 0 || v.Parts[len(v.Parts)-1].ID != p.ID {
			p.VisitID, p.Items = id, []domain.PartItem{}
			v.Parts = append(v.Parts, p)
		}
		if item.Valid {
			last := &v.Parts[len(v.Parts)-1]
			last.Items = append(last.Items, domain.PartItem{ItemID: item.Int64, TaskID: task.Int64})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal(op, err)
	}
	rows, err = q.QueryContext(ctx, `SELECT a.inspector_id, i.name, a.department_id, a.batch_id FROM visit_assignments a
JOIN inspectors i ON i.id = a.inspector_id WHERE a.visit_id = $1 ORDER BY a.department_id, i.name, a.inspector_id`, id)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	v.Assignments = []domain.Assignment{}
	for rows.Next() {
		x := domain.Assignment{VisitID: id}
		if err := rows.Scan(&x.InspectorID, &x.InspectorName, &x.DepartmentID, &x.BatchID); err != nil {
			return nil, internal(op, err)
		}
		v.Assignments = append(v.Assignments, x)
	}
	return &v, internal(op, rows.Err())
}

func (s *Store) visitBatches(ctx context.Context, q querier, visit int64) ([]domain.VisitBatch, error) {
	rows, err := q.QueryContext(ctx, `SELECT vb.batch_id, t.id, t.name, vb.merged FROM visit_batches vb
JOIN task_batches b ON b.id = vb.batch_id JOIN plan_tasks t ON t.id = b.task_id WHERE vb.visit_id = $1 ORDER BY vb.merged, vb.batch_id`, visit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []domain.VisitBatch{}
	for rows.Next() {
		var x domain.VisitBatch
		if err := rows.Scan(&x.BatchID, &x.TaskID, &x.TaskName, &x.Merged); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}
