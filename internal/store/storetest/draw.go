package storetest

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/draw"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/validate"
)

// SeedDrawWorld adds 60 catering businesses of every risk class (every
// fifteenth deregistered) and seven inspectors of the two departments:
// the first declares a conflict with the first business, the last is on
// leave. Tests of the draw start from it.
func SeedDrawWorld(t testing.TB, s *store.Store, f *Fixture) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < 60; i++ {
		e := &domain.Entity{Code: DrawCode(i), Name: fmt.Sprintf("垣曲县抽取测试餐馆%d", i), Kind: domain.KindIndividual, IndustryCode: "catering",
			TownshipCode: f.Townships[i%3].Code, Status: domain.StatusActive, RiskClass: domain.RiskClasses[i%4]}
		if i%15 == 14 {
			e.Status = domain.StatusCancelled
		}
		if err := s.SaveEntity(ctx, domain.System, e); err != nil {
			t.Fatalf("storetest.SeedDrawWorld: %v", err)
		}
	}
	for i, dept := range []domain.Department{f.Dept, f.OtherDept, f.Dept, f.OtherDept, f.Dept, f.OtherDept, f.Dept} {
		in := &domain.Inspector{DepartmentID: dept.ID, Name: fmt.Sprintf("检查员%d", i), CertNo: fmt.Sprintf("1408270%04d", i),
			CertExpiry: domain.Date{Year: 2030, Month: 1, Day: 1}, Status: domain.InspectorOnDuty, Labels: []string{"食品安全"}}
		switch i {
		case 0:
			in.Conflicts = []domain.Conflict{{EntityCode: DrawCode(0), Reason: "亲属经营", DeclaredOn: domain.Date{Year: 2026, Month: 1, Day: 5}}}
		case 6:
			in.Status = domain.InspectorOnLeave
		}
		if err := s.SaveInspector(ctx, domain.System, in); err != nil {
			t.Fatalf("storetest.SeedDrawWorld: %v", err)
		}
	}
}

// DrawCode is the credit code of SeedDrawWorld's i-th business.
func DrawCode(i int) string {
	c, _ := validate.MakeCreditCode("92", "140827", fmt.Sprintf("DR%06d", i))
	return c
}

// DrawParams announces a draw over SeedDrawWorld: both departments, one
// officer each, ratios A 1 %, B 5 %, C 1/10, D 30 %, a public value.
func DrawParams(f *Fixture) domain.DrawParams {
	return domain.DrawParams{Task: "2026年餐饮服务联合抽查", Batch: "第一批", Title: "餐饮服务 第一批", Industry: "catering",
		WindowStart: domain.Date{Year: 2026, Month: 4, Day: 1}, WindowEnd: domain.Date{Year: 2026, Month: 6, Day: 30},
		Lead: f.Dept.ID, Departments: []domain.DrawDept{{DepartmentID: f.Dept.ID, Count: 1}, {DepartmentID: f.OtherDept.ID, Count: 1}},
		Ratios:  map[domain.RiskClass]string{domain.RiskA: "1%", domain.RiskB: "5%", domain.RiskC: "1/10", domain.RiskD: "30%"},
		Minimum: map[domain.RiskClass]int{domain.RiskA: 1}, Cap: 3, PublicValue: "中国福利彩票双色球第2026025期开奖号码"}
}

// DrawSecret is the secret a test party commits to: 32 bytes made of its
// name, and their hex.
func DrawSecret(party string) (string, []byte) {
	b := []byte(strings.Repeat(party, 32)[:32])
	return hex.EncodeToString(b), b
}

// RunDraw announces DrawParams and carries the draw through every step to
// execution, each department's staff committing and revealing, and returns
// its key.
func RunDraw(t testing.TB, s *store.Store, f *Fixture) string {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("storetest.RunDraw: %v", err)
		}
	}
	d, err := s.AnnounceDraw(ctx, f.DeptStaff, DrawParams(f))
	must(err)
	actor := map[string]domain.Actor{f.Dept.Code: f.DeptStaff, f.OtherDept.Code: f.OtherStaff}
	for _, p := range d.Parties {
		_, sec := DrawSecret(p.Party)
		must(s.CommitDraw(ctx, actor[p.Party], d.Key, p.Party, draw.Commitment(d.AnnouncementHash, p.Party, sec)))
	}
	for _, p := range d.Parties {
		h, _ := DrawSecret(p.Party)
		must(s.RevealDraw(ctx, actor[p.Party], d.Key, p.Party, h))
	}
	_, err = s.EnterPublicValue(ctx, f.Office, d.Key, "03 07 12 19 25 31\n09")
	must(err)
	_, err = s.EnterPublicValue(ctx, f.DeptStaff, d.Key, "03 07 12 19 25 31\n09")
	must(err)
	_, err = s.ExecuteDraw(ctx, f.DeptStaff, d.Key)
	must(err)
	return d.Key
}
