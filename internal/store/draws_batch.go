package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/draw"
)

// This file wires the draw into the plan: a draw runs for one task batch
// (任务批次); its parameters come from the task (scope, ratios, joint
// departments, window); its executed result becomes the batch's selection
// in the same transaction, so that one-click dispatch (一键分发) works from
// it; an aborted draw stays on the record and the batch's redraw names it.

// BatchDrawParams returns the parameters of a draw for a published (or
// delayed) batch: the task's industry and scope, the batch's window, the
// task's ratios per risk class, one certified officer from each joint
// department (at least two per visit, the lead department topping up),
// every joint department a party of the entropy, and publicValue (the
// description of the public future value, "" for none).
func (s *Store) BatchDrawParams(ctx context.Context, a domain.Actor, batchID int64, publicValue string) (domain.DrawParams, error) {
	const op = "BatchDrawParams"
	b, t, err := s.batchTask(ctx, s.read, batchID)
	if err != nil {
		if domain.ErrorKind(err) == domain.KindNotFound {
			return domain.DrawParams{}, err
		}
		return domain.DrawParams{}, internal(op, err)
	}
	if b == nil {
		return domain.DrawParams{}, notFound(op)
	}
	if err := domain.Require("store."+op, a, domain.ActRunDraw, t.LeadDepartmentID); err != nil {
		return domain.DrawParams{}, err
	}
	p := domain.DrawParams{Task: t.Name, Batch: fmt.Sprintf("第%d批 %s", b.Seq, b.Window), Title: fmt.Sprintf("%s 第%d批", t.Name, b.Seq),
		Industry: t.IndustryCode, Townships: t.Scope.Townships, Kinds: strs(t.Scope.Kinds), Statuses: strs(t.Scope.Statuses),
		WindowStart: b.Window.Start, WindowEnd: b.Window.End, Lead: t.LeadDepartmentID, Ratios: map[domain.RiskClass]string{},
		Rounding: draw.RoundCeil, Officers: 2, PublicValue: publicValue, BatchID: b.ID}
	for _, d := range t.Departments {
		p.Departments = append(p.Departments, domain.DrawDept{DepartmentID: d.DepartmentID, Count: 1})
	}
	for _, c := range domain.RiskClasses {
		p.Ratios[c] = t.Ratios[c].String()
	}
	return p, nil
}

// DrawPreview is what a draw would freeze if announced now: the
// announcement (without its id and hash), the pool and the roster, each
// with every exclusion and its reason. The salts of conflicts are not in
// it.
type DrawPreview struct {
	Announcement draw.Announcement
	Exclusions   []draw.Exclusion // of the pool
	Roster       *draw.Roster
	Quotas       map[string]int // businesses each stratum would draw
}

// PreviewDraw freezes the pool and roster of p without writing anything,
// so that the lead department sees what it is about to announce.
func (s *Store) PreviewDraw(ctx context.Context, a domain.Actor, p domain.DrawParams) (*DrawPreview, error) {
	const op = "PreviewDraw"
	if err := domain.Require("store."+op, a, domain.ActRunDraw, p.Lead); err != nil {
		return nil, err
	}
	if err := checkDrawParams(op, &p); err != nil {
		return nil, err
	}
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, internal(op, err)
	}
	defer tx.Rollback()
	fz, err := s.freeze(ctx, tx, op, &p)
	if err != nil {
		return nil, internal(op, err)
	}
	fz.ann.Draw = "preview"
	if _, err := draw.AnnounceSnapshot(&fz.ann, fz.pool.Summary, fz.roster); err != nil {
		return nil, drawErr(op, domain.KindInvalid, "announcement", "err", err.Error()).Wrap(err)
	}
	pv := &DrawPreview{Announcement: fz.ann, Exclusions: fz.pool.Exclusions, Roster: fz.roster, Quotas: map[string]int{}}
	for _, st := range fz.ann.Strata {
		q, err := draw.Quota(st.Pool, st.Ratio, fz.ann.Rounding, st.Minimum)
		if err != nil {
			return nil, drawErr(op, domain.KindInvalid, "announcement", "err", err.Error()).Wrap(err)
		}
		pv.Quotas[st.Name] = q
	}
	return pv, nil
}

// batchDraw is one draw of a batch as checkBatchDraw sees it.
type batchDraw struct {
	key, state, supersedes string
}

// drawsOfBatch returns the draws of a batch in the order they were made.
// Draws are few (a handful per task and year), so reading their
// parameters beats an index on a JSON field that both engines would
// spell differently.
func drawsOfBatch(ctx context.Context, q querier, industry string, batchID int64) ([]batchDraw, error) {
	rows, err := q.QueryContext(ctx, `SELECT draw_key, state, supersedes, params FROM draws WHERE industry_code = $1 ORDER BY id`, industry)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []batchDraw
	for rows.Next() {
		var d batchDraw
		var params string
		if err := rows.Scan(&d.key, &d.state, &d.supersedes, &params); err != nil {
			return nil, err
		}
		var p domain.DrawParams
		if err := json.Unmarshal([]byte(params), &p); err != nil {
			return nil, err
		}
		if p.BatchID == batchID {
			out = append(out, d)
		}
	}
	return out, rows.Err()
}

// DrawsOfBatch returns the keys of a batch's draws, oldest first (public:
// draws are public records).
func (s *Store) DrawsOfBatch(ctx context.Context, batchID int64) ([]string, error) {
	var industry string
	err := s.read.QueryRowContext(ctx, `SELECT t.industry_code FROM task_batches b JOIN plan_tasks t ON t.id = b.task_id WHERE b.id = $1`, batchID).Scan(&industry)
	if err == sql.ErrNoRows {
		return nil, notFound("DrawsOfBatch")
	}
	if err != nil {
		return nil, internal("DrawsOfBatch", err)
	}
	ds, err := drawsOfBatch(ctx, s.read, industry, batchID)
	if err != nil {
		return nil, internal("DrawsOfBatch", err)
	}
	keys := []string{}
	for _, d := range ds {
		keys = append(keys, d.key)
	}
	return keys, nil
}

// checkBatchDraw checks that p may be announced for its batch: the batch
// is published or delayed, p's lead department and industry are the
// task's, and the batch has no draw under way or executed. A redraw after
// an abort names the aborted draw (filled in when p does not).
func (s *Store) checkBatchDraw(ctx context.Context, q querier, op string, p *domain.DrawParams) error {
	b, t, err := s.batchTask(ctx, q, p.BatchID)
	if err != nil {
		return err
	}
	if b == nil {
		return notFound(op)
	}
	if t.LeadDepartmentID != p.Lead || t.IndustryCode != p.Industry {
		return drawErr(op, domain.KindInvalid, "batch_task").WithField("batch_id")
	}
	if b.State != domain.StatePublished && b.State != domain.StateDelayed {
		return drawErr(op, domain.KindConflict, "batch_state", "state", b.State)
	}
	ds, err := drawsOfBatch(ctx, q, t.IndustryCode, b.ID)
	if err != nil {
		return err
	}
	superseded := map[string]bool{}
	for _, d := range ds {
		superseded[d.supersedes] = true
	}
	open := ""
	for _, d := range ds {
		switch domain.DrawState(d.state) {
		case domain.DrawAborted:
			if !superseded[d.key] {
				open = d.key
			}
		default:
			return drawErr(op, domain.KindConflict, "batch_has_draw", "draw", d.key)
		}
	}
	if p.Supersedes == "" {
		p.Supersedes = open
	}
	return nil
}

// notifyParties puts a notice of a draw's step (kind draw_commit or
// draw_reveal) in the inbox of each party department.
func (s *Store) notifyParties(ctx context.Context, tx querier, d *domain.Draw, kind string) error {
	for _, pt := range d.Parties {
		rcpt := recipientDept(pt.DepartmentID)
		if err := s.notify(ctx, tx, rcpt, kind, map[string]any{"draw": d.Key, "title": d.Announcement.Title}, "/staff/draws/"+d.Key,
			"draw:"+d.Key+":"+kind+":"+rcpt); err != nil {
			return err
		}
	}
	return nil
}

// handOver records an executed draw's result as its batch's selection
// (businesses in draw order, each with its team) and moves the batch to
// drawn, in the draw's transaction. A visit the draw could not give a
// single member stays in the published result with its shortfalls and is
// not handed to dispatch: it has nobody to go.
func (s *Store) handOver(ctx context.Context, tx *sql.Tx, a domain.Actor, batchID int64, res *draw.Result) error {
	sel := make([]domain.Selected, 0, len(res.Visits))
	for _, v := range res.Visits {
		if len(v.Team) == 0 {
			continue
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM entities WHERE code = $1`, v.Code).Scan(&id); err != nil {
			return fmt.Errorf("store: draw business %s: %w", v.Code, err)
		}
		x := domain.Selected{EntityID: id}
		for _, m := range v.Team {
			in, err := inspectorOfRoster(m.Inspector)
			if err != nil {
				return err
			}
			x.InspectorIDs = append(x.InspectorIDs, in)
		}
		sel = append(sel, x)
	}
	return s.SetBatchSelectionTx(ctx, tx, a, batchID, sel)
}

// inspectorOfRoster is the inspector ID of a roster id ("I" and the ID).
func inspectorOfRoster(id string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimPrefix(id, "I"), 10, 64)
	if err != nil || !strings.HasPrefix(id, "I") {
		return 0, fmt.Errorf("store: roster id %q is not an inspector", id)
	}
	return n, nil
}

// lastInspectors returns, for each business of the industry, the roster
// ids of the inspectors of its last visit that started before day: the
// rule "not the business's last inspector" rests on the real history of
// dispatched visits (visit_assignments), frozen into the pool.
func lastInspectors(ctx context.Context, q querier, industry string, before domain.Date) (map[string][]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT e.code, a.inspector_id FROM visits v
JOIN entities e ON e.id = v.entity_id
JOIN visit_assignments a ON a.visit_id = v.id
WHERE e.industry_code = $1 AND v.id = (SELECT v2.id FROM visits v2 WHERE v2.entity_id = v.entity_id AND v2.state <> 'cancelled' AND v2.start_on < $2
  AND EXISTS (SELECT 1 FROM visit_assignments a2 WHERE a2.visit_id = v2.id) ORDER BY v2.start_on DESC, v2.id DESC LIMIT 1)
ORDER BY e.code, a.inspector_id`, industry, date(before))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var code string
		var in int64
		if err := rows.Scan(&code, &in); err != nil {
			return nil, err
		}
		out[code] = append(out[code], "I"+strconv.FormatInt(in, 10))
	}
	return out, rows.Err()
}

// DrawSnapshot returns a draw's frozen pool and roster with their
// exclusions, for the staff pages (every staff role; the public sees them
// in the bundle once the draw is executed).
func (s *Store) DrawSnapshot(ctx context.Context, a domain.Actor, key string) (*draw.Pool, *draw.Roster, error) {
	const op = "DrawSnapshot"
	if err := domain.Require("store."+op, a, domain.ActViewPlans, 0); err != nil {
		return nil, nil, err
	}
	_, pool, _, roster, err := loadDrawFull(ctx, s.read, key)
	if err != nil {
		if domain.ErrorKind(err) == domain.KindNotFound {
			return nil, nil, err
		}
		return nil, nil, internal(op, err)
	}
	return pool, roster, nil
}

// TaskOfBatch returns the ID of the task a batch belongs to.
func (s *Store) TaskOfBatch(ctx context.Context, batchID int64) (int64, error) {
	var id int64
	err := s.read.QueryRowContext(ctx, `SELECT task_id FROM task_batches WHERE id = $1`, batchID).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, notFound("TaskOfBatch")
	}
	return id, internal("TaskOfBatch", err)
}
