package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// benchDispatchSize is the businesses of one dispatched batch: a large
// county task (a 30 % ratio over 1,700 businesses of one industry).
const benchDispatchSize = 500

// BenchmarkDispatch dispatches a drawn batch of 500 businesses with a
// two-department team each: 500 visits, 1,000 parts, 1,500 items, 1,000
// assignments and the notices, in one transaction. Each batch has its own
// one-day window, so nothing merges.
func BenchmarkDispatch(b *testing.B) {
	benchDispatch(b, func(b testing.TB) *store.Store { return storetest.New(b) })
}

// BenchmarkDispatchPostgres is the same on PostgreSQL, when
// YIYEYICHA_TEST_POSTGRES is set.
func BenchmarkDispatchPostgres(b *testing.B) {
	benchDispatch(b, storetest.NewPostgres)
}

func benchDispatch(b *testing.B, open func(testing.TB) *store.Store) {
	ctx := context.Background()
	s := open(b)
	f := storetest.Seed(b, s)
	v := storetest.SeedJointList(b, s, f, "catering")
	must := func(err error) {
		b.Helper()
		if err != nil {
			b.Fatal(err)
		}
	}
	rows := make([]domain.EntityRow, benchDispatchSize)
	for i := range rows {
		e := entity(i+1, f)
		e.IndustryCode = "catering"
		rows[i] = domain.EntityRow{Row: i + 2, Entity: *e}
	}
	if _, err := s.ImportEntities(ctx, domain.System, rows, domain.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	var team []int64
	for i, dept := range []int64{f.Dept.ID, f.OtherDept.ID} {
		in := inspector(900+i, dept)
		in.Conflicts = nil
		must(s.SaveInspector(ctx, domain.System, in))
		team = append(team, in.ID)
	}
	var sel []domain.Selected
	for i := range benchDispatchSize {
		e, err := s.GetEntityByCode(ctx, domain.System, code(i+1))
		must(err)
		sel = append(sel, domain.Selected{EntityID: e.ID, InspectorIDs: team})
	}
	plan := &domain.Plan{Year: 2026, Title: "bench"}
	must(s.CreatePlan(ctx, domain.System, plan))
	task := func(day int) *domain.Task {
		t := domain.TaskFromVersion(v, plan)
		start := domain.Date{Year: 2026, Month: time.January, Day: 1}.AddDays(day)
		t.Name, t.Batches = fmt.Sprintf("任务%d", day), []domain.Batch{{Window: domain.Window{Start: start, End: start}}}
		must(s.SaveTask(ctx, domain.System, t))
		return t
	}
	first := task(0)
	must(s.SubmitTask(ctx, domain.System, first.ID))
	must(s.FilePlan(ctx, domain.System, plan.ID))
	must(s.PublishPlan(ctx, domain.System, plan.ID))
	day := 0
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		day++
		if day > 360 {
			b.Fatal("out of one-day windows")
		}
		t := task(day)
		adj := &domain.Adjustment{TaskID: t.ID, Kind: domain.AdjAddTask, Reason: "bench"}
		must(s.FileAdjustment(ctx, domain.System, adj))
		must(s.AcceptAdjustment(ctx, domain.System, adj.ID))
		t, err := s.GetTask(ctx, domain.System, t.ID)
		must(err)
		must(s.SetBatchSelection(ctx, domain.System, t.Batches[0].ID, sel))
		b.StartTimer()
		rep, err := s.Dispatch(ctx, domain.System, t.Batches[0].ID)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Created != benchDispatchSize {
			b.Fatalf("created %d visits, want %d", rep.Created, benchDispatchSize)
		}
	}
	b.ReportMetric(benchDispatchSize, "visits/op")
}
