package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/workday"
)

// Referrals (抄告/移交, 移送办案机构): a department that took part in a
// visit refers a formed finding to the department whose remit it is, or to
// a case-handling body, with the visit's evidence linked. The receiver
// acknowledges it (签收), accepts or returns it by the answer deadline and
// reports the outcome by the outcome deadline; both are counted in working
// days from the day it was sent (FollowUpSettings) and fixed then. Every
// step is one transaction with its audit row and a notice to the other
// side's inbox.

const referralCols = `r.id, r.visit_id, r.part_id, r.item_id, r.kind, r.state, r.from_department_id, fd.name, r.to_department_id, td.name,
e.code, e.name, COALESCE(c.name, ''), COALESCE(vr.result, ''), COALESCE(vr.rule, ''), COALESCE(vr.note, ''), r.text, r.sent_by, r.sent_at, r.sent_on,
r.answer_due, r.outcome_due, r.received_by, r.received_at, r.decided_by, r.decided_at, r.return_reason, r.outcome, r.outcome_by, r.outcome_at`

const referralFrom = ` FROM referrals r JOIN departments fd ON fd.id = r.from_department_id JOIN departments td ON td.id = r.to_department_id
JOIN visits v ON v.id = r.visit_id JOIN entities e ON e.id = v.entity_id LEFT JOIN catalog_items c ON c.id = r.item_id
LEFT JOIN visit_results vr ON vr.part_id = r.part_id AND vr.item_id = r.item_id`

func scanReferral(sc interface{ Scan(...any) error }, x *domain.Referral) error {
	return sc.Scan(&x.ID, &x.VisitID, &x.PartID, &x.ItemID, &x.Kind, &x.State, &x.FromDeptID, &x.FromDeptName, &x.ToDeptID, &x.ToDeptName,
		&x.EntityCode, &x.EntityName, &x.ItemName, &x.Result, &x.Rule, &x.Note, &x.Text, &x.SentBy, timeCol{&x.SentAt}, dateCol{&x.SentOn},
		dateCol{&x.AnswerDue}, dateCol{&x.OutcomeDue}, &x.ReceivedBy, timeCol{&x.ReceivedAt}, &x.DecidedBy, timeCol{&x.DecidedAt}, &x.ReturnReason,
		&x.Outcome, &x.OutcomeBy, timeCol{&x.OutcomeAt})
}

// overdueReferral is the SQL condition of a referral whose owed step is
// past its deadline on the day given by the placeholder today.
func overdueReferral(today string) string {
	return "((r.state IN ('sent', 'received') AND r.answer_due < " + today + ") OR (r.state = 'accepted' AND r.outcome_due < " + today + "))"
}

// referralScope is the condition of the referrals a may read: the office
// and the discipline office all, a department's staff and inspectors those
// their department sent or received.
func referralScope(op string, a domain.Actor, args *sqlArgs) (string, error) {
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
	d := args.add(a.DepartmentID)
	return "(r.from_department_id = " + d + " OR r.to_department_id = " + d + ")", nil
}

// SendReferral refers a finding of a visit: the part must be signed off
// (its result formed), the item's result a finding, the actor's department
// the part's own or the visit's lead, the receiver another department, and
// every attachment the visit's. The same finding goes to the same
// department only once unless it was returned.
func (s *Store) SendReferral(ctx context.Context, a domain.Actor, in domain.ReferralInput) (*domain.Referral, error) {
	const op = "SendReferral"
	if err := domain.Require("store."+op, a, domain.ActRefer, a.DepartmentID); err != nil {
		return nil, err
	}
	if err := in.Check().Err(); err != nil {
		return nil, err
	}
	fill, err := s.dueFiller(ctx)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.inTx(ctx, op, func(tx *sql.Tx) error {
		p, err := s.partRef(ctx, tx, op, in.PartID)
		if err != nil {
			return err
		}
		from := a.DepartmentID
		if from != p.Dept && from != p.Lead {
			return domain.E("store."+op, domain.KindForbidden, "err.referral.not_party")
		}
		var formed int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM part_signoffs WHERE part_id = $1", p.ID).Scan(&formed); err != nil {
			return err
		}
		if formed == 0 {
			return conflict(op, "err.referral.not_formed")
		}
		v := &domain.ValidationError{Op: "store." + op}
		var finding bool
		err = tx.QueryRowContext(ctx, "SELECT finding FROM visit_results WHERE part_id = $1 AND item_id = $2", p.ID, in.ItemID).Scan(&finding)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if !finding {
			v.Add(domain.FieldErr(domain.FieldRefFinding, strconv.FormatInt(in.ItemID, 10), "err.referral.not_finding"))
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM departments WHERE id = $1", in.ToDept).Scan(&n); err != nil {
			return err
		}
		switch {
		case n == 0:
			v.Add(domain.FieldErr(domain.FieldRefTo, strconv.FormatInt(in.ToDept, 10), "err.bad_choice"))
		case in.ToDept == from:
			v.Add(domain.FieldErr(domain.FieldRefTo, strconv.FormatInt(in.ToDept, 10), "err.referral.same_dept"))
		}
		atts, err := s.visitAttachments(ctx, tx, p.VisitID)
		if err != nil {
			return err
		}
		for _, aid := range in.AttachmentIDs {
			if !slices.ContainsFunc(atts, func(x domain.Attachment) bool { return x.ID == aid }) {
				v.Add(domain.FieldErr(domain.FieldRefAttach, strconv.FormatInt(aid, 10), "err.referral.bad_attachment"))
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		id, err = s.insertReferral(ctx, tx, op, a, p, from, in, fill)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.GetReferral(ctx, a, id)
}

// referralAttachCols are attachCols of the attachments joined as a.
const referralAttachCols = "a.id, a.visit_id, a.part_id, a.department_id, a.item_id, a.sha256, a.name, a.mime, a.size, a.uploaded_by, a.created_at"

// insertReferral writes a checked referral of the finding (p, in.ItemID)
// from department from, its linked evidence, its audit row and the
// receiver's notice, in tx; the same finding goes to the same department
// once unless it was returned. Its deadlines are counted from today.
func (s *Store) insertReferral(ctx context.Context, tx *sql.Tx, op string, a domain.Actor, p *partRef, from int64, in domain.ReferralInput, fill *dueFiller) (int64, error) {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM referrals WHERE part_id = $1 AND item_id = $2 AND to_department_id = $3 AND state <> $4",
		p.ID, in.ItemID, in.ToDept, string(domain.RefReturned)).Scan(&n); err != nil {
		return 0, err
	}
	if n > 0 {
		return 0, conflict(op, "err.referral.duplicate")
	}
	now := s.clock()
	sent := dateOf(now)
	var answer, outcome domain.Date
	fill.add(&answer, sent, fill.set.AnswerDays)
	fill.add(&outcome, sent, fill.set.OutcomeDays)
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO referrals (visit_id, part_id, item_id, kind, state, from_department_id, to_department_id, text,
sent_by, sent_at, sent_on, answer_due, outcome_due) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		p.VisitID, p.ID, in.ItemID, string(in.Kind), string(domain.RefSent), from, in.ToDept, in.Text, actorName(a), s.ts(now), date(sent),
		date(answer), date(outcome)).Scan(&id); err != nil {
		return 0, err
	}
	for _, aid := range in.AttachmentIDs {
		if _, err := tx.ExecContext(ctx, "INSERT INTO referral_attachments (referral_id, attachment_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", id, aid); err != nil {
			return 0, err
		}
	}
	key := strconv.FormatInt(id, 10)
	if err := s.audit(ctx, tx, a, auditRec{Action: "referral.send", ObjectType: "referral", ObjectKey: key, Dept: from,
		After: map[string]any{"input": in, "visit_id": p.VisitID, "answer_due": answer.String(), "outcome_due": outcome.String()}}); err != nil {
		return 0, err
	}
	return id, s.notify(ctx, tx, recipientDept(in.ToDept), "referral_sent", map[string]any{"entity": p.EntityName, "code": p.EntityCode, "due": answer.String()},
		referralLink(id), "ref-sent:"+key)
}

// dueFiller counts the deadlines the calendar did not cover when a
// referral was sent or a follow-up opened (the next year's schedule not yet
// added by the office), from that day with today's settings, as the
// publication deadline is (dueState). Until the schedule is there they
// stay unset and nothing is overdue; the listing's overdue filter reads
// the stored deadlines and so does not find these.
type dueFiller struct {
	cal *workday.Calendar
	set domain.FollowUpSettings
}

func (s *Store) dueFiller(ctx context.Context) (*dueFiller, error) {
	cal, err := s.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	set, err := s.FollowUpSettings(ctx)
	return &dueFiller{cal, set}, err
}

func (f *dueFiller) add(d *domain.Date, from domain.Date, n int) {
	if d.IsZero() && !from.IsZero() {
		if due, err := f.cal.AddWorkingDays(from, n); err == nil {
			*d = due
		}
	}
}

func (f *dueFiller) referral(r *domain.Referral) {
	f.add(&r.AnswerDue, r.SentOn, f.set.AnswerDays)
	f.add(&r.OutcomeDue, r.SentOn, f.set.OutcomeDays)
}

func (f *dueFiller) followUp(x *domain.FollowUp) {
	if x.Kind == domain.FUAbnormal {
		f.add(&x.DueOn, x.OpenedOn, f.set.AbnormalDays)
	}
}

func referralLink(id int64) string { return "/staff/referrals/" + strconv.FormatInt(id, 10) }

// StepReferral is the receiver's step on a referral: receipt (签收),
// acceptance (受理), return (退回, text is the reason) or the outcome
// (办理结果, text is the outcome). Only the receiving department's staff
// act; a step out of order is refused with what is expected instead.
func (s *Store) StepReferral(ctx context.Context, a domain.Actor, id int64, step domain.ReferralStep, text string) error {
	const op = "StepReferral"
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		var r domain.Referral
		err := scanReferral(tx.QueryRowContext(ctx, "SELECT "+referralCols+referralFrom+" WHERE r.id = $1", id), &r)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(op)
		}
		if err != nil {
			return err
		}
		if err := domain.Require("store."+op, a, domain.ActHandleRef, r.ToDeptID); err != nil {
			return err
		}
		next, err := r.State.Next("store."+op, step)
		if err != nil {
			return err
		}
		text = strings.TrimSpace(text)
		v := &domain.ValidationError{Op: "store." + op}
		switch step {
		case domain.StepReturn:
			domain.CheckLongText(v, 0, domain.FieldRefReason, text, true)
		case domain.StepOutcome:
			domain.CheckLongText(v, 0, domain.FieldRefOutcome, text, true)
		}
		if err := v.Err(); err != nil {
			return err
		}
		now := s.clock()
		who, at, on := actorName(a), s.ts(now), date(dateOf(now))
		var q string
		var args []any
		switch step {
		case domain.StepReceive:
			q, args = "received_by = $2, received_at = $3", []any{who, at}
		case domain.StepAccept:
			q, args = "decided_by = $2, decided_at = $3, decided_on = $4", []any{who, at, on}
		case domain.StepReturn:
			q, args = "decided_by = $2, decided_at = $3, decided_on = $4, return_reason = $5", []any{who, at, on, text}
		case domain.StepOutcome:
			q, args = "outcome_by = $2, outcome_at = $3, outcome_on = $4, outcome = $5", []any{who, at, on, text}
		}
		args = append([]any{string(next)}, args...)
		args = append(args, id)
		if _, err := tx.ExecContext(ctx, "UPDATE referrals SET state = $1, "+q+" WHERE id = $"+strconv.Itoa(len(args)), args...); err != nil {
			return err
		}
		key := strconv.FormatInt(id, 10)
		if err := s.audit(ctx, tx, a, auditRec{Action: "referral." + string(step), ObjectType: "referral", ObjectKey: key, Dept: r.ToDeptID,
			Before: map[string]any{"state": r.State}, After: map[string]any{"state": next, "text": text}}); err != nil {
			return err
		}
		return s.notify(ctx, tx, recipientDept(r.FromDeptID), "referral_"+string(next), map[string]any{"entity": r.EntityName, "code": r.EntityCode, "to": r.ToDeptName},
			referralLink(id), "ref-"+string(step)+":"+key)
	})
}

// GetReferral returns a referral with its linked evidence to whoever may
// read it: the office, the discipline office, the sending and the
// receiving departments.
func (s *Store) GetReferral(ctx context.Context, a domain.Actor, id int64) (*domain.Referral, error) {
	const op = "GetReferral"
	var args sqlArgs
	scope, err := referralScope(op, a, &args)
	if err != nil {
		return nil, err
	}
	var r domain.Referral
	err = scanReferral(s.read.QueryRowContext(ctx, "SELECT "+referralCols+referralFrom+" WHERE r.id = "+args.add(id)+" AND "+scope, args...), &r)
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
	fill.referral(&r)
	r.Overdue = r.IsOverdue(dateOf(s.clock()))
	r.Attachments = []domain.Attachment{}
	err = scanAll(ctx, s.read, "SELECT "+referralAttachCols+` FROM referral_attachments ra JOIN attachments a ON a.id = ra.attachment_id
WHERE ra.referral_id = $1 ORDER BY a.id`, []any{id}, func(rows *sql.Rows) error {
		var x domain.Attachment
		if err := scanAttachment(rows, &x); err != nil {
			return err
		}
		r.Attachments = append(r.Attachments, x)
		return nil
	})
	return &r, internal(op, err)
}

// ListReferrals returns one page of the referrals the actor may read,
// newest first. Box "sent" or "received" takes the actor's department's
// side (or Dept's, for the office and the discipline office). With
// VisitID, whoever may read the visit sees all of its referrals.
func (s *Store) ListReferrals(ctx context.Context, a domain.Actor, f domain.ReferralFilter) (*domain.List[domain.Referral], error) {
	const op = "ListReferrals"
	var args sqlArgs
	scope, err := referralScope(op, a, &args)
	if err != nil {
		return nil, err
	}
	if f.VisitID != 0 {
		if _, err := s.GetVisit(ctx, a, f.VisitID); err != nil {
			return nil, err
		}
		args = nil
		scope = "r.visit_id = " + args.add(f.VisitID)
	}
	conds := []string{scope}
	dept := f.Dept
	if a.Role != domain.RoleOffice && a.Role != domain.RoleDiscipline {
		dept = a.DepartmentID
	}
	switch {
	case f.Box == "sent" && dept != 0:
		conds = append(conds, "r.from_department_id = "+args.add(dept))
	case f.Box == "received" && dept != 0:
		conds = append(conds, "r.to_department_id = "+args.add(dept))
	case f.Dept != 0:
		d := args.add(f.Dept)
		conds = append(conds, "(r.from_department_id = "+d+" OR r.to_department_id = "+d+")")
	}
	if f.State != "" {
		conds = append(conds, "r.state = "+args.add(string(f.State)))
	}
	if f.Overdue {
		conds = append(conds, overdueReferral(args.add(date(dateOf(s.clock())))))
	}
	if c := searchCond("e.name", "e.code", f.Query, &args); c != "" {
		conds = append(conds, c)
	}
	where := " WHERE " + strings.Join(conds, " AND ")
	p := f.Page.Norm()
	out := &domain.List[domain.Referral]{Page: p.Number, Size: p.Size, Items: []domain.Referral{}}
	nargs := len(args)
	today := dateOf(s.clock())
	fill, err := s.dueFiller(ctx)
	if err != nil {
		return nil, err
	}
	err = scanAll(ctx, s.read, "SELECT "+referralCols+referralFrom+where+" ORDER BY r.id DESC LIMIT "+args.add(p.Size)+" OFFSET "+args.add(p.Offset()), args,
		func(rows *sql.Rows) error {
			var r domain.Referral
			if err := scanReferral(rows, &r); err != nil {
				return err
			}
			fill.referral(&r)
			r.Overdue = r.IsOverdue(today)
			out.Items = append(out.Items, r)
			return nil
		})
	if err != nil {
		return nil, internal(op, err)
	}
	err = s.countTotal(ctx, &out.Total, p, len(out.Items), "SELECT count(*)"+referralFrom+where, args[:nargs])
	return out, internal(op, err)
}

// CountOverdueReferrals counts the referrals the actor's department owes
// a step on past its deadline (all of them for the office and the
// discipline office): the badge of the staff navigation.
func (s *Store) CountOverdueReferrals(ctx context.Context, a domain.Actor) (int, error) {
	l, err := s.ListReferrals(ctx, a, domain.ReferralFilter{Box: "received", Overdue: true, Page: domain.Page{Size: 1}})
	if err != nil {
		return 0, err
	}
	return l.Total, nil
}

// NotifyOverdue writes one inbox notice to the receiving department of
// every referral past its deadline, and to the owner of every follow-up
// past its deadline, once per deadline, with one audit row when it wrote
// any. The inbox calls it before listing, so a notice is there the first
// time anyone looks after the deadline.
func (s *Store) NotifyOverdue(ctx context.Context) error {
	const op = "NotifyOverdue"
	today := date(dateOf(s.clock()))
	type due struct {
		recipient, kind, link, dedupe string
		args                          map[string]any
	}
	var pending []due
	err := scanAll(ctx, s.read, `SELECT r.id, r.state, r.to_department_id, e.name, e.code, r.answer_due, r.outcome_due
FROM referrals r JOIN visits v ON v.id = r.visit_id JOIN entities e ON e.id = v.entity_id WHERE `+overdueReferral("$1")+`
AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.dedupe = 'ref-overdue:' || CAST(r.id AS TEXT) || ':' || r.state)`, []any{today}, func(rows *sql.Rows) error {
		var id, to int64
		var state, name, code string
		var answer, outcome domain.Date
		if err := rows.Scan(&id, &state, &to, &name, &code, dateCol{&answer}, dateCol{&outcome}); err != nil {
			return err
		}
		d := answer
		if state == string(domain.RefAccepted) {
			d = outcome
		}
		pending = append(pending, due{recipientDept(to), "referral_overdue", referralLink(id), "ref-overdue:" + strconv.FormatInt(id, 10) + ":" + state,
			map[string]any{"entity": name, "code": code, "due": d.String()}})
		return nil
	})
	if err != nil {
		return internal(op, err)
	}
	err = scanAll(ctx, s.read, `SELECT f.id, f.department_id, e.name, e.code, f.due_on FROM follow_ups f JOIN visits v ON v.id = f.visit_id
JOIN entities e ON e.id = v.entity_id WHERE f.state = 'open' AND f.due_on < $1
AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.dedupe = 'fu-overdue:' || CAST(f.id AS TEXT))`, []any{today}, func(rows *sql.Rows) error {
		var id, dept int64
		var name, code string
		var d domain.Date
		if err := rows.Scan(&id, &dept, &name, &code, dateCol{&d}); err != nil {
			return err
		}
		pending = append(pending, due{recipientDept(dept), "followup_overdue", followUpLink(id), "fu-overdue:" + strconv.FormatInt(id, 10),
			map[string]any{"entity": name, "code": code, "due": d.String()}})
		return nil
	})
	if err != nil || len(pending) == 0 {
		return internal(op, err)
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		n := 0
		for _, d := range pending {
			wrote, err := s.notifyCount(ctx, tx, d.recipient, d.kind, d.args, d.link, d.dedupe)
			if err != nil {
				return err
			}
			if wrote {
				n++
			}
		}
		if n == 0 {
			return nil
		}
		return s.audit(ctx, tx, domain.System, auditRec{Action: "notice.overdue", ObjectType: "notice", ObjectKey: "overdue", After: map[string]any{"count": n}})
	})
}

// referredTo reports whether attachment id is evidence of a referral to
// a's department: the receiver reads it without being party to the visit.
func (s *Store) referredTo(ctx context.Context, a domain.Actor, id int64) (bool, error) {
	if a.DepartmentID == 0 {
		return false, nil
	}
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM referral_attachments ra JOIN referrals r ON r.id = ra.referral_id
WHERE ra.attachment_id = $1 AND r.to_department_id = $2`, id, a.DepartmentID).Scan(&n)
	return n > 0, err
}
