package store_test

import (
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// BenchmarkPublicInspections is the inspection part of a business's public
// page: for a business with a closed, published joint visit (two
// departments, two items each), and for one with nothing published (most
// businesses), where it is one indexed lookup.
func BenchmarkPublicInspections(b *testing.B) {
	s := storetest.New(b)
	w := storetest.SeedVisits(b, s, 2)
	ctx := b.Context()
	in := w.Complete(b, s, 0, true)
	if err := s.CloseVisit(ctx, w.F.DeptStaff, in.Visit.ID, domain.CloseInput{Category: domain.CatPending, Disposal: domain.DispReferral, DisposalText: "抄告"}); err != nil {
		b.Fatal(err)
	}
	for _, p := range in.Parts {
		if _, err := s.PublishPart(ctx, w.Staff(p.DepartmentID), p.ID); err != nil {
			b.Fatal(err)
		}
	}
	for _, c := range []struct {
		name, code string
		want       int
	}{{"published", w.Entities[0].Code, 1}, {"none", w.Entities[1].Code, 0}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				got, err := s.PublicInspections(ctx, c.code)
				if err != nil || len(got) != c.want {
					b.Fatalf("%d inspections, %v", len(got), err)
				}
			}
		})
	}
}
