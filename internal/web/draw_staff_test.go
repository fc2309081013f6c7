package web

import (
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/draw"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// drawTask publishes a 2026 catering task with two batches over the draw
// world of storetest (60 businesses, four deregistered; seven inspectors,
// one on leave, one with a declared conflict).
func drawTask(t *testing.T, e *env) *domain.Task {
	t.Helper()
	ctx, sys := t.Context(), domain.System
	storetest.SeedDrawWorld(t, e.store, e.fx)
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
	task.Batches = []domain.Batch{
		{Window: domain.Window{Start: domain.Date{Year: 2026, Month: time.April, Day: 1}, End: domain.Date{Year: 2026, Month: time.June, Day: 30}}},
		{Window: domain.Window{Start: domain.Date{Year: 2026, Month: time.September, Day: 1}, End: domain.Date{Year: 2026, Month: time.November, Day: 30}}},
	}
	must(e.store.SaveTask(ctx, sys, task))
	must(e.store.SubmitTask(ctx, sys, task.ID))
	must(e.store.FilePlan(ctx, sys, plan.ID))
	must(e.store.PublishPlan(ctx, sys, plan.ID))
	task, err := e.store.GetTask(ctx, sys, task.ID)
	must(err)
	return task
}

// drawKeyOf reads the draw id out of a redirect to its staff page.
func drawKeyOf(t *testing.T, r response) string {
	t.Helper()
	loc := r.Header.Get("Location")
	if r.Status != 303 || !strings.HasPrefix(loc, "/staff/draws/") {
		t.Fatalf("announce: %d %s\n%s", r.Status, loc, r.Body)
	}
	key, _, _ := strings.Cut(strings.TrimPrefix(loc, "/staff/draws/"), "?")
	return key
}

// TestDrawStaffPages runs a batch's draw through the staff pages: the
// preview with every exclusion and its reason, the announcement, each
// liaison's commit and reveal (one typed), the public value's double
// entry, refusals shown translated with their status (never a 500),
// execution handing the result to the batch, dispatch, and an abort with
// its redraw.
func TestDrawStaffPages(t *testing.T) {
	e := newEnv(t)
	task := drawTask(t, e)
	b1, b2 := idString(task.Batches[0].ID), idString(task.Batches[1].ID)
	scjg, xfjy, office, insp := e.login(t, "scjg"), e.login(t, "xfjy"), e.login(t, "office"), e.login(t, "inspector")
	zh := "?lang=zh-CN"

	r := e.get(scjg, "/staff/tasks/"+idString(task.ID)+zh)
	if !strings.Contains(r.Body, `href="/staff/batches/`+b1+`/draw"`) {
		t.Fatalf("task page lacks the draw link:\n%s", r.Body)
	}
	if r = e.get(xfjy, "/staff/batches/"+b1+"/draw"+zh); r.Status != 403 {
		t.Errorf("co-department opens the announce page: %d", r.Status)
	}
	r = e.get(scjg, "/staff/batches/"+b1+"/draw"+zh)
	for _, want := range []string{`id="preview-strata"`, "已注销", "休假", storetest.DrawCode(14), `id="announce-form"`, "垣曲县消防救援大队"} {
		if r.Status != 200 || !strings.Contains(r.Body, want) {
			t.Errorf("announce page (%d) lacks %q", r.Status, want)
		}
	}
	key := drawKeyOf(t, e.post(scjg, "/staff/batches/"+b1+"/draw", url.Values{"public_value": {"中国福利彩票双色球第2026040期开奖号码"}}))
	page := "/staff/draws/" + key
	if r = e.get(scjg, "/staff/batches/"+b1+"/draw"+zh); r.Status != 409 || !strings.Contains(r.Body, key) || strings.Contains(r.Body, `id="announce-form"`) {
		t.Errorf("announce page of a batch with a draw under way: %d", r.Status)
	}
	if r = e.get(xfjy, "/staff/inbox"+zh); !strings.Contains(r.Body, page) {
		t.Errorf("co-department's inbox lacks the draw:\n%s", r.Body)
	}
	d, err := e.store.GetDraw(t.Context(), key)
	if err != nil {
		t.Fatal(err)
	}
	r = e.get(xfjy, page+zh)
	if r.Status != 200 || !strings.Contains(r.Body, `id="commit-form"`) || !strings.Contains(r.Body, `data-hash="`+d.AnnouncementHash+`"`) {
		t.Fatalf("liaison's page: %d\n%s", r.Status, r.Body)
	}
	if r = e.get(office, page+zh); strings.Contains(r.Body, `id="commit-form"`) || !strings.Contains(r.Body, `id="abort-form"`) {
		t.Errorf("the office gets a commit form or no abort form")
	}
	if r = e.post(xfjy, page+"/commit"+zh, url.Values{"party": {"XFJY"}, "commitment": {"abc"}}); r.Status != 422 || !strings.Contains(r.Body, "承诺值应为 64 位") {
		t.Errorf("bad commitment: %d", r.Status)
	}
	if r = e.post(xfjy, page+"/commit"+zh, url.Values{"party": {"SCJG"}, "commitment": {strings.Repeat("ab", 32)}}); r.Status != 403 {
		t.Errorf("committing for another department: %d", r.Status)
	}
	generated := strings.Repeat("5a", 32)
	genBytes, _ := hex.DecodeString(generated)
	typed := "消防大队联络员的秘密短语2026"
	commits := map[string][]byte{"SCJG": genBytes, "XFJY": []byte(typed)}
	if r = e.post(scjg, page+"/commit", url.Values{"party": {"SCJG"}, "commitment": {draw.Commitment(d.AnnouncementHash, "SCJG", commits["SCJG"])}}); r.Status != 303 {
		t.Fatalf("commit SCJG: %d %s", r.Status, r.Body)
	}
	if r = e.post(xfjy, page+"/commit", url.Values{"party": {"XFJY"}, "commitment": {draw.Commitment(d.AnnouncementHash, "XFJY", commits["XFJY"])}}); r.Status != 303 {
		t.Fatalf("commit XFJY: %d %s", r.Status, r.Body)
	}
	if r = e.post(xfjy, page+"/reveal"+zh, url.Values{"party": {"XFJY"}, "typed": {"不是这句"}}); r.Status != 422 || !strings.Contains(r.Body, "秘密值应为") {
		t.Errorf("short typed secret: %d", r.Status)
	}
	if r = e.post(xfjy, page+"/reveal"+zh, url.Values{"party": {"XFJY"}, "typed": {typed + "!"}}); r.Status != 422 || !strings.Contains(r.Body, "不符") {
		t.Errorf("wrong secret: %d", r.Status)
	}
	if r = e.post(xfjy, page+"/reveal", url.Values{"party": {"XFJY"}, "typed": {typed}}); r.Status != 303 {
		t.Fatalf("typed reveal: %d %s", r.Status, r.Body)
	}
	if r = e.post(scjg, page+"/reveal", url.Values{"party": {"SCJG"}, "secret": {strings.ToUpper(generated)}}); r.Status != 303 {
		t.Fatalf("hex reveal: %d %s", r.Status, r.Body)
	}
	if r = e.post(scjg, page+"/execute"+zh, nil); r.Status != 409 || !strings.Contains(r.Body, "公开随机数尚未经两人录入确认") {
		t.Errorf("execute before the public value: %d", r.Status)
	}
	if r = e.post(scjg, page+"/public-value", url.Values{"value": {"03 07 12 19 25 31\n09"}}); r.Status != 303 {
		t.Fatalf("first entry: %d %s", r.Status, r.Body)
	}
	if r = e.get(scjg, page+zh); !strings.Contains(r.Body, `id="public-pending"`) {
		t.Errorf("page lacks the pending entry")
	}
	if r = e.post(scjg, page+"/public-value"+zh, url.Values{"value": {"03 07 12 19 25 31\n09"}}); r.Status != 409 || !strings.Contains(r.Body, "另一名用户") {
		t.Errorf("same user twice: %d", r.Status)
	}
	if r = e.post(office, page+"/public-value", url.Values{"value": {"3 7 12 19 25 31\n9"}}); r.Status != 303 || !strings.Contains(r.Header.Get("Location"), "public_confirmed") {
		t.Fatalf("second entry: %d %s", r.Status, r.Header.Get("Location"))
	}
	if r = e.post(xfjy, page+"/execute", nil); r.Status != 403 {
		t.Errorf("co-department executes: %d", r.Status)
	}
	if r = e.post(scjg, page+"/execute", nil); r.Status != 303 {
		t.Fatalf("execute: %d %s", r.Status, r.Body)
	}
	r = e.get(insp, page+zh)
	if r.Status != 200 || !strings.Contains(r.Body, `id="handed-over"`) || strings.Contains(r.Body, `id="dispatch"`) {
		t.Errorf("inspector's view of the executed draw: %d", r.Status)
	}
	r = e.get(scjg, page+zh)
	if !strings.Contains(r.Body, `id="dispatch"`) || !strings.Contains(r.Body, "已抽取") {
		t.Fatalf("executed draw lacks the dispatch button:\n%s", r.Body)
	}
	if r = e.post(scjg, "/staff/batches/"+b1+"/dispatch", url.Values{"task": {idString(task.ID)}}); r.Status != 303 {
		t.Fatalf("dispatch: %d", r.Status)
	}
	got, _ := e.store.GetTask(t.Context(), domain.System, task.ID)
	if got.Batches[0].State != domain.StateDispatched || got.Batches[0].Visits == 0 {
		t.Errorf("batch after dispatch: %+v", got.Batches[0])
	}

	// The second batch: aborted in public, then redrawn.
	key2 := drawKeyOf(t, e.post(office, "/staff/batches/"+b2+"/draw", url.Values{}))
	if r = e.post(scjg, "/staff/draws/"+key2+"/abort"+zh, url.Values{"reason": {"  "}}); r.Status != 422 || !strings.Contains(r.Body, "请填写中止原因") {
		t.Errorf("abort without a reason: %d", r.Status)
	}
	if r = e.post(scjg, "/staff/draws/"+key2+"/abort", url.Values{"reason": {"公告的检查时间有误"}}); r.Status != 303 {
		t.Fatalf("abort: %d", r.Status)
	}
	if r = e.get(scjg, "/staff/draws/"+key2+zh); !strings.Contains(r.Body, `id="redraw"`) || !strings.Contains(r.Body, "公告的检查时间有误") {
		t.Errorf("aborted draw lacks its reason or the redraw link")
	}
	key3 := drawKeyOf(t, e.post(scjg, "/staff/batches/"+b2+"/draw", url.Values{}))
	if r = e.get(scjg, "/staff/draws/"+key3+zh); !strings.Contains(r.Body, "/staff/draws/"+key2) {
		t.Errorf("redraw does not name the aborted draw")
	}
	if r = e.get(scjg, "/staff/draws/none"+zh); r.Status != 404 {
		t.Errorf("unknown draw: %d", r.Status)
	}
	if r = e.post(scjg, "/staff/draws/"+key3+"/nothing", nil); r.Status != 404 {
		t.Errorf("unknown action: %d", r.Status)
	}
	if strings.Contains(e.logs.String(), "level=ERROR") {
		t.Errorf("server errors logged:\n%s", e.logs)
	}
}
