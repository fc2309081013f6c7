package store_test

import (
	"strings"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/draw"
	"github.com/yiyeyicha/yiyeyicha/internal/metrics"
	"github.com/yiyeyicha/yiyeyicha/internal/revisit"
	"github.com/yiyeyicha/yiyeyicha/internal/stats"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

func TestEvalRevisits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := newEvalWorld(t, s)
		secret := strings.Repeat("5a", 16)
		_, err := s.AnnounceRevisits(ctx, w.DeptStaff, 2026, 2, "福彩3D 2026300期", secret)
		wantKind(t, err, domain.KindForbidden)
		_, err = s.AnnounceRevisits(ctx, w.Discipline, 2026, 0, "", "xyz")
		wantKind(t, err, domain.KindInvalid)
		if got := fieldKeys(err); len(got) != 3 {
			t.Errorf("field errors %v", got)
		}
		_, err = s.AnnounceRevisits(ctx, w.Discipline, 2025, 2, "福彩3D 2026300期", secret)
		wantKind(t, err, domain.KindInvalid) // no completed visit in 2025

		d, err := s.AnnounceRevisits(ctx, w.Discipline, 2026, 2, "福彩3D 2026300期", secret)
		if err != nil {
			t.Fatal(err)
		}
		// The closed visits 1, 2, 4, 5, 6 (visit 3 has results but is not closed).
		if len(d.Pool) != 5 || d.Pool[0].ID != 1 || d.Announcement.PoolSize != 5 {
			t.Fatalf("pool %+v", d.Pool)
		}
		_, err = s.DrawRevisits(ctx, w.Discipline, d.ID, strings.Repeat("00", 16), "3 8 1")
		wantKind(t, err, domain.KindInvalid)
		_, err = s.DrawRevisits(ctx, w.Discipline, d.ID, secret, "")
		wantKind(t, err, domain.KindInvalid)
		drawn, err := s.DrawRevisits(ctx, w.Discipline, d.ID, secret, "3 8 1")
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.DrawRevisits(ctx, w.Discipline, d.ID, secret, "3 8 1")
		wantKind(t, err, domain.KindConflict)

		// Anyone with the stored bundle recomputes the same sample.
		got, err := s.GetRevisitDraw(ctx, w.Office, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		pv, _ := draw.ParsePublicValue(got.PublicSources)
		smp, err := revisit.Draw(got.Announcement, got.Pool, got.Commitment, got.Secret, pv)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Revisits) != 2 || smp.Seed != got.Seed || smp.Picks[0].ID != got.Revisits[0].VisitID || smp.Picks[1].ID != drawn.Revisits[1].VisitID {
			t.Fatalf("stored %+v, recomputed %+v", got.Revisits, smp.Picks)
		}

		first, second := got.Revisits[0].VisitID, got.Revisits[1].VisitID
		wantKind(t, s.RecordRevisit(ctx, w.Discipline, d.ID, first, "problem", ""), domain.KindInvalid)
		wantKind(t, s.RecordRevisit(ctx, w.Discipline, d.ID, 10, "ok", ""), domain.KindNotFound)
		wantKind(t, s.RecordRevisit(ctx, w.Office, d.ID, first, "maybe", ""), domain.KindInvalid)
		if err := s.RecordRevisit(ctx, w.Discipline, d.ID, first, "problem", "检查记录缺少企业签字"); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordRevisit(ctx, w.Discipline, d.ID, second, "ok", ""); err != nil {
			t.Fatal(err)
		}
		db, err := s.Dashboard(ctx, w.Office, 2026, metrics.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if db.Revisits != (metrics.RevisitFigures{Drawn: 2, Problems: stats.Proportion{K: 1, N: 2}}) {
			t.Errorf("dashboard revisits %+v", db.Revisits)
		}
		list, err := s.ListRevisitDraws(ctx, w.Discipline, 2026)
		if err != nil || len(list) != 1 || list[0].Revisits[0].Outcome != "problem" || list[0].Revisits[0].Name == "" {
			t.Errorf("list %+v, %v", list, err)
		}
		_, err = s.ListRevisitDraws(ctx, w.DeptStaff, 2026)
		wantKind(t, err, domain.KindForbidden)
	})
}
