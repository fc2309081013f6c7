package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/validate"
)

// VisitWorld is a store with dispatched joint visits of catering
// businesses: f.Dept leads, f.OtherDept joins, each department has one
// inspector with an account on every visit. Tests of the inspection and
// of what follows it (referrals, follow-up, archive) start from it.
type VisitWorld struct {
	F          *Fixture
	List       *domain.JointListVersion
	Task       *domain.Task
	Entities   []*domain.Entity
	Inspectors []*domain.Inspector // [0] of f.Dept, [1] of f.OtherDept
	InspActors []domain.Actor      // their accounts, same order
	Visits     []*domain.Visit     // one per entity, same order
}

// SeedVisits seeds f (Seed), a published catering joint list, n catering
// businesses, a published 2026 plan with one task and batch (1 April – 30
// June), and dispatches the batch: n visits, each with both departments'
// parts (two items each) and both inspectors.
func SeedVisits(t testing.TB, s *store.Store, n int) *VisitWorld {
	t.Helper()
	return SeedVisitsOn(t, s, Seed(t, s), n)
}

// SeedVisitsOn is SeedVisits on a store Seed has already filled with f.
func SeedVisitsOn(t testing.TB, s *store.Store, f *Fixture, n int) *VisitWorld {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("storetest.SeedVisits: %v", err)
		}
	}
	w := &VisitWorld{F: f, List: SeedJointList(t, s, f, "catering")}
	for i := range n {
		code, _ := validate.MakeCreditCode("92", "140827", fmt.Sprintf("JC%06d", i))
		e := &domain.Entity{Code: code, Name: fmt.Sprintf("垣曲县检查测试餐馆%d", i), Kind: domain.KindIndividual, IndustryCode: "catering",
			TownshipCode: f.Townships[i%len(f.Townships)].Code, Address: fmt.Sprintf("垣曲县新城镇中条大街%d号", i+1), Status: domain.StatusActive,
			RiskClass: domain.RiskClasses[i%4]}
		must(s.SaveEntity(ctx, domain.System, e))
		w.Entities = append(w.Entities, e)
	}
	for i, dept := range []domain.Department{f.Dept, f.OtherDept} {
		in := &domain.Inspector{DepartmentID: dept.ID, Name: fmt.Sprintf("%s检查员", dept.ShortName), CertNo: fmt.Sprintf("14082701%04d", i+1),
			CertExpiry: domain.Date{Year: 2030, Month: 1, Day: 1}, Status: domain.InspectorOnDuty, IDNumber: "", Phone: "13900000000"}
		must(s.SaveInspector(ctx, domain.System, in))
		w.Inspectors = append(w.Inspectors, in)
		u := &domain.User{Username: fmt.Sprintf("visit-insp%d", i), DisplayName: in.Name, Role: domain.RoleInspector, DepartmentID: dept.ID, InspectorID: in.ID}
		must(s.CreateUser(ctx, domain.System, u, Password))
		w.InspActors = append(w.InspActors, domain.ActorOf(u))
	}
	plan := &domain.Plan{Year: 2026, Title: "2026年度“一业一查”部门联合抽查计划"}
	must(s.CreatePlan(ctx, f.Office, plan))
	task := &domain.Task{PlanID: plan.ID, IndustryCode: "catering", LeadDepartmentID: f.Dept.ID, Name: "餐饮服务单位联合抽查",
		Implementer: "垣曲县市场监督管理局", ListVersionID: w.List.ID,
		Ratios:  domain.Ratios{domain.RiskA: 100, domain.RiskB: 200, domain.RiskC: 1000, domain.RiskD: 3000},
		Batches: []domain.Batch{{Window: domain.Window{Start: domain.Date{Year: 2026, Month: 4, Day: 1}, End: domain.Date{Year: 2026, Month: 6, Day: 30}}}}}
	for _, p := range w.List.Parts {
		d := domain.TaskDepartment{DepartmentID: p.DepartmentID, Division: p.Division}
		for _, it := range p.Items {
			d.ItemIDs = append(d.ItemIDs, it.ItemID)
		}
		task.Departments = append(task.Departments, d)
	}
	must(s.SaveTask(ctx, f.DeptStaff, task))
	must(s.SubmitTask(ctx, f.DeptStaff, task.ID))
	must(s.FilePlan(ctx, f.Office, plan.ID))
	must(s.PublishPlan(ctx, f.Office, plan.ID))
	got, err := s.GetTask(ctx, f.Office, task.ID)
	must(err)
	w.Task = got
	var sel []domain.Selected
	for _, e := range w.Entities {
		sel = append(sel, domain.Selected{EntityID: e.ID, InspectorIDs: []int64{w.Inspectors[0].ID, w.Inspectors[1].ID}})
	}
	b := got.Batches[0].ID
	must(s.SetBatchSelection(ctx, f.DeptStaff, b, sel))
	_, err = s.Dispatch(ctx, f.DeptStaff, b)
	must(err)
	for _, e := range w.Entities {
		l, err := s.ListVisits(ctx, f.Office, domain.VisitFilter{EntityID: e.ID})
		must(err)
		if len(l.Items) != 1 {
			t.Fatalf("storetest.SeedVisits: %d visits of %s", len(l.Items), e.Name)
		}
		v, err := s.GetVisit(ctx, f.Office, l.Items[0].ID)
		must(err)
		w.Visits = append(w.Visits, v)
	}
	return w
}

// Staff returns the department staff actor of dept.
func (w *VisitWorld) Staff(dept int64) domain.Actor {
	if dept == w.F.Dept.ID {
		return w.F.DeptStaff
	}
	return w.F.OtherStaff
}

// Complete enters a result for every item of every part of visit i (the
// first option, 符合, or with finding the lead's first item 不符合 with the
// rule broken) and signs each part off by its inspector.
func (w *VisitWorld) Complete(t testing.TB, s *store.Store, i int, finding bool) *domain.Inspection {
	t.Helper()
	ctx := context.Background()
	in, err := s.Inspection(ctx, w.F.Office, w.Visits[i].ID)
	if err != nil {
		t.Fatalf("storetest.Complete: %v", err)
	}
	for k, p := range in.Parts {
		actor := w.InspActors[0]
		if p.DepartmentID != w.F.Dept.ID {
			actor = w.InspActors[1]
		}
		var rs []domain.ResultInput
		for j, it := range p.Items {
			r := domain.ResultInput{ItemID: it.ItemID, Result: it.Options[0]}
			if finding && k == 0 && j == 0 {
				r.Result, r.Rule, r.Note = "不符合", it.LegalBasis, "后厨未设置防鼠设施"
			}
			rs = append(rs, r)
		}
		if err := s.SaveResults(ctx, actor, p.ID, rs); err != nil {
			t.Fatalf("storetest.Complete: SaveResults: %v", err)
		}
		if err := s.SignPart(ctx, actor, p.ID); err != nil {
			t.Fatalf("storetest.Complete: SignPart: %v", err)
		}
	}
	in, err = s.Inspection(ctx, w.F.Office, w.Visits[i].ID)
	if err != nil {
		t.Fatalf("storetest.Complete: %v", err)
	}
	return in
}
