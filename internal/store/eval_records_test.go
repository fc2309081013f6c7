package store_test

import (
	"strings"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/metrics"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

func TestEvalWeights(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := newEvalWorld(t, s)
		got, err := s.EvalWeights(ctx)
		if err != nil || got != metrics.DefaultWeights {
			t.Fatalf("default weights = %+v, %v", got, err)
		}
		wantKind(t, s.SaveEvalWeights(ctx, w.DeptStaff, metrics.Weights{Timely: 1}), domain.KindForbidden)
		wantKind(t, s.SaveEvalWeights(ctx, w.Office, metrics.Weights{Timely: -1, Progress: 2}), domain.KindInvalid)
		wantKind(t, s.SaveEvalWeights(ctx, w.Office, metrics.Weights{}), domain.KindInvalid)
		// Only parts done counts: OtherDept scores 6 of 10 = 60, Dept 3 of 3 = 100.
		if err := s.SaveEvalWeights(ctx, w.Office, metrics.Weights{Progress: 1}); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveEvalWeights(ctx, w.Office, metrics.Weights{Progress: 2}); err != nil {
			t.Fatal(err)
		}
		d, err := s.Dashboard(ctx, w.Office, 2026, metrics.Filter{Dept: w.Dept.ID})
		if err != nil {
			t.Fatal(err)
		}
		if d.Departments[0].Score != 100 {
			t.Errorf("score = %v", d.Departments[0].Score)
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

func TestEvalSummaries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := newEvalWorld(t, s)
		_, err := s.FileSummary(ctx, w.DeptStaff, 2026, w.OtherDept.ID, "总结")
		wantKind(t, err, domain.KindForbidden)
		_, err = s.FileSummary(ctx, w.DeptStaff, 2026, w.Dept.ID, "  ")
		wantKind(t, err, domain.KindInvalid)
		_, err = s.FileSummary(ctx, w.DeptStaff, 2026, w.Dept.ID, "ok\x00")
		wantKind(t, err, domain.KindInvalid)
		sum, err := s.FileSummary(ctx, w.DeptStaff, 2026, w.Dept.ID, "今年完成联合检查 3 户次。\n存在问题：批次逾期。")
		if err != nil {
			t.Fatal(err)
		}
		// The figures filed with it are the department's own.
		if !strings.Contains(sum.Figures, `"batches_late":2`) || !strings.Contains(sum.Figures, `"k":3,"n":3`) {
			t.Errorf("figures = %s", sum.Figures)
		}
		// Filing again replaces the text.
		if _, err := s.FileSummary(ctx, w.DeptStaff, 2026, w.Dept.ID, "修订后的总结"); err != nil {
			t.Fatal(err)
		}
		all, err := s.ListSummaries(ctx, w.Office, 2026)
		if err != nil {
			t.Fatal(err)
		}
		filed := map[string]string{}
		for _, st := range all {
			if st.Summary != nil {
				filed[st.Department.Code] = st.Summary.Text
			} else {
				filed[st.Department.Code] = "-"
			}
		}
		if len(all) != 2 || filed["SCJG"] != "修订后的总结" || filed["XFJY"] != "-" {
			t.Errorf("office sees %v", filed)
		}
		own, err := s.ListSummaries(ctx, w.OtherStaff, 2026)
		if err != nil || len(own) != 1 || own[0].Department.ID != w.OtherDept.ID || own[0].Summary != nil {
			t.Errorf("department sees %+v, %v", own, err)
		}
		_, err = s.ListSummaries(ctx, w.Inspector, 2026)
		wantKind(t, err, domain.KindForbidden)
		if n := auditCount(t, s, "eval.summary.file"); n != 2 {
			t.Errorf("%d audit rows", n)
		}
	})
}

func TestEvalBulletins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := newEvalWorld(t, s)
		deadline, _ := domain.ParseDate("2026-05-15")
		_, err := s.IssueBulletin(ctx, w.DeptStaff, 2026, "通报", "", deadline)
		wantKind(t, err, domain.KindForbidden)
		past, _ := domain.ParseDate("2026-04-30")
		_, err = s.IssueBulletin(ctx, w.Office, 2026, "通报", "", past)
		wantKind(t, err, domain.KindInvalid)
		if got := fieldKeys(err); len(got) != 1 || got[0] != "0:deadline:eval.err.deadline" {
			t.Errorf("field errors %v", got)
		}
		b, err := s.IssueBulletin(ctx, w.Office, 2026, "2026年4月进展通报", "请限期整改。", deadline)
		if err != nil {
			t.Fatal(err)
		}
		// Only Dept is late: two batches past their window.
		if len(b.Departments) != 1 || b.Departments[0].DepartmentID != w.Dept.ID || b.Departments[0].Reasons != "late_batches=2" {
			t.Fatalf("named %+v", b.Departments)
		}
		wantKind(t, s.RespondBulletin(ctx, w.OtherStaff, b.ID, w.Dept.ID, "已整改"), domain.KindForbidden)
		wantKind(t, s.RespondBulletin(ctx, w.OtherStaff, b.ID, w.OtherDept.ID, "已整改"), domain.KindNotFound)
		wantKind(t, s.RespondBulletin(ctx, w.DeptStaff, b.ID, w.Dept.ID, ""), domain.KindInvalid)
		if err := s.RespondBulletin(ctx, w.DeptStaff, b.ID, w.Dept.ID, "已于5月10日前完成逾期批次检查。"); err != nil {
			t.Fatal(err)
		}
		list, err := s.ListBulletins(ctx, w.Office, 2026)
		if err != nil || len(list) != 1 || !list[0].Departments[0].Responded() || list[0].Deadline != deadline {
			t.Fatalf("office list %+v, %v", list, err)
		}
		mine, err := s.ListBulletins(ctx, w.DeptStaff, 2026)
		if err != nil || len(mine) != 1 {
			t.Fatalf("dept list %+v, %v", mine, err)
		}
		other, err := s.ListBulletins(ctx, w.OtherStaff, 2026)
		if err != nil || len(other) != 0 {
			t.Errorf("a department not named sees %+v, %v", other, err)
		}
	})
}

func TestEvalCases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := newEvalWorld(t, s)
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

func TestBusinessBurden(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := newEvalWorld(t, s)
		// Business 1 (class A, cap 2) has one visit; add two more.
		for _, id := range []int{12, 13} {
			if err := store.ExecRaw(ctx, s, `INSERT INTO visits (id, entity_id, risk_class, year, lead_department_id, start_on, end_on, state, created_at, updated_at)
VALUES ($1, 1001, 'A', 2026, $2, '2026-05-01', '2026-05-31', 'dispatched', '2026-04-01T00:00:00Z', '2026-04-01T00:00:00Z')`, id, w.Dept.ID); err != nil {
				t.Fatal(err)
			}
		}
		code := "TEST00000000000001"
		pub, err := s.BusinessBurden(ctx, domain.Actor{}, code, 2026)
		if err != nil || pub.Visits != 3 || pub.Cap != 0 || pub.Class != "" {
			t.Fatalf("public burden %+v, %v", pub, err)
		}
		staff, err := s.BusinessBurden(ctx, w.DeptStaff, code, 2026)
		if err != nil || staff.Visits != 3 || staff.Cap != 2 || !staff.Over() {
			t.Fatalf("staff burden %+v, %v", staff, err)
		}
		// The cancelled visit of business 11 does not count; no plan in 2025.
		b, err := s.BusinessBurden(ctx, w.DeptStaff, "TEST00000000000011", 2026)
		if err != nil || b.Visits != 0 {
			t.Errorf("cancelled counted: %+v, %v", b, err)
		}
		b, err = s.BusinessBurden(ctx, w.DeptStaff, code, 2025)
		if err != nil || b.Visits != 0 || b.Cap != 0 || b.Over() {
			t.Errorf("2025: %+v, %v", b, err)
		}
		_, err = s.BusinessBurden(ctx, domain.Actor{}, "TEST00000000000099", 2026)
		wantKind(t, err, domain.KindNotFound)
	})
}
