package store_test

import (
	"fmt"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// BenchmarkLogAppend measures one append in a transaction of its own: the
// cost the log adds to a publication is a fraction of this (the
// transaction is the publication's).
func BenchmarkLogAppend(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			s := storetest.New(b)
			if engine == "postgres" {
				s = storetest.NewPostgres(b)
			}
			i := 0
			for b.Loop() {
				if _, err := store.LogAppend(b.Context(), s, noteRecord(i)); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkLogProofs measures an inclusion and a consistency proof in a
// log of 10,000 records, as the portal serves them.
func BenchmarkLogProofs(b *testing.B) {
	const n = 10000
	s := storetest.New(b)
	ctx := b.Context()
	for i := range n {
		if _, err := store.LogAppend(ctx, s, noteRecord(i)); err != nil {
			b.Fatal(err)
		}
	}
	i := int64(0)
	for b.Loop() {
		if _, err := s.LogProveRecord(ctx, n, i%n); err != nil {
			b.Fatal(err)
		}
		if _, err := s.LogProveTree(ctx, n, 1+i%(n-1)); err != nil {
			b.Fatal(err)
		}
		i += 7919
	}
}

// BenchmarkLogMonitor walks a log of 10,000 records (hash checks and
// tree recomputation; records of a type without builder).
func BenchmarkLogMonitor(b *testing.B) {
	const n = 10000
	s := storetest.New(b)
	ctx := b.Context()
	for i := range n {
		if _, err := store.LogAppend(ctx, s, noteRecord(i)); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		rep, err := s.LogMonitor(ctx)
		if err != nil || len(rep.Problems) != 0 {
			b.Fatal(err, fmt.Sprint(rep.Problems))
		}
	}
}
