package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

// SeedJointList gives the industry a published joint list (version 1) led
// by f.Dept with f.OtherDept as co-department, two catalogue items each,
// frequency once a year and ratios A 1 %, B 2 %, C 10 %, D 30 %. Tests of
// areas built on joint lists (plans, visits) start from it.
func SeedJointList(t testing.TB, s *store.Store, f *Fixture, industry string) *domain.JointListVersion {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("storetest.SeedJointList: %v", err)
		}
	}
	items := func(dept domain.Department) []int64 {
		var ids []int64
		for i := 1; i <= 2; i++ {
			it := &domain.CatalogItem{DepartmentID: dept.ID, Code: fmt.Sprintf("%s-%s-%d", dept.Code, industry, i),
				Name: fmt.Sprintf("%s检查事项%d", dept.ShortName, i), Content: "检查内容", LegalBasis: "《中华人民共和国食品安全法》第三十三条"}
			must(s.SaveCatalogItem(ctx, domain.System, it))
			ids = append(ids, it.ID)
		}
		return ids
	}
	h := domain.ListHeader{Subject: "经营者", Frequency: 1,
		Ratios: domain.Ratios{domain.RiskA: 100, domain.RiskB: 200, domain.RiskC: 1000, domain.RiskD: 3000}}
	v, err := s.CreateJointList(ctx, domain.System, industry, f.Dept.ID, h, []int64{f.OtherDept.ID})
	must(err)
	must(s.SetDraftPart(ctx, domain.System, v.ID, f.Dept.ID, "牵头组织联合检查", items(f.Dept)))
	must(s.SetDraftPart(ctx, domain.System, v.ID, f.OtherDept.ID, "负责消防安全检查", items(f.OtherDept)))
	must(s.ConfirmPart(ctx, domain.System, v.ID, f.OtherDept.ID))
	v, err = s.PublishVersion(ctx, domain.System, v.ID)
	must(err)
	return v
}
