package store_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

func TestAuditAppendOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		if err := s.SaveEntity(ctx, f.Office, entity(1, f)); err != nil {
			t.Fatal(err)
		}
		before := dump(t, s)["audit_log"]
		if len(before) == 0 {
			t.Fatal("no audit rows written")
		}
		for _, q := range []string{
			`UPDATE audit_log SET actor_name = 'nobody'`,
			`DELETE FROM audit_log`,
			`DELETE FROM audit_log WHERE id = 1`,
		} {
			if err := store.ExecRaw(ctx, s, q); err == nil {
				t.Errorf("%s: accepted", q)
			}
		}
		if s.Engine() == store.EnginePostgres {
			if err := store.ExecRaw(ctx, s, `TRUNCATE audit_log`); err == nil {
				t.Error("TRUNCATE audit_log accepted")
			}
		}
		if diff := cmp.Diff(before, dump(t, s)["audit_log"]); diff != "" {
			t.Errorf("audit log changed:\n%s", diff)
		}
	})
}

func TestAuditVisibility(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		mine, theirs := inspector(1, f.Dept.ID), inspector(2, f.OtherDept.ID)
		if err := s.SaveInspector(ctx, f.DeptStaff, mine); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveInspector(ctx, f.OtherStaff, theirs); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveEntity(ctx, f.Office, entity(1, f)); err != nil {
			t.Fatal(err)
		}
		keys := func(a domain.Actor, af domain.AuditFilter) []string {
			t.Helper()
			l, err := s.ListAudit(ctx, a, af)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, e := range l.Items {
				out = append(out, e.ObjectType+":"+e.ObjectKey)
			}
			return out
		}
		af := domain.AuditFilter{ObjectType: "inspector"}
		if diff := cmp.Diff([]string{"inspector:" + mine.CertNo}, keys(f.DeptStaff, af)); diff != "" {
			t.Errorf("department sees (-want +got):\n%s", diff)
		}
		want := []string{"inspector:" + theirs.CertNo, "inspector:" + mine.CertNo}
		for _, a := range []domain.Actor{f.Office, f.Discipline} {
			if diff := cmp.Diff(want, keys(a, af)); diff != "" {
				t.Errorf("%s sees (-want +got):\n%s", a.Role, diff)
			}
		}
		// Entities belong to no department: department staff see none of
		// their history, the office all of it.
		if got := keys(f.DeptStaff, domain.AuditFilter{ObjectType: "entity"}); len(got) != 0 {
			t.Errorf("department sees entity history: %v", got)
		}
		if got := keys(f.Office, domain.AuditFilter{ObjectType: "entity"}); len(got) != 1 {
			t.Errorf("office sees entity history %v, want 1 row", got)
		}
		// Filtering by actor.
		if got := keys(f.Office, domain.AuditFilter{ActorID: f.OtherStaff.UserID}); len(got) != 1 {
			t.Errorf("rows by the other department's user: %v", got)
		}
	})
}
