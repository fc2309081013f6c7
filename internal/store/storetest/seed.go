package storetest

import (
	"context"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

// Password is the password of every user Seed creates.
const Password = "password1234"

// Fixture is the small world Seed creates: two departments, three
// industries and townships, and one user per role (two department users,
// one per department).
type Fixture struct {
	Dept, OtherDept domain.Department
	Industries      []domain.Industry
	Townships       []domain.Township

	Office, DeptStaff, OtherStaff, Inspector, Discipline domain.Actor
}

// Seed fills s with the Fixture's reference data and users.
func Seed(t testing.TB, s *store.Store) *Fixture {
	t.Helper()
	ctx := context.Background()
	f := &Fixture{
		Dept:      domain.Department{Code: "SCJG", Name: "垣曲县市场监督管理局", ShortName: "市场监管局", Liaison: "李联络", LiaisonPhone: "0359-6021001", Leader: "王分管", LeaderPhone: "0359-6021000"},
		OtherDept: domain.Department{Code: "XFJY", Name: "垣曲县消防救援大队", ShortName: "消防大队", Liaison: "赵联络", LiaisonPhone: "0359-6022001"},
		Industries: []domain.Industry{
			{Code: "catering", Name: "餐饮服务"},
			{Code: "food_retail", Name: "食品销售"},
			{Code: "hotel", Name: "住宿"},
		},
		Townships: []domain.Township{
			{Code: "140827100", Name: "新城镇"},
			{Code: "140827101", Name: "历山镇"},
			{Code: "140827102", Name: "古城镇"},
		},
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("storetest.Seed: %v", err)
		}
	}
	must(s.SaveDepartment(ctx, domain.System, &f.Dept))
	must(s.SaveDepartment(ctx, domain.System, &f.OtherDept))
	for i := range f.Industries {
		must(s.SaveIndustry(ctx, domain.System, &f.Industries[i]))
	}
	for i := range f.Townships {
		must(s.SaveTownship(ctx, domain.System, &f.Townships[i]))
	}
	user := func(name string, role domain.Role, dept int64) domain.Actor {
		u := &domain.User{Username: name, DisplayName: name, Role: role, DepartmentID: dept}
		must(s.CreateUser(ctx, domain.System, u, Password))
		return domain.ActorOf(u)
	}
	f.Office = user("office", domain.RoleOffice, 0)
	f.DeptStaff = user("scjg", domain.RoleDepartment, f.Dept.ID)
	f.OtherStaff = user("xfjy", domain.RoleDepartment, f.OtherDept.ID)
	f.Inspector = user("inspector", domain.RoleInspector, f.Dept.ID)
	f.Discipline = user("discipline", domain.RoleDiscipline, 0)
	return f
}
