package api

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// TestPlanFlow drives a plan through the API: a task drafted and lodged,
// an illegal transition refused with 409 naming the states, the plan filed
// and published, a selection recorded, dispatched twice (nothing twice),
// the inbox, and the public plan.
func TestPlanFlow(t *testing.T) {
	eachFixture(t, func(t *testing.T, f *fixture) {
		ctx := t.Context()
		a, _ := f.s.GetDepartment(ctx, f.deptA)
		b, _ := f.s.GetDepartment(ctx, f.deptB)
		v := storetest.SeedJointList(t, f.s, &storetest.Fixture{Dept: *a, OtherDept: *b}, industry)

		w := f.do(req{method: "POST", url: "/api/v1/plans", who: "deptA", body: `{"year":2026,"title":"2026年度计划"}`})
		if w.Code != 403 {
			t.Fatalf("department opens a plan: %d", w.Code)
		}
		w = f.do(req{method: "POST", url: "/api/v1/plans", who: "office", body: `{"year":2026,"title":"2026年度计划"}`})
		if w.Code != 201 {
			t.Fatalf("create plan: %d %s", w.Code, w.Body)
		}
		plan := decode[domain.Plan](t, w)

		task := domain.TaskFromVersion(v, &plan)
		task.Name = "餐饮服务联合抽查"
		body, _ := json.Marshal(task)
		if w = f.do(req{method: "POST", url: "/api/v1/tasks", who: "deptB", body: string(body)}); w.Code != 403 {
			t.Errorf("another department drafts the task: %d", w.Code)
		}
		w = f.do(req{method: "POST", url: "/api/v1/tasks", who: "deptA", body: string(body)})
		if w.Code != 201 {
			t.Fatalf("create task: %d %s", w.Code, w.Body)
		}
		created := decode[domain.Task](t, w)
		tid := strconv.FormatInt(created.ID, 10)
		pid := strconv.FormatInt(plan.ID, 10)
		if w = f.do(req{method: "POST", url: "/api/v1/tasks/" + tid + "/submit", who: "deptA"}); w.Code != 200 {
			t.Fatalf("submit: %d %s", w.Code, w.Body)
		}
		w = f.do(req{method: "POST", url: "/api/v1/plans/" + pid + "/publish", who: "office", header: map[string]string{"Accept-Language": "zh-CN"}})
		if w.Code != 409 || !strings.Contains(w.Body.String(), "草稿") || !strings.Contains(w.Body.String(), "已发布") {
			t.Errorf("publishing a draft plan: %d %s", w.Code, w.Body)
		}
		for _, act := range []string{"file", "publish"} {
			if w = f.do(req{method: "POST", url: "/api/v1/plans/" + pid + "/" + act, who: "office"}); w.Code != 200 {
				t.Fatalf("%s: %d %s", act, w.Code, w.Body)
			}
		}
		got := decode[domain.Task](t, f.do(req{method: "GET", url: "/api/v1/tasks/" + tid, who: "deptB"}))
		if got.State != domain.StatePublished || got.Seq != 1 || got.Base == nil {
			t.Fatalf("published task = %+v", got)
		}
		e, _ := f.s.GetEntityByCode(ctx, domain.System, f.codes[0])
		bid := strconv.FormatInt(got.Batches[0].ID, 10)
		sel := fmt.Sprintf(`[{"entity_id":%d,"inspector_ids":[%d,%d]}]`, e.ID, f.inA, f.inB)
		if w = f.do(req{method: "PUT", url: "/api/v1/batches/" + bid + "/selection", who: "deptA", body: sel}); w.Code != 200 {
			t.Fatalf("selection: %d %s", w.Code, w.Body)
		}
		first := decode[domain.DispatchReport](t, f.do(req{method: "POST", url: "/api/v1/batches/" + bid + "/dispatch", who: "deptA"}))
		again := decode[domain.DispatchReport](t, f.do(req{method: "POST", url: "/api/v1/batches/" + bid + "/dispatch", who: "deptA"}))
		if first.Created != 1 || first.Again || !again.Again || again.Created != 1 {
			t.Errorf("dispatch reports %+v then %+v", first, again)
		}
		vs := decode[domain.List[domain.Visit]](t, f.do(req{method: "GET", url: "/api/v1/visits?batch_id=" + bid, who: "inspector"}))
		if vs.Total != 1 || vs.Items[0].EntityCode != e.Code {
			t.Errorf("inspector's visits = %+v", vs)
		}
		inbox := decode[Inbox](t, f.do(req{method: "GET", url: "/api/v1/notices?unread=true", who: "inspector"}))
		if inbox.Unread != 1 || len(inbox.Items) != 1 {
			t.Errorf("inspector inbox = %+v", inbox)
		}
		if w = f.do(req{method: "POST", url: "/api/v1/notices/read", who: "inspector"}); w.Code != 204 {
			t.Errorf("read all: %d", w.Code)
		}
		pub := decode[PublicPlan](t, f.do(req{method: "GET", url: "/api/v1/public/plans/2026"}))
		if len(pub.Tasks) != 1 || pub.Tasks[0].Base[e.RiskClass] == 0 {
			t.Errorf("public plan = %+v", pub)
		}
		if w = f.do(req{method: "GET", url: "/api/v1/public/plans/2025"}); w.Code != 404 {
			t.Errorf("unpublished year: %d", w.Code)
		}
	})
}

// planMatrixRows are the plan routes' rows of the role × action table,
// over a world set up through the store: a published plan of 2025 whose
// task (led by department A) has a batch drawn and another dispatched, an
// adjustment waiting for the office, and a draft plan of 2027 with a
// lodged task and a draft one.
func planMatrixRows(t *testing.T, f *fixture) []matrixRow {
	t.Helper()
	ctx, sys := t.Context(), domain.System
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// An industry of its own: the joint-list rows have their own lists.
	must(f.s.SaveIndustry(ctx, sys, &domain.Industry{Code: "hotel", Name: "宾馆旅店"}))
	a, _ := f.s.GetDepartment(ctx, f.deptA)
	b, _ := f.s.GetDepartment(ctx, f.deptB)
	v := storetest.SeedJointList(t, f.s, &storetest.Fixture{Dept: *a, OtherDept: *b}, "hotel")
	newTask := func(p *domain.Plan, name string, windows ...domain.Window) *domain.Task {
		task := domain.TaskFromVersion(v, p)
		task.Name, task.Batches = name, nil
		for _, w := range windows {
			task.Batches = append(task.Batches, domain.Batch{Window: w})
		}
		must(f.s.SaveTask(ctx, sys, task))
		return task
	}
	win := func(year, m int) domain.Window {
		return domain.Window{Start: domain.Date{Year: year, Month: time.Month(m), Day: 1}, End: domain.Date{Year: year, Month: time.Month(m), Day: 28}}
	}
	pub := &domain.Plan{Year: 2025, Title: "2025"}
	must(f.s.CreatePlan(ctx, sys, pub))
	t1 := newTask(pub, "任务一", win(2025, 4), win(2025, 5))
	t3 := newTask(pub, "任务三", win(2025, 6))
	must(f.s.SubmitTask(ctx, sys, t1.ID))
	must(f.s.SubmitTask(ctx, sys, t3.ID))
	must(f.s.FilePlan(ctx, sys, pub.ID))
	must(f.s.PublishPlan(ctx, sys, pub.ID))
	t1, _ = f.s.GetTask(ctx, sys, t1.ID)
	e, _ := f.s.GetEntityByCode(ctx, sys, f.codes[0])
	team := []domain.Selected{{EntityID: e.ID, InspectorIDs: []int64{f.inA, f.inB}}}
	b1, b2 := t1.Batches[0].ID, t1.Batches[1].ID
	must(f.s.SetBatchSelection(ctx, sys, b2, team))
	if _, err := f.s.Dispatch(ctx, sys, b2); err != nil {
		t.Fatal(err)
	}
	waiting := &domain.Adjustment{TaskID: t3.ID, Kind: domain.AdjCancelTask, Reason: "并入专项"}
	must(f.s.FileAdjustment(ctx, sys, waiting))
	vs, err := f.s.ListVisits(ctx, sys, domain.VisitFilter{BatchID: b2})
	must(err)

	draft := &domain.Plan{Year: 2027, Title: "2027"}
	must(f.s.CreatePlan(ctx, sys, draft))
	lodged := newTask(draft, "已报备", win(2027, 4))
	must(f.s.SubmitTask(ctx, sys, lodged.ID))
	open := newTask(draft, "草稿", win(2027, 5))
	open.Name = "草稿{who}"
	openJSON, _ := json.Marshal(open)
	fresh := domain.TaskFromVersion(v, draft)
	fresh.Name = "新任务{who}"
	freshJSON, _ := json.Marshal(fresh)

	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	const ok, created, none, unauth, forbidden, conflict = 200, 201, 204, 401, 403, 409
	all := st(unauth, ok, ok, ok, ok, ok)
	return []matrixRow{
		{"GET /api/v1/plans", "GET", "/api/v1/plans", "", "", all},
		{"POST /api/v1/plans", "POST", "/api/v1/plans", `{"year":2030,"title":"计划{who}"}`, "", st(unauth, created, forbidden, forbidden, forbidden, forbidden)},
		{"GET /api/v1/plans/{id}", "GET", "/api/v1/plans/" + id(pub.ID), "", "", all},
		{"POST /api/v1/plans/{id}/{action}", "POST", "/api/v1/plans/" + id(draft.ID) + "/file", "", "", st(unauth, ok, forbidden, forbidden, forbidden, forbidden)},
		{"GET /api/v1/plans/{id}/adjustments", "GET", "/api/v1/plans/" + id(pub.ID) + "/adjustments", "", "", all},
		{"GET /api/v1/plans/{id}/burden", "GET", "/api/v1/plans/" + id(pub.ID) + "/burden", "", "", all},
		{"POST /api/v1/tasks", "POST", "/api/v1/tasks", string(freshJSON), "", st(unauth, created, created, forbidden, forbidden, forbidden)},
		{"GET /api/v1/tasks/{id}", "GET", "/api/v1/tasks/" + id(t1.ID), "", "", all},
		{"PUT /api/v1/tasks/{id}", "PUT", "/api/v1/tasks/" + id(open.ID), string(openJSON), "", st(unauth, ok, ok, forbidden, forbidden, forbidden)},
		{"POST /api/v1/tasks/{id}/{action}", "POST", "/api/v1/tasks/" + id(open.ID) + "/submit", "", "", st(unauth, ok, conflict, forbidden, forbidden, forbidden)},
		{"POST /api/v1/adjustments", "POST", "/api/v1/adjustments",
			fmt.Sprintf(`{"task_id":%d,"kind":"change_ratio","ratios":{"A":200,"B":300,"C":1000,"D":3000},"reason":"提高{who}"}`, t1.ID), "",
			st(unauth, created, conflict, forbidden, forbidden, forbidden)},
		{"POST /api/v1/adjustments/{id}/{action}", "POST", "/api/v1/adjustments/" + id(waiting.ID) + "/accept", "", "", st(unauth, ok, forbidden, forbidden, forbidden, forbidden)},
		{"PUT /api/v1/batches/{id}/selection", "PUT", "/api/v1/batches/" + id(b1) + "/selection",
			fmt.Sprintf(`[{"entity_id":%d,"inspector_ids":[%d]}]`, e.ID, f.inA), "", st(unauth, ok, conflict, forbidden, forbidden, forbidden)},
		{"GET /api/v1/batches/{id}/selection", "GET", "/api/v1/batches/" + id(b2) + "/selection", "", "", all},
		{"POST /api/v1/batches/{id}/dispatch", "POST", "/api/v1/batches/" + id(b2) + "/dispatch", "", "", st(unauth, ok, ok, forbidden, forbidden, forbidden)},
		{"POST /api/v1/batches/{id}/advance", "POST", "/api/v1/batches/" + id(b2) + "/advance", `{"to":"in_progress"}`, "", st(unauth, none, conflict, forbidden, forbidden, forbidden)},
		{"GET /api/v1/visits", "GET", "/api/v1/visits", "", "", all},
		{"GET /api/v1/visits/{id}", "GET", "/api/v1/visits/" + id(vs.Items[0].ID), "", "", all},
		{"GET /api/v1/notices", "GET", "/api/v1/notices", "", "", all},
		{"POST /api/v1/notices/read", "POST", "/api/v1/notices/read", "", "", st(unauth, none, none, none, none, none)},
		{"GET /api/v1/public/plans", "GET", "/api/v1/public/plans", "", "", st(ok, ok, ok, ok, ok, ok)},
		{"GET /api/v1/public/plans/{year}", "GET", "/api/v1/public/plans/2025", "", "", st(ok, ok, ok, ok, ok, ok)},
	}
}
