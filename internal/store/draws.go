package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/draw"
)

// The transparency-log record types of the draw: the announcement when it
// is made, the result when executed, the abort when aborted.
const (
	logDrawAnnouncement = "draw.announcement"
	logDrawResult       = "draw.result"
	logDrawAbort        = "draw.abort"
)

func init() {
	registerLogBuilder(logDrawAnnouncement, func(ctx context.Context, q querier, key string, _ int) (any, error) {
		d, err := loadDraw(ctx, q, key)
		if err != nil {
			return nil, err
		}
		return announcementLog(d), nil
	})
	registerLogBuilder(logDrawResult, func(ctx context.Context, q querier, key string, _ int) (any, error) {
		d, err := loadDraw(ctx, q, key)
		if err != nil {
			return nil, err
		}
		return resultLog(d), nil
	})
	registerLogBuilder(logDrawAbort, func(ctx context.Context, q querier, key string, _ int) (any, error) {
		d, err := loadDraw(ctx, q, key)
		if err != nil {
			return nil, err
		}
		return abortLog(d), nil
	})
}

func announcementLog(d *domain.Draw) any {
	return map[string]any{"announcement": d.Announcement, "announcement_hash": d.AnnouncementHash}
}

// resultLog is the logged record of an executed draw. A result of a
// province-scale draw runs to megabytes, so the log holds its seed, its
// size and the SHA-256 of its JSON (as the bundle serves it), which binds
// every visit, key, team and skip without copying them.
func resultLog(d *domain.Draw) any {
	js, _ := json.Marshal(d.Result)
	return resultLogOf(d, js)
}

// resultLogOf is resultLog given the JSON of d.Result.
func resultLogOf(d *domain.Draw, resultJSON []byte) any {
	sum := sha256.Sum256(resultJSON)
	return map[string]any{"draw": d.Key, "announcement_hash": d.AnnouncementHash, "parties": d.Parties, "public_value": d.PublicValue,
		"result": map[string]any{"seed": d.Result.Seed, "visits": len(d.Result.Visits), "unstaffed": len(d.Result.Unstaffed()), "sha256": hex.EncodeToString(sum[:])}}
}

func abortLog(d *domain.Draw) any {
	return map[string]any{"draw": d.Key, "announcement_hash": d.AnnouncementHash, "reason": d.AbortReason}
}

func drawErr(op string, kind domain.Kind, key string, args ...any) *domain.Error {
	return domain.E("store."+op, kind, "draw.err."+key, args...)
}

// AnnounceDraw freezes the pool and the roster of a task batch and
// publishes the draw's announcement (抽取公告) before any entropy exists.
//
// The pool is every entity of the industry (and townships, when given):
// active ones are drawn from, by risk class, the others are listed as
// exclusions with the reason. The roster is the team departments'
// inspectors and the experts of every department: those not on duty, and
// officers without a certificate valid through the window, are listed as
// exclusions. Declared conflicts of interest enter the roster as salted
// commitments; the salts stay in the store for the discipline office.
func (s *Store) AnnounceDraw(ctx context.Context, a domain.Actor, p domain.DrawParams) (*domain.Draw, error) {
	const op = "AnnounceDraw"
	if err := domain.Require("store."+op, a, domain.ActRunDraw, p.Lead); err != nil {
		return nil, err
	}
	if err := checkDrawParams(op, &p); err != nil {
		return nil, err
	}
	var key string
	var out *domain.Draw
	err := s.inTx(ctx, op, func(tx *sql.Tx) error {
		fz, err := s.freeze(ctx, tx, op, &p)
		if err != nil {
			return err
		}
		ann, pool, roster, salts := fz.ann, fz.pool, fz.roster, fz.salts
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM draws WHERE industry_code = $1`, p.Industry).Scan(&n); err != nil {
			return err
		}
		key = fmt.Sprintf("%d-%s-%d", p.WindowStart.Year, p.Industry, n+1)
		ann.Draw = key
		hash, err := draw.AnnounceSnapshot(&ann, pool.Summary, roster)
		if err != nil {
			return drawErr(op, domain.KindInvalid, "announcement", "err", err.Error()).Wrap(err)
		}
		params, _ := json.Marshal(p)
		annJSON, _ := json.Marshal(ann)
		rosterJSON, _ := json.Marshal(roster)
		sumJSON, _ := json.Marshal(summarize(pool, roster))
		now := s.now()
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO draws (draw_key, state, lead_department_id, industry_code, params, announcement, announcement_hash,
roster, summary, supersedes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			key, string(domain.DrawCommitting), p.Lead, p.Industry, string(params), string(annJSON), hash, string(rosterJSON), string(sumJSON),
			p.Supersedes, s.ts(now)).Scan(&id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO draw_pools (draw_id, pool) VALUES ($1, $2)`, id, pool.Text); err != nil {
			return err
		}
		for _, d := range p.Departments {
			if _, err := tx.ExecContext(ctx, `INSERT INTO draw_parties (draw_id, party, department_id) VALUES ($1, $2, $3)`, id, fz.depts[d.DepartmentID].Code, d.DepartmentID); err != nil {
				return err
			}
		}
		for _, c := range salts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO draw_conflict_salts (draw_id, inspector, code, salt) VALUES ($1, $2, $3, $4)`, id, c.Inspector, c.Code, c.Salt); err != nil {
				return err
			}
		}
		if out, err = loadDraw(ctx, tx, key); err != nil {
			return err
		}
		if err := s.notifyParties(ctx, tx, out, "draw_commit"); err != nil {
			return err
		}
		if _, err := s.logAppend(ctx, tx, LogRecord{Type: logDrawAnnouncement, Version: 1, Key: key, Body: announcementLog(out)}); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auditRec{Action: "draw.announce", ObjectType: "draw", ObjectKey: key, Dept: p.Lead,
			After: map[string]any{"announcement_hash": hash, "params": p}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkDrawParams fills the defaults of p and checks what needs no
// database.
func checkDrawParams(op string, p *domain.DrawParams) error {
	if p.Rounding == "" {
		p.Rounding = draw.RoundCeil
	}
	if p.Officers == 0 {
		p.Officers = 2
	}
	for _, f := range []struct{ name, v string }{{"task", p.Task}, {"batch", p.Batch}, {"title", p.Title}, {"public_value", p.PublicValue}} {
		if !domain.TextOK(f.v) {
			return drawErr(op, domain.KindInvalid, "bad_text").WithField(f.name)
		}
	}
	if p.WindowStart.IsZero() || p.WindowEnd.IsZero() || p.WindowEnd.Before(p.WindowStart) {
		return drawErr(op, domain.KindInvalid, "bad_window").WithField("window")
	}
	return nil
}

// frozenDraw is an announcement before its key and hash, with the pool
// and roster frozen for it and the salts of the roster's conflicts.
type frozenDraw struct {
	ann    draw.Announcement
	pool   *frozenPool
	roster *draw.Roster
	salts  []draw.ConflictSalt
	depts  map[int64]domain.Department
}

// freeze checks p against the database and freezes the pool and roster.
// A batch draw's redraw gets its supersedes from the batch's aborted draw.
func (s *Store) freeze(ctx context.Context, tx querier, op string, p *domain.DrawParams) (*frozenDraw, error) {
	depts, err := s.drawDepartments(ctx, tx)
	if err != nil {
		return nil, err
	}
	lead, ok := depts[p.Lead]
	if !ok {
		return nil, drawErr(op, domain.KindInvalid, "no_department").WithField("lead_department_id")
	}
	ann := draw.Announcement{Task: draw.CanonicalText(p.Task), Batch: draw.CanonicalText(p.Batch), Title: draw.CanonicalText(p.Title),
		AnnouncedAt: s.now().UTC().Truncate(time.Second).Format(time.RFC3339), WindowStart: p.WindowStart.String(), WindowEnd: p.WindowEnd.String(),
		Rounding: p.Rounding, PublicValue: draw.CanonicalText(p.PublicValue),
		Team: draw.TeamRules{Lead: lead.Code, Officers: p.Officers, Cap: p.Cap, Expert: p.Expert}}
	teamDepts := map[int64]bool{}
	for _, d := range p.Departments {
		dep, ok := depts[d.DepartmentID]
		if !ok {
			return nil, drawErr(op, domain.KindInvalid, "no_department").WithField("departments")
		}
		teamDepts[d.DepartmentID] = true
		ann.Team.Departments = append(ann.Team.Departments, draw.DepartmentSlot{Department: dep.Code, Count: d.Count})
		ann.Parties = append(ann.Parties, dep.Code)
	}
	for _, rc := range domain.RiskClasses {
		ratio, ok := p.Ratios[rc]
		if !ok {
			return nil, drawErr(op, domain.KindInvalid, "no_ratio", "class", string(rc)).WithField("ratios")
		}
		ann.Strata = append(ann.Strata, draw.Stratum{Name: string(rc), Ratio: ratio, Minimum: p.Minimum[rc]})
	}
	var industryName string
	if err := tx.QueryRowContext(ctx, `SELECT name FROM industries WHERE code = $1`, p.Industry).Scan(&industryName); errors.Is(err, sql.ErrNoRows) {
		return nil, drawErr(op, domain.KindInvalid, "no_industry").WithField("industry")
	} else if err != nil {
		return nil, err
	}
	if p.BatchID != 0 {
		if err := s.checkBatchDraw(ctx, tx, op, p); err != nil {
			return nil, err
		}
	}
	if p.Supersedes != "" {
		var st string
		err := tx.QueryRowContext(ctx, `SELECT state FROM draws WHERE draw_key = $1`, p.Supersedes).Scan(&st)
		if errors.Is(err, sql.ErrNoRows) || err == nil && st != string(domain.DrawAborted) {
			return nil, drawErr(op, domain.KindInvalid, "supersedes_not_aborted").WithField("supersedes")
		}
		if err != nil {
			return nil, err
		}
	}
	pool, err := s.freezePool(ctx, tx, *p, industryName)
	if bad := (invalidPool{}); errors.As(err, &bad) {
		return nil, drawErr(op, domain.KindInvalid, "announcement", "err", bad.Error()).Wrap(bad.error)
	} else if err != nil {
		return nil, err
	}
	roster, salts, err := s.freezeRoster(ctx, tx, *p, depts, teamDepts)
	if err != nil {
		return nil, err
	}
	ann.Supersedes = p.Supersedes
	return &frozenDraw{ann: ann, pool: pool, roster: roster, salts: salts, depts: depts}, nil
}

func (s *Store) drawDepartments(ctx context.Context, q querier) (map[int64]domain.Department, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, code FROM departments`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[int64]domain.Department{}
	for rows.Next() {
		var d domain.Department
		if err := rows.Scan(&d.ID, &d.Code); err != nil {
			return nil, err
		}
		m[d.ID] = d
	}
	return m, rows.Err()
}

// frozenPool is a pool as AnnounceDraw freezes it: its snapshot, its
// canonical text (what the draw stores and the bundle's pool is read back
// from) and its exclusions.
type frozenPool struct {
	Summary    draw.PoolSummary
	Text       string
	Exclusions []draw.Exclusion
}

// invalidPool is a value of the directory that the pool snapshot refuses
// (e.g. a code outside the GB 32100 alphabet): the draw cannot be announced.
type invalidPool struct{ error }

// freezePool reads the task's scope from the entity directory in code
// order and streams it through the snapshot hash, which checks every value:
// the pool is never held as a million structs. Codes are unique in the
// directory, so no code is both in the pool and excluded.
// The business's last inspectors come from the visits' assignments.
func (s *Store) freezePool(ctx context.Context, tx querier, p domain.DrawParams, industryName string) (*frozenPool, error) {
	last, err := lastInspectors(ctx, tx, p.Industry, p.WindowStart)
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT code, name, status, risk_class, township_code, kind FROM entities WHERE industry_code = $1 ORDER BY code`, p.Industry)
	if err != nil {
		return nil, err
	}
	batches, readErr, stop := readPoolRows(rows)
	defer stop()
	h := draw.NewPoolHasher(true)
	pool := &frozenPool{Exclusions: []draw.Exclusion{}}
	label := labelOf(industryName)
	statuses := p.Statuses
	if len(statuses) == 0 {
		statuses = []string{string(domain.StatusActive)}
	}
	for batch := range batches {
		for _, r := range batch {
			if len(p.Townships) > 0 && !slices.Contains(p.Townships, r.township) || len(p.Kinds) > 0 && !slices.Contains(p.Kinds, r.kind) {
				continue
			}
			if !slices.Contains(statuses, r.status) {
				pool.Exclusions = append(pool.Exclusions, draw.Exclusion{Code: r.code, Reason: "status_" + r.status})
				continue
			}
			if err := h.AddBusiness(&draw.Business{Code: r.code, Name: draw.CanonicalText(r.name), Stratum: r.risk, Industry: label, LastInspectors: last[r.code]}); err != nil {
				return nil, invalidPool{err}
			}
		}
	}
	if err := *readErr; err != nil {
		return nil, err
	}
	for i := range pool.Exclusions {
		if err := h.AddExclusion(&pool.Exclusions[i]); err != nil {
			return nil, invalidPool{err}
		}
	}
	pool.Summary, pool.Text = h.Summary(), h.Text()
	return pool, nil
}

// poolRow is one business of the directory as the freeze reads it.
type poolRow struct{ code, name, status, risk, township, kind string }

// readPoolRows reads rows in batches on a goroutine of its own, so that
// reading a million businesses from the database and hashing them (each
// about a second of a core) run side by side. The channel closes after
// the last batch; *readErr is then the reading's error, if any. stop ends
// the reading early and waits for it: call it before the transaction is
// used again.
func readPoolRows(rows *sql.Rows) (batches <-chan []poolRow, readErr *error, stop func()) {
	const size = 4096
	out := make(chan []poolRow, 4)
	done := make(chan struct{})
	var err error
	go func() {
		defer close(out)
		defer rows.Close()
		batch := make([]poolRow, 0, size)
		send := func() bool {
			select {
			case out <- batch:
				batch = make([]poolRow, 0, size)
				return true
			case <-done:
				return false
			}
		}
		for rows.Next() {
			var r poolRow
			if err = rows.Scan(&r.code, &r.name, &r.status, &r.risk, &r.township, &r.kind); err != nil {
				return
			}
			if batch = append(batch, r); len(batch) == size && !send() {
				return
			}
		}
		if err = rows.Err(); err == nil && len(batch) > 0 {
			send()
		}
	}()
	return out, &err, func() {
		close(done)
		for range out {
		}
	}
}

// labelOf makes an industry name or an inspector's label a canonical label.
func labelOf(s string) string { return strings.ReplaceAll(draw.CanonicalText(s), ",", "，") }

// freezeRoster reads the team departments' inspectors and all experts.
func (s *Store) freezeRoster(ctx context.Context, tx querier, p domain.DrawParams, depts map[int64]domain.Department, team map[int64]bool) (*draw.Roster, []draw.ConflictSalt, error) {
	ins, err := s.queryInspectors(ctx, tx, domain.System, "SELECT "+inspectorCols+" FROM inspectors ORDER BY id")
	if err != nil {
		return nil, nil, err
	}
	r := &draw.Roster{Inspectors: []draw.Inspector{}, Exclusions: []draw.RosterExclusion{}}
	var salts []draw.ConflictSalt
	for _, in := range ins {
		if !team[in.DepartmentID] && !in.Expert {
			continue
		}
		id := "I" + strconv.FormatInt(in.ID, 10)
		dept := depts[in.DepartmentID].Code
		reason := ""
		switch {
		case in.Status != domain.InspectorOnDuty:
			reason = string(in.Status)
		case !in.Expert && !in.Certified(p.WindowEnd):
			reason = "cert_invalid"
		}
		if reason != "" {
			r.Exclusions = append(r.Exclusions, draw.RosterExclusion{ID: id, Department: dept, Reason: reason})
			continue
		}
		d := draw.Inspector{ID: id, Department: dept, Name: draw.CanonicalText(in.Name), CertNo: draw.CanonicalText(in.CertNo), Expert: in.Expert}
		if !in.CertExpiry.IsZero() {
			d.CertExpiry = in.CertExpiry.String()
		}
		for _, l := range append(slices.Clone(in.Labels), in.Expertise) {
			if l = labelOf(l); l != "" {
				d.Labels = append(d.Labels, l)
			}
		}
		for _, c := range in.Conflicts {
			salt := make([]byte, 16)
			rand.Read(salt)
			d.Conflicts = append(d.Conflicts, draw.ConflictCommitment(salt, c.EntityCode))
			salts = append(salts, draw.ConflictSalt{Inspector: id, Code: c.EntityCode, Salt: hex.EncodeToString(salt)})
		}
		r.Inspectors = append(r.Inspectors, d)
	}
	return r, salts, nil
}

const drawCols = `id, draw_key, state, lead_department_id, industry_code, announcement, announcement_hash, public_first, public_value, result,
abort_reason, created_at, executed_at, aborted_at, summary, params`

// drawSummary is what the public page shows of a frozen pool and roster,
// kept beside them so that no step but execution reads the whole pool.
type drawSummary struct {
	PoolStrata       map[string]int `json:"pool_strata"`
	Exclusions       map[string]int `json:"exclusions"`
	RosterDepts      map[string]int `json:"roster_departments"`
	RosterExclusions map[string]int `json:"roster_exclusions"`
}

func summarize(pool *frozenPool, roster *draw.Roster) drawSummary {
	s := drawSummary{PoolStrata: map[string]int{}, Exclusions: map[string]int{}, RosterDepts: map[string]int{}, RosterExclusions: map[string]int{}}
	for stratum, n := range pool.Summary.Strata {
		s.PoolStrata[stratum] = n
	}
	for _, x := range pool.Exclusions {
		s.Exclusions[x.Reason]++
	}
	for _, in := range roster.Inspectors {
		s.RosterDepts[in.Department]++
	}
	for _, x := range roster.Exclusions {
		s.RosterExclusions[x.Reason]++
	}
	return s
}

// loadDraw reads a draw with its parties and the summary of its pool and
// roster.
func loadDraw(ctx context.Context, q querier, key string) (*domain.Draw, error) {
	var d domain.Draw
	var ann, first, pv, res, sum, params string
	err := q.QueryRowContext(ctx, `SELECT `+drawCols+` FROM draws WHERE draw_key = $1`, key).Scan(&d.ID, &d.Key, &d.State, &d.LeadDepartmentID,
		&d.Industry, &ann, &d.AnnouncementHash, &first, &pv, &res, &d.AbortReason, timeCol{&d.CreatedAt}, timeCol{&d.ExecutedAt}, timeCol{&d.AbortedAt}, &sum, &params)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, drawErr("GetDraw", domain.KindNotFound, "not_found", "draw", key)
	}
	if err != nil {
		return nil, err
	}
	d.PublicPending = first != ""
	var dp domain.DrawParams
	if err := json.Unmarshal([]byte(params), &dp); err != nil {
		return nil, err
	}
	d.BatchID = dp.BatchID
	if err := json.Unmarshal([]byte(ann), &d.Announcement); err != nil {
		return nil, err
	}
	if pv != "" {
		d.PublicValue = &draw.PublicValue{}
		if err := json.Unmarshal([]byte(pv), d.PublicValue); err != nil {
			return nil, err
		}
	}
	if res != "" {
		d.Result = &draw.Result{}
		if err := json.Unmarshal([]byte(res), d.Result); err != nil {
			return nil, err
		}
	}
	var ds drawSummary
	if sum != "" {
		if err := json.Unmarshal([]byte(sum), &ds); err != nil {
			return nil, err
		}
	}
	d.PoolStrata, d.Exclusions, d.RosterDepts, d.RosterExclusions = ds.PoolStrata, ds.Exclusions, ds.RosterDepts, ds.RosterExclusions
	rows, err := q.QueryContext(ctx, `SELECT party, department_id, commitment, committed_at, secret, revealed_at FROM draw_parties WHERE draw_id = $1 ORDER BY party`, d.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var pt domain.DrawParty
		if err := rows.Scan(&pt.Party, &pt.DepartmentID, &pt.Commitment, timeCol{&pt.CommittedAt}, &pt.Secret, timeCol{&pt.RevealedAt}); err != nil {
			return nil, err
		}
		d.Parties = append(d.Parties, pt)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	_ = q.QueryRowContext(ctx, `SELECT draw_key FROM draws WHERE supersedes = $1`, key).Scan(&d.SupersededBy)
	return &d, nil
}

// loadDrawFull reads a draw with its frozen pool and roster. The pool is
// stored as its canonical text, returned as poolText (draws announced
// before migration 0007 hold it as JSON, returned parsed in pool).
func loadDrawFull(ctx context.Context, q querier, key string) (d *domain.Draw, pool *draw.Pool, poolText string, roster *draw.Roster, err error) {
	d, err = loadDraw(ctx, q, key)
	if err != nil {
		return nil, nil, "", nil, err
	}
	var stored, rosterJSON string
	if err := q.QueryRowContext(ctx, `SELECT p.pool, d.roster FROM draws d JOIN draw_pools p ON p.draw_id = d.id WHERE d.id = $1`, d.ID).Scan(&stored, &rosterJSON); err != nil {
		return nil, nil, "", nil, err
	}
	pool = &draw.Pool{}
	if strings.HasPrefix(stored, "{") {
		err = json.Unmarshal([]byte(stored), pool)
	} else {
		poolText = stored
	}
	if err != nil {
		return nil, nil, "", nil, err
	}
	roster = &draw.Roster{}
	if err := json.Unmarshal([]byte(rosterJSON), roster); err != nil {
		return nil, nil, "", nil, err
	}
	return d, pool, poolText, roster, nil
}

// GetDraw returns a draw as the public sees it (it is public: no right needed).
func (s *Store) GetDraw(ctx context.Context, key string) (*domain.Draw, error) {
	d, err := loadDraw(ctx, s.read, key)
	if err != nil && domain.ErrorKind(err) != domain.KindNotFound {
		return nil, internal("GetDraw", err)
	}
	return d, err
}

// ListDraws returns every draw, newest first (public).
func (s *Store) ListDraws(ctx context.Context) ([]domain.Draw, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT draw_key FROM draws ORDER BY id DESC`)
	if err != nil {
		return nil, internal("ListDraws", err)
	}
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return nil, internal("ListDraws", err)
		}
		keys = append(keys, k)
	}
	rows.Close()
	out := []domain.Draw{}
	for _, k := range keys {
		d, err := s.GetDraw(ctx, k)
		if err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	return out, nil
}

// drawForUpdate loads a draw in a write transaction and checks that a may
// do act on it (none: the caller checks a party's right itself), then its
// state: whoever may not act is refused without learning the state.
func drawForUpdate(ctx context.Context, tx *sql.Tx, op, key string, a domain.Actor, act domain.Action, states ...domain.DrawState) (*domain.Draw, error) {
	d, err := loadDraw(ctx, tx, key)
	if err != nil {
		return nil, err
	}
	if act != "" {
		if err := domain.Require("store."+op, a, act, d.LeadDepartmentID); err != nil {
			return nil, err
		}
	}
	if !slices.Contains(states, d.State) {
		return nil, drawErr(op, domain.KindConflict, "state", "draw", key, "state", string(d.State))
	}
	return d, nil
}

func partyOf(d *domain.Draw, party string) *domain.DrawParty {
	for i := range d.Parties {
		if d.Parties[i].Party == party {
			return &d.Parties[i]
		}
	}
	return nil
}

// CommitDraw records a party's commitment (承诺): only that department's
// staff may give it, once, while commitments are open. When every party has
// committed the draw moves on to the reveals.
func (s *Store) CommitDraw(ctx context.Context, a domain.Actor, key, party, commitment string) error {
	const op = "CommitDraw"
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		d, err := drawForUpdate(ctx, tx, op, key, a, "", domain.DrawCommitting)
		if err != nil {
			return err
		}
		pt := partyOf(d, party)
		if pt == nil {
			return drawErr(op, domain.KindInvalid, "not_party", "party", party).WithField("party")
		}
		if err := domain.Require("store."+op, a, domain.ActDrawEntropy, pt.DepartmentID); err != nil {
			return err
		}
		if pt.Commitment != "" {
			return drawErr(op, domain.KindConflict, "committed", "party", party)
		}
		if b, err := hex.DecodeString(commitment); err != nil || len(b) != 32 || hex.EncodeToString(b) != commitment {
			return drawErr(op, domain.KindInvalid, "bad_commitment").WithField("commitment")
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE draw_parties SET commitment = $1, committed_at = $2 WHERE draw_id = $3 AND party = $4`, commitment, s.ts(now), d.ID, party); err != nil {
			return err
		}
		committed := *pt
		committed.Commitment = commitment
		if err := s.logDrawParty(ctx, tx, logDrawCommitment, d, committed); err != nil {
			return err
		}
		open := 0
		for _, p := range d.Parties {
			if p.Commitment == "" && p.Party != party {
				open++
			}
		}
		if open == 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE draws SET state = $1 WHERE id = $2`, string(domain.DrawRevealing), d.ID); err != nil {
				return err
			}
			if err := s.notifyParties(ctx, tx, d, "draw_reveal"); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, auditRec{Action: "draw.commit", ObjectType: "draw", ObjectKey: key + "/" + party, Dept: pt.DepartmentID,
			After: map[string]string{"commitment": commitment}})
	})
}

// RevealDraw records a party's secret (揭示) after checking it against the
// party's commitment.
func (s *Store) RevealDraw(ctx context.Context, a domain.Actor, key, party, secretHex string) error {
	const op = "RevealDraw"
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		d, err := drawForUpdate(ctx, tx, op, key, a, "", domain.DrawRevealing)
		if err != nil {
			return err
		}
		pt := partyOf(d, party)
		if pt == nil {
			return drawErr(op, domain.KindInvalid, "not_party", "party", party).WithField("party")
		}
		if err := domain.Require("store."+op, a, domain.ActDrawEntropy, pt.DepartmentID); err != nil {
			return err
		}
		if pt.Secret != "" {
			return drawErr(op, domain.KindConflict, "revealed", "party", party)
		}
		secret, err := draw.ParseSecret(secretHex)
		if err != nil {
			return drawErr(op, domain.KindInvalid, "bad_secret", "min", draw.MinSecret, "max", draw.MaxSecret).WithField("secret")
		}
		if draw.Commitment(d.AnnouncementHash, party, secret) != pt.Commitment {
			return drawErr(op, domain.KindInvalid, "reveal_mismatch", "party", party).WithField("secret")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE draw_parties SET secret = $1, revealed_at = $2 WHERE draw_id = $3 AND party = $4`, secretHex, s.ts(s.now()), d.ID, party); err != nil {
			return err
		}
		revealed := *pt
		revealed.Secret = secretHex
		if err := s.logDrawParty(ctx, tx, logDrawReveal, d, revealed); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auditRec{Action: "draw.reveal", ObjectType: "draw", ObjectKey: key + "/" + party, Dept: pt.DepartmentID,
			After: map[string]string{"secret": secretHex}})
	})
}

// EnterPublicValue records one entry of the public future value (公开随机数,
// e.g. lottery numbers, one source a line). The first entry waits; a second
// entry by another user that gives the same RFC 3797 key string confirms
// it; a different one discards both, and both are entered again. It
// reports whether the value is now confirmed.
func (s *Store) EnterPublicValue(ctx context.Context, a domain.Actor, key, text string) (bool, error) {
	const op = "EnterPublicValue"
	pv, err := draw.ParsePublicValue(text)
	if err != nil {
		return false, drawErr(op, domain.KindInvalid, "bad_public_value", "err", err.Error()).WithField("public_value")
	}
	confirmed := false
	err = s.inTx(ctx, op, func(tx *sql.Tx) error {
		d, err := drawForUpdate(ctx, tx, op, key, a, domain.ActRunDraw, domain.DrawRevealing)
		if err != nil {
			return err
		}
		if d.Announcement.PublicValue == "" {
			return drawErr(op, domain.KindConflict, "no_public_value")
		}
		if d.PublicValue != nil {
			return drawErr(op, domain.KindConflict, "public_confirmed")
		}
		var first string
		var firstBy sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT public_first, public_first_by FROM draws WHERE id = $1`, d.ID).Scan(&first, &firstBy); err != nil {
			return err
		}
		js, _ := json.Marshal(pv)
		switch {
		case first == "":
			_, err = tx.ExecContext(ctx, `UPDATE draws SET public_first = $1, public_first_by = $2 WHERE id = $3`, string(js), a.UserID, d.ID)
		case firstBy.Int64 == a.UserID:
			return drawErr(op, domain.KindConflict, "same_user")
		default:
			var prev draw.PublicValue
			if err := json.Unmarshal([]byte(first), &prev); err != nil {
				return err
			}
			if prev.KeyString != pv.KeyString {
				return errMismatch
			}
			confirmed = true
			_, err = tx.ExecContext(ctx, `UPDATE draws SET public_value = $1, public_first = '' WHERE id = $2`, string(js), d.ID)
			if err == nil {
				_, err = s.logAppend(ctx, tx, LogRecord{Type: logDrawPublicValue, Version: 1, Key: d.Key, Body: publicValueLog(d, &pv)})
			}
		}
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auditRec{Action: "draw.public_value", ObjectType: "draw", ObjectKey: key, Dept: d.LeadDepartmentID,
			After: map[string]any{"value": pv, "confirmed": confirmed}})
	})
	if errors.Is(err, errMismatch) {
		// The mismatch itself is recorded: commit it, then report it.
		return false, s.recordMismatch(ctx, a, key)
	}
	return confirmed, err
}

var errMismatch = errors.New("store: public value entries differ")

// recordMismatch clears the first entry after two entries differed (the
// transaction that found it rolled back) and reports the mismatch.
func (s *Store) recordMismatch(ctx context.Context, a domain.Actor, key string) error {
	const op = "EnterPublicValue"
	err := s.inTx(ctx, op, func(tx *sql.Tx) error {
		d, err := drawForUpdate(ctx, tx, op, key, a, "", domain.DrawRevealing)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE draws SET public_first = '', public_first_by = NULL WHERE id = $1`, d.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auditRec{Action: "draw.public_value_mismatch", ObjectType: "draw", ObjectKey: key, Dept: d.LeadDepartmentID})
	})
	if err != nil {
		return err
	}
	return drawErr(op, domain.KindConflict, "public_mismatch").WithField("public_value")
}

// conflictSalts reads a draw's conflict salts.
func conflictSalts(ctx context.Context, q querier, id int64) ([]draw.ConflictSalt, error) {
	rows, err := q.QueryContext(ctx, `SELECT inspector, code, salt FROM draw_conflict_salts WHERE draw_id = $1 ORDER BY inspector, code`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []draw.ConflictSalt{}
	for rows.Next() {
		var c draw.ConflictSalt
		if err := rows.Scan(&c.Inspector, &c.Code, &c.Salt); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ConflictSalts returns the salts of a draw's conflict commitments, for the
// discipline office's verification (yiyeyicha verify --conflict-salts).
func (s *Store) ConflictSalts(ctx context.Context, a domain.Actor, key string) ([]draw.ConflictSalt, error) {
	const op = "ConflictSalts"
	if err := domain.Require("store."+op, a, domain.ActViewSalts, 0); err != nil {
		return nil, err
	}
	d, err := s.GetDraw(ctx, key)
	if err != nil {
		return nil, err
	}
	out, err := conflictSalts(ctx, s.read, d.ID)
	if err != nil {
		return nil, internal(op, err)
	}
	return out, nil
}

// ExecuteDraw draws once every party has revealed and the public value (if
// announced) is confirmed: seed, selection and teams, stored and published
// in the transparency log. It returns the bundle.
func (s *Store) ExecuteDraw(ctx context.Context, a domain.Actor, key string) (*draw.Bundle, error) {
	const op = "ExecuteDraw"
	var bundle *draw.Bundle
	err := s.inTx(ctx, op, func(tx *sql.Tx) error {
		d, pool, poolText, roster, err := loadDrawFull(ctx, tx, key)
		if err != nil {
			return err
		}
		if err := domain.Require("store."+op, a, domain.ActRunDraw, d.LeadDepartmentID); err != nil {
			return err
		}
		if d.State != domain.DrawRevealing {
			return drawErr(op, domain.KindConflict, "state", "draw", key, "state", string(d.State))
		}
		in := draw.Input{Announcement: d.Announcement, Pool: *pool, PoolText: poolText, Roster: *roster}
		for _, p := range d.Parties {
			if p.Secret == "" {
				return drawErr(op, domain.KindConflict, "missing_reveal", "party", p.Party)
			}
			in.Commitments = append(in.Commitments, draw.Commit{Party: p.Party, Commitment: p.Commitment})
			in.Entropy.Reveals = append(in.Entropy.Reveals, draw.Reveal{Party: p.Party, Secret: p.Secret})
		}
		if d.Announcement.PublicValue != "" && d.PublicValue == nil {
			return drawErr(op, domain.KindConflict, "missing_public_value")
		}
		in.Entropy.Public = d.PublicValue
		salts, err := conflictSalts(ctx, tx, d.ID)
		if err != nil {
			return err
		}
		open := map[string]string{}
		for _, c := range salts {
			b, _ := hex.DecodeString(c.Salt)
			open[c.Inspector+"\x00"+c.Code] = draw.ConflictCommitment(b, c.Code)
		}
		in.Conflict = func(i, code string) (string, bool) { c, ok := open[i+"\x00"+code]; return c, ok }
		bundle, err = draw.Execute(in)
		if err != nil {
			return err
		}
		res, _ := json.Marshal(bundle.Result)
		now := s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE draws SET state = $1, result = $2, executed_at = $3 WHERE id = $4`,
			string(domain.DrawExecuted), string(res), s.ts(now), d.ID); err != nil {
			return err
		}
		// The log record is built from what was just written, as the
		// monitor rebuilds it from the stored draw (resultLog): reading a
		// result of a hundred thousand visits back would only parse it again.
		d.Result = &bundle.Result
		if _, err := s.logAppend(ctx, tx, LogRecord{Type: logDrawResult, Version: 1, Key: key, Body: resultLogOf(d, res)}); err != nil {
			return err
		}
		if d.BatchID != 0 {
			if err := s.handOver(ctx, tx, a, d.BatchID, &bundle.Result); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, auditRec{Action: "draw.execute", ObjectType: "draw", ObjectKey: key, Dept: d.LeadDepartmentID,
			After: map[string]any{"seed": bundle.Result.Seed, "visits": len(bundle.Result.Visits), "unstaffed": len(bundle.Result.Unstaffed())}})
	})
	if err != nil {
		return nil, err
	}
	return bundle, nil
}

// AbortDraw aborts a draw in public (a missing reveal, a mistake in the
// announcement), with the reason. It is never a silent retry: a redraw is a
// new draw that names this one in supersedes.
func (s *Store) AbortDraw(ctx context.Context, a domain.Actor, key, reason string) error {
	const op = "AbortDraw"
	reason = draw.CanonicalText(reason)
	if reason == "" || !domain.TextOK(reason) {
		return drawErr(op, domain.KindInvalid, "no_reason").WithField("reason")
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		d, err := drawForUpdate(ctx, tx, op, key, a, domain.ActRunDraw, domain.DrawCommitting, domain.DrawRevealing)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE draws SET state = $1, abort_reason = $2, aborted_at = $3 WHERE id = $4`,
			string(domain.DrawAborted), reason, s.ts(s.now()), d.ID); err != nil {
			return err
		}
		d.AbortReason = reason
		if _, err := s.logAppend(ctx, tx, LogRecord{Type: logDrawAbort, Version: 1, Key: key, Body: abortLog(d)}); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auditRec{Action: "draw.abort", ObjectType: "draw", ObjectKey: key, Dept: d.LeadDepartmentID,
			After: map[string]string{"reason": reason}})
	})
}

// DrawBundle returns the bundle of an executed draw (public).
func (s *Store) DrawBundle(ctx context.Context, key string) (*draw.Bundle, error) {
	const op = "DrawBundle"
	d, pool, poolText, roster, err := loadDrawFull(ctx, s.read, key)
	if err != nil {
		if domain.ErrorKind(err) == domain.KindNotFound {
			return nil, err
		}
		return nil, internal(op, err)
	}
	if poolText != "" {
		if pool, err = draw.ParsePoolText(poolText); err != nil {
			return nil, internal(op, err)
		}
	}
	if d.State != domain.DrawExecuted {
		return nil, drawErr(op, domain.KindConflict, "state", "draw", key, "state", string(d.State))
	}
	b := &draw.Bundle{Format: draw.BundleFormat, Announcement: d.Announcement, AnnouncementHash: d.AnnouncementHash, Pool: *pool, Roster: *roster,
		Entropy: draw.Entropy{Public: d.PublicValue}, Result: *d.Result}
	for _, p := range d.Parties {
		b.Commitments = append(b.Commitments, draw.Commit{Party: p.Party, Commitment: p.Commitment})
		b.Entropy.Reveals = append(b.Entropy.Reveals, draw.Reveal{Party: p.Party, Secret: p.Secret})
	}
	return b, nil
}
