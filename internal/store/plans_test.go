package store_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/i18n"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// planWorld is a seeded store with a 2026 plan, catering businesses and
// one inspector (with an account) in each of the two departments.
type planWorld struct {
	s          *store.Store
	f          *storetest.Fixture
	plan       *domain.Plan
	list       *domain.JointListVersion // published catering list: Dept leads, OtherDept joins
	entities   []*domain.Entity         // catering, risk classes A, B, C, D, A, …
	insp       []*domain.Inspector
	inspActors []domain.Actor
}

func newPlanWorld(t *testing.T, s *store.Store) *planWorld {
	t.Helper()
	ctx := t.Context()
	w := &planWorld{s: s, f: storetest.Seed(t, s)}
	w.list = storetest.SeedJointList(t, s, w.f, "catering")
	for n := 0; len(w.entities) < 6; n++ {
		e := entity(n, w.f)
		if e.IndustryCode != "catering" {
			continue
		}
		e.RiskClass = domain.RiskClasses[len(w.entities)%4]
		if err := s.SaveEntity(ctx, domain.System, e); err != nil {
			t.Fatal(err)
		}
		w.entities = append(w.entities, e)
	}
	for i, dept := range []int64{w.f.Dept.ID, w.f.OtherDept.ID} {
		in := inspector(100+i, dept)
		in.Conflicts = nil
		if err := s.SaveInspector(ctx, domain.System, in); err != nil {
			t.Fatal(err)
		}
		w.insp = append(w.insp, in)
		u := &domain.User{Username: fmt.Sprintf("insp%d", i), DisplayName: in.Name, Role: domain.RoleInspector, DepartmentID: dept, InspectorID: in.ID}
		if err := s.CreateUser(ctx, domain.System, u, storetest.Password); err != nil {
			t.Fatal(err)
		}
		w.inspActors = append(w.inspActors, domain.ActorOf(u))
	}
	w.plan = &domain.Plan{Year: 2026, Title: "2026年度“一业一查”部门联合抽查计划"}
	if err := s.CreatePlan(ctx, w.f.Office, w.plan); err != nil {
		t.Fatal(err)
	}
	return w
}

// newTask is a catering task led by lead with the other fixture department
// joining, one batch per window.
func (w *planWorld) newTask(name string, lead int64, windows ...domain.Window) *domain.Task {
	other := w.f.OtherDept.ID
	if lead == other {
		other = w.f.Dept.ID
	}
	items := func(dept int64) []int64 {
		var ids []int64
		for _, it := range w.list.Part(dept).Items {
			ids = append(ids, it.ItemID)
		}
		return ids
	}
	t := &domain.Task{
		PlanID: w.plan.ID, IndustryCode: "catering", LeadDepartmentID: lead, Name: name, Implementer: "垣曲县市场监督管理局",
		ListVersionID: w.list.ID,
		Departments: []domain.TaskDepartment{
			{DepartmentID: lead, Division: "牵头，负责本部门事项", ItemIDs: items(lead)},
			{DepartmentID: other, Division: "配合检查", ItemIDs: items(other)[:1]},
		},
		Ratios: domain.Ratios{domain.RiskA: 100, domain.RiskB: 200, domain.RiskC: 1000, domain.RiskD: 3000},
	}
	for _, win := range windows {
		t.Batches = append(t.Batches, domain.Batch{Window: win})
	}
	return t
}

func win(m1, d1, m2, d2 int) domain.Window {
	return domain.Window{Start: domain.Date{Year: 2026, Month: time.Month(m1), Day: d1}, End: domain.Date{Year: 2026, Month: time.Month(m2), Day: d2}}
}

// publish drafts, lodges and publishes tasks through the plan (the plan
// must still be a draft).
func (w *planWorld) publish(t *testing.T, tasks ...*domain.Task) {
	t.Helper()
	ctx := t.Context()
	for _, task := range tasks {
		lead := w.staffOf(task.LeadDepartmentID)
		if err := w.s.SaveTask(ctx, lead, task); err != nil {
			t.Fatalf("SaveTask %s: %v", task.Name, err)
		}
		if err := w.s.SubmitTask(ctx, lead, task.ID); err != nil {
			t.Fatalf("SubmitTask %s: %v", task.Name, err)
		}
	}
	if err := w.s.FilePlan(ctx, w.f.Office, w.plan.ID); err != nil {
		t.Fatalf("FilePlan: %v", err)
	}
	if err := w.s.PublishPlan(ctx, w.f.Office, w.plan.ID); err != nil {
		t.Fatalf("PublishPlan: %v", err)
	}
	for _, task := range tasks {
		got, err := w.s.GetTask(ctx, w.f.Office, task.ID)
		if err != nil {
			t.Fatal(err)
		}
		*task = *got
	}
}

func (w *planWorld) staffOf(dept int64) domain.Actor {
	if dept == w.f.Dept.ID {
		return w.f.DeptStaff
	}
	return w.f.OtherStaff
}

// team selects businesses with one inspector of each department.
func (w *planWorld) team(es ...*domain.Entity) []domain.Selected {
	var out []domain.Selected
	for _, e := range es {
		out = append(out, domain.Selected{EntityID: e.ID, InspectorIDs: []int64{w.insp[0].ID, w.insp[1].ID}})
	}
	return out
}

func count(t *testing.T, s *store.Store, table string) int {
	t.Helper()
	n, err := store.CountRows(t.Context(), s, table)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// zhErr is the Chinese message a user would read.
func zhErr(err error) string { return i18n.For(i18n.ZH).Err(err) }

func TestPlanTaskLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := newPlanWorld(t, s)
		f := w.f
		task := w.newTask("餐饮服务单位联合抽查", f.Dept.ID, win(4, 1, 6, 30))

		// Drafting: the lead department's own; another department is refused.
		wantKind(t, s.SaveTask(ctx, f.OtherStaff, w.newTask("x", f.Dept.ID, win(4, 1, 4, 30))), domain.KindForbidden)
		if err := s.SaveTask(ctx, f.DeptStaff, task); err != nil {
			t.Fatal(err)
		}
		if task.State != domain.StateDraft || len(task.Batches) != 1 || task.Batches[0].State != domain.StateDraft {
			t.Fatalf("new task = %+v", task)
		}
		// Another department does not even see the draft.
		wantKind(t, func() error { _, err := s.GetTask(ctx, f.OtherStaff, task.ID); return err }(), domain.KindNotFound)

		// The plan cannot be published before it is filed, nor filed empty.
		err := s.PublishPlan(ctx, f.Office, w.plan.ID)
		wantKind(t, err, domain.KindConflict)
		if msg := zhErr(err); !strings.Contains(msg, "草稿") || !strings.Contains(msg, "已发布") {
			t.Errorf("refusal reads %q, want both states named in Chinese", msg)
		}
		wantKind(t, s.FilePlan(ctx, f.Office, w.plan.ID), domain.KindConflict)

		// Lodging: by the lead only, once.
		wantKind(t, s.SubmitTask(ctx, f.OtherStaff, task.ID), domain.KindForbidden)
		if err := s.SubmitTask(ctx, f.DeptStaff, task.ID); err != nil {
			t.Fatal(err)
		}
		wantKind(t, s.SubmitTask(ctx, f.DeptStaff, task.ID), domain.KindConflict)
		wantKind(t, s.SaveTask(ctx, f.DeptStaff, task), domain.KindConflict)

		// Returning: the office only, with a remark.
		wantKind(t, s.ReturnTask(ctx, f.DeptStaff, task.ID, "请补充"), domain.KindForbidden)
		wantKind(t, s.ReturnTask(ctx, f.Office, task.ID, " "), domain.KindInvalid)
		if err := s.ReturnTask(ctx, f.Office, task.ID, "请补充检查主体"); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetTask(ctx, f.DeptStaff, task.ID)
		if err != nil || got.State != domain.StateDraft || got.Remark != "请补充检查主体" {
			t.Fatalf("returned task = %+v, %v", got, err)
		}
		if n, _ := s.UnreadNotices(ctx, f.DeptStaff); n != 1 {
			t.Errorf("department unread after return = %d, want 1", n)
		}

		// Lodged again, filed, published with 序号 1.
		if err := s.SubmitTask(ctx, f.DeptStaff, task.ID); err != nil {
			t.Fatal(err)
		}
		wantKind(t, s.FilePlan(ctx, f.DeptStaff, w.plan.ID), domain.KindForbidden)
		if err := s.FilePlan(ctx, f.Office, w.plan.ID); err != nil {
			t.Fatal(err)
		}
		wantKind(t, s.FilePlan(ctx, f.Office, w.plan.ID), domain.KindConflict)
		if err := s.ReopenPlan(ctx, f.Office, w.plan.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.FilePlan(ctx, f.Office, w.plan.ID); err != nil {
			t.Fatal(err)
		}
		late := w.newTask("迟到的任务", f.OtherDept.ID, win(9, 1, 9, 30))
		if err := s.SaveTask(ctx, f.OtherStaff, late); err != nil {
			t.Fatal(err)
		}
		if err := s.PublishPlan(ctx, f.Office, w.plan.ID); err != nil {
			t.Fatal(err)
		}
		task, _ = s.GetTask(ctx, f.Office, task.ID)
		if task.State != domain.StatePublished || task.Seq != 1 || task.Batches[0].State != domain.StatePublished {
			t.Fatalf("published task = %+v", task)
		}
		// A draft cannot be lodged into a published plan: that is an adjustment.
		err = s.SubmitTask(ctx, f.OtherStaff, late.ID)
		wantKind(t, err, domain.KindConflict)
		if !strings.Contains(zhErr(err), "调整") {
			t.Errorf("late submit reads %q", zhErr(err))
		}
		wantKind(t, s.WithdrawTask(ctx, f.DeptStaff, task.ID), domain.KindConflict)
		if err := s.WithdrawTask(ctx, f.OtherStaff, late.ID); err != nil {
			t.Fatal(err)
		}

		// The batch: drawn, dispatched, in progress … closed, in order only.
		b := task.Batches[0].ID
		wantKind(t, func() error { _, err := s.Dispatch(ctx, f.DeptStaff, b); return err }(), domain.KindConflict)
		wantKind(t, s.AdvanceBatch(ctx, f.DeptStaff, b, domain.StateInProgress), domain.KindConflict)
		wantKind(t, s.SetBatchSelection(ctx, f.OtherStaff, b, w.team(w.entities[0])), domain.KindForbidden)
		if err := s.SetBatchSelection(ctx, f.DeptStaff, b, w.team(w.entities[0], w.entities[1])); err != nil {
			t.Fatal(err)
		}
		wantKind(t, s.SetBatchSelection(ctx, f.DeptStaff, b, w.team(w.entities[2])), domain.KindConflict)
		if _, err := s.Dispatch(ctx, f.DeptStaff, b); err != nil {
			t.Fatal(err)
		}
		wantKind(t, s.AdvanceBatch(ctx, f.DeptStaff, b, domain.StateClosed), domain.KindConflict)
		for _, st := range []domain.State{domain.StateInProgress, domain.StateResultsComplete, domain.StateResultsPublished, domain.StateClosed} {
			wantKind(t, s.AdvanceBatch(ctx, f.OtherStaff, b, st), domain.KindForbidden)
			if err := s.AdvanceBatch(ctx, f.DeptStaff, b, st); err != nil {
				t.Fatalf("advance to %s: %v", st, err)
			}
		}
		wantKind(t, s.AdvanceBatch(ctx, f.DeptStaff, b, domain.StateInProgress), domain.KindConflict)
		task, _ = s.GetTask(ctx, f.Office, task.ID)
		if task.State != domain.StateClosed {
			t.Errorf("task after its last batch closed = %s, want closed", task.State)
		}

		// Every change of state is in the audit log.
		log, err := s.ListAudit(ctx, f.Office, domain.AuditFilter{ObjectType: "batch", Page: domain.Page{Size: 100}})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range log.Items {
			if e.ObjectKey == fmt.Sprint(b) {
				actions = append(actions, e.Action)
			}
		}
		want := "batch.published batch.drawn batch.dispatched batch.dispatch_report batch.in_progress batch.results_complete batch.results_published batch.closed"
		if got := strings.Join(reverse(actions), " "); got != want {
			t.Errorf("batch audit = %s\nwant %s", got, want)
		}
	})
}

func reverse(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[len(xs)-1-i] = x
	}
	return out
}

// TestBatchTransitionsExhaustive puts a batch in every state and tries
// every target the store offers a method for: exactly the table's
// transitions succeed, everything else is refused as a conflict (and a
// second dispatch is the idempotent no-op).
func TestBatchTransitionsExhaustive(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := newPlanWorld(t, s)
		task := w.newTask("穷举", w.f.Dept.ID, win(4, 1, 4, 30))
		w.publish(t, task)
		b := task.Batches[0].ID
		targets := []domain.State{domain.StateDrawn, domain.StateDispatched, domain.StateInProgress, domain.StateResultsComplete,
			domain.StateResultsPublished, domain.StateClosed}
		for _, from := range domain.States {
			for _, to := range targets {
				t.Run(string(from)+"→"+string(to), func(t *testing.T) {
					reset := []string{"DELETE FROM visit_assignments", "DELETE FROM visit_part_items", "DELETE FROM visit_parts", "DELETE FROM visit_batches",
						"DELETE FROM batch_exclusions", "DELETE FROM visits", "DELETE FROM batch_team", "DELETE FROM batch_selection"}
					for _, q := range reset {
						if err := store.ExecRaw(ctx, s, q); err != nil {
							t.Fatal(err)
						}
					}
					if err := store.ExecRaw(ctx, s, "UPDATE task_batches SET state = $1 WHERE id = $2", string(from), b); err != nil {
						t.Fatal(err)
					}
					var err error
					switch to {
					case domain.StateDrawn:
						err = s.SetBatchSelection(ctx, w.f.DeptStaff, b, w.team(w.entities[0]))
					case domain.StateDispatched:
						_, err = s.Dispatch(ctx, w.f.DeptStaff, b)
					default:
						err = s.AdvanceBatch(ctx, w.f.DeptStaff, b, to)
					}
					_, allowed := domain.CheckTransition("", domain.OfBatch, from, to)
					idempotent := to == domain.StateDispatched && (from == domain.StateDispatched || from == domain.StateInProgress ||
						from == domain.StateResultsComplete || from == domain.StateResultsPublished || from == domain.StateClosed)
					switch {
					case allowed == nil || idempotent:
						if err != nil {
							t.Fatalf("refused: %v", err)
						}
					default:
						wantKind(t, err, domain.KindConflict)
					}
				})
			}
		}
	})
}

func TestDispatchIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := newPlanWorld(t, s)
		f := w.f
		task := w.newTask("分发", f.Dept.ID, win(4, 1, 4, 30))
		w.publish(t, task)
		b := task.Batches[0].ID
		if err := s.SetBatchSelection(ctx, f.DeptStaff, b, w.team(w.entities[:3]...)); err != nil {
			t.Fatal(err)
		}
		deptUnread, _ := s.UnreadNotices(ctx, f.DeptStaff)
		rep, err := s.Dispatch(ctx, f.DeptStaff, b)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Created != 3 || rep.Parts != 6 || rep.Assignments != 6 || rep.Notices != 4 || rep.Again {
			t.Fatalf("first dispatch = %+v, want 3 visits, 6 parts, 6 assignments, 4 notices", rep)
		}
		tables := []string{"visits", "visit_batches", "visit_parts", "visit_part_items", "visit_assignments", "notices"}
		before := map[string]int{}
		for _, tb := range tables {
			before[tb] = count(t, s, tb)
		}
		if before["visit_part_items"] != 9 {
			t.Errorf("items = %d, want 3 visits × 3 items", before["visit_part_items"])
		}
		again, err := s.Dispatch(ctx, f.DeptStaff, b)
		if err != nil {
			t.Fatal(err)
		}
		if !again.Again || again.Created != 3 || again.Merged != 0 || again.Notices != 0 {
			t.Errorf("second dispatch = %+v", again)
		}
		for _, tb := range tables {
			if n := count(t, s, tb); n != before[tb] {
				t.Errorf("%s: %d rows after dispatching twice, %d after once", tb, n, before[tb])
			}
		}

		// Inboxes: each department once, each inspector once.
		if n, _ := s.UnreadNotices(ctx, f.DeptStaff); n != deptUnread+1 {
			t.Errorf("department unread = %d, want %d", n, deptUnread+1)
		}
		for i, ia := range w.inspActors {
			n, _ := s.UnreadNotices(ctx, ia)
			if n != 1 {
				t.Errorf("inspector %d unread = %d, want 1", i, n)
			}
			vs, err := s.ListVisits(ctx, ia, domain.VisitFilter{})
			if err != nil || vs.Total != 3 {
				t.Fatalf("inspector %d sees %v visits, %v", i, vs, err)
			}
		}
		inbox, err := s.ListNotices(ctx, w.inspActors[0], true, domain.Page{})
		if err != nil || len(inbox.Items) != 1 || inbox.Items[0].Kind != "dispatch_inspector" {
			t.Fatalf("inspector inbox = %+v, %v", inbox, err)
		}
		wantKind(t, s.MarkNoticesRead(ctx, w.inspActors[1], inbox.Items[0].ID), domain.KindNotFound)
		if err := s.MarkNoticesRead(ctx, w.inspActors[0], inbox.Items[0].ID); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.UnreadNotices(ctx, w.inspActors[0]); n != 0 {
			t.Errorf("unread after mark read = %d", n)
		}
		if n, _ := s.UnreadNotices(ctx, w.inspActors[1]); n != 1 {
			t.Errorf("other inspector's unread = %d, want 1", n)
		}

		// One visit in full.
		vs, _ := s.ListVisits(ctx, f.Office, domain.VisitFilter{BatchID: b})
		v, err := s.GetVisit(ctx, f.OtherStaff, vs.Items[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Parts) != 2 || len(v.Assignments) != 2 || v.State != domain.VisitDispatched || len(v.Batches) != 1 {
			t.Fatalf("visit = %+v", v)
		}
		for _, p := range v.Parts {
			if want := len(task.Department(p.DepartmentID).ItemIDs); len(p.Items) != want || p.State != domain.PartPending {
				t.Errorf("part of %d = %+v, want %d items pending", p.DepartmentID, p, want)
			}
		}
	})
}

// TestOverlapMergedIntoOneVisit: two tasks with overlapping windows pick
// the same business: one joint visit covering both tasks' items, and one
// visit avoided; under the exclude policy the second task leaves it out
// with the reason, also one avoided; a cap leaves out a business visited
// enough this year.
func TestOverlapMergedIntoOneVisit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := newPlanWorld(t, s)
		f := w.f
		food := w.newTask("餐饮食品安全", f.Dept.ID, win(4, 1, 5, 31))
		fire := w.newTask("餐饮消防安全", f.OtherDept.ID, win(5, 15, 6, 30))
		later := w.newTask("下半年复查", f.Dept.ID, win(9, 1, 9, 30))
		w.publish(t, food, fire, later)
		e := w.entities[0]
		if err := s.SetBatchSelection(ctx, f.DeptStaff, food.Batches[0].ID, w.team(e, w.entities[1])); err != nil {
			t.Fatal(err)
		}
		if err := s.SetBatchSelection(ctx, f.OtherStaff, fire.Batches[0].ID, w.team(e)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Dispatch(ctx, f.DeptStaff, food.Batches[0].ID); err != nil {
			t.Fatal(err)
		}
		rep, err := s.Dispatch(ctx, f.OtherStaff, fire.Batches[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Created != 0 || rep.Merged != 1 {
			t.Fatalf("second task's dispatch = %+v, want merged 1", rep)
		}
		vs, err := s.ListVisits(ctx, f.Office, domain.VisitFilter{EntityID: e.ID})
		if err != nil || vs.Total != 1 {
			t.Fatalf("visits of the business = %v, %v; want 1", vs, err)
		}
		v, _ := s.GetVisit(ctx, f.Office, vs.Items[0].ID)
		if len(v.Batches) != 2 || !v.Batches[1].Merged || v.Batches[1].TaskID != fire.ID {
			t.Errorf("visit batches = %+v", v.Batches)
		}
		items := 0
		for _, p := range v.Parts {
			items += len(p.Items)
		}
		// Food asks 101, 102 of its lead and 201 of the fire brigade; fire
		// asks 201, 202 of its own and 101 of market supervision: an item
		// both ask is checked once, so 4 items in 2 parts.
		if len(v.Parts) != 2 || items != 4 {
			t.Errorf("parts = %+v", v.Parts)
		}
		bu, err := s.Burden(ctx, f.Office, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if bu.Avoided != 1 || bu.Visits != 2 || bu.Merged != 1 || bu.Selections != 3 {
			t.Errorf("burden = %+v, want 2 visits, 1 avoided of 3 selections", bu)
		}

		// The cap: class A may be visited once a year; the later task's
		// window does not overlap, yet the business is left out.
		p, _ := s.GetPlanByYear(ctx, f.Office, 2026)
		p.Caps = map[domain.RiskClass]int{domain.RiskA: 1}
		p.MergePolicy = domain.MergeExclude
		wantKind(t, s.SavePlanSettings(ctx, f.DeptStaff, p), domain.KindForbidden)
		if err := s.SavePlanSettings(ctx, f.Office, p); err != nil {
			t.Fatal(err)
		}
		if err := s.SetBatchSelection(ctx, f.DeptStaff, later.Batches[0].ID, w.team(e, w.entities[2])); err != nil {
			t.Fatal(err)
		}
		rep, err = s.Dispatch(ctx, f.DeptStaff, later.Batches[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Created != 1 || rep.Excluded != 1 || rep.Exclusions[0].Reason != domain.ExcludeCap || rep.Exclusions[0].EntityID != e.ID {
			t.Errorf("capped dispatch = %+v", rep)
		}
		bu, _ = s.Burden(ctx, f.Office, 2026)
		if bu.Avoided != 1 || bu.ExcludedCap != 1 {
			t.Errorf("burden after cap = %+v", bu)
		}
	})
}

func TestOverlapExcludedByPolicy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := newPlanWorld(t, s)
		f := w.f
		w.plan.MergePolicy = domain.MergeExclude
		if err := s.SavePlanSettings(ctx, f.Office, w.plan); err != nil {
			t.Fatal(err)
		}
		food := w.newTask("餐饮食品安全", f.Dept.ID, win(4, 1, 5, 31))
		fire := w.newTask("餐饮消防安全", f.OtherDept.ID, win(5, 31, 6, 30))
		w.publish(t, food, fire)
		e := w.entities[0]
		for _, x := range []struct {
			a domain.Actor
			t *domain.Task
		}{{f.DeptStaff, food}, {f.OtherStaff, fire}} {
			if err := s.SetBatchSelection(ctx, x.a, x.t.Batches[0].ID, w.team(e)); err != nil {
				t.Fatal(err)
			}
		}
		first, _ := s.Dispatch(ctx, f.DeptStaff, food.Batches[0].ID)
		rep, err := s.Dispatch(ctx, f.OtherStaff, fire.Batches[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if first.Created != 1 || rep.Created != 0 || rep.Excluded != 1 || rep.Exclusions[0].Reason != domain.ExcludeOverlap || rep.Exclusions[0].VisitID == 0 {
			t.Fatalf("dispatches = %+v then %+v", first, rep)
		}
		again, _ := s.Dispatch(ctx, f.OtherStaff, fire.Batches[0].ID)
		if !again.Again || again.Excluded != 1 || again.Exclusions[0].Reason != domain.ExcludeOverlap {
			t.Errorf("report again = %+v", again)
		}
		bu, _ := s.Burden(ctx, f.Office, 2026)
		if bu.Visits != 1 || bu.Avoided != 1 || bu.ExcludedOverlap != 1 {
			t.Errorf("burden = %+v", bu)
		}
	})
}

func TestAdjustments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := newPlanWorld(t, s)
		f := w.f
		task := w.newTask("餐饮服务单位联合抽查", f.Dept.ID, win(4, 1, 4, 30), win(8, 1, 8, 31))
		other := w.newTask("消防专项", f.OtherDept.ID, win(6, 1, 6, 30))
		w.publish(t, task, other)
		newRatios := domain.Ratios{domain.RiskA: 200, domain.RiskB: 500, domain.RiskC: 2000, domain.RiskD: 5000}

		// Adjustments need a reason and the task's own department.
		wantKind(t, s.FileAdjustment(ctx, f.DeptStaff, &domain.Adjustment{TaskID: task.ID, Kind: domain.AdjChangeRatio, Ratios: newRatios}), domain.KindInvalid)
		wantKind(t, s.FileAdjustment(ctx, f.OtherStaff, &domain.Adjustment{TaskID: task.ID, Kind: domain.AdjChangeRatio, Ratios: newRatios, Reason: "x"}), domain.KindForbidden)
		adj := &domain.Adjustment{TaskID: task.ID, Kind: domain.AdjChangeRatio, Ratios: newRatios, Reason: "群众投诉增多，提高抽查比例"}
		if err := s.FileAdjustment(ctx, f.DeptStaff, adj); err != nil {
			t.Fatal(err)
		}
		if adj.Before != "A:1%;B:2%;C:10%;D:30%" || adj.After != "A:2%;B:5%;C:20%;D:50%" {
			t.Errorf("before/after = %q → %q", adj.Before, adj.After)
		}
		// One waiting adjustment per task.
		wantKind(t, s.FileAdjustment(ctx, f.DeptStaff, &domain.Adjustment{TaskID: task.ID, Kind: domain.AdjCancelTask, Reason: "x"}), domain.KindConflict)
		if n, _ := s.UnreadNotices(ctx, f.Office); n == 0 {
			t.Error("the office got no notice of the filing")
		}
		// Not public until accepted.
		if pub, _ := s.PublishedAdjustments(ctx, w.plan.ID); len(pub) != 0 {
			t.Errorf("published before acceptance: %+v", pub)
		}
		wantKind(t, s.AcceptAdjustment(ctx, f.DeptStaff, adj.ID), domain.KindForbidden)
		if err := s.AcceptAdjustment(ctx, f.Office, adj.ID); err != nil {
			t.Fatal(err)
		}
		wantKind(t, s.AcceptAdjustment(ctx, f.Office, adj.ID), domain.KindConflict)
		got, _ := s.GetTask(ctx, f.Office, task.ID)
		if got.Ratios.String() != newRatios.String() {
			t.Errorf("ratios after acceptance = %s", got.Ratios)
		}
		pub, _ := s.PublishedAdjustments(ctx, w.plan.ID)
		if len(pub) != 1 || pub[0].Reason != adj.Reason || pub[0].DecidedAt.IsZero() || pub[0].TaskName != task.Name {
			t.Fatalf("published adjustments = %+v", pub)
		}

		// Delay a batch: returned first, then accepted.
		delay := &domain.Adjustment{TaskID: task.ID, Kind: domain.AdjDelayBatch, BatchID: task.Batches[0].ID, Window: win(5, 1, 5, 31), Reason: "汛期推迟"}
		if err := s.FileAdjustment(ctx, f.DeptStaff, delay); err != nil {
			t.Fatal(err)
		}
		wantKind(t, s.ReturnAdjustment(ctx, f.Office, delay.ID, ""), domain.KindInvalid)
		if err := s.ReturnAdjustment(ctx, f.Office, delay.ID, "请说明推迟后的安排"); err != nil {
			t.Fatal(err)
		}
		delay.ID = 0
		if err := s.FileAdjustment(ctx, f.DeptStaff, delay); err != nil {
			t.Fatal(err)
		}
		if err := s.AcceptAdjustment(ctx, f.Office, delay.ID); err != nil {
			t.Fatal(err)
		}
		got, _ = s.GetTask(ctx, f.Office, task.ID)
		if b := got.Batches[0]; b.State != domain.StateDelayed || b.Window != win(5, 1, 5, 31) {
			t.Errorf("delayed batch = %+v", b)
		}

		// Change the frequency: the undrawn batches are replaced.
		freq := &domain.Adjustment{TaskID: task.ID, Kind: domain.AdjChangeFrequency, Windows: []domain.Window{win(5, 1, 5, 31), win(7, 1, 7, 31), win(10, 1, 10, 31)}, Reason: "增加频次"}
		if err := s.FileAdjustment(ctx, f.DeptStaff, freq); err != nil {
			t.Fatal(err)
		}
		if err := s.AcceptAdjustment(ctx, f.Office, freq.ID); err != nil {
			t.Fatal(err)
		}
		got, _ = s.GetTask(ctx, f.Office, task.ID)
		var open []domain.Window
		for _, b := range got.Batches {
			if b.State == domain.StatePublished {
				open = append(open, b.Window)
			}
		}
		if len(got.Batches) != 5 || len(open) != 3 {
			t.Errorf("batches after frequency change = %+v", got.Batches)
		}

		// Add a task to the published plan.
		extra := w.newTask("临时增设：节日保障", f.OtherDept.ID, win(9, 20, 10, 10))
		if err := s.SaveTask(ctx, f.OtherStaff, extra); err != nil {
			t.Fatal(err)
		}
		add := &domain.Adjustment{TaskID: extra.ID, Kind: domain.AdjAddTask, Reason: "国庆节前保障"}
		if err := s.FileAdjustment(ctx, f.OtherStaff, add); err != nil {
			t.Fatal(err)
		}
		if err := s.AcceptAdjustment(ctx, f.Office, add.ID); err != nil {
			t.Fatal(err)
		}
		got, _ = s.GetTask(ctx, f.Office, extra.ID)
		if got.State != domain.StatePublished || got.Seq != 3 || got.Batches[0].State != domain.StatePublished {
			t.Errorf("added task = %+v", got)
		}

		// Cancel a task: its batches that were not dispatched go with it.
		cancel := &domain.Adjustment{TaskID: other.ID, Kind: domain.AdjCancelTask, Reason: "并入专项行动"}
		if err := s.FileAdjustment(ctx, f.OtherStaff, cancel); err != nil {
			t.Fatal(err)
		}
		if err := s.AcceptAdjustment(ctx, f.Office, cancel.ID); err != nil {
			t.Fatal(err)
		}
		got, _ = s.GetTask(ctx, f.Office, other.ID)
		if got.State != domain.StateCancelled || got.Batches[0].State != domain.StateCancelled {
			t.Errorf("cancelled task = %+v", got)
		}
		wantKind(t, s.FileAdjustment(ctx, f.OtherStaff, &domain.Adjustment{TaskID: other.ID, Kind: domain.AdjChangeRatio, Ratios: newRatios, Reason: "x"}), domain.KindConflict)

		pub, _ = s.PublishedAdjustments(ctx, w.plan.ID)
		if len(pub) != 5 {
			t.Errorf("%d published adjustments, want 5", len(pub))
		}
		all, _ := s.ListAdjustments(ctx, f.Office, w.plan.ID)
		if len(all) != 6 {
			t.Errorf("%d adjustments in all, want 6 (one returned)", len(all))
		}

		// The plan and each accepted adjustment are in the transparency
		// log, and the monitor rebuilds them; a reason edited by hand is
		// caught.
		rep, err := s.LogMonitor(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Problems) != 0 || rep.ByType["plans.plan"] != 1 || rep.ByType["plans.adjustment"] != 5 {
			t.Fatalf("log monitor = %+v", rep)
		}
		if err := store.ExecRaw(ctx, s, "UPDATE plan_adjustments SET reason = 'x' WHERE id = $1", adj.ID); err != nil {
			t.Fatal(err)
		}
		if rep, _ = s.LogMonitor(ctx); len(rep.Problems) != 1 || rep.Problems[0].Type != "plans.adjustment" {
			t.Errorf("monitor after editing a published reason = %+v", rep.Problems)
		}
	})
}

func TestTaskValidationAndBase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := newPlanWorld(t, s)
		bad := w.newTask("", w.f.Dept.ID, win(5, 1, 4, 1), domain.Window{Start: domain.Date{Year: 2025, Month: 1, Day: 1}, End: domain.Date{Year: 2025, Month: 2, Day: 1}})
		bad.Departments = bad.Departments[:1]
		bad.Ratios[domain.RiskD] = 20000
		bad.Scope.Townships = []string{"999999999"}
		bad.Departments[0].ItemIDs = append(bad.Departments[0].ItemIDs, 999999)
		err := s.SaveTask(ctx, w.f.DeptStaff, bad)
		wantKind(t, err, domain.KindInvalid)
		keys := strings.Join(fieldKeys(err), " ")
		for _, k := range []string{"err.required", "err.plan.departments", "err.plan.ratios", "err.plan.window_order", "err.plan.window_year", "err.unknown_township", "err.plan.item_not_in_list"} {
			if !strings.Contains(keys, k) {
				t.Errorf("errors %s lack %s", keys, k)
			}
		}
		if n := count(t, s, "plan_tasks"); n != 0 {
			t.Errorf("%d tasks written by a refused save", n)
		}
		noList := w.newTask("无清单", w.f.Dept.ID, win(4, 1, 4, 30))
		noList.ListVersionID = 0
		if err := s.SaveTask(ctx, w.f.DeptStaff, noList); !strings.Contains(strings.Join(fieldKeys(err), " "), "task_list_version:err.required") {
			t.Errorf("task without a list: %v", err)
		}
		noList.ListVersionID, noList.IndustryCode = w.list.ID, "hotel"
		if err := s.SaveTask(ctx, w.f.DeptStaff, noList); !strings.Contains(strings.Join(fieldKeys(err), " "), "err.plan.list_industry") {
			t.Errorf("task with another industry's list: %v", err)
		}

		good := w.newTask("基数", w.f.Dept.ID, win(4, 1, 4, 30))
		good.Scope.Townships = []string{w.entities[0].TownshipCode}
		if err := s.SaveTask(ctx, w.f.DeptStaff, good); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetTask(ctx, w.f.DeptStaff, good.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[domain.RiskClass]int{}
		for _, e := range w.entities {
			if e.TownshipCode == w.entities[0].TownshipCode {
				want[e.RiskClass]++
			}
		}
		for _, c := range domain.RiskClasses {
			if got.Base[c] != want[c] {
				t.Errorf("base %s = %d, want %d", c, got.Base[c], want[c])
			}
		}
		// The base is live: one more business in scope counts at once.
		e := w.entities[0]
		e2 := *e
		e2.ID, e2.Code, e2.Name = 0, code(9000), "垣曲县新开餐馆"
		if err := s.SaveEntity(ctx, domain.System, &e2); err != nil {
			t.Fatal(err)
		}
		got, _ = s.GetTask(ctx, w.f.DeptStaff, good.ID)
		if got.Base[e.RiskClass] != want[e.RiskClass]+1 {
			t.Errorf("base after a new business = %d, want %d", got.Base[e.RiskClass], want[e.RiskClass]+1)
		}
	})
}
