package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/workday"
)

// The follow-up (后续处置): closing a visit with a rectification order
// (责令改正) opens a follow-up due on the order's deadline, to be
// re-checked (复查): rectified → closed, not rectified → escalated with the
// reason (移送立案). Closing with 拟列入经营异常名录 opens a follow-up whose
// verification lists the business or finds it reachable again, due a
// number of working days later (FollowUpSettings). The visit's lead
// department owns it.

const settingFollowUp = "followup"

// FollowUpSettings returns the office's follow-up deadlines, the defaults
// until the office sets them. Readable by anyone.
func (s *Store) FollowUpSettings(ctx context.Context) (domain.FollowUpSettings, error) {
	set := domain.DefaultFollowUpSettings
	var raw string
	err := s.read.QueryRowContext(ctx, "SELECT value FROM inspect_settings WHERE key = $1", settingFollowUp).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return set, nil
	}
	if err != nil {
		return set, internal("FollowUpSettings", err)
	}
	if err := json.Unmarshal([]byte(raw), &set); err != nil {
		return domain.DefaultFollowUpSettings, internal("FollowUpSettings", err)
	}
	return set, nil
}

// SaveFollowUpSettings sets the follow-up deadlines (the office). New
// deadlines apply to referrals sent and follow-ups opened from then on.
func (s *Store) SaveFollowUpSettings(ctx context.Context, a domain.Actor, set domain.FollowUpSettings) error {
	const op = "SaveFollowUpSettings"
	if err := domain.Require("store."+op, a, domain.ActEditInspectConf, 0); err != nil {
		return err
	}
	if err := set.Check().Err(); err != nil {
		return err
	}
	before, err := s.FollowUpSettings(ctx)
	if err != nil {
		return err
	}
	b, err := json.Marshal(set)
	if err != nil {
		return internal(op, err)
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO inspect_settings (key, value, updated_at) VALUES ($1, $2, $3)
ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, settingFollowUp, string(b), s.ts(s.clock())); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auditRec{Action: "followup.settings", ObjectType: "inspect_settings", ObjectKey: settingFollowUp, Before: before, After: set})
	})
}

// openFollowUp opens the follow-up a closure calls for, in the closure's
// transaction: a rectification order's re-check, or the verification of a
// business that could not be reached. Other disposals open none.
func (s *Store) openFollowUp(ctx context.Context, tx *sql.Tx, a domain.Actor, visitID, lead int64, in domain.CloseInput, cal *workday.Calendar, set domain.FollowUpSettings) error {
	now := s.clock()
	today := dateOf(now)
	var kind domain.FollowUpKind
	var due domain.Date
	switch in.Disposal {
	case domain.DispRectify:
		kind, due = domain.FURectify, in.RectifyDue
	case domain.DispAbnormal:
		kind = domain.FUAbnormal
		if d, err := cal.AddWorkingDays(today, set.AbnormalDays); err == nil {
			due = d
		}
	default:
		return nil
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO follow_ups (visit_id, kind, state, department_id, opened_on, due_on, opened_by)
VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, visitID, string(kind), string(domain.FUOpen), lead, date(today), date(due), actorName(a)).Scan(&id); err != nil {
		return err
	}
	return s.audit(ctx, tx, a, auditRec{Action: "followup.open", ObjectType: "follow_up", ObjectKey: strconv.FormatInt(id, 10), Dept: lead,
		After: map[string]any{"visit_id": visitID, "kind": kind, "due_on": due.String()}})
}

func followUpLink(id int64) string { return "/staff/followups/" + strconv.FormatInt(id, 10) }

const followUpCols = `f.id, f.visit_id, f.kind, f.state, f.department_id, d.name, e.code, e.name, f.opened_on, f.due_on, f.opened_by,
f.checked_on, f.outcome, f.note, f.reason, f.recorded_by, f.recorded_at`

const followUpFrom = ` FROM follow_ups f JOIN departments d ON d.id = f.department_id JOIN visits v ON v.id = f.visit_id JOIN entities e ON e.id = v.entity_id`

func scanFollowUp(sc interface{ Scan(...any) error }, f *domain.FollowUp) error {
	return sc.Scan(&f.ID, &f.VisitID, &f.Kind, &f.State, &f.DeptID, &f.DeptName, &f.EntityCode, &f.EntityName, dateCol{&f.OpenedOn}, dateCol{&f.DueOn},
		&f.OpenedBy, dateCol{&f.CheckedOn}, &f.Outcome, &f.Note, &f.Reason, &f.RecordedBy, timeCol{&f.RecordedAt})
}

// followUpScope is the condition of the follow-ups a may read: the office
// and the discipline office all, a department's staff and inspectors their
// department's.
func followUpScope(op string, a domain.Actor, args *sqlArgs) (string, error) {
	if err := domain.Require("store."+op, a, domain.ActViewPlans, 0); err != nil {
		return "", err
	}
	switch a.Role {
	case domain.RoleOffice, domain.RoleDiscipline:
		return "1 = 1", nil
	}
	if a.DepartmentID == 0 {
		return "1 = 0", nil
	}
	return "f.department_id = " + args.add(a.DepartmentID), nil
}

// GetFollowUp returns a follow-up to whoever may read it.
func (s *Store) GetFollowUp(ctx context.Context, a domain.Actor, id int64) (*domain.FollowUp, error) {
	const op = "GetFollowUp"
	var args sqlArgs
	scope, err := followUpScope(op, a, &args)
	if err != nil {
		return nil, err
	}
	var f domain.FollowUp
	err = scanFollowUp(s.read.QueryRowContext(ctx, "SELECT "+followUpCols+followUpFrom+" WHERE f.id = "+args.add(id)+" AND "+scope, args...), &f)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op)
	}
	if err != nil {
		return nil, internal(op, err)
	}
	fill, err := s.dueFiller(ctx)
	if err != nil {
		return nil, err
	}
	fill.followUp(&f)
	f.Overdue = f.IsOverdue(dateOf(s.clock()))
	return &f, nil
}

// ListFollowUps returns one page of the follow-ups the actor may read,
// newest first. With VisitID, whoever may read the visit sees its
// follow-ups.
func (s *Store) ListFollowUps(ctx context.Context, a domain.Actor, f domain.FollowUpFilter) (*domain.List[domain.FollowUp], error) {
	const op = "ListFollowUps"
	var args sqlArgs
	scope, err := followUpScope(op, a, &args)
	if err != nil {
		return nil, err
	}
	if f.VisitID != 0 {
		if _, err := s.GetVisit(ctx, a, f.VisitID); err != nil {
			return nil, err
		}
		args = nil
		scope = "f.visit_id = " + args.add(f.VisitID)
	}
	conds := []string{scope}
	if f.Dept != 0 {
		conds = append(conds, "f.department_id = "+args.add(f.Dept))
	}
	if f.Kind != "" {
		conds = append(conds, "f.kind = "+args.add(string(f.Kind)))
	}
	if f.State != "" {
		conds = append(conds, "f.state = "+args.add(string(f.State)))
	}
	today := dateOf(s.clock())
	if f.Overdue {
		conds = append(conds, "f.state = 'open' AND f.due_on < "+args.add(date(today)))
	}
	if c := searchCond("e.name", "e.code", f.Query, &args); c != "" {
		conds = append(conds, c)
	}
	where := " WHERE " + strings.Join(conds, " AND ")
	p := f.Page.Norm()
	out := &domain.List[domain.FollowUp]{Page: p.Number, Size: p.Size, Items: []domain.FollowUp{}}
	nargs := len(args)
	fill, err := s.dueFiller(ctx)
	if err != nil {
		return nil, err
	}
	err = scanAll(ctx, s.read, "SELECT "+followUpCols+followUpFrom+where+" ORDER BY f.id DESC LIMIT "+args.add(p.Size)+" OFFSET "+args.add(p.Offset()), args,
		func(rows *sql.Rows) error {
			var x domain.FollowUp
			if err := scanFollowUp(rows, &x); err != nil {
				return err
			}
			fill.followUp(&x)
			x.Overdue = x.IsOverdue(today)
			out.Items = append(out.Items, x)
			return nil
		})
	if err != nil {
		return nil, internal(op, err)
	}
	err = s.countTotal(ctx, &out.Total, p, len(out.Items), "SELECT count(*)"+followUpFrom+where, args[:nargs])
	return out, internal(op, err)
}

// RecordRecheck records the re-check (复查) or verification of an open
// follow-up by its department: rectified, listed or reachable close it;
// not rectified escalates it with the reason, and the office is told. An
// escalation naming a case-handling department refers the visit's finding
// (the department's own first, with that part's evidence) to it as a case
// referral (移送立案) in the same transaction.
func (s *Store) RecordRecheck(ctx context.Context, a domain.Actor, id int64, in domain.RecheckInput) error {
	const op = "RecordRecheck"
	fill, err := s.dueFiller(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		var f domain.FollowUp
		err := scanFollowUp(tx.QueryRowContext(ctx, "SELECT "+followUpCols+followUpFrom+" WHERE f.id = $1", id), &f)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(op)
		}
		if err != nil {
			return err
		}
		if err := domain.Require("store."+op, a, domain.ActFollowUp, f.DeptID); err != nil {
			return err
		}
		if f.State != domain.FUOpen {
			return conflict(op, "err.followup.closed", "state", string(f.State))
		}
		now := s.clock()
		if err := in.Check(f.Kind, f.OpenedOn, dateOf(now)).Err(); err != nil {
			return err
		}
		next := in.Outcome.State()
		if _, err := tx.ExecContext(ctx, `UPDATE follow_ups SET state = $1, checked_on = $2, outcome = $3, note = $4, reason = $5, recorded_by = $6, recorded_at = $7
WHERE id = $8`, string(next), date(in.CheckedOn), string(in.Outcome), in.Note, in.Reason, actorName(a), s.ts(now), id); err != nil {
			return err
		}
		key := strconv.FormatInt(id, 10)
		if err := s.audit(ctx, tx, a, auditRec{Action: "followup.recheck", ObjectType: "follow_up", ObjectKey: key, Dept: f.DeptID,
			Before: map[string]any{"state": f.State}, After: map[string]any{"state": next, "input": in}}); err != nil {
			return err
		}
		if next != domain.FUEscalated {
			return nil
		}
		if in.CaseDept != 0 {
			if err := s.referCase(ctx, tx, op, a, &f, in, fill); err != nil {
				return err
			}
		}
		return s.notify(ctx, tx, recipientOffice, "followup_escalated", map[string]any{"entity": f.EntityName, "code": f.EntityCode, "dept": f.DeptName},
			followUpLink(id), "fu-escalated:"+key)
	})
}

// referCase refers the escalated follow-up's finding to the case-handling
// department in.CaseDept, with the reason as the statement.
func (s *Store) referCase(ctx context.Context, tx *sql.Tx, op string, a domain.Actor, f *domain.FollowUp, in domain.RecheckInput, fill *dueFiller) error {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM departments WHERE id = $1", in.CaseDept).Scan(&n); err != nil {
		return err
	}
	switch {
	case n == 0:
		return &domain.ValidationError{Op: "store." + op, Errors: []domain.FieldError{domain.FieldErr(domain.FieldRefTo, strconv.FormatInt(in.CaseDept, 10), "err.bad_choice")}}
	case in.CaseDept == f.DeptID:
		return &domain.ValidationError{Op: "store." + op, Errors: []domain.FieldError{domain.FieldErr(domain.FieldRefTo, strconv.FormatInt(in.CaseDept, 10), "err.referral.same_dept")}}
	}
	var part, item int64
	err := tx.QueryRowContext(ctx, `SELECT r.part_id, r.item_id FROM visit_results r JOIN visit_parts p ON p.id = r.part_id
WHERE p.visit_id = $1 AND r.finding ORDER BY CASE WHEN p.department_id = $2 THEN 0 ELSE 1 END, r.part_id, r.item_id LIMIT 1`, f.VisitID, f.DeptID).Scan(&part, &item)
	if errors.Is(err, sql.ErrNoRows) {
		return conflict(op, "err.followup.no_finding")
	}
	if err != nil {
		return err
	}
	p, err := s.partRef(ctx, tx, op, part)
	if err != nil {
		return err
	}
	ref := domain.ReferralInput{PartID: part, ItemID: item, Kind: domain.RefCase, ToDept: in.CaseDept, Text: in.Reason}
	if err := scanAll(ctx, tx, "SELECT id FROM attachments WHERE part_id = $1 ORDER BY id", []any{part}, func(r *sql.Rows) error {
		var x int64
		if err := r.Scan(&x); err != nil {
			return err
		}
		ref.AttachmentIDs = append(ref.AttachmentIDs, x)
		return nil
	}); err != nil {
		return err
	}
	_, err = s.insertReferral(ctx, tx, op, a, p, f.DeptID, ref, fill)
	return err
}

// publicFollowUp fills the follow-up status of a public inspection: the
// follow-up's state and every referral's kind, receiver and state.
func (s *Store) publicFollowUp(ctx context.Context, q querier, pi *domain.PublicInspection) error {
	pi.Referrals = []domain.PublicReferral{}
	var fu domain.FollowUp
	err := q.QueryRowContext(ctx, `SELECT kind, state, outcome FROM follow_ups WHERE visit_id = $1 ORDER BY id LIMIT 1`, pi.VisitID).Scan(&fu.Kind, &fu.State, &fu.Outcome)
	switch {
	case err == nil:
		pi.FollowUp = fu.PublicStatus()
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	return scanAll(ctx, q, `SELECT r.kind, d.name, r.state, r.sent_on, COALESCE(r.outcome_on, r.decided_on) FROM referrals r
JOIN departments d ON d.id = r.to_department_id WHERE r.visit_id = $1 ORDER BY r.id`, []any{pi.VisitID}, func(rows *sql.Rows) error {
		var r domain.PublicReferral
		if err := rows.Scan(&r.Kind, &r.ToDept, &r.State, dateCol{&r.SentOn}, dateCol{&r.ClosedOn}); err != nil {
			return err
		}
		if !r.State.Closed() {
			r.ClosedOn = domain.Date{}
		}
		pi.Referrals = append(pi.Referrals, r)
		return nil
	})
}
