package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// TestPlanPagesAndDownload publishes a plan through the store, dispatches
// a batch, and reads the pages: the staff plan, the portal plan, the XLSX
// in the standard layout, the visits and the inbox with its badge.
func TestPlanPagesAndDownload(t *testing.T) {
	e := newEnv(t)
	ctx, sys := t.Context(), domain.System
	v := storetest.SeedJointList(t, e.store, e.fx, "catering")
	plan := &domain.Plan{Year: 2026, Title: "2026年度计划"}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(e.store.CreatePlan(ctx, sys, plan))
	task := domain.TaskFromVersion(v, plan)
	task.Name = "餐饮服务单位联合抽查"
	must(e.store.SaveTask(ctx, sys, task))
	must(e.store.SubmitTask(ctx, sys, task.ID))
	must(e.store.FilePlan(ctx, sys, plan.ID))
	must(e.store.PublishPlan(ctx, sys, plan.ID))
	task, _ = e.store.GetTask(ctx, sys, task.ID)
	biz := e.seedEntity("垣曲县舜乡饭店", 31)
	insp := e.seedInspector("王检查", "SCJG0031", e.fx.Dept.ID)
	must(e.store.SetBatchSelection(ctx, sys, task.Batches[0].ID, []domain.Selected{{EntityID: biz.ID, InspectorIDs: []int64{insp.ID}}}))

	dept := e.login(t, "scjg")
	if r := e.get(dept, "/staff/plans?lang=zh-CN"); r.Status != 200 || !strings.Contains(r.Body, "2026年度计划") {
		t.Fatalf("plan list: %d", r.Status)
	}
	if r := e.post(dept, "/staff/batches/"+idString(task.Batches[0].ID)+"/dispatch", url.Values{"task": {idString(task.ID)}}); r.Status != 303 {
		t.Fatalf("dispatch: %d %s", r.Status, r.Body)
	}
	r := e.get(dept, "/staff/tasks/"+idString(task.ID)+"?lang=zh-CN")
	if r.Status != 200 || !strings.Contains(r.Body, "已分发") {
		t.Errorf("task page after dispatch: %d", r.Status)
	}
	r = e.get(dept, "/staff/visits?lang=zh-CN")
	if !strings.Contains(r.Body, "垣曲县舜乡饭店") {
		t.Errorf("visits page lacks the business")
	}
	r = e.get(dept, "/staff/inbox?lang=zh-CN")
	if !strings.Contains(r.Body, `id="inbox-unread"`) || !strings.Contains(r.Body, "第 1 批次已分发") {
		t.Errorf("inbox lacks the dispatch notice:\n%s", r.Body)
	}
	if r = e.post(dept, "/staff/inbox/read", url.Values{}); r.Status != 303 {
		t.Errorf("read all: %d", r.Status)
	}
	if n, _ := e.store.UnreadNotices(ctx, e.fx.DeptStaff); n != 0 {
		t.Errorf("unread after reading all = %d", n)
	}
	// Another department cannot dispatch, and sees a clear refusal.
	other := e.login(t, "xfjy")
	if r = e.post(other, "/staff/batches/"+idString(task.Batches[0].ID)+"/advance", url.Values{"to": {"in_progress"}}, "Accept-Language", "zh-CN"); r.Status != 403 {
		t.Errorf("another department advances the batch: %d", r.Status)
	}

	anon := e.client()
	r = e.get(anon, "/plans/2026?lang=zh-CN")
	if r.Status != 200 || !strings.Contains(r.Body, "餐饮服务单位联合抽查") || !strings.Contains(r.Body, "基数") {
		t.Errorf("portal plan: %d", r.Status)
	}
	if r = e.get(anon, "/plans/2030"); r.Status != 404 {
		t.Errorf("unknown year: %d", r.Status)
	}
	r = e.get(anon, "/plans/2026/plan.xlsx?lang=zh-CN")
	if r.Status != 200 || r.Header.Get("Content-Type") != xlsxType {
		t.Fatalf("xlsx: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	x, err := excelize.OpenReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 3 || rows[0][0] != "2026年度计划" || strings.Join(rows[1], "|") != "序号|行业|牵头部门|任务名称|联查部门|抽查事项|联查对象|检查主体|责任分工|抽查比例（基数）|时间安排|备注" {
		t.Fatalf("xlsx rows = %q", rows)
	}
	if rows[2][0] != "1" || rows[2][3] != "餐饮服务单位联合抽查" || !strings.Contains(rows[2][4], "消防") || !strings.Contains(rows[2][9], "C 10%") {
		t.Errorf("task row = %q", rows[2])
	}
}
