package store_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/draw"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
	"github.com/yiyeyicha/yiyeyicha/internal/validate"
)

// BenchmarkDrawEndToEnd runs a whole draw over one industry of a SQLite
// store: freeze the pool and roster, hash, announce, commit, reveal, enter
// the public value twice, execute (seed, keys, selection, teams), write.
// The pool has 100,000 businesses, or YIYEYICHA_BENCH_DRAW_POOL; the target
// for 1,000,000 is ≤ 5 s per draw:
//
//	YIYEYICHA_BENCH_DRAW_POOL=1000000 go test -run XXX -bench DrawEndToEnd -benchtime 2x ./internal/store
//
// With YIYEYICHA_BENCH_POSTGRES=1 it runs on PostgreSQL (storetest.Bench).
func BenchmarkDrawEndToEnd(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("YIYEYICHA_BENCH_DRAW_POOL")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	s := storetest.Bench(b)
	f := storetest.Seed(b, s)
	storetest.SeedDrawWorld(b, s, f)
	const batch = 50_000
	for start := 0; start < n; start += batch {
		rows := make([]domain.EntityRow, 0, batch)
		for i := start; i < min(start+batch, n); i++ {
			e := entity(1, f)
			e.Code, _ = validate.MakeCreditCode("91", "140827", fmt.Sprintf("%08d", i))
			e.Name = fmt.Sprintf("垣曲县基准测试餐饮有限公司%d", i)
			e.RiskClass = domain.RiskClasses[i%4]
			e.IndustryCode = "catering"
			rows = append(rows, domain.EntityRow{Row: i + 2, Entity: *e})
		}
		if _, err := s.ImportEntities(ctx, domain.System, rows, domain.ImportOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	actor := map[string]domain.Actor{f.Dept.Code: f.DeptStaff, f.OtherDept.Code: f.OtherStaff}
	params := storetest.DrawParams(f)
	params.Cap = 0 // seven inspectors cannot cover a million-business draw under a cap
	visits := 0
	defer cpuTime(b)()
	for b.Loop() {
		d, err := s.AnnounceDraw(ctx, f.DeptStaff, params)
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range d.Parties {
			_, sec := storetest.DrawSecret(p.Party)
			if err := s.CommitDraw(ctx, actor[p.Party], d.Key, p.Party, draw.Commitment(d.AnnouncementHash, p.Party, sec)); err != nil {
				b.Fatal(err)
			}
		}
		for _, p := range d.Parties {
			h, _ := storetest.DrawSecret(p.Party)
			if err := s.RevealDraw(ctx, actor[p.Party], d.Key, p.Party, h); err != nil {
				b.Fatal(err)
			}
		}
		for _, a := range []domain.Actor{f.Office, f.DeptStaff} {
			if _, err := s.EnterPublicValue(ctx, a, d.Key, "03 07 12 19 25 31\n09"); err != nil {
				b.Fatal(err)
			}
		}
		res, err := s.ExecuteDraw(ctx, f.DeptStaff, d.Key)
		if err != nil {
			b.Fatal(err)
		}
		visits = len(res.Result.Visits)
	}
	b.ReportMetric(float64(n+60), "pool")
	b.ReportMetric(float64(visits), "visits")
}

// cpuTime reports the process's CPU time per operation beside the wall
// time: the machine is shared, and wall time then measures the neighbours
// too. Call it just before the loop, after the setup.
func cpuTime(b *testing.B) func() {
	start := cpu()
	return func() { b.ReportMetric(float64(cpu()-start)/float64(b.N), "cpu-ns/op") }
}

func cpu() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}
