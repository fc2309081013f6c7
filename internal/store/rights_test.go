package store_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// denied reports whether err is a refusal on rights: forbidden,
// unauthorized, or an import row refused for its department.
func denied(err error) bool {
	k := domain.ErrorKind(err)
	if k == domain.KindForbidden || k == domain.KindUnauthorized {
		return true
	}
	var ve *domain.ValidationError
	if errors.As(err, &ve) {
		for _, fe := range ve.Errors {
			if fe.Key == "err.department_forbidden" {
				return true
			}
		}
	}
	return false
}

// TestRights runs every Directory and Accounts method that takes an actor
// as each role, on an object of the first department, and checks who is
// let through. It is the store's side of the role × action table in
// domain.Can.
func TestRights(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		ent := entity(1, f)
		if err := s.SaveEntity(ctx, f.Office, ent); err != nil {
			t.Fatal(err)
		}
		insp := inspector(1, f.Dept.ID)
		if err := s.SaveInspector(ctx, f.Office, insp); err != nil {
			t.Fatal(err)
		}
		victim := &domain.User{Username: "victim", DisplayName: "被操作者", Role: domain.RoleInspector, DepartmentID: f.Dept.ID}
		if err := s.CreateUser(ctx, f.Office, victim, storetest.Password); err != nil {
			t.Fatal(err)
		}
		n := 100
		next := func() int { n++; return n }

		actors := []struct {
			name string
			a    domain.Actor
		}{
			{"office", f.Office},
			{"department", f.DeptStaff},
			{"other_department", f.OtherStaff},
			{"inspector", f.Inspector},
			{"discipline", f.Discipline},
			{"anonymous", domain.Actor{}},
		}
		all := []string{"office", "department", "other_department", "inspector", "discipline"}
		office := []string{"office"}
		ops := []struct {
			name    string
			allowed []string
			do      func(a domain.Actor) error
		}{
			{"ListEntities", all, func(a domain.Actor) error { _, err := s.ListEntities(ctx, a, domain.EntityFilter{}); return err }},
			{"GetEntity", all, func(a domain.Actor) error { _, err := s.GetEntity(ctx, a, ent.ID); return err }},
			{"GetEntityByCode", all, func(a domain.Actor) error { _, err := s.GetEntityByCode(ctx, a, ent.Code); return err }},
			{"EachEntity", all, func(a domain.Actor) error {
				return s.EachEntity(ctx, a, domain.EntityFilter{}, func(*domain.Entity) error { return nil })
			}},
			{"SaveEntity", office, func(a domain.Actor) error { return s.SaveEntity(ctx, a, entity(next(), f)) }},
			{"ImportEntities", office, func(a domain.Actor) error {
				_, err := s.ImportEntities(ctx, a, []domain.EntityRow{{Row: 2, Entity: *entity(next(), f)}}, domain.ImportOptions{})
				return err
			}},
			{"ListInspectors", all, func(a domain.Actor) error { _, err := s.ListInspectors(ctx, a, domain.InspectorFilter{}); return err }},
			{"GetInspector", all, func(a domain.Actor) error { _, err := s.GetInspector(ctx, a, insp.ID); return err }},
			{"EachInspector", all, func(a domain.Actor) error {
				return s.EachInspector(ctx, a, domain.InspectorFilter{}, func(*domain.Inspector) error { return nil })
			}},
			{"SaveInspector new", []string{"office", "department"}, func(a domain.Actor) error {
				return s.SaveInspector(ctx, a, inspector(next(), f.Dept.ID))
			}},
			{"SaveInspector update", []string{"office", "department"}, func(a domain.Actor) error {
				in, err := s.GetInspector(ctx, f.Office, insp.ID)
				if err != nil {
					return err
				}
				in.Expertise = fmt.Sprintf("专长%d", next())
				return s.SaveInspector(ctx, a, in)
			}},
			{"ImportInspectors", []string{"office", "department"}, func(a domain.Actor) error {
				_, err := s.ImportInspectors(ctx, a, []domain.InspectorRow{{Row: 2, Inspector: *inspector(next(), f.Dept.ID)}}, domain.ImportOptions{})
				return err
			}},
			{"SaveDepartment", office, func(a domain.Actor) error {
				n := next()
				return s.SaveDepartment(ctx, a, &domain.Department{Code: fmt.Sprintf("D%d", n), Name: fmt.Sprintf("部门%d", n)})
			}},
			{"SaveTownship", office, func(a domain.Actor) error {
				n := next()
				return s.SaveTownship(ctx, a, &domain.Township{Code: fmt.Sprintf("140827%03d", n), Name: fmt.Sprintf("乡镇%d", n)})
			}},
			{"SaveIndustry", office, func(a domain.Actor) error {
				n := next()
				return s.SaveIndustry(ctx, a, &domain.Industry{Code: fmt.Sprintf("ind%d", n), Name: fmt.Sprintf("行业%d", n)})
			}},
			{"ListAudit", []string{"office", "department", "other_department", "discipline"}, func(a domain.Actor) error {
				_, err := s.ListAudit(ctx, a, domain.AuditFilter{})
				return err
			}},
			{"CreateUser", office, func(a domain.Actor) error {
				return s.CreateUser(ctx, a, &domain.User{Username: fmt.Sprintf("u%d", next()), DisplayName: "新用户", Role: domain.RoleDiscipline}, storetest.Password)
			}},
			{"ListUsers", office, func(a domain.Actor) error { _, err := s.ListUsers(ctx, a); return err }},
			{"GetUser other", office, func(a domain.Actor) error { _, err := s.GetUser(ctx, a, victim.ID); return err }},
			{"GetUser self", all, func(a domain.Actor) error { _, err := s.GetUser(ctx, a, a.UserID); return err }},
			{"GetUserByUsername other", office, func(a domain.Actor) error { _, err := s.GetUserByUsername(ctx, a, "victim"); return err }},
			{"GetUserByUsername self", all, func(a domain.Actor) error { _, err := s.GetUserByUsername(ctx, a, a.Name); return err }},
			{"SetPassword other", office, func(a domain.Actor) error { return s.SetPassword(ctx, a, victim.ID, "another password") }},
			{"SetPassword self", all, func(a domain.Actor) error { return s.SetPassword(ctx, a, a.UserID, storetest.Password) }},
			{"SetDisabled", office, func(a domain.Actor) error { return s.SetDisabled(ctx, a, victim.ID, false) }},
			{"RevokeSessions other", office, func(a domain.Actor) error { return s.RevokeSessions(ctx, a, victim.ID) }},
			{"RevokeSessions self", all, func(a domain.Actor) error { return s.RevokeSessions(ctx, a, a.UserID) }},
			{"CreateToken", all, func(a domain.Actor) error { _, err := s.CreateToken(ctx, a, "脚本"); return err }},
		}
		for _, op := range ops {
			for _, ac := range actors {
				t.Run(op.name+"/"+ac.name, func(t *testing.T) {
					err := op.do(ac.a)
					want := slices.Contains(op.allowed, ac.name)
					switch {
					case want && err != nil:
						t.Errorf("%s as %s refused: %v", op.name, ac.name, err)
					case !want && !denied(err):
						t.Errorf("%s as %s: err = %v, want a refusal", op.name, ac.name, err)
					case !want && ac.name == "anonymous" && domain.ErrorKind(err) != domain.KindUnauthorized:
						t.Errorf("%s anonymously: kind %s, want unauthorized", op.name, domain.ErrorKind(err))
					}
				})
			}
		}
	})
}

// TestInspectorMoveAcrossDepartments checks that department staff can
// neither take another department's inspector nor give one of theirs away.
func TestInspectorMoveAcrossDepartments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		mine := inspector(1, f.Dept.ID)
		theirs := inspector(2, f.OtherDept.ID)
		for _, in := range []*domain.Inspector{mine, theirs} {
			if err := s.SaveInspector(ctx, f.Office, in); err != nil {
				t.Fatal(err)
			}
		}
		give := *mine
		give.DepartmentID = f.OtherDept.ID
		wantKind(t, s.SaveInspector(ctx, f.DeptStaff, &give), domain.KindForbidden)
		take := *theirs
		take.DepartmentID = f.Dept.ID
		wantKind(t, s.SaveInspector(ctx, f.DeptStaff, &take), domain.KindForbidden)
		got, err := s.GetInspector(ctx, f.Office, theirs.ID)
		if err != nil || got.DepartmentID != f.OtherDept.ID {
			t.Fatalf("inspector moved: %+v, %v", got, err)
		}
		// The office may move an inspector.
		move := *mine
		move.DepartmentID = f.OtherDept.ID
		if err := s.SaveInspector(ctx, f.Office, &move); err != nil {
			t.Fatal(err)
		}
	})
}
