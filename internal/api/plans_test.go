package api

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

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
