package store_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
	"github.com/yiyeyicha/yiyeyicha/internal/validate"
)

// code returns the n-th valid enterprise credit code of the tests.
func code(n int) string {
	c, ok := validate.MakeCreditCode("91", "140827", fmt.Sprintf("MA%06d", n))
	if !ok {
		panic(fmt.Sprintf("cannot make credit code %d", n))
	}
	return c
}

func entity(n int, f *storetest.Fixture) *domain.Entity {
	return &domain.Entity{
		Code:         code(n),
		Name:         fmt.Sprintf("垣曲县测试商贸有限公司%04d", n),
		IndustryCode: f.Industries[n%len(f.Industries)].Code,
		TownshipCode: f.Townships[n%len(f.Townships)].Code,
		Address:      "垣曲县新城镇中条大街1号",
		LegalRep:     "张三",
		RiskClass:    domain.RiskClasses[n%4],
		RiskSetOn:    domain.Date{Year: 2026, Month: 3, Day: 31},
	}
}

func inspector(n int, dept int64) *domain.Inspector {
	return &domain.Inspector{
		DepartmentID: dept,
		Name:         fmt.Sprintf("检查员%03d", n),
		IDNumber:     "11010519491231002X",
		CertNo:       fmt.Sprintf("1408270%05d", n),
		CertExpiry:   domain.Date{Year: 2028, Month: 12, Day: 31},
		Labels:       []string{"食品", "特种设备"},
		Expertise:    "食品安全",
		Phone:        "13900000000",
		Conflicts:    []domain.Conflict{{EntityCode: code(1), Reason: "配偶任职", DeclaredOn: domain.Date{Year: 2026, Month: 1, Day: 5}}},
	}
}

func wantKind(t *testing.T, err error, k domain.Kind) {
	t.Helper()
	if got := domain.ErrorKind(err); got != k {
		t.Fatalf("error kind = %q (%v), want %q", got, err, k)
	}
}

func fieldKeys(err error) []string {
	var ve *domain.ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	var out []string
	for _, fe := range ve.Errors {
		out = append(out, fmt.Sprintf("%d:%s:%s", fe.Row, fe.Field, fe.Key))
	}
	return out
}

func TestMigrationFoldersMatch(t *testing.T) {
	lite, err := store.Migrations(store.EngineSQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := store.Migrations(store.EnginePostgres)
	if err != nil {
		t.Fatal(err)
	}
	names := func(ms []store.Migration) []string {
		var out []string
		for _, m := range ms {
			out = append(out, fmt.Sprintf("%04d_%s", m.Version, m.Name))
		}
		return out
	}
	if len(lite) == 0 {
		t.Fatal("no SQLite migrations embedded")
	}
	if diff := cmp.Diff(names(lite), names(pg)); diff != "" {
		t.Errorf("migration folders differ (-sqlite +postgres):\n%s", diff)
	}
}

func TestSchemaStatus(t *testing.T) {
	ctx := t.Context()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "fresh.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cur, latest, err := s.SchemaStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cur != 0 || latest < 1 {
		t.Fatalf("fresh database: SchemaStatus = %d, %d; want 0, ≥1", cur, latest)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	cur, latest2, err := s.SchemaStatus(ctx)
	if err != nil || cur != latest || latest2 != latest {
		t.Fatalf("after Migrate: SchemaStatus = %d, %d, %v; want %d, %d", cur, latest2, err, latest, latest)
	}
	if s.Engine() != store.EngineSQLite {
		t.Errorf("Engine = %q", s.Engine())
	}
}

func TestEntityRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		e := entity(1, f)
		e.Code = "  ９" + strings.ToLower(code(1)[1:]) + " " // full-width and lower case are normalised
		if err := s.SaveEntity(ctx, f.Office, e); err != nil {
			t.Fatal(err)
		}
		if e.ID == 0 || e.Code != code(1) || e.Kind != domain.KindEnterprise || e.Status != domain.StatusActive {
			t.Fatalf("after save: %+v", e)
		}
		got, err := s.GetEntity(ctx, f.Inspector, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(e, got); diff != "" {
			t.Errorf("GetEntity (-saved +got):\n%s", diff)
		}
		got, err = s.GetEntityByCode(ctx, f.Discipline, strings.ToLower(code(1)))
		if err != nil || got.ID != e.ID {
			t.Fatalf("GetEntityByCode lower case: %v, %v", got, err)
		}
		_, err = s.GetEntityByCode(ctx, f.Office, code(2))
		wantKind(t, err, domain.KindNotFound)

		// A second entity with the same code is a conflict, not a driver error.
		dup := entity(1, f)
		dup.Name = "另一家公司"
		wantKind(t, s.SaveEntity(ctx, f.Office, dup), domain.KindConflict)

		// Update, audited with before and after.
		e.Name = "垣曲县改名后的公司"
		e.RiskClass = domain.RiskD
		if err := s.SaveEntity(ctx, f.Office, e); err != nil {
			t.Fatal(err)
		}
		log, err := s.ListAudit(ctx, f.Office, domain.AuditFilter{ObjectType: "entity", ObjectKey: code(1)})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, a := range log.Items {
			actions = append(actions, a.Action)
		}
		if diff := cmp.Diff([]string{"entity.update", "entity.create"}, actions); diff != "" {
			t.Fatalf("audit actions (-want +got):\n%s", diff)
		}
		upd := log.Items[0]
		if upd.ActorName != "office" || upd.ActorID != f.Office.UserID || upd.Before == "" || upd.After == "" {
			t.Errorf("update audit row: %+v", upd)
		}
		if !strings.Contains(upd.Before, "垣曲县测试商贸有限公司0001") || !strings.Contains(upd.After, "垣曲县改名后的公司") {
			t.Errorf("audit before/after do not hold the old and new name: %s / %s", upd.Before, upd.After)
		}
	})
}

func TestEntityValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		bad := code(3)
		bad = bad[:17] + string("0123456789ABCDEFGHJKLMNPQRTUWXY"[(strings.IndexByte("0123456789ABCDEFGHJKLMNPQRTUWXY", bad[17])+1)%31])
		tests := []struct {
			name string
			edit func(e *domain.Entity)
			want []string
		}{
			{"unknown references", func(e *domain.Entity) { e.IndustryCode, e.TownshipCode = "mining", "999999999" },
				[]string{"0:industry:err.unknown_industry", "0:township:err.unknown_township"}},
			{"bad check character", func(e *domain.Entity) { e.Code = bad }, []string{"0:code:err.code.checksum"}},
			{"missing name and risk", func(e *domain.Entity) { e.Name, e.RiskClass = " ", "" },
				[]string{"0:name:err.required", "0:risk_class:err.bad_choice"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e := entity(3, f)
				tt.edit(e)
				err := s.SaveEntity(ctx, f.Office, e)
				wantKind(t, err, domain.KindInvalid)
				if diff := cmp.Diff(tt.want, fieldKeys(err), cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
					t.Errorf("field errors (-want +got):\n%s", diff)
				}
			})
		}
		list, err := s.ListEntities(ctx, f.Office, domain.EntityFilter{})
		if err != nil || list.Total != 0 {
			t.Fatalf("after refused saves: %d entities, %v", list.Total, err)
		}
	})
}

func TestInspectorPrivateFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		in := inspector(1, f.Dept.ID)
		if err := s.SaveInspector(ctx, f.DeptStaff, in); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name    string
			actor   domain.Actor
			private bool
		}{
			{"office", f.Office, true},
			{"own department", f.DeptStaff, true},
			{"other department", f.OtherStaff, false},
			{"inspector", f.Inspector, false},
			{"discipline", f.Discipline, true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				want := *in
				if !tt.private {
					want.IDNumber, want.Phone, want.Conflicts = "", "", []domain.Conflict{}
				}
				got, err := s.GetInspector(ctx, tt.actor, in.ID)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(&want, got); diff != "" {
					t.Errorf("GetInspector (-want +got):\n%s", diff)
				}
				list, err := s.ListInspectors(ctx, tt.actor, domain.InspectorFilter{Label: "特种设备"})
				if err != nil || len(list.Items) != 1 {
					t.Fatalf("ListInspectors by label: %+v, %v", list, err)
				}
				if diff := cmp.Diff(want, list.Items[0]); diff != "" {
					t.Errorf("ListInspectors (-want +got):\n%s", diff)
				}
			})
		}
	})
}

func TestLoginSession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		token, u, err := s.Login(ctx, "scjg", storetest.Password)
		if err != nil {
			t.Fatal(err)
		}
		if u.ID != f.DeptStaff.UserID || u.Role != domain.RoleDepartment || u.DepartmentID != f.Dept.ID {
			t.Errorf("Login user = %+v", u)
		}
		su, err := s.SessionUser(ctx, token)
		if err != nil || su.ID != u.ID {
			t.Fatalf("SessionUser = %+v, %v", su, err)
		}
		_, err = s.SessionUser(ctx, token+"x")
		wantKind(t, err, domain.KindUnauthorized)

		var wrongUser, wrongPass *domain.Error
		_, _, err1 := s.Login(ctx, "nobody", storetest.Password)
		_, _, err2 := s.Login(ctx, "scjg", "wrong password")
		if !errors.As(err1, &wrongUser) || !errors.As(err2, &wrongPass) {
			t.Fatalf("errors: %v / %v", err1, err2)
		}
		if wrongUser.Kind != domain.KindUnauthorized || wrongUser.Key != wrongPass.Key || wrongUser.Kind != wrongPass.Kind {
			t.Errorf("wrong username %v and wrong password %v differ", wrongUser, wrongPass)
		}
	})
}
