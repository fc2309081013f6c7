package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

// planLists are the joint lists the plan demo builds on when the store has
// none published yet: industry, lead department, co-departments (codes of
// departments). The joint lists' own demo step, when it runs first, makes
// this unnecessary: only industries without any joint list get one here.
var planLists = []struct {
	industry, lead string
	co             []string
}{
	{"catering", "SCJG", []string{"XFJY", "STHJ", "ZHZF"}},
	{"hotel", "GA", []string{"XFJY", "WSJK", "SCJG"}},
	{"private_school", "JYKJ", []string{"SCJG", "WSJK", "XFJY"}},
	{"entertainment", "WHLY", []string{"GA", "XFJY"}},
	{"gas_station", "SW", []string{"YJGL", "XFJY", "SCJG", "STHJ"}},
	{"pharmacy", "SCJG", []string{"YBJ"}},
}

// generatePlan writes the year's annual plan with tasks and batches in
// every state of the lifecycle: drafts, a task lodged by a pending
// add-task adjustment, published tasks whose batches are drawn,
// dispatched, in progress, with results complete or published, closed,
// delayed and cancelled; one business merged into another task's visit;
// accepted and returned adjustments. Selections are the first businesses
// of each industry and the first certified inspectors of each department,
// standing in for the draw (issue 5).
func generatePlan(ctx context.Context, s *store.Store, o Options, deptIDs []int64) error {
	sys := domain.System
	byCode := map[string]int64{}
	for i, d := range departments {
		byCode[d.code] = deptIDs[i]
	}
	versions, err := demoVersions(ctx, s, byCode)
	if err != nil {
		return err
	}
	if len(versions) < 3 {
		return nil
	}
	year := o.Today.Year
	plan := &domain.Plan{Year: year, Title: fmt.Sprintf("垣曲县%d年度“一业一查”部门联合抽查计划", year),
		Caps: map[domain.RiskClass]int{domain.RiskA: 1, domain.RiskB: 2}, MergePolicy: domain.MergeJoin}
	if err := s.CreatePlan(ctx, sys, plan); err != nil {
		return fmt.Errorf("demo: plan: %w", err)
	}
	win := func(m1, d1, m2, d2 int) domain.Window {
		return domain.Window{Start: domain.Date{Year: year, Month: time.Month(m1), Day: d1}, End: domain.Date{Year: year, Month: time.Month(m2), Day: d2}}
	}
	newTask := func(v *domain.JointListVersion, name string, lead int64, ws ...domain.Window) (*domain.Task, error) {
		t := domain.TaskFromVersion(v, plan)
		t.Name, t.Implementer = name, "县“一业一查”联合检查组"
		if lead != 0 {
			t.LeadDepartmentID = lead
		}
		t.Batches = nil
		for _, w := range ws {
			t.Batches = append(t.Batches, domain.Batch{Window: w})
		}
		if err := s.SaveTask(ctx, sys, t); err != nil {
			return nil, fmt.Errorf("demo: task %s: %w", name, err)
		}
		return t, nil
	}
	ind := func(v *domain.JointListVersion) string { return industryName(v.IndustryCode) }
	type spec struct {
		v    *domain.JointListVersion
		name string
		lead int64
		ws   []domain.Window
	}
	specs := []spec{
		{versions[0], ind(versions[0]) + "联合抽查（上半年）", 0, []domain.Window{win(4, 1, 5, 31), win(9, 1, 10, 31)}},
		{versions[0], ind(versions[0]) + "消防安全专项联合抽查", byCode["XFJY"], []domain.Window{win(5, 15, 6, 30)}},
		{versions[1], ind(versions[1]) + "联合抽查", 0, []domain.Window{win(4, 1, 6, 30), win(8, 1, 9, 30)}},
		{versions[2], ind(versions[2]) + "联合抽查", 0, []domain.Window{win(3, 15, 4, 30)}},
	}
	for _, v := range versions[3:] {
		specs = append(specs, spec{v, ind(v) + "联合抽查", 0, []domain.Window{win(6, 1, 7, 31), win(10, 1, 11, 30)}})
	}
	var tasks []*domain.Task
	for _, sp := range specs {
		t, err := newTask(sp.v, sp.name, sp.lead, sp.ws...)
		if err != nil {
			return err
		}
		if err := s.SubmitTask(ctx, sys, t.ID); err != nil {
			return fmt.Errorf("demo: lodge %s: %w", t.Name, err)
		}
		tasks = append(tasks, t)
	}
	// A draft that missed the plan, and one returned for rework.
	if _, err := newTask(versions[1], ind(versions[1])+"节假日专项检查（草稿）", 0, win(12, 1, 12, 20)); err != nil {
		return err
	}
	returned, err := newTask(versions[2], ind(versions[2])+"暑期专项检查", 0, win(7, 1, 8, 31))
	if err != nil {
		return err
	}
	if err := s.SubmitTask(ctx, sys, returned.ID); err != nil {
		return err
	}
	if err := s.ReturnTask(ctx, sys, returned.ID, "请补充联查对象范围和责任分工"); err != nil {
		return err
	}
	if err := s.FilePlan(ctx, sys, plan.ID); err != nil {
		return fmt.Errorf("demo: file plan: %w", err)
	}
	if err := s.PublishPlan(ctx, sys, plan.ID); err != nil {
		return fmt.Errorf("demo: publish plan: %w", err)
	}
	for i, t := range tasks {
		got, err := s.GetTask(ctx, sys, t.ID)
		if err != nil {
			return err
		}
		tasks[i] = got
	}

	sel := &selector{s: s, used: map[string]int{}}
	run := func(t *domain.Task, b int, to domain.State, n int, extra ...int64) error {
		batch := t.Batches[b]
		picks, err := sel.pick(ctx, t, n, extra)
		if err != nil {
			return err
		}
		if err := s.SetBatchSelection(ctx, sys, batch.ID, picks); err != nil {
			return fmt.Errorf("demo: select %s: %w", t.Name, err)
		}
		if to == domain.StateDrawn {
			return nil
		}
		if _, err := s.Dispatch(ctx, sys, batch.ID); err != nil {
			return fmt.Errorf("demo: dispatch %s: %w", t.Name, err)
		}
		for _, st := range []domain.State{domain.StateInProgress, domain.StateResultsComplete, domain.StateResultsPublished, domain.StateClosed} {
			if stateOrder(to) < stateOrder(st) {
				break
			}
			if err := s.AdvanceBatch(ctx, sys, batch.ID, st); err != nil {
				return fmt.Errorf("demo: %s → %s: %w", t.Name, st, err)
			}
		}
		return nil
	}
	// Industry 1: first half closed; the fire-safety task picks one of its
	// businesses in an overlapping window and joins that visit.
	if err := run(tasks[0], 0, domain.StateInProgress, 8); err != nil {
		return err
	}
	first, err := s.BatchSelection(ctx, sys, tasks[0].Batches[0].ID)
	if err != nil {
		return err
	}
	var shared []int64
	if len(first) > 0 {
		shared = append(shared, first[0].EntityID)
	}
	if err := run(tasks[1], 0, domain.StateDispatched, 3, shared...); err != nil {
		return err
	}
	if err := run(tasks[2], 0, domain.StateResultsComplete, 6); err != nil {
		return err
	}
	if err := run(tasks[2], 1, domain.StateDrawn, 4); err != nil {
		return err
	}
	if err := run(tasks[3], 0, domain.StateClosed, 5); err != nil {
		return err
	}
	if len(tasks) > 4 {
		if err := run(tasks[4], 0, domain.StateResultsPublished, 5); err != nil {
			return err
		}
	}
	if err := demoInspections(ctx, s, o, tasks); err != nil {
		return err
	}
	return demoAdjustments(ctx, s, tasks, versions, plan, win)
}

// demoAdjustments files and decides the year's adjustments: a ratio raised,
// a batch delayed, a task cancelled, one returned, one add-task pending.
func demoAdjustments(ctx context.Context, s *store.Store, tasks []*domain.Task, versions []*domain.JointListVersion, plan *domain.Plan,
	win func(m1, d1, m2, d2 int) domain.Window) error {
	sys := domain.System
	file := func(adj *domain.Adjustment, accept bool, remark string) error {
		if err := s.FileAdjustment(ctx, sys, adj); err != nil {
			return fmt.Errorf("demo: adjustment %s: %w", adj.Kind, err)
		}
		switch {
		case accept:
			return s.AcceptAdjustment(ctx, sys, adj.ID)
		case remark != "":
			return s.ReturnAdjustment(ctx, sys, adj.ID, remark)
		}
		return nil
	}
	t0 := tasks[0]
	up := domain.Ratios{}
	for c, r := range t0.Ratios {
		up[c] = min(r*2, domain.RatioScale)
	}
	if err := file(&domain.Adjustment{TaskID: t0.ID, Kind: domain.AdjChangeRatio, Ratios: up, Reason: "群众投诉举报增多，提高下半年抽查比例"}, true, ""); err != nil {
		return err
	}
	if err := file(&domain.Adjustment{TaskID: t0.ID, Kind: domain.AdjDelayBatch, BatchID: t0.Batches[1].ID, Window: win(10, 8, 11, 30),
		Reason: "国庆假期后开展"}, true, ""); err != nil {
		return err
	}
	if len(tasks) > 5 {
		if err := file(&domain.Adjustment{TaskID: tasks[5].ID, Kind: domain.AdjCancelTask, Reason: "并入省级专项整治行动，本年度不再单独开展"}, true, ""); err != nil {
			return err
		}
	}
	if len(tasks) > 6 {
		if err := file(&domain.Adjustment{TaskID: tasks[6].ID, Kind: domain.AdjChangeFrequency, Windows: []domain.Window{win(6, 1, 6, 30), win(9, 1, 9, 30), win(11, 1, 11, 30)},
			Reason: "汛期后增加一次检查"}, false, "请与联查部门协商后重新报备"); err != nil {
			return err
		}
	}
	extra := domain.TaskFromVersion(versions[0], plan)
	extra.Name, extra.Batches = industryName(versions[0].IndustryCode)+"春节前食品安全专项联合检查", []domain.Batch{{Window: win(12, 1, 12, 31)}}
	if err := s.SaveTask(ctx, sys, extra); err != nil {
		return fmt.Errorf("demo: extra task: %w", err)
	}
	return file(&domain.Adjustment{TaskID: extra.ID, Kind: domain.AdjAddTask, Reason: "元旦春节前开展食品安全专项检查"}, false, "")
}

func stateOrder(st domain.State) int {
	for i, x := range domain.States {
		if x == st {
			return i
		}
	}
	return -1
}

// selector picks businesses and teams for the demo's batches.
type selector struct {
	s    *store.Store
	used map[string]int // industry → businesses handed out
}

// pick returns n businesses of the task's industry (after the extra ones
// given) each with the first certified, on-duty inspector of every
// department of the task.
func (x *selector) pick(ctx context.Context, t *domain.Task, n int, extra []int64) ([]domain.Selected, error) {
	sys := domain.System
	var team []int64
	for _, d := range t.Departments {
		ins, err := x.s.ListInspectors(ctx, sys, domain.InspectorFilter{DepartmentID: d.DepartmentID, Status: domain.InspectorOnDuty, Sort: "name", Page: domain.Page{Size: 20}})
		if err != nil {
			return nil, err
		}
		for _, in := range ins.Items {
			if in.Certified(domain.Date{Year: t.Year, Month: 12, Day: 31}) {
				team = append(team, in.ID)
				break
			}
		}
	}
	var out []domain.Selected
	for _, id := range extra {
		out = append(out, domain.Selected{EntityID: id, InspectorIDs: team})
	}
	es, err := x.s.ListEntities(ctx, sys, domain.EntityFilter{Industry: t.IndustryCode, Status: domain.StatusActive, Sort: "code",
		Page: domain.Page{Number: 1, Size: x.used[t.IndustryCode] + n}})
	if err != nil {
		return nil, err
	}
	for _, e := range es.Items[min(x.used[t.IndustryCode], len(es.Items)):] {
		out = append(out, domain.Selected{EntityID: e.ID, InspectorIDs: team})
	}
	x.used[t.IndustryCode] += n
	return out, nil
}

// demoVersions returns the published joint-list versions the plan demo
// uses, creating the missing ones of planLists.
func demoVersions(ctx context.Context, s *store.Store, byCode map[string]int64) ([]*domain.JointListVersion, error) {
	sys := domain.System
	var out []*domain.JointListVersion
	for _, pl := range planLists {
		v, err := s.CurrentJointListVersion(ctx, pl.industry)
		if err == nil {
			out = append(out, v)
			continue
		}
		if !domain.IsKind(err, domain.KindNotFound) {
			return nil, fmt.Errorf("demo: joint list %s: %w", pl.industry, err)
		}
		if _, err := s.GetJointListByIndustry(ctx, sys, pl.industry); err == nil {
			continue // a draft of the lists' own demo: leave it alone
		}
		var co []int64
		for _, c := range pl.co {
			co = append(co, byCode[c])
		}
		h := domain.ListHeader{Subject: industryName(pl.industry) + "经营者", Frequency: 2,
			Ratios: domain.Ratios{domain.RiskA: 100, domain.RiskB: 300, domain.RiskC: 1000, domain.RiskD: 3000}}
		v, err = s.CreateJointList(ctx, sys, pl.industry, byCode[pl.lead], h, co)
		if err != nil {
			return nil, fmt.Errorf("demo: joint list %s: %w", pl.industry, err)
		}
		for _, code := range append([]string{pl.lead}, pl.co...) {
			dept := departmentByCode(code)
			var ids []int64
			for i, topic := range dept.expertise[:min(2, len(dept.expertise))] {
				it := &domain.CatalogItem{DepartmentID: byCode[code], Code: fmt.Sprintf("%s-%s-%02d", code, pl.industry, i+1), Name: topic,
					Content: "检查" + topic + "相关制度、记录和现场情况", LegalBasis: "依据" + dept.name + "权责清单相关条款"}
				if err := s.SaveCatalogItem(ctx, sys, it); err != nil {
					return nil, fmt.Errorf("demo: catalogue item %s: %w", it.Code, err)
				}
				ids = append(ids, it.ID)
			}
			if err := s.SetDraftPart(ctx, sys, v.ID, byCode[code], dept.short+"负责"+dept.expertise[0], ids); err != nil {
				return nil, fmt.Errorf("demo: joint list %s part %s: %w", pl.industry, code, err)
			}
			if code != pl.lead {
				if err := s.ConfirmPart(ctx, sys, v.ID, byCode[code]); err != nil {
					return nil, err
				}
			}
		}
		if v, err = s.PublishVersion(ctx, sys, v.ID); err != nil {
			return nil, fmt.Errorf("demo: publish joint list %s: %w", pl.industry, err)
		}
		out = append(out, v)
	}
	return out, nil
}

func departmentByCode(code string) department {
	for _, d := range departments {
		if d.code == code {
			return d
		}
	}
	return department{code: code, name: code, short: code, expertise: []string{code}}
}
