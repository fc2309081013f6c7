package store_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/i18n"
	"github.com/yiyeyicha/yiyeyicha/internal/importx"
	"github.com/yiyeyicha/yiyeyicha/internal/metrics"
	"github.com/yiyeyicha/yiyeyicha/internal/report"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// Scale of the evaluation benchmark: the brief's 1,000,000 businesses and
// 100,000 visits (one business in ten visited, two departments each).
const (
	benchEntities = 1_000_000
	benchVisitGap = 10
)

// fillEvalScale writes the benchmark's year straight into the tables with
// set-based inserts: businesses over 3 industries, 3 townships and 4
// classes; one plan with a task and a batch per industry; a visit with two
// department parts and two inspectors for every tenth business.
func fillEvalScale(b *testing.B, s *store.Store, f *storetest.Fixture) {
	b.Helper()
	ctx := context.Background()
	exec := func(q string, args ...any) {
		b.Helper()
		if err := store.ExecRaw(ctx, s, q, args...); err != nil {
			b.Fatalf("%.80s: %v", q, err)
		}
	}
	d, o := f.Dept.ID, f.OtherDept.ID
	exec(fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
INSERT INTO entities (id, code, name, kind, industry_code, township_code, status, risk_class, updated_at)
SELECT i, 'B' || i, '企业' || i, 'enterprise',
 CASE i %% 3 WHEN 0 THEN 'catering' WHEN 1 THEN 'hotel' ELSE 'food_retail' END,
 CASE i %% 7 %% 3 WHEN 0 THEN '140827100' WHEN 1 THEN '140827101' ELSE '140827102' END,
 CASE WHEN i %% 50 = 0 THEN 'cancelled' ELSE 'active' END,
 CASE i %% 11 %% 4 WHEN 0 THEN 'A' WHEN 1 THEN 'B' WHEN 2 THEN 'C' ELSE 'D' END,
 '2026-01-01T00:00:00Z' FROM n`, benchEntities))
	exec(`INSERT INTO inspectors (id, department_id, key, name, status, updated_at) VALUES (1, $1, 'i1', '甲', 'on_duty', '2026-01-01T00:00:00Z'), (2, $2, 'i2', '乙', 'on_duty', '2026-01-01T00:00:00Z')`, d, o)
	exec(`INSERT INTO plans (id, year, title, state, merge_policy, updated_at) VALUES (1, 2026, '计划', 'published', 'merge', '2026-01-01T00:00:00Z')`)
	for i, ind := range []string{"catering", "hotel", "food_retail"} {
		exec(`INSERT INTO plan_tasks (id, plan_id, industry_code, lead_department_id, name, ratio_a, ratio_b, ratio_c, ratio_d, state, created_at, updated_at)
VALUES ($1, 1, $2, $3, $4, 100, 200, 1000, 3000, 'published', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`, i+1, ind, d, "任务"+ind)
		exec(`INSERT INTO task_departments (task_id, department_id, position) VALUES ($1, $2, 0), ($1, $3, 1)`, i+1, d, o)
		exec(`INSERT INTO task_batches (id, task_id, seq, start_on, end_on, state, updated_at) VALUES ($1, $1, 1, '2026-02-01', '2026-10-31', 'dispatched', '2026-01-01T00:00:00Z')`, i+1)
	}
	visits := fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT %d UNION ALL SELECT i + %d FROM n WHERE i + %d <= %d) `, benchVisitGap, benchVisitGap, benchVisitGap, benchEntities)
	batchOf := `(CASE e.industry_code WHEN 'catering' THEN 1 WHEN 'hotel' THEN 2 ELSE 3 END)`
	exec(visits + `INSERT INTO visits (id, entity_id, risk_class, year, lead_department_id, start_on, end_on, state, created_at, updated_at)
SELECT i, i, e.risk_class, 2026, ` + fmt.Sprint(d) + `, '2026-02-01', '2026-10-31', CASE WHEN i % 3 = 0 THEN 'dispatched' ELSE 'closed' END,
 '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM n JOIN entities e ON e.id = n.i`)
	exec(visits + `INSERT INTO batch_selection (batch_id, entity_id, position) SELECT ` + batchOf + `, i, i FROM n JOIN entities e ON e.id = n.i`)
	exec(visits + `INSERT INTO visit_batches (batch_id, entity_id, visit_id) SELECT ` + batchOf + `, i, i FROM n JOIN entities e ON e.id = n.i`)
	for k, dept := range []int64{d, o} {
		exec(visits+`INSERT INTO visit_parts (id, visit_id, department_id, state, updated_at) SELECT i * 2 + $1, i, $2,
 CASE WHEN i % 3 = 0 THEN 'pending' ELSE 'entered' END, '2026-01-01T00:00:00Z' FROM n`, k, dept)
		exec(visits+`INSERT INTO visit_assignments (visit_id, inspector_id, department_id, batch_id) SELECT i, $1, $2, `+batchOf+` FROM n JOIN entities e ON e.id = n.i`, k+1, dept)
	}
}

// BenchmarkEvalAtScale computes the dashboard and the annual summary
// (figures, tables, XLSX) over 1,000,000 businesses and 100,000 visits.
func BenchmarkEvalAtScale(b *testing.B) {
	s := storetest.Bench(b)
	f := storetest.Seed(b, s)
	start := time.Now()
	fillEvalScale(b, s, f)
	b.Logf("filled %d businesses, %d visits in %v", benchEntities, benchEntities/benchVisitGap, time.Since(start).Round(time.Millisecond))
	ctx := context.Background()
	d, err := s.Dashboard(ctx, f.Office, 2026, metrics.Filter{})
	if err != nil {
		b.Fatal(err)
	}
	if d.Progress.Visits != benchEntities/benchVisitGap || d.Joint.K != int64(d.Progress.Visits) {
		b.Fatalf("visits %d joint %v", d.Progress.Visits, d.Joint)
	}
	// A write between calls (an audited change of the score weights)
	// makes the next call load the year's facts again: the cold cost.
	flip := 0
	write := func(b *testing.B) {
		flip++
		if err := s.SaveEvalWeights(ctx, f.Office, metrics.Weights{Progress: float64(1 + flip%2), Timely: 1, FollowUp: 1, Referrals: 1}); err != nil {
			b.Fatal(err)
		}
	}
	annual := func(b *testing.B) {
		a, err := report.Load(ctx, s, domain.System, 2026, metrics.Filter{})
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if err := importx.WriteSheets(&buf, report.Sheets(report.Tables(i18n.For(i18n.ZH), a))); err != nil {
			b.Fatal(err)
		}
	}
	dashboard := func(b *testing.B, filter metrics.Filter) {
		if _, err := s.Dashboard(ctx, f.Office, 2026, filter); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("dashboard_after_write", func(b *testing.B) {
		defer cpuTime(b)()
		for b.Loop() {
			write(b)
			dashboard(b, metrics.Filter{})
		}
	})
	b.Run("dashboard", func(b *testing.B) {
		defer cpuTime(b)()
		for b.Loop() {
			dashboard(b, metrics.Filter{})
		}
	})
	b.Run("dashboard_industry", func(b *testing.B) {
		defer cpuTime(b)()
		for b.Loop() {
			dashboard(b, metrics.Filter{Industry: "catering"})
		}
	})
	b.Run("annual_summary_after_write", func(b *testing.B) {
		defer cpuTime(b)()
		for b.Loop() {
			write(b)
			annual(b)
		}
	})
	b.Run("annual_summary", func(b *testing.B) {
		defer cpuTime(b)()
		for b.Loop() {
			annual(b)
		}
	})
}
