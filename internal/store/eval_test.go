package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/metrics"
	"github.com/yiyeyicha/yiyeyicha/internal/stats"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// evalWorld is a small year written straight into the plan and visit
// tables, with answers known by hand:
//
//   - plan 2026; task 1 catering led by Dept with OtherDept; task 2
//     catering by OtherDept alone; task 3 hotel by Dept (draft);
//
//   - batch 1 (task 1, Feb–Mar, dispatched: late on 30 Apr), batch 2
//     (task 2, Feb–Dec), batch 3 (task 3, January, drawn: late);
//
//   - businesses 1–10 catering (risk A A A A B B C C D D), 11 hotel A,
//     12 catering but cancelled (out of scope);
//
//   - visits 1–3 joint (Dept + OtherDept) for batch 1, visit 3 also serving
//     batch 2 (merged); visits 4–10 OtherDept alone for batch 2; visits 1–6
//     done; visit 11 (business 11) cancelled.
//
//   - business 4's selection by batch 1 left out for overlap with visit 4.
//
// So: 3 of 10 visits joint (30%); separate visits 2 + 2 + (2 + 1) + (1 + 2)
// + 6 × 1 = 16 for 10 made, 6 avoided; 11 businesses drawn; coverage 6 of 11 in scope (businesses 1–6:
// A 4 of 4, B 2 of 2).
type evalWorld struct {
	*storetest.Fixture
}

func newEvalWorld(t *testing.T, s *store.Store) *evalWorld {
	t.Helper()
	ctx := t.Context()
	f := storetest.Seed(t, s)
	// 30 April 2026, 10:00 in the county.
	store.SetClock(s, func() time.Time { return time.Date(2026, 4, 30, 2, 0, 0, 0, time.UTC) })
	ts := "2026-01-05T00:00:00Z"
	exec := func(q string, args ...any) {
		t.Helper()
		if err := store.ExecRaw(ctx, s, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	d, o := f.Dept.ID, f.OtherDept.ID
	town := f.Townships[0].Code
	risks := []string{"A", "A", "A", "A", "B", "B", "C", "C", "D", "D", "A", "A"}
	for i, r := range risks {
		industry, status := "catering", "active"
		if i == 10 {
			industry = "hotel"
		}
		if i == 11 {
			status = "cancelled"
		}
		exec(`INSERT INTO entities (id, code, name, kind, industry_code, township_code, status, risk_class, updated_at) VALUES ($1, $2, $3, 'enterprise', $4, $5, $6, $7, $8)`,
			1001+i, fmt.Sprintf("TEST%014d", i+1), fmt.Sprintf("测试餐饮店%d", i+1), industry, town, status, r, ts)
	}
	exec(`INSERT INTO inspectors (id, department_id, key, name, status, updated_at) VALUES (501, $1, 'k501', '张检查', 'on_duty', $2)`, d, ts)
	exec(`INSERT INTO inspectors (id, department_id, key, name, status, updated_at) VALUES (502, $1, 'k502', '李检查', 'on_duty', $2)`, o, ts)
	exec(`INSERT INTO plans (id, year, title, state, cap_a, cap_b, cap_c, cap_d, merge_policy, updated_at) VALUES (1, 2026, '2026年度计划', 'published', 2, 3, 4, 6, 'merge', $1)`, ts)
	task := func(id int64, industry string, lead int64, state string, depts ...int64) {
		exec(`INSERT INTO plan_tasks (id, plan_id, industry_code, lead_department_id, name, ratio_a, ratio_b, ratio_c, ratio_d, state, created_at, updated_at)
VALUES ($1, 1, $2, $3, $4, 100, 200, 1000, 3000, $5, $6, $6)`, id, industry, lead, fmt.Sprintf("任务%d", id), state, ts)
		for i, dp := range depts {
			exec(`INSERT INTO task_departments (task_id, department_id, position) VALUES ($1, $2, $3)`, id, dp, i)
		}
	}
	task(1, "catering", d, "published", d, o)
	task(2, "catering", o, "published", o)
	task(3, "hotel", d, "draft", d)
	batch := func(id, task int64, start, end, state string) {
		exec(`INSERT INTO task_batches (id, task_id, seq, start_on, end_on, state, updated_at) VALUES ($1, $2, 1, $3, $4, $5, $6)`, id, task, start, end, state, ts)
	}
	batch(1, 1, "2026-02-01", "2026-03-31", "dispatched")
	batch(2, 2, "2026-02-01", "2026-12-31", "dispatched")
	batch(3, 3, "2026-01-01", "2026-01-31", "drawn")
	for i := range 3 {
		exec(`INSERT INTO batch_selection (batch_id, entity_id, position) VALUES (1, $1, $2)`, 1001+i, i)
	}
	for i := 3; i < 10; i++ {
		exec(`INSERT INTO batch_selection (batch_id, entity_id, position) VALUES (2, $1, $2)`, 1001+i, i)
	}
	visit := func(id int64, entity int, lead int64, state string, batches []int64, depts ...int64) {
		exec(`INSERT INTO visits (id, entity_id, risk_class, year, lead_department_id, start_on, end_on, state, created_at, updated_at)
VALUES ($1, $2, $3, 2026, $4, '2026-02-01', '2026-03-31', $5, $6, $6)`, id, 1001+entity, risks[entity], lead, state, ts)
		for _, b := range batches {
			exec(`INSERT INTO visit_batches (batch_id, entity_id, visit_id) VALUES ($1, $2, $3)`, b, 1001+entity, id)
		}
		part := "pending"
		if state == "closed" || state == "results_complete" {
			part = "entered"
		}
		for _, dp := range depts {
			exec(`INSERT INTO visit_parts (id, visit_id, department_id, state, updated_at) VALUES ($1, $2, $3, $4, $5)`, id*10+dp, id, dp, part, ts)
		}
	}
	visit(1, 0, d, "closed", []int64{1}, d, o)
	visit(2, 1, d, "closed", []int64{1}, d, o)
	visit(3, 2, d, "results_complete", []int64{1, 2}, d, o)
	for i := int64(4); i <= 10; i++ {
		state := "dispatched"
		if i <= 6 {
			state = "closed"
		}
		visit(i, int(i-1), o, state, []int64{2}, o)
	}
	visit(11, 10, d, "cancelled", []int64{3}, d)
	// Business 4's selection by batch 1 was left out: visit 4 (batch 2,
	// one department) was already planned; the two departments of task 1
	// are spared a visit.
	exec(`INSERT INTO batch_selection (batch_id, entity_id, position) VALUES (1, 1004, 3)`)
	exec(`INSERT INTO batch_exclusions (batch_id, entity_id, reason, visit_id) VALUES (1, 1004, 'overlap', 4)`)
	exec(`INSERT INTO visit_assignments (visit_id, inspector_id, department_id, batch_id) VALUES (1, 501, $1, 1), (1, 502, $2, 1)`, d, o)
	return &evalWorld{Fixture: f}
}

func TestEvalDashboard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := newEvalWorld(t, s)
		db, err := s.Dashboard(ctx, w.Office, 2026, metrics.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if db.Joint != (stats.Proportion{K: 3, N: 10}) || db.Joint.Percent() != "30.0%" {
			t.Errorf("joint = %v", db.Joint)
		}
		if db.Avoided != (metrics.Avoided{Separate: 16, Made: 10, Avoided: 6}) {
			t.Errorf("avoided = %+v", db.Avoided)
		}
		wantProgress := metrics.Progress{
			Tasks:       []metrics.Count{{State: "draft", N: 1}, {State: "published", N: 2}},
			Batches:     []metrics.Count{{State: "dispatched", N: 2}, {State: "drawn", N: 1}},
			BatchesLate: 2, Visits: 10, VisitsDone: 6, Selected: 11,
		}
		if diff := cmp.Diff(wantProgress, db.Progress); diff != "" {
			t.Errorf("progress (-want +got):\n%s", diff)
		}
		wantCov := []metrics.CoverageRow{
			{Industry: "catering", Risk: "A", Inspected: stats.Proportion{K: 4, N: 4}},
			{Industry: "catering", Risk: "B", Inspected: stats.Proportion{K: 2, N: 2}},
			{Industry: "catering", Risk: "C", Inspected: stats.Proportion{K: 0, N: 2}},
			{Industry: "catering", Risk: "D", Inspected: stats.Proportion{K: 0, N: 2}},
			{Industry: "hotel", Risk: "A", Inspected: stats.Proportion{K: 0, N: 1}},
			{Inspected: stats.Proportion{K: 6, N: 11}},
		}
		if diff := cmp.Diff(wantCov, db.Coverage); diff != "" {
			t.Errorf("coverage (-want +got):\n%s", diff)
		}
		byID := map[int64]metrics.DeptFigures{}
		for _, df := range db.Departments {
			byID[df.Dept.ID] = df
		}
		dd, od := byID[w.Dept.ID], byID[w.OtherDept.ID]
		if dd.Parts != (stats.Proportion{K: 3, N: 3}) || dd.BatchesLate != 2 || !dd.Late() || dd.Dept.Name != w.Dept.Name {
			t.Errorf("dept = %+v", dd)
		}
		if od.Parts != (stats.Proportion{K: 6, N: 10}) || od.BatchesLate != 0 || od.Late() || !od.ScoreDefined || od.Score != 60 {
			t.Errorf("other dept = %+v", od)
		}
		// Inspector 501 took part in visit 1 (class A, no finding).
		if len(db.Inspectors) != 2 || db.Inspectors[0].ID != 501 || db.Inspectors[0].Visits != (stats.Proportion{K: 0, N: 1}) {
			t.Errorf("inspectors = %+v", db.Inspectors)
		}

		t.Run("filters", func(t *testing.T) {
			d, err := s.Dashboard(ctx, w.Office, 2026, metrics.Filter{Industry: "hotel"})
			if err != nil {
				t.Fatal(err)
			}
			if d.Progress.Visits != 0 || d.Coverage[len(d.Coverage)-1].Inspected != (stats.Proportion{K: 0, N: 1}) || d.Progress.BatchesLate != 1 {
				t.Errorf("hotel: visits %d coverage %v late %d", d.Progress.Visits, d.Coverage, d.Progress.BatchesLate)
			}
			d, err = s.Dashboard(ctx, w.Office, 2025, metrics.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			if d.Progress.Visits != 0 || len(d.Coverage) != 1 {
				t.Errorf("2025: %+v", d.Progress)
			}
		})
		t.Run("cache follows every write", func(t *testing.T) {
			// The facts are kept between calls; any audited write, such as
			// renaming a department, is seen at once.
			dept := w.Dept
			dept.Name = "垣曲县市场监督管理局（更名）"
			if err := s.SaveDepartment(ctx, w.Office, &dept); err != nil {
				t.Fatal(err)
			}
			d, err := s.Dashboard(ctx, w.Office, 2026, metrics.Filter{Dept: w.Dept.ID})
			if err != nil {
				t.Fatal(err)
			}
			if d.Departments[0].Dept.Name != dept.Name {
				t.Errorf("stale department name %q", d.Departments[0].Dept.Name)
			}
		})
		t.Run("rights", func(t *testing.T) {
			_, err := s.Dashboard(ctx, w.DeptStaff, 2026, metrics.Filter{})
			wantKind(t, err, domain.KindForbidden)
			_, err = s.Dashboard(ctx, w.DeptStaff, 2026, metrics.Filter{Dept: w.OtherDept.ID})
			wantKind(t, err, domain.KindForbidden)
			_, err = s.Dashboard(ctx, w.Inspector, 2026, metrics.Filter{Dept: w.Dept.ID})
			wantKind(t, err, domain.KindForbidden)
			own, err := s.Dashboard(ctx, w.OtherStaff, 2026, metrics.Filter{Dept: w.OtherDept.ID})
			if err != nil {
				t.Fatal(err)
			}
			// Its own visits only, and no calibration or inspector rates.
			if own.Joint != (stats.Proportion{K: 3, N: 10}) || len(own.Departments) != 1 || own.Inspectors != nil || own.Calibration.Classes != nil {
				t.Errorf("department view: joint %v departments %d inspectors %v", own.Joint, len(own.Departments), own.Inspectors)
			}
			disc, err := s.Dashboard(ctx, w.Discipline, 2026, metrics.Filter{})
			if err != nil || disc.Calibration.Classes != nil {
				t.Errorf("discipline: %v, calibration %v", err, disc.Calibration.Classes)
			}
		})
	})
}
