package store_test

import (
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/metrics"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

func TestEvalWeights(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := storetest.Seed(t, s)
		got, err := s.EvalWeights(ctx)
		if err != nil || got != metrics.DefaultWeights {
			t.Fatalf("default weights = %+v, %v", got, err)
		}
		wantKind(t, s.SaveEvalWeights(ctx, w.DeptStaff, metrics.Weights{Timely: 1}), domain.KindForbidden)
		wantKind(t, s.SaveEvalWeights(ctx, w.Office, metrics.Weights{Timely: -1, Progress: 2}), domain.KindInvalid)
		wantKind(t, s.SaveEvalWeights(ctx, w.Office, metrics.Weights{}), domain.KindInvalid)
		if err := s.SaveEvalWeights(ctx, w.Office, metrics.Weights{Progress: 1}); err != nil {
			t.Fatal(err)
		}
		want := metrics.Weights{Progress: 2, Timely: 0.5}
		if err := s.SaveEvalWeights(ctx, w.Office, want); err != nil {
			t.Fatal(err)
		}
		if got, err := s.EvalWeights(ctx); err != nil || got != want {
			t.Errorf("weights = %+v, %v", got, err)
		}
		if n := auditCount(t, s, "eval.weights"); n != 2 {
			t.Errorf("%d audit rows, want 2", n)
		}
	})
}

// auditCount counts the audit rows of one action.
func auditCount(t *testing.T, s *store.Store, action string) int {
	t.Helper()
	n := 0
	list, err := s.ListAudit(t.Context(), domain.System, domain.AuditFilter{Page: domain.Page{Size: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range list.Items {
		if e.Action == action {
			n++
		}
	}
	return n
}

func TestEvalCases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := storetest.Seed(t, s)
		c := &domain.TypicalCase{Year: 2026, DepartmentID: w.Dept.ID, IndustryCode: "catering", Title: "餐饮油烟联合检查", Body: "一次入企，查清油烟、消防、食品安全三项问题。"}
		wantKind(t, s.SubmitCase(ctx, w.OtherStaff, c), domain.KindForbidden)
		bad := *c
		bad.IndustryCode = "nope"
		wantKind(t, s.SubmitCase(ctx, w.DeptStaff, &bad), domain.KindInvalid)
		if err := s.SubmitCase(ctx, w.DeptStaff, c); err != nil {
			t.Fatal(err)
		}
		second := &domain.TypicalCase{Year: 2026, DepartmentID: w.OtherDept.ID, Title: "消防通道", Body: "内容"}
		if err := s.SubmitCase(ctx, w.OtherStaff, second); err != nil {
			t.Fatal(err)
		}
		wantKind(t, s.DecideCase(ctx, w.DeptStaff, c.ID, true, ""), domain.KindForbidden)
		wantKind(t, s.DecideCase(ctx, w.Office, second.ID, false, ""), domain.KindInvalid) // returning needs a note
		if err := s.DecideCase(ctx, w.Office, c.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.DecideCase(ctx, w.Office, second.ID, false, "请补充整改结果"); err != nil {
			t.Fatal(err)
		}
		wantKind(t, s.DecideCase(ctx, w.Office, c.ID, false, "again"), domain.KindConflict)
		wantKind(t, s.DecideCase(ctx, w.Office, 9999, true, ""), domain.KindNotFound)
		pub, err := s.ListCases(ctx, domain.Actor{}, 2026, true)
		if err != nil || len(pub) != 1 || pub[0].Title != c.Title || pub[0].State != domain.CasePublished || pub[0].PublishedAt.IsZero() {
			t.Fatalf("public %+v, %v", pub, err)
		}
		own, err := s.ListCases(ctx, w.OtherStaff, 2026, false)
		if err != nil || len(own) != 1 || own[0].State != domain.CaseReturned || own[0].Note != "请补充整改结果" {
			t.Errorf("own %+v, %v", own, err)
		}
		all, err := s.ListCases(ctx, w.Office, 2026, false)
		if err != nil || len(all) != 2 {
			t.Errorf("office %d, %v", len(all), err)
		}
		_, err = s.ListCases(ctx, w.Inspector, 2026, false)
		wantKind(t, err, domain.KindForbidden)
	})
}
