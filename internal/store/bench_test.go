package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// benchRows makes n distinct valid entity rows.
func benchRows(f *storetest.Fixture, n int) []domain.EntityRow {
	rows := make([]domain.EntityRow, n)
	for i := range rows {
		rows[i] = domain.EntityRow{Row: i + 2, Entity: *entity(i+1, f)}
	}
	return rows
}

// BenchmarkImportEntities imports 100,000 new entities into an empty
// SQLite store: validation, lookups, inserts and 100,000 audit rows in one
// transaction. The target is well under 8 s per import.
func BenchmarkImportEntities(b *testing.B) {
	benchImport(b, func(b testing.TB) *store.Store { return storetest.New(b) })
}

// BenchmarkImportEntitiesPostgres is the same on PostgreSQL, when
// YIYEYICHA_TEST_POSTGRES is set.
func BenchmarkImportEntitiesPostgres(b *testing.B) {
	benchImport(b, storetest.NewPostgres)
}

func benchImport(b *testing.B, open func(testing.TB) *store.Store) {
	const n = benchImportRows
	var f *storetest.Fixture
	var rows []domain.EntityRow
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		s := open(b)
		if f == nil {
			f = storetest.Seed(b, s)
			rows = benchRows(f, n)
		} else {
			storetest.Seed(b, s)
		}
		b.StartTimer()
		rep, err := s.ImportEntities(context.Background(), domain.System, rows, domain.ImportOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Created != n {
			b.Fatalf("created %d, want %d", rep.Created, n)
		}
	}
	b.ReportMetric(float64(n), "rows/op")
}

// BenchmarkListEntities pages through a 200,000-row SQLite directory with
// the filters the staff lists use.
func BenchmarkListEntities(b *testing.B) {
	benchList(b, func(b testing.TB) *store.Store {
		s, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "list.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		if err := s.Migrate(context.Background()); err != nil {
			b.Fatal(err)
		}
		return s
	})
}

// BenchmarkListEntitiesPostgres is the same on PostgreSQL, when
// YIYEYICHA_TEST_POSTGRES is set.
func BenchmarkListEntitiesPostgres(b *testing.B) {
	benchList(b, storetest.NewPostgres)
}

func benchList(b *testing.B, open func(testing.TB) *store.Store) {
	const n = 200_000
	ctx := context.Background()
	s := open(b)
	f := storetest.Seed(b, s)
	rows := benchRows(f, n)
	for start := 0; start < n; start += 50_000 {
		if _, err := s.ImportEntities(ctx, domain.System, rows[start:start+50_000], domain.ImportOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	cases := []struct {
		name string
		f    domain.EntityFilter
	}{
		{"first page by name", domain.EntityFilter{}},
		{"page 100 by name", domain.EntityFilter{Page: domain.Page{Number: 100, Size: 50}}},
		{"township and risk", domain.EntityFilter{Township: f.Townships[1].Code, RiskClass: domain.RiskC}},
		{"name substring", domain.EntityFilter{Query: "商贸有限公司1234"}},
		{"code prefix", domain.EntityFilter{Query: code(4321)[:14]}},
		{"updated desc", domain.EntityFilter{Sort: "-updated"}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				l, err := s.ListEntities(ctx, f.Office, c.f)
				if err != nil {
					b.Fatal(err)
				}
				if l.Total == 0 {
					b.Fatalf("no rows for %+v", c.f)
				}
			}
		})
	}
}

const benchImportRows = 100_000
