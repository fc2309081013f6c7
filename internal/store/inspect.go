package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// The inspection (检查, issue 6): results per item of each department's
// part of a visit, the part's sign-off, the joint record the lead
// department closes, and the visit's state as they move it along:
// dispatched → in_progress (first result) → results_complete (every part
// signed) → closed (joint record). Publication is in inspect_publish.go,
// attachments in inspect_attach.go.

// Inspection returns a visit with its checklist per department, the
// results entered, the sign-offs, the team as the notice names it, the
// attachments and the joint record. Whoever may read the visit (GetVisit)
// may read this.
func (s *Store) Inspection(ctx context.Context, a domain.Actor, visitID int64) (*domain.Inspection, error) {
	const op = "Inspection"
	v, err := s.GetVisit(ctx, a, visitID)
	if err != nil {
		return nil, err
	}
	in, err := s.inspection(ctx, s.read, v)
	return in, internal(op, err)
}

func (s *Store) inspection(ctx context.Context, q querier, v *domain.Visit) (*domain.Inspection, error) {
	in := &domain.Inspection{Visit: v, Parts: []domain.InspectPart{}, Team: []domain.NoticeInspector{}, Attachments: []domain.Attachment{}}
	if err := q.QueryRowContext(ctx, `SELECT e.address, t.name, d.name FROM entities e JOIN townships t ON t.code = e.township_code
JOIN departments d ON d.id = $2 WHERE e.id = $1`, v.EntityID, v.LeadDepartmentID).Scan(&in.Address, &in.Township, &in.LeadName); err != nil {
		return nil, err
	}
	idx := map[int64]int{}
	if err := scanAll(ctx, q, `SELECT p.id, p.department_id, d.name, p.state FROM visit_parts p JOIN departments d ON d.id = p.department_id
WHERE p.visit_id = $1 ORDER BY CASE WHEN p.department_id = $2 THEN 0 ELSE 1 END, p.id`, []any{v.ID, v.LeadDepartmentID}, func(r *sql.Rows) error {
		p := domain.InspectPart{Items: []domain.ChecklistItem{}, Added: []domain.ChecklistItem{}}
		if err := r.Scan(&p.ID, &p.DepartmentID, &p.DepartmentName, &p.State); err != nil {
			return err
		}
		idx[p.ID] = len(in.Parts)
		in.Parts = append(in.Parts, p)
		return nil
	}); err != nil {
		return nil, err
	}
	items, err := s.partItems(ctx, q, v.ID)
	if err != nil {
		return nil, err
	}
	for part, xs := range items {
		if i, ok := idx[part]; ok {
			in.Parts[i].Items = xs
		}
	}
	// Results, and the added items with their catalogue text.
	if err := scanAll(ctx, q, `SELECT r.part_id, r.item_id, r.result, r.finding, r.note, r.rule, r.added, r.reason, r.entered_by, r.entered_at,
c.code, c.name, c.content, c.legal_basis, c.method, c.kind, c.results
FROM visit_results r JOIN visit_parts p ON p.id = r.part_id JOIN catalog_items c ON c.id = r.item_id
WHERE p.visit_id = $1 ORDER BY r.part_id, r.entered_at, r.item_id`, []any{v.ID}, func(r *sql.Rows) error {
		var part int64
		res := &domain.ItemResult{}
		var ci domain.ChecklistItem
		var opts string
		if err := r.Scan(&part, &res.ItemID, &res.Result, &res.Finding, &res.Note, &res.Rule, &res.Added, &res.Reason, &res.EnteredBy, timeCol{&res.EnteredAt},
			&ci.Code, &ci.Name, &ci.Content, &ci.LegalBasis, &ci.Method, &ci.Kind, &opts); err != nil {
			return err
		}
		i, ok := idx[part]
		if !ok {
			return nil
		}
		p := &in.Parts[i]
		if res.Added {
			ci.ItemID, ci.Options, ci.Result = res.ItemID, parseOptions(opts), res
			p.Added = append(p.Added, ci)
			return nil
		}
		for j := range p.Items {
			if p.Items[j].ItemID == res.ItemID {
				p.Items[j].Result = res
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := scanAll(ctx, q, `SELECT part_id, signed_by, signed_at, finding, formed_on, due_on, published_at, published_by FROM part_signoffs WHERE visit_id = $1`,
		[]any{v.ID}, func(r *sql.Rows) error {
			var part int64
			so := &domain.SignOff{}
			if err := r.Scan(&part, &so.SignedBy, timeCol{&so.SignedAt}, &so.Finding, dateCol{&so.FormedOn}, dateCol{&so.DueOn}, timeCol{&so.PublishedAt}, &so.PublishedBy); err != nil {
				return err
			}
			if i, ok := idx[part]; ok {
				in.Parts[i].SignOff = so
			}
			return nil
		}); err != nil {
		return nil, err
	}
	if err := scanAll(ctx, q, `SELECT i.id, i.name, a.department_id, d.name, i.cert_no FROM visit_assignments a
JOIN inspectors i ON i.id = a.inspector_id JOIN departments d ON d.id = a.department_id
WHERE a.visit_id = $1 ORDER BY CASE WHEN a.department_id = $2 THEN 0 ELSE 1 END, a.department_id, i.name, i.id`, []any{v.ID, v.LeadDepartmentID}, func(r *sql.Rows) error {
		var n domain.NoticeInspector
		if err := r.Scan(&n.InspectorID, &n.Name, &n.DepartmentID, &n.DepartmentName, &n.CertNo); err != nil {
			return err
		}
		in.Team = append(in.Team, n)
		return nil
	}); err != nil {
		return nil, err
	}
	if in.Attachments, err = s.visitAttachments(ctx, q, v.ID); err != nil {
		return nil, err
	}
	rec := &domain.JointRecord{}
	err = q.QueryRowContext(ctx, `SELECT category, disposal, disposal_text, rectify_due, closed_by, closed_at FROM visit_records WHERE visit_id = $1`, v.ID).
		Scan(&rec.Category, &rec.Disposal, &rec.DisposalText, dateCol{&rec.RectifyDue}, &rec.ClosedBy, timeCol{&rec.ClosedAt})
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, err
	default:
		in.Record = rec
	}
	in.Archive, err = archiveMark(ctx, q, v.ID)
	return in, err
}

// partItems returns the checklist items of every part of a visit, keyed by
// part, in order, with their text from the joint-list version the task
// took them from (the snapshot the business was shown), or from the
// catalogue for a task without one.
func (s *Store) partItems(ctx context.Context, q querier, visitID int64) (map[int64][]domain.ChecklistItem, error) {
	out := map[int64][]domain.ChecklistItem{}
	err := scanAll(ctx, q, `SELECT i.part_id, i.item_id, i.task_id,
COALESCE(li.code, c.code, ''), COALESCE(li.name, c.name, ''), COALESCE(li.content, c.content, ''), COALESCE(li.legal_basis, c.legal_basis, ''),
COALESCE(li.method, c.method, ''), COALESCE(li.kind, c.kind, ''), COALESCE(li.results, c.results, '')
FROM visit_part_items i JOIN visit_parts p ON p.id = i.part_id JOIN plan_tasks t ON t.id = i.task_id
LEFT JOIN joint_list_items li ON li.version_id = t.list_version_id AND li.item_id = i.item_id
LEFT JOIN catalog_items c ON c.id = i.item_id
WHERE p.visit_id = $1 ORDER BY i.part_id, i.position`, []any{visitID}, func(r *sql.Rows) error {
		var part int64
		var ci domain.ChecklistItem
		var opts string
		if err := r.Scan(&part, &ci.ItemID, &ci.TaskID, &ci.Code, &ci.Name, &ci.Content, &ci.LegalBasis, &ci.Method, &ci.Kind, &opts); err != nil {
			return err
		}
		ci.Options = parseOptions(opts)
		out[part] = append(out[part], ci)
		return nil
	})
	return out, err
}

// parseOptions reads an item's result options (a JSON array), falling back
// to the default options.
func parseOptions(s string) []string {
	var opts []string
	if json.Unmarshal([]byte(s), &opts) != nil || len(opts) == 0 {
		return slices.Clone(domain.DefaultItemResults)
	}
	return opts
}

// partRef is a part with what the rights and state checks need.
type partRef struct {
	ID, VisitID, Dept, Lead int64
	State                   domain.PartState
	VisitState              domain.VisitState
	EntityCode, EntityName  string
}

func (s *Store) partRef(ctx context.Context, q querier, op string, partID int64) (*partRef, error) {
	var p partRef
	err := q.QueryRowContext(ctx, `SELECT p.id, p.visit_id, p.department_id, v.lead_department_id, p.state, v.state, e.code, e.name
FROM visit_parts p JOIN visits v ON v.id = p.visit_id JOIN entities e ON e.id = v.entity_id WHERE p.id = $1`, partID).
		Scan(&p.ID, &p.VisitID, &p.Dept, &p.Lead, &p.State, &p.VisitState, &p.EntityCode, &p.EntityName)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op)
	}
	return &p, err
}

// requireOnVisit checks act for dept and, for an inspector, that they are
// on the visit's team: an inspector enters results of the visits they made.
func requireOnVisit(ctx context.Context, q querier, op string, a domain.Actor, act domain.Action, dept, visitID int64) error {
	if err := domain.Require("store."+op, a, act, dept); err != nil {
		return err
	}
	if a.Role != domain.RoleInspector {
		return nil
	}
	var n int
	if err := q.QueryRowContext(ctx, "SELECT count(*) FROM visit_assignments WHERE visit_id = $1 AND inspector_id = $2", visitID, a.InspectorID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return domain.E("store."+op, domain.KindForbidden, "err.inspect.not_on_team")
	}
	return nil
}

// setVisitState moves a visit to a new state with its audit row.
func (s *Store) setVisitState(ctx context.Context, tx *sql.Tx, a domain.Actor, visitID, dept int64, from, to domain.VisitState) error {
	if from == to {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "UPDATE visits SET state = $1, updated_at = $2 WHERE id = $3", string(to), s.ts(s.clock()), visitID); err != nil {
		return err
	}
	return s.audit(ctx, tx, a, auditRec{Action: "visit." + string(to), ObjectType: "visit", ObjectKey: strconv.FormatInt(visitID, 10), Dept: dept,
		Before: map[string]any{"state": from}, After: map[string]any{"state": to}})
}

func conflict(op, key string, args ...any) error {
	return domain.E("store."+op, domain.KindConflict, key, args...)
}

// SaveResults enters (or corrects) results of items of a part not yet
// signed off. Each input names an item of the part, or with Added an item
// of the department's catalogue checked outside the published list, with
// the reason. All inputs are checked first: one bad row writes nothing.
// The first results move the visit from dispatched to in_progress.
func (s *Store) SaveResults(ctx context.Context, a domain.Actor, partID int64, inputs []domain.ResultInput) error {
	const op = "SaveResults"
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		p, err := s.partRef(ctx, tx, op, partID)
		if err != nil {
			return err
		}
		if err := requireOnVisit(ctx, tx, op, a, domain.ActEnterResult, p.Dept, p.VisitID); err != nil {
			return err
		}
		if err := p.editable(op); err != nil {
			return err
		}
		items, err := s.partItems(ctx, tx, p.VisitID)
		if err != nil {
			return err
		}
		opts := map[int64][]string{}
		for _, it := range items[p.ID] {
			opts[it.ItemID] = it.Options
		}
		v := &domain.ValidationError{Op: "store." + op}
		if len(inputs) == 0 {
			v.Add(domain.FieldErr(domain.FieldResult, "", "err.required"))
		}
		seen := map[int64]bool{}
		for i := range inputs {
			in := &inputs[i]
			row := i + 1
			if seen[in.ItemID] {
				v.Add(domain.FieldError{Row: row, Field: domain.FieldResultItem, Value: strconv.FormatInt(in.ItemID, 10), Key: "err.duplicate"})
				continue
			}
			seen[in.ItemID] = true
			o, inScope := opts[in.ItemID]
			if inScope {
				in.Added, in.Reason = false, ""
			} else {
				if !in.Added {
					v.Add(domain.FieldError{Row: row, Field: domain.FieldResultItem, Value: strconv.FormatInt(in.ItemID, 10), Key: "err.inspect.outside_scope"})
					continue
				}
				var raw string
				err := tx.QueryRowContext(ctx, "SELECT results FROM catalog_items WHERE id = $1 AND department_id = $2 AND status = $3",
					in.ItemID, p.Dept, string(domain.ItemActive)).Scan(&raw)
				if errors.Is(err, sql.ErrNoRows) {
					v.Add(domain.FieldError{Row: row, Field: domain.FieldResultItem, Value: strconv.FormatInt(in.ItemID, 10), Key: "err.inspect.unknown_item"})
					continue
				}
				if err != nil {
					return err
				}
				o = parseOptions(raw)
			}
			domain.CheckResult(v, row, in, o)
			if !domain.IsFinding(o, in.Result) {
				in.Rule = ""
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		now := s.ts(s.clock())
		for _, in := range inputs {
			o := opts[in.ItemID]
			if in.Added {
				var raw string
				if err := tx.QueryRowContext(ctx, "SELECT results FROM catalog_items WHERE id = $1", in.ItemID).Scan(&raw); err != nil {
					return err
				}
				o = parseOptions(raw)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO visit_results (part_id, item_id, result, finding, note, rule, added, reason, entered_by, entered_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (part_id, item_id) DO UPDATE SET result = excluded.result, finding = excluded.finding, note = excluded.note, rule = excluded.rule,
 added = excluded.added, reason = excluded.reason, entered_by = excluded.entered_by, entered_at = excluded.entered_at`,
				p.ID, in.ItemID, in.Result, domain.IsFinding(o, in.Result), in.Note, in.Rule, in.Added, in.Reason, actorName(a), now); err != nil {
				return err
			}
		}
		if p.VisitState == domain.VisitDispatched {
			if err := s.setVisitState(ctx, tx, a, p.VisitID, p.Lead, p.VisitState, domain.VisitInProgress); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, auditRec{Action: "result.save", ObjectType: "visit_part", ObjectKey: strconv.FormatInt(p.ID, 10), Dept: p.Dept, After: inputs})
	})
}

// editable refuses a change to a part already signed off or of a visit
// closed or cancelled.
func (p *partRef) editable(op string) error {
	switch {
	case p.VisitState == domain.VisitClosed || p.VisitState == domain.VisitCancelled:
		return conflict(op, "err.inspect.visit_closed")
	case p.State != domain.PartPending:
		return conflict(op, "err.inspect.part_signed")
	}
	return nil
}

// SignPart signs a department's part off: every item has its result, the
// result is formed today (China time) and its publication deadline is
// counted from today in working days (InspectSettings). When every part is
// signed the visit is results_complete and the lead department is told.
func (s *Store) SignPart(ctx context.Context, a domain.Actor, partID int64) error {
	const op = "SignPart"
	cal, err := s.Calendar(ctx)
	if err != nil {
		return err
	}
	set, err := s.InspectSettings(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		p, err := s.partRef(ctx, tx, op, partID)
		if err != nil {
			return err
		}
		if err := requireOnVisit(ctx, tx, op, a, domain.ActEnterResult, p.Dept, p.VisitID); err != nil {
			return err
		}
		if err := p.editable(op); err != nil {
			return err
		}
		var missing int
		var finding bool
		if err := tx.QueryRowContext(ctx, `SELECT
 (SELECT count(*) FROM visit_part_items i WHERE i.part_id = $1 AND NOT EXISTS (SELECT 1 FROM visit_results r WHERE r.part_id = i.part_id AND r.item_id = i.item_id)),
 EXISTS (SELECT 1 FROM visit_results r WHERE r.part_id = $1 AND r.finding)`, p.ID).Scan(&missing, &finding); err != nil {
			return err
		}
		if missing > 0 {
			return conflict(op, "err.inspect.incomplete", "n", missing)
		}
		now := s.clock()
		formed := dateOf(now)
		due, derr := cal.AddWorkingDays(formed, set.PublishDays)
		if derr != nil {
			due = domain.Date{}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO part_signoffs (part_id, visit_id, department_id, signed_by, signed_at, finding, formed_on, due_on)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, p.ID, p.VisitID, p.Dept, actorName(a), s.ts(now), finding, date(formed), date(due)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE visit_parts SET state = $1, updated_at = $2 WHERE id = $3", string(domain.PartEntered), s.ts(now), p.ID); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, a, auditRec{Action: "part.sign", ObjectType: "visit_part", ObjectKey: strconv.FormatInt(p.ID, 10), Dept: p.Dept,
			After: map[string]any{"finding": finding, "formed_on": formed.String(), "due_on": due.String()}}); err != nil {
			return err
		}
		var pending int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM visit_parts WHERE visit_id = $1 AND state <> $2", p.VisitID, string(domain.PartEntered)).Scan(&pending); err != nil {
			return err
		}
		if pending > 0 {
			return s.setVisitState(ctx, tx, a, p.VisitID, p.Lead, p.VisitState, domain.VisitInProgress)
		}
		if err := s.setVisitState(ctx, tx, a, p.VisitID, p.Lead, p.VisitState, domain.VisitResultsComplete); err != nil {
			return err
		}
		return s.notify(ctx, tx, recipientDept(p.Lead), "results_complete", map[string]any{"entity": p.EntityName, "code": p.EntityCode},
			"/staff/visits/"+strconv.FormatInt(p.VisitID, 10), "complete:"+strconv.FormatInt(p.VisitID, 10)+":"+strconv.FormatInt(now.UnixMicro(), 10))
	})
}

// ReopenPart takes back a part's sign-off to correct its results: only
// before it is published and before the visit is closed.
func (s *Store) ReopenPart(ctx context.Context, a domain.Actor, partID int64) error {
	const op = "ReopenPart"
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		p, err := s.partRef(ctx, tx, op, partID)
		if err != nil {
			return err
		}
		if err := requireOnVisit(ctx, tx, op, a, domain.ActEnterResult, p.Dept, p.VisitID); err != nil {
			return err
		}
		if p.VisitState == domain.VisitClosed || p.VisitState == domain.VisitCancelled {
			return conflict(op, "err.inspect.visit_closed")
		}
		var published sql.NullString
		err = tx.QueryRowContext(ctx, "SELECT CAST(published_at AS TEXT) FROM part_signoffs WHERE part_id = $1", p.ID).Scan(&published)
		if errors.Is(err, sql.ErrNoRows) {
			return conflict(op, "err.inspect.not_signed")
		}
		if err != nil {
			return err
		}
		if published.Valid {
			return conflict(op, "err.inspect.published")
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM part_signoffs WHERE part_id = $1", p.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE visit_parts SET state = $1, updated_at = $2 WHERE id = $3", string(domain.PartPending), s.ts(s.clock()), p.ID); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, a, auditRec{Action: "part.reopen", ObjectType: "visit_part", ObjectKey: strconv.FormatInt(p.ID, 10), Dept: p.Dept}); err != nil {
			return err
		}
		return s.setVisitState(ctx, tx, a, p.VisitID, p.Lead, p.VisitState, domain.VisitInProgress)
	})
}

// CloseVisit closes the joint record (联合总表) of a visit whose parts are
// all signed: the lead department gives the overall result category, the
// disposal and its text (and a rectification deadline for 责令改正).
// "未发现问题" is refused when a part found a problem. The visit is
// closed; nothing in it changes afterwards. A rectification order or
// 拟列入经营异常名录 opens its follow-up in the same transaction; a visit
// with no problem found (未发现问题) is archived in it (立卷归档).
func (s *Store) CloseVisit(ctx context.Context, a domain.Actor, visitID int64, in domain.CloseInput) error {
	const op = "CloseVisit"
	cal, err := s.Calendar(ctx)
	if err != nil {
		return err
	}
	set, err := s.FollowUpSettings(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		var lead int64
		var state domain.VisitState
		err := tx.QueryRowContext(ctx, "SELECT lead_department_id, state FROM visits WHERE id = $1", visitID).Scan(&lead, &state)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(op)
		}
		if err != nil {
			return err
		}
		if err := requireOnVisit(ctx, tx, op, a, domain.ActCloseVisit, lead, visitID); err != nil {
			return err
		}
		switch state {
		case domain.VisitClosed, domain.VisitCancelled:
			return conflict(op, "err.inspect.visit_closed")
		case domain.VisitResultsComplete:
		default:
			return conflict(op, "err.inspect.not_complete")
		}
		var findings bool
		if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM part_signoffs WHERE visit_id = $1 AND finding)", visitID).Scan(&findings); err != nil {
			return err
		}
		now := s.clock()
		if err := in.Check(findings, dateOf(now)).Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO visit_records (visit_id, category, disposal, disposal_text, rectify_due, closed_by, closed_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)`, visitID, string(in.Category), string(in.Disposal), in.DisposalText, date(in.RectifyDue), actorName(a), s.ts(now)); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, a, auditRec{Action: "visit.record", ObjectType: "visit", ObjectKey: strconv.FormatInt(visitID, 10), Dept: lead, After: in}); err != nil {
			return err
		}
		if err := s.openFollowUp(ctx, tx, a, visitID, lead, in, cal, set); err != nil {
			return err
		}
		if err := s.setVisitState(ctx, tx, a, visitID, lead, state, domain.VisitClosed); err != nil {
			return err
		}
		if !domain.ArchivesAtClosure(in.Category) {
			return nil
		}
		return s.markArchived(ctx, tx, a, visitID, lead, true)
	})
}
