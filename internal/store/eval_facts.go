package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/metrics"
	"github.com/yiyeyicha/yiyeyicha/internal/stats"
)

// Dashboard computes the evaluation figures of year under filter: the
// county (filter.Dept 0) for the office and the discipline office, a
// department's own for its staff. The risk calibration and the
// per-inspector rates are blanked unless a may see them (the office).
func (s *Store) Dashboard(ctx context.Context, a domain.Actor, year int, filter metrics.Filter) (*metrics.Dashboard, error) {
	const op = "Dashboard"
	if err := domain.Require("store."+op, a, domain.ActViewDashboard, filter.Dept); err != nil {
		return nil, err
	}
	f, err := s.cachedFacts(ctx, year)
	if err != nil {
		return nil, internal(op, err)
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	d := metrics.Compute(f, filter, cal)
	if !domain.Can(a, domain.ActViewCalibration, 0) {
		d.Calibration, d.Inspectors = stats.Calibration{}, nil
	}
	return d, nil
}

// evalFacts loads the facts of one year in a handful of scans, each over
// the year's rows only (visits_year and the like), plus one grouped count
// of the entities in scope. The scans run in two read transactions at once
// (the visits with their parts; the rest), each of which first reads the
// data version: every write adds audit rows in its own transaction, so the
// same version in both means both saw the same data. When a write came
// between them they run again, the last time one after the other in one
// transaction. It returns the version the facts are of.
func (s *Store) evalFacts(ctx context.Context, year int) (*metrics.Facts, dataVersion, error) {
	for try := 0; ; try++ {
		f, v, err := s.evalFactsOnce(ctx, year, try < 2)
		if !errors.Is(err, errFactsMoved) {
			return f, v, err
		}
	}
}

// errFactsMoved is a write landing between the two transactions' starts.
var errFactsMoved = errors.New("store: data changed while loading the facts")

func (s *Store) evalFactsOnce(ctx context.Context, year int, parallel bool) (*metrics.Facts, dataVersion, error) {
	f := &metrics.Facts{Year: year, Today: dateOf(s.clock())}
	var rest factsRest
	if !parallel {
		var v dataVersion
		err := s.inReadTx(ctx, func(tx *sql.Tx) (err error) {
			if v, err = dataVersionOf(ctx, tx); err != nil {
				return err
			}
			if err := s.loadFactsVisits(ctx, tx, f); err != nil {
				return err
			}
			return loadFactsRest(ctx, tx, year, &rest)
		})
		if err != nil {
			return nil, v, err
		}
		rest.mergeInto(f)
		return f, v, nil
	}
	var va, vb dataVersion
	errc := make(chan error, 1)
	go func() {
		errc <- s.inReadTx(ctx, func(tx *sql.Tx) (err error) {
			if vb, err = dataVersionOf(ctx, tx); err != nil {
				return err
			}
			return loadFactsRest(ctx, tx, year, &rest)
		})
	}()
	errA := s.inReadTx(ctx, func(tx *sql.Tx) (err error) {
		if va, err = dataVersionOf(ctx, tx); err != nil {
			return err
		}
		return s.loadFactsVisits(ctx, tx, f)
	})
	if err := cmp.Or(<-errc, errA); err != nil {
		return nil, va, err
	}
	if va != vb {
		return nil, va, errFactsMoved
	}
	rest.mergeInto(f)
	return f, va, nil
}

// inReadTx runs fn in a read-only transaction of the read pool, on
// PostgreSQL at repeatable read so that every scan sees one snapshot.
func (s *Store) inReadTx(ctx context.Context, fn func(*sql.Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.engine == EnginePostgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.read.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	return fn(tx)
}

// loadFactsVisits loads the weights, departments, tasks and the year's
// visits with their parts into f.
func (s *Store) loadFactsVisits(ctx context.Context, tx *sql.Tx, f *metrics.Facts) error {
	var err error
	if f.Weights, err = s.evalWeights(ctx, tx); err != nil {
		return err
	}
	if err := scanAll(ctx, tx, `SELECT id, name, short_name FROM departments ORDER BY code`, nil, func(r *sql.Rows) error {
		var d metrics.Department
		if err := r.Scan(&d.ID, &d.Name, &d.ShortName); err != nil {
			return err
		}
		f.Departments = append(f.Departments, d)
		return nil
	}); err != nil {
		return err
	}
	if err := loadTasks(ctx, tx, f); err != nil {
		return err
	}
	return loadVisits(ctx, tx, f)
}

// factsRest is what the second transaction loads: the facts that do not
// hang on a visit, and the visits' inspectors and separate visits, which
// mergeInto hangs on the visits the first one loaded.
type factsRest struct {
	facts      metrics.Facts // Scope, Revisits, Referrals, FollowUps
	inspectors []visitAssignment
	separate   []visitBatch
	batchDepts map[int64]int // departments of each batch's task
}

type visitAssignment struct {
	visit int64
	a     metrics.Assignment
}

// visitBatch is a batch a visit serves, or whose selection of the same
// business dispatch left out because the visit was already planned.
type visitBatch struct{ visit, batch int64 }

func loadFactsRest(ctx context.Context, tx *sql.Tx, year int, r *factsRest) error {
	r.facts.Year = year
	for _, load := range []func(context.Context, *sql.Tx, *metrics.Facts) error{loadScope, loadRevisits, loadReferrals, loadFollowUps} {
		if err := load(ctx, tx, &r.facts); err != nil {
			return err
		}
	}
	return loadVisitLinks(ctx, tx, year, r)
}

// mergeInto moves r into f, whose visits are loaded.
func (r *factsRest) mergeInto(f *metrics.Facts) {
	f.Scope, f.Revisits, f.Referrals, f.FollowUps = r.facts.Scope, r.facts.Revisits, r.facts.Referrals, r.facts.FollowUps
	idx := make(map[int64]int, len(f.Visits))
	for i := range f.Visits {
		idx[f.Visits[i].ID] = i
	}
	for _, x := range r.inspectors {
		if i, ok := idx[x.visit]; ok {
			f.Visits[i].Inspectors = append(f.Visits[i].Inspectors, x.a)
		}
	}
	for _, x := range r.separate {
		if i, ok := idx[x.visit]; ok {
			f.Visits[i].Separate += r.batchDepts[x.batch]
		}
	}
}

// scanAll runs q and calls fn for every row.
func scanAll(ctx context.Context, q querier, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func loadTasks(ctx context.Context, tx *sql.Tx, f *metrics.Facts) error {
	idx := map[int64]int{}
	if err := scanAll(ctx, tx, `SELECT t.id, t.industry_code, t.lead_department_id, t.state FROM plan_tasks t JOIN plans p ON p.id = t.plan_id
WHERE p.year = $1 ORDER BY t.id`, []any{f.Year}, func(r *sql.Rows) error {
		var t metrics.Task
		if err := r.Scan(&t.ID, &t.Industry, &t.LeadDept, &t.State); err != nil {
			return err
		}
		idx[t.ID] = len(f.Tasks)
		f.Tasks = append(f.Tasks, t)
		return nil
	}); err != nil {
		return err
	}
	if err := scanAll(ctx, tx, `SELECT td.task_id, td.department_id FROM task_departments td JOIN plan_tasks t ON t.id = td.task_id
JOIN plans p ON p.id = t.plan_id WHERE p.year = $1 ORDER BY td.task_id, td.position`, []any{f.Year}, func(r *sql.Rows) error {
		var task, dept int64
		if err := r.Scan(&task, &dept); err != nil {
			return err
		}
		if i, ok := idx[task]; ok {
			f.Tasks[i].Departments = append(f.Tasks[i].Departments, dept)
		}
		return nil
	}); err != nil {
		return err
	}
	return scanAll(ctx, tx, `SELECT b.id, b.task_id, b.start_on, b.end_on, b.state,
(SELECT COUNT(*) FROM batch_selection bs WHERE bs.batch_id = b.id)
FROM task_batches b JOIN plan_tasks t ON t.id = b.task_id JOIN plans p ON p.id = t.plan_id WHERE p.year = $1 ORDER BY b.id`, []any{f.Year}, func(r *sql.Rows) error {
		var b metrics.Batch
		if err := r.Scan(&b.ID, &b.TaskID, dateCol{&b.Start}, dateCol{&b.End}, &b.State, &b.Selected); err != nil {
			return err
		}
		switch domain.State(b.State) {
		case domain.StateResultsComplete, domain.StateResultsPublished, domain.StateClosed:
			b.Done = true
		}
		f.Batches = append(f.Batches, b)
		return nil
	})
}

// loadVisits reads the year's visits with their parts.
func loadVisits(ctx context.Context, tx *sql.Tx, f *metrics.Facts) error {
	idx := map[int64]int{}
	if err := scanAll(ctx, tx, `SELECT v.id, v.entity_id, e.industry_code, e.township_code, v.risk_class, v.lead_department_id, v.state
FROM visits v JOIN entities e ON e.id = v.entity_id WHERE v.year = $1 AND v.state <> $2 ORDER BY v.id`, []any{f.Year, string(domain.VisitCancelled)}, func(r *sql.Rows) error {
		var v metrics.Visit
		var state string
		if err := r.Scan(&v.ID, &v.EntityID, &v.Industry, &v.Township, &v.Risk, &v.LeadDept, &state); err != nil {
			return err
		}
		switch domain.VisitState(state) {
		case domain.VisitResultsComplete, domain.VisitClosed:
			v.Done = true
		}
		idx[v.ID] = len(f.Visits)
		f.Visits = append(f.Visits, v)
		return nil
	}); err != nil {
		return err
	}
	// A part's sign-off (inspect) says whether it found a problem, when its
	// result was formed and when it went public.
	return scanAll(ctx, tx, `SELECT vp.visit_id, vp.department_id, vp.state, COALESCE(so.finding, false), so.formed_on, so.due_on, so.published_at
FROM visit_parts vp JOIN visits v ON v.id = vp.visit_id LEFT JOIN part_signoffs so ON so.part_id = vp.id
WHERE v.year = $1`, []any{f.Year}, func(r *sql.Rows) error {
		var visit int64
		var p metrics.Part
		var state string
		var published time.Time
		if err := r.Scan(&visit, &p.Dept, &state, &p.Finding, dateCol{&p.ResultOn}, dateCol{&p.DueOn}, timeCol{&published}); err != nil {
			return err
		}
		p.Done = domain.PartState(state) == domain.PartEntered
		p.PublishedOn = dateOf(published)
		if i, ok := idx[visit]; ok {
			f.Visits[i].Parts = append(f.Visits[i].Parts, p)
		}
		return nil
	})
}

// loadVisitLinks reads the inspectors assigned to the year's visits and
// the batches each visit replaces the separate visits of: every department
// of every batch it serves, and of every batch whose selection of the same
// business dispatch left out because this visit was already planned.
func loadVisitLinks(ctx context.Context, tx *sql.Tx, year int, r *factsRest) error {
	r.batchDepts = map[int64]int{}
	if err := scanAll(ctx, tx, `SELECT b.id, COUNT(*) FROM task_batches b JOIN task_departments td ON td.task_id = b.task_id
GROUP BY b.id`, nil, func(rows *sql.Rows) error {
		var batch int64
		var n int
		if err := rows.Scan(&batch, &n); err != nil {
			return err
		}
		r.batchDepts[batch] = n
		return nil
	}); err != nil {
		return err
	}
	if err := scanAll(ctx, tx, `SELECT vb.visit_id, vb.batch_id FROM visit_batches vb JOIN visits v ON v.id = vb.visit_id WHERE v.year = $1
UNION ALL
SELECT x.visit_id, x.batch_id FROM batch_exclusions x JOIN visits v ON v.id = x.visit_id WHERE v.year = $1 AND x.reason = 'overlap'`, []any{year}, func(rows *sql.Rows) error {
		var x visitBatch
		if err := rows.Scan(&x.visit, &x.batch); err != nil {
			return err
		}
		r.separate = append(r.separate, x)
		return nil
	}); err != nil {
		return err
	}
	return scanAll(ctx, tx, `SELECT va.visit_id, va.inspector_id, va.department_id FROM visit_assignments va JOIN visits v ON v.id = va.visit_id
WHERE v.year = $1`, []any{year}, func(rows *sql.Rows) error {
		var x visitAssignment
		if err := rows.Scan(&x.visit, &x.a.InspectorID, &x.a.Dept); err != nil {
			return err
		}
		r.inspectors = append(r.inspectors, x)
		return nil
	})
}

// loadScope counts the active businesses of the industries the year's
// tasks cover, by industry, township and risk class.
func loadScope(ctx context.Context, tx *sql.Tx, f *metrics.Facts) error {
	return scanAll(ctx, tx, `SELECT industry_code, township_code, risk_class, COUNT(*) FROM entities
WHERE status = $1 AND industry_code IN (SELECT t.industry_code FROM plan_tasks t JOIN plans p ON p.id = t.plan_id WHERE p.year = $2 AND t.state <> $3)
GROUP BY industry_code, township_code, risk_class`, []any{string(domain.StatusActive), f.Year, string(domain.StateCancelled)}, func(r *sql.Rows) error {
		var sc metrics.ScopeCount
		if err := r.Scan(&sc.Industry, &sc.Township, &sc.Risk, &sc.N); err != nil {
			return err
		}
		f.Scope = append(f.Scope, sc)
		return nil
	})
}

// loadRevisits reads the revisits drawn from the year's visits.
func loadRevisits(ctx context.Context, tx *sql.Tx, f *metrics.Facts) error {
	return scanAll(ctx, tx, `SELECT r.visit_id, v.lead_department_id, e.industry_code, e.township_code, r.outcome
FROM revisits r JOIN revisit_draws d ON d.id = r.draw_id JOIN visits v ON v.id = r.visit_id JOIN entities e ON e.id = v.entity_id
WHERE d.year = $1 ORDER BY r.draw_id, r.position`, []any{f.Year}, func(r *sql.Rows) error {
		var rv metrics.Revisit
		var outcome string
		if err := r.Scan(&rv.VisitID, &rv.Dept, &rv.Industry, &rv.Township, &outcome); err != nil {
			return err
		}
		rv.Done, rv.Problem = outcome != "", outcome == "problem"
		f.Revisits = append(f.Revisits, rv)
		return nil
	})
}

// loadReferrals reads the referrals of the year's visits. A referral's
// deadline is the one of the step that closed it or that it waits for:
// the answer's until it is accepted, then the outcome's; it is closed
// when returned or its outcome reported.
func loadReferrals(ctx context.Context, tx *sql.Tx, f *metrics.Facts) error {
	return scanAll(ctx, tx, `SELECT r.id, r.from_department_id, r.to_department_id, e.industry_code, e.township_code, r.state, r.sent_on,
r.answer_due, r.outcome_due, r.decided_on, r.outcome_on
FROM referrals r JOIN visits v ON v.id = r.visit_id JOIN entities e ON e.id = v.entity_id WHERE v.year = $1 ORDER BY r.id`, []any{f.Year}, func(r *sql.Rows) error {
		var x metrics.Referral
		var state string
		var answer, outcome, decided, done domain.Date
		if err := r.Scan(&x.ID, &x.FromDept, &x.ToDept, &x.Industry, &x.Township, &state, dateCol{&x.SentOn}, dateCol{&answer}, dateCol{&outcome},
			dateCol{&decided}, dateCol{&done}); err != nil {
			return err
		}
		switch domain.ReferralState(state) {
		case domain.RefAccepted:
			x.DueOn = outcome
		case domain.RefDone:
			x.DueOn, x.ClosedOn = outcome, done
		case domain.RefReturned:
			x.DueOn, x.ClosedOn = answer, decided
		default:
			x.DueOn = answer
		}
		f.Referrals = append(f.Referrals, x)
		return nil
	})
}

// loadFollowUps reads the follow-ups of the year's visits; one is closed
// on the day of its re-check, escalated or not.
func loadFollowUps(ctx context.Context, tx *sql.Tx, f *metrics.Facts) error {
	return scanAll(ctx, tx, `SELECT fu.id, fu.department_id, e.industry_code, e.township_code, fu.opened_on, fu.due_on, fu.checked_on, fu.state
FROM follow_ups fu JOIN visits v ON v.id = fu.visit_id JOIN entities e ON e.id = v.entity_id WHERE v.year = $1 ORDER BY fu.id`, []any{f.Year}, func(r *sql.Rows) error {
		var x metrics.FollowUp
		var state string
		if err := r.Scan(&x.ID, &x.Dept, &x.Industry, &x.Township, dateCol{&x.OpenedOn}, dateCol{&x.DueOn}, dateCol{&x.ClosedOn}, &state); err != nil {
			return err
		}
		if domain.FollowUpState(state) == domain.FUOpen {
			x.ClosedOn = domain.Date{}
		}
		f.FollowUps = append(f.FollowUps, x)
		return nil
	})
}

// dateOf is the calendar day of an instant in China Standard Time, the
// zone every deadline of the county is counted in.
func dateOf(t time.Time) domain.Date {
	if t.IsZero() {
		return domain.Date{}
	}
	return domain.DateOf(t.In(chinaTime))
}

var chinaTime = time.FixedZone("CST", 8*3600)
