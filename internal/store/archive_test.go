package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// TestArchiveMark closes one visit with no problem found (archived at
// closure, in the closure's transaction, with its audit row) and one with
// a rectification order (not archived until its lead department archives
// it by hand), and filters the list by the mark.
func TestArchiveMark(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := seedFollow(t, s, 3)
		f := w.F
		at(s, 2026, time.May, 11, 10)
		archives := func() int {
			t.Helper()
			var n int
			if err := store.QueryIntForTest(ctx, s, "SELECT count(*) FROM audit_log WHERE action = 'visit.archive'", &n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		// No problem found: archived at closure, automatically.
		w.Complete(t, s, 0, false)
		if err := s.CloseVisit(ctx, w.InspActors[0], w.Visits[0].ID, domain.CloseInput{Category: domain.CatNoProblem, Disposal: domain.DispNone}); err != nil {
			t.Fatal(err)
		}
		in, err := s.Inspection(ctx, f.OtherStaff, w.Visits[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if m := in.Archive; m == nil || !m.Automatic || m.ArchivedBy != w.InspActors[0].Name || !m.ArchivedAt.Equal(in.Record.ClosedAt) {
			t.Fatalf("archive mark after a no-problem closure = %+v, want automatic, by the closer, at the closure (%v)", in.Archive, in.Record.ClosedAt)
		}
		if n := archives(); n != 1 {
			t.Errorf("%d archive audit rows after the closure, want 1", n)
		}
		wantKind(t, s.ArchiveVisit(ctx, f.DeptStaff, w.Visits[0].ID), domain.KindConflict)

		// A rectification order: closed, not archived.
		in = w.closeWith(t, s, 1, domain.CatRectified, domain.DispRectify, day(2026, 5, 26))
		if in.Archive != nil || in.Visit.Archived {
			t.Fatalf("a rectify closure archived the visit: %+v", in.Archive)
		}
		if n := archives(); n != 1 {
			t.Errorf("%d archive audit rows after a rectify closure, want still 1", n)
		}
		// By hand: the lead department's staff only, once, once closed.
		v1 := w.Visits[1].ID
		for _, a := range []domain.Actor{f.OtherStaff, f.Office, w.InspActors[0], f.Discipline, w.ThirdStaff} {
			wantKind(t, s.ArchiveVisit(ctx, a, v1), domain.KindForbidden)
		}
		wantKind(t, s.ArchiveVisit(ctx, domain.Actor{}, v1), domain.KindUnauthorized)
		wantKind(t, s.ArchiveVisit(ctx, f.DeptStaff, w.Visits[2].ID), domain.KindConflict)
		wantKind(t, s.ArchiveVisit(ctx, f.DeptStaff, 1<<40), domain.KindNotFound)
		if n := archives(); n != 1 {
			t.Fatalf("refused archiving wrote %d audit rows", n-1)
		}
		at(s, 2026, time.May, 12, 9)
		if err := s.ArchiveVisit(ctx, f.DeptStaff, v1); err != nil {
			t.Fatal(err)
		}
		in, _ = s.Inspection(ctx, f.Office, v1)
		if m := in.Archive; m == nil || m.Automatic || m.ArchivedBy != f.DeptStaff.Name || m.ArchivedAt.In(cst).Day() != 12 {
			t.Errorf("archive mark by hand = %+v", in.Archive)
		}
		wantKind(t, s.ArchiveVisit(ctx, f.DeptStaff, v1), domain.KindConflict)
		if n := archives(); n != 2 {
			t.Errorf("%d archive audit rows, want 2", n)
		}

		// The staff list filters by the mark.
		ids := func(archived string) []int64 {
			t.Helper()
			l, err := s.ListVisits(ctx, f.Office, domain.VisitFilter{Archived: archived})
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, v := range l.Items {
				if v.Archived != (archived == "yes") && archived != "" {
					t.Errorf("visit %d listed under archived=%q has Archived %v", v.ID, archived, v.Archived)
				}
				out = append(out, v.ID)
			}
			slices.Sort(out)
			return out
		}
		if got, want := ids("yes"), []int64{w.Visits[0].ID, v1}; !slices.Equal(got, want) {
			t.Errorf("archived visits = %v, want %v", got, want)
		}
		if got := ids("no"); !slices.Equal(got, []int64{w.Visits[2].ID}) {
			t.Errorf("visits not archived = %v, want [%d]", got, w.Visits[2].ID)
		}
		if got := ids(""); len(got) != 3 {
			t.Errorf("all visits = %v", got)
		}

		// The archive's record: whoever reads the visit; never the public
		// or another department; only once closed.
		rec, err := s.ArchiveRecord(ctx, f.OtherStaff, v1)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Business.Name != w.Entities[1].Name || rec.Business.Industry != "餐饮服务" || len(rec.Tasks) != 1 || rec.Tasks[0].Name != w.Task.Name ||
			rec.Inspection.Findings() != 1 || rec.Inspection.Archive == nil || rec.Format != domain.ArchiveFormat {
			t.Errorf("archive record = %+v", rec)
		}
		_, err = s.ArchiveRecord(ctx, w.ThirdStaff, v1)
		wantKind(t, err, domain.KindNotFound)
		_, err = s.ArchiveRecord(ctx, domain.Actor{}, v1)
		wantKind(t, err, domain.KindUnauthorized)
		_, err = s.ArchiveRecord(ctx, f.Office, w.Visits[2].ID)
		wantKind(t, err, domain.KindConflict)
	})
}

func TestArchivePath(t *testing.T) {
	for _, tc := range []struct {
		n          int
		dept, name string
		want       string
	}{
		{1, "市场监管局", "后厨.png", "attachments/01-市场监管局-后厨.png"},
		{12, "消防大队", "../../etc/pass:wd?.pdf", "attachments/12-消防大队-_.._etc_pass_wd_.pdf"},
		{3, "", "照片", "attachments/03-照片"},
	} {
		if got := domain.ArchivePath(tc.n, tc.dept, tc.name); got != tc.want {
			t.Errorf("ArchivePath(%d, %q, %q) = %q, want %q", tc.n, tc.dept, tc.name, got, tc.want)
		}
	}
}
