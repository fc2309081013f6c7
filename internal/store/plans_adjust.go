package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// Adjustments (调整) of a published plan: a lead department files one with
// its reason; the office accepts it, which applies and publishes it as a
// dated change, or returns it with a remark.

// adjustmentDetail is what the detail column holds.
type adjustmentDetail struct {
	Ratios  domain.Ratios   `json:"ratios,omitempty"`
	Window  domain.Window   `json:"window,omitzero"`
	Windows []domain.Window `json:"windows,omitempty"`
}

const adjustmentCols = `a.id, a.plan_id, a.task_id, t.name, a.batch_id, a.kind, a.reason, a.detail, a.before_text, a.after_text, a.state,
a.department_id, a.filed_by, a.filed_at, a.decided_by, a.decided_at, a.remark`

func scanAdjustment(sc interface{ Scan(...any) error }, x *domain.Adjustment) error {
	var detail string
	if err := sc.Scan(&x.ID, &x.PlanID, &x.TaskID, &x.TaskName, nullID{&x.BatchID}, &x.Kind, &x.Reason, &detail, &x.Before, &x.After, &x.State,
		&x.DepartmentID, &x.FiledBy, timeCol{&x.FiledAt}, &x.DecidedBy, timeCol{&x.DecidedAt}, &x.Remark); err != nil {
		return err
	}
	var d adjustmentDetail
	if err := json.Unmarshal([]byte(detail), &d); err != nil {
		return err
	}
	x.Ratios, x.Window, x.Windows = d.Ratios, d.Window, d.Windows
	return nil
}

func (s *Store) getAdjustment(ctx context.Context, q querier, id int64) (*domain.Adjustment, error) {
	var x domain.Adjustment
	err := scanAdjustment(q.QueryRowContext(ctx, "SELECT "+adjustmentCols+" FROM plan_adjustments a JOIN plan_tasks t ON t.id = a.task_id WHERE a.id = $1", id), &x)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("GetAdjustment")
	}
	if err != nil {
		return nil, internal("GetAdjustment", err)
	}
	return &x, nil
}

// GetAdjustment returns one adjustment.
func (s *Store) GetAdjustment(ctx context.Context, a domain.Actor, id int64) (*domain.Adjustment, error) {
	if err := domain.Require("store.GetAdjustment", a, domain.ActViewPlans, 0); err != nil {
		return nil, err
	}
	return s.getAdjustment(ctx, s.read, id)
}

// ListAdjustments returns a plan's adjustments, newest first: all of them
// for staff.
func (s *Store) ListAdjustments(ctx context.Context, a domain.Actor, planID int64) ([]domain.Adjustment, error) {
	if err := domain.Require("store.ListAdjustments", a, domain.ActViewPlans, 0); err != nil {
		return nil, err
	}
	return s.listAdjustments(ctx, planID, false)
}

// PublishedAdjustments returns a plan's accepted adjustments, newest
// first: the plan's public history of dated changes.
func (s *Store) PublishedAdjustments(ctx context.Context, planID int64) ([]domain.Adjustment, error) {
	return s.listAdjustments(ctx, planID, true)
}

func (s *Store) listAdjustments(ctx context.Context, planID int64, accepted bool) ([]domain.Adjustment, error) {
	q := "SELECT " + adjustmentCols + " FROM plan_adjustments a JOIN plan_tasks t ON t.id = a.task_id WHERE a.plan_id = $1"
	order := " ORDER BY a.id DESC"
	if accepted {
		q += " AND a.state = 'accepted'"
		order = " ORDER BY a.decided_at DESC, a.id DESC"
	}
	rows, err := s.read.QueryContext(ctx, q+order, planID)
	if err != nil {
		return nil, internal("ListAdjustments", err)
	}
	defer rows.Close()
	out := []domain.Adjustment{}
	for rows.Next() {
		var x domain.Adjustment
		if err := scanAdjustment(rows, &x); err != nil {
			return nil, internal("ListAdjustments", err)
		}
		out = append(out, x)
	}
	return out, internal("ListAdjustments", rows.Err())
}

// FileAdjustment files an adjustment of a published plan with the office
// (the task's lead department, or the office itself). What it asks must
// make sense now: a task to add must be a draft (it is lodged by this),
// a task to cancel or re-ratio must be published, a batch to delay must
// not be drawn yet; a task has at most one adjustment waiting.
func (s *Store) FileAdjustment(ctx context.Context, a domain.Actor, adj *domain.Adjustment) error {
	const op = "FileAdjustment"
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		t, err := s.getTask(ctx, tx, adj.TaskID)
		if err != nil {
			return err
		}
		if err := domain.Require("store."+op, a, domain.ActDraftTask, t.LeadDepartmentID); err != nil {
			return err
		}
		plan, err := s.getPlan(ctx, tx, "id", t.PlanID)
		if err != nil {
			return err
		}
		if plan.State != domain.StatePublished {
			return domain.E("store."+op, domain.KindConflict, "err.plan.not_published")
		}
		v := domain.ValidateAdjustment(adj, plan.Year)
		v.Op = "store." + op
		if err := v.Err(); err != nil {
			return err
		}
		var pending int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM plan_adjustments WHERE task_id = $1 AND state = 'filed'", t.ID).Scan(&pending); err != nil {
			return err
		}
		if pending > 0 {
			return domain.E("store."+op, domain.KindConflict, "err.plan.adjustment_pending")
		}
		adj.PlanID, adj.TaskName, adj.DepartmentID = plan.ID, t.Name, t.LeadDepartmentID
		if err := s.describeAdjustment(ctx, tx, a, op, t, adj); err != nil {
			return err
		}
		detail, err := json.Marshal(adjustmentDetail{Ratios: adj.Ratios, Window: adj.Window, Windows: adj.Windows})
		if err != nil {
			return err
		}
		adj.State, adj.FiledBy, adj.FiledAt = domain.AdjFiled, actorName(a), s.clock()
		if err := tx.QueryRowContext(ctx, `INSERT INTO plan_adjustments (plan_id, task_id, batch_id, kind, reason, detail, before_text, after_text, state,
department_id, filed_by, filed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			adj.PlanID, adj.TaskID, idOrNull(adj.BatchID), string(adj.Kind), adj.Reason, string(detail), adj.Before, adj.After, string(adj.State),
			adj.DepartmentID, adj.FiledBy, s.ts(adj.FiledAt)).Scan(&adj.ID); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, a, auditRec{Action: "adjustment.file", ObjectType: "adjustment", ObjectKey: strconv.FormatInt(adj.ID, 10),
			Dept: t.LeadDepartmentID, After: adj}); err != nil {
			return err
		}
		return s.notify(ctx, tx, recipientOffice, "adjustment_filed", map[string]any{"task": t.Name, "kind": string(adj.Kind)},
			"/staff/plans/"+strconv.FormatInt(plan.ID, 10)+"/adjustments", "adjustment_filed:"+strconv.FormatInt(adj.ID, 10))
	})
}

// describeAdjustment checks that the adjustment applies to the task as it
// stands and fills its before/after texts; an add-task adjustment lodges
// the draft task.
func (s *Store) describeAdjustment(ctx context.Context, tx *sql.Tx, a domain.Actor, op string, t *domain.Task, adj *domain.Adjustment) error {
	needPublished := func() error {
		if t.State != domain.StatePublished {
			return domain.E("store."+op, domain.KindConflict, "err.plan.task_not_open", "state", t.State)
		}
		return nil
	}
	switch adj.Kind {
	case domain.AdjAddTask:
		adj.Before, adj.After = "", t.Name
		return s.stateChange(ctx, tx, a, op, domain.OfTask, t.ID, t.LeadDepartmentID, t.State, domain.StateFiled, nil)
	case domain.AdjCancelTask:
		adj.Before, adj.After = string(t.State), string(domain.StateCancelled)
		return needPublished()
	case domain.AdjChangeRatio:
		adj.Before, adj.After = t.Ratios.String(), adj.Ratios.String()
		return needPublished()
	case domain.AdjDelayBatch:
		if err := needPublished(); err != nil {
			return err
		}
		b := t.Batch(adj.BatchID)
		if b == nil {
			return domain.E("store."+op, domain.KindInvalid, "err.plan.batch_of_other_task").WithField(domain.FieldAdjBatch)
		}
		if b.State != domain.StatePublished && b.State != domain.StateDelayed {
			return domain.E("store."+op, domain.KindConflict, "err.plan.batch_not_open", "state", b.State)
		}
		adj.Before, adj.After = b.Window.String(), adj.Window.String()
		return nil
	case domain.AdjChangeFrequency:
		if err := needPublished(); err != nil {
			return err
		}
		adj.Before, adj.After = windowsText(openWindows(t)), windowsText(adj.Windows)
		return nil
	}
	return domain.E("store."+op, domain.KindInvalid, "err.bad_choice").WithField(domain.FieldAdjKind)
}

// openWindows are the windows of a task's batches not yet drawn.
func openWindows(t *domain.Task) []domain.Window {
	var out []domain.Window
	for _, b := range t.Batches {
		if b.State == domain.StatePublished || b.State == domain.StateDelayed {
			out = append(out, b.Window)
		}
	}
	return out
}

func windowsText(ws []domain.Window) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = w.String()
	}
	return strings.Join(parts, "；")
}

// AcceptAdjustment accepts a filed adjustment (the office): it takes
// effect, is published and appended to the transparency log in the same
// transaction, dated now.
func (s *Store) AcceptAdjustment(ctx context.Context, a domain.Actor, id int64) error {
	const op = "AcceptAdjustment"
	if err := domain.Require("store."+op, a, domain.ActFilePlan, 0); err != nil {
		return err
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		adj, err := s.getAdjustment(ctx, tx, id)
		if err != nil {
			return err
		}
		if adj.State != domain.AdjFiled {
			return domain.E("store."+op, domain.KindConflict, "err.plan.adjustment_decided")
		}
		t, err := s.getTask(ctx, tx, adj.TaskID)
		if err != nil {
			return err
		}
		if err := s.applyAdjustment(ctx, tx, a, op, t, adj); err != nil {
			return err
		}
		if err := s.decideAdjustment(ctx, tx, a, adj, domain.AdjAccepted, ""); err != nil {
			return err
		}
		if err := s.logAdjustment(ctx, tx, adj.ID); err != nil {
			return err
		}
		return s.notify(ctx, tx, recipientDept(t.LeadDepartmentID), "adjustment_accepted", map[string]any{"task": t.Name, "kind": string(adj.Kind)},
			taskLink(t.ID), "adjustment_decided:"+strconv.FormatInt(adj.ID, 10))
	})
}

func (s *Store) applyAdjustment(ctx context.Context, tx *sql.Tx, a domain.Actor, op string, t *domain.Task, adj *domain.Adjustment) error {
	dept := t.LeadDepartmentID
	switch adj.Kind {
	case domain.AdjAddTask:
		_, err := s.publishTask(ctx, tx, a, op, t.ID)
		return err
	case domain.AdjCancelTask:
		if err := s.stateChange(ctx, tx, a, op, domain.OfTask, t.ID, dept, t.State, domain.StateCancelled, nil); err != nil {
			return err
		}
		for _, b := range t.Batches {
			switch b.State {
			case domain.StatePublished, domain.StateDelayed, domain.StateDrawn:
				if err := s.stateChange(ctx, tx, a, op, domain.OfBatch, b.ID, dept, b.State, domain.StateCancelled, nil); err != nil {
					return err
				}
			}
		}
		return nil
	case domain.AdjChangeRatio:
		if t.State != domain.StatePublished {
			return domain.E("store."+op, domain.KindConflict, "err.plan.task_not_open", "state", t.State)
		}
		_, err := tx.ExecContext(ctx, "UPDATE plan_tasks SET ratio_a = $1, ratio_b = $2, ratio_c = $3, ratio_d = $4, updated_at = $5 WHERE id = $6",
			int(adj.Ratios[domain.RiskA]), int(adj.Ratios[domain.RiskB]), int(adj.Ratios[domain.RiskC]), int(adj.Ratios[domain.RiskD]), s.ts(s.clock()), t.ID)
		return err
	case domain.AdjDelayBatch:
		b := t.Batch(adj.BatchID)
		if b == nil {
			return notFound(op)
		}
		if err := s.stateChange(ctx, tx, a, op, domain.OfBatch, b.ID, dept, b.State, domain.StateDelayed, map[string]any{"window": adj.Window}); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "UPDATE task_batches SET start_on = $1, end_on = $2 WHERE id = $3", date(adj.Window.Start), date(adj.Window.End), b.ID)
		return err
	case domain.AdjChangeFrequency:
		if t.State != domain.StatePublished {
			return domain.E("store."+op, domain.KindConflict, "err.plan.task_not_open", "state", t.State)
		}
		// The batches not drawn yet are replaced: cancelled (they stay as
		// history) and new ones opened with the requested windows.
		next := 0
		for _, b := range t.Batches {
			next = max(next, b.Seq)
			if b.State == domain.StatePublished || b.State == domain.StateDelayed {
				if err := s.stateChange(ctx, tx, a, op, domain.OfBatch, b.ID, dept, b.State, domain.StateCancelled, nil); err != nil {
					return err
				}
			}
		}
		now := s.ts(s.clock())
		for i, w := range adj.Windows {
			if _, err := tx.ExecContext(ctx, `INSERT INTO task_batches (task_id, seq, start_on, end_on, state, updated_at) VALUES ($1, $2, $3, $4, $5, $6)`,
				t.ID, next+i+1, date(w.Start), date(w.End), string(domain.StatePublished), now); err != nil {
				return err
			}
		}
		return nil
	}
	return domain.E("store."+op, domain.KindInvalid, "err.bad_choice").WithField(domain.FieldAdjKind)
}

func (s *Store) decideAdjustment(ctx context.Context, tx *sql.Tx, a domain.Actor, adj *domain.Adjustment, st domain.AdjustmentState, remark string) error {
	before := *adj
	adj.State, adj.DecidedBy, adj.DecidedAt, adj.Remark = st, actorName(a), s.clock(), remark
	if _, err := tx.ExecContext(ctx, "UPDATE plan_adjustments SET state = $1, decided_by = $2, decided_at = $3, remark = $4 WHERE id = $5 AND state = 'filed'",
		string(st), adj.DecidedBy, s.ts(adj.DecidedAt), remark, adj.ID); err != nil {
		return err
	}
	return s.audit(ctx, tx, a, auditRec{Action: "adjustment." + string(st), ObjectType: "adjustment", ObjectKey: strconv.FormatInt(adj.ID, 10),
		Dept: adj.DepartmentID, Before: before, After: adj})
}

// ReturnAdjustment returns a filed adjustment to its department with the
// office's remark; nothing changes in the plan (a task that was to be
// added goes back to draft).
func (s *Store) ReturnAdjustment(ctx context.Context, a domain.Actor, id int64, remark string) error {
	const op = "ReturnAdjustment"
	if err := domain.Require("store."+op, a, domain.ActFilePlan, 0); err != nil {
		return err
	}
	remark = strings.TrimSpace(remark)
	v := &domain.ValidationError{Op: "store." + op}
	domain.CheckLongText(v, 0, domain.FieldAdjRemark, remark, true)
	if err := v.Err(); err != nil {
		return err
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		adj, err := s.getAdjustment(ctx, tx, id)
		if err != nil {
			return err
		}
		if adj.State != domain.AdjFiled {
			return domain.E("store."+op, domain.KindConflict, "err.plan.adjustment_decided")
		}
		if adj.Kind == domain.AdjAddTask {
			if err := s.stateChange(ctx, tx, a, op, domain.OfTask, adj.TaskID, adj.DepartmentID, domain.StateFiled, domain.StateDraft, nil); err != nil {
				return err
			}
		}
		if err := s.decideAdjustment(ctx, tx, a, adj, domain.AdjReturned, remark); err != nil {
			return err
		}
		return s.notify(ctx, tx, recipientDept(adj.DepartmentID), "adjustment_returned", map[string]any{"task": adj.TaskName, "remark": remark},
			taskLink(adj.TaskID), "adjustment_decided:"+strconv.FormatInt(adj.ID, 10))
	})
}
