package web

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/yiyeyicha/yiyeyicha/internal/attach"
	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/draw"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
	"github.com/yiyeyicha/yiyeyicha/internal/validate"
)

// yearWorld is the county before its year starts: three departments with
// their item catalogues (newListsWorld), four catering businesses of risk
// class C (the 10 % ratio draws one of them), and one certified inspector
// with an account in each of the two departments that will inspect.
type yearWorld struct {
	*env
	third      domain.Department // the environment bureau: takes no part in the visit, receives the referral
	codes      []string          // the businesses' credit codes
	inspectors map[int64]string
	photo      string
}

func newYearWorld(t *testing.T) *yearWorld {
	t.Helper()
	e := newEnv(t)
	lw := newListsWorld(t, e)
	blobs, err := attach.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e.store.SetBlobs(blobs)
	w := &yearWorld{env: e, third: lw.third, inspectors: map[int64]string{}}
	ctx := t.Context()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for i := range 4 {
		code, ok := validate.MakeCreditCode("92", "140827", fmt.Sprintf("NJ%06d", i))
		if !ok {
			t.Fatal("no credit code")
		}
		must(e.store.SaveEntity(ctx, domain.System, &domain.Entity{Code: code, Name: fmt.Sprintf("垣曲县全年测试餐馆%d", i),
			Kind: domain.KindIndividual, IndustryCode: "catering", TownshipCode: "140827100", Address: fmt.Sprintf("垣曲县新城镇舜乡路%d号", i+1),
			Status: domain.StatusActive, RiskClass: domain.RiskC}))
		w.codes = append(w.codes, code)
	}
	for i, d := range []domain.Department{e.fx.Dept, e.fx.OtherDept} {
		in := &domain.Inspector{DepartmentID: d.ID, Name: d.ShortName + "执法员", CertNo: fmt.Sprintf("14082702%04d", i+1),
			CertExpiry: domain.Date{Year: 2030, Month: time.January, Day: 1}, Status: domain.InspectorOnDuty}
		must(e.store.SaveInspector(ctx, domain.System, in))
		u := &domain.User{Username: "insp-" + strings.ToLower(d.Code), DisplayName: in.Name, Role: domain.RoleInspector, DepartmentID: d.ID, InspectorID: in.ID}
		must(e.store.CreateUser(ctx, domain.System, u, storetest.Password))
		w.inspectors[d.ID] = u.Username
	}
	w.photo = filepath.Join(t.TempDir(), "后厨现场.png")
	must(os.WriteFile(w.photo, testPNG(t, 24), 0o644))
	return w
}

// TestBrowserWholeYear walks the county's year in a real browser, one
// stage per actor, a screenshot at each step: the lead department drafts
// the catering joint list with the fire brigade, which confirms its part,
// and the office publishes it; the office opens the year's plan, the lead
// drafts and lodges its task, the office files and publishes the plan;
// the lead announces the batch's draw, both liaisons commit and reveal,
// two users enter the public value, the draw executes and is dispatched;
// both departments' inspectors enter their results with a photo and sign;
// the lead closes the joint record with 发现问题已责令改正 and refers the
// finding to the environment bureau, which accepts it; both parts are
// published; the public finds the result by the business's code and the
// draw's bundle verifies; the dashboard and the annual summary count the
// visit.
func TestBrowserWholeYear(t *testing.T) {
	w := newYearWorld(t)
	ctx := browserWithin(t, 8*time.Minute)
	dir := artifacts(t)
	base := w.ts.URL
	lead, co := w.fx.Dept.ID, w.fx.OtherDept.ID
	stage := func(name string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("browser, %s: %v", name, err)
		}
	}
	part := func(dept int64) string { return "#part-" + idString(dept) }
	check := func(dept int64, code string) chromedp.Action[chromedp.Void] {
		return chromedp.Click(css(part(dept) + ` input[data-code="` + code + `"]`))
	}
	// leave logs out from a settled page.
	leave := chromedp.Steps(chromedp.Navigate(base+"/staff/inbox"), chromedp.WaitVisible(css(`form[action="/logout"] button`)), staffOut())

	var draftURL, listStatus string
	stage("the lead drafts the joint list",
		staffIn(base, "scjg"),
		chromedp.Navigate(base+"/staff/lists"),
		chromedp.WaitVisible(css(`#new-list`)),
		chromedp.SetValue(css(`#industry`), "catering"),
		chromedp.Click(css(`#new-list input[data-code="XFJY"]`)),
		chromedp.SendKeys(css(`#subject`), "餐饮服务经营者"),
		reloaded(chromedp.Submit(css(`#subject`)), part(lead)),
		into(chromedp.Location(), &draftURL),
		check(lead, "SCJG-1"), check(lead, "SCJG-2"),
		reloaded(chromedp.Click(css(part(lead)+` form.part-form button`)), `.notice`),
		check(co, "XFJY-1"),
		reloaded(chromedp.Click(css(part(co)+` form.part-form button`)), `.notice`),
		shot(t, dir, "year-01-list-draft"),
		leave,
	)
	stage("the fire brigade confirms its part",
		staffIn(base, "xfjy"),
		chromedp.Navigate(draftURL),
		chromedp.WaitVisible(css(part(co)+` form.confirm-form`)),
		reloaded(chromedp.Click(css(part(co)+` form.confirm-form button`)), `.notice`),
		leave,
	)
	stage("the office publishes the list and opens the plan",
		staffIn(base, "office"),
		chromedp.Navigate(draftURL),
		chromedp.WaitVisible(css(`#publish-form`)),
		reloaded(chromedp.Click(css(`#publish-form button`)), `.notice`),
		into(chromedp.Text(css(`#version-status`)), &listStatus),
		shot(t, dir, "year-02-list-published"),
		chromedp.Navigate(base+"/staff/plans"),
		chromedp.WaitVisible(css(`#create-plan`)),
		chromedp.SetValue(css(`#year`), "2026"),
		reloaded(chromedp.Click(css(`#create-plan`)), `#plan-state`),
		leave,
	)
	if listStatus != "已发布" {
		t.Fatalf("list status %q", listStatus)
	}
	plans, err := w.store.ListPlans(t.Context(), domain.System)
	if err != nil || len(plans) != 1 {
		t.Fatalf("plans %+v, %v", plans, err)
	}
	planURL := base + "/staff/plans/" + idString(plans[0].ID)
	var taskURL, planState string
	stage("the lead drafts and lodges its task",
		staffIn(base, "scjg"),
		chromedp.Navigate(planURL+"/tasks/new"),
		chromedp.WaitVisible(css(`#pick-list a`)),
		reloaded(chromedp.Click(css(`#pick-list a`)), `#task-form`),
		chromedp.SetValue(css(`#name`), "2026年餐饮服务单位联合抽查"),
		reloaded(chromedp.Click(css(`#save-task`)), `#submit-task`),
		reloaded(chromedp.Click(css(`#submit-task`)), `.notice`),
		into(chromedp.Location(), &taskURL),
		leave,
	)
	taskURL, _, _ = strings.Cut(taskURL, "?")
	stage("the office files and publishes the plan",
		staffIn(base, "office"),
		chromedp.Navigate(planURL),
		chromedp.WaitVisible(css(`#file-plan`)),
		reloaded(chromedp.Click(css(`#file-plan`)), `#publish-plan`),
		reloaded(chromedp.Click(css(`#publish-plan`)), `.notice`),
		into(chromedp.Text(css(`#plan-state`)), &planState),
		shot(t, dir, "year-03-plan-published"),
		leave,
	)
	if planState != "已发布" {
		t.Fatalf("plan state %q", planState)
	}

	var drawURL, secret, drawState string
	stage("the lead announces the draw and commits a generated secret",
		staffIn(base, "scjg"),
		chromedp.Navigate(taskURL),
		chromedp.WaitVisible(css(`#draw-batch-1`)),
		reloaded(chromedp.Click(css(`#draw-batch-1`)), `#announce-form`),
		shot(t, dir, "year-04-draw-preview"),
		chromedp.SendKeys(css(`#public_value`), "中国福利彩票双色球第2026140期开奖号码"),
		confirmYes(),
		reloaded(chromedp.Click(css(`#announce`)), `#commit-form`),
		into(chromedp.Location(), &drawURL),
		chromedp.Click(css(`#generate-secret`)),
		into(chromedp.Value(css(`#secret`)), &secret),
		confirmYes(),
		reloaded(chromedp.Click(css(`#commit`)), `#my-status`),
		leave,
	)
	drawURL, _, _ = strings.Cut(drawURL, "?")
	key := drawURL[strings.LastIndex(drawURL, "/")+1:]
	const phrase = "消防大队联络员的秘密短语"
	stage("the fire brigade's liaison commits and reveals a typed secret",
		staffIn(base, "xfjy"),
		chromedp.Navigate(drawURL),
		chromedp.WaitVisible(css(`#commit-form`)),
		chromedp.SendKeys(css(`#secret-typed`), phrase),
		confirmYes(),
		reloaded(chromedp.Click(css(`#commit`)), `#reveal-form`),
		chromedp.SendKeys(css(`#reveal-typed`), phrase),
		reloaded(chromedp.Click(css(`#reveal`)), `#my-status`),
		leave,
	)
	stage("the lead reveals and enters the public value",
		staffIn(base, "scjg"),
		chromedp.Navigate(drawURL),
		chromedp.WaitVisible(css(`#reveal-form`)),
		chromedp.SendKeys(css(`#reveal-secret`), secret),
		reloaded(chromedp.Click(css(`#reveal`)), `#public-value`),
		chromedp.SendKeys(css(`#public-value`), "05 11 16 23 28 33\n07"),
		reloaded(chromedp.Click(css(`#enter-public-value`)), `#public-pending`),
		leave,
	)
	stage("the office enters it again, executes and dispatches",
		staffIn(base, "office"),
		chromedp.Navigate(drawURL),
		chromedp.WaitVisible(css(`#public-value`)),
		chromedp.SendKeys(css(`#public-value`), "5 11 16 23 28 33\n7"),
		reloaded(chromedp.Click(css(`#enter-public-value`)), `#execute`),
		confirmYes(),
		reloaded(chromedp.Click(css(`#execute`)), `#draw-result`),
		into(chromedp.Text(css(`#draw-state`)), &drawState),
		shot(t, dir, "year-05-draw-executed"),
		reloaded(chromedp.Click(css(`#dispatch`)), `#batches`),
		leave,
	)
	if drawState != "已执行" {
		t.Fatalf("draw state %q", drawState)
	}
	visits, err := w.store.ListVisits(t.Context(), domain.System, domain.VisitFilter{Year: 2026})
	if err != nil || len(visits.Items) != 1 {
		t.Fatalf("visits after dispatch: %+v, %v", visits, err)
	}
	v := visits.Items[0]
	in, err := w.store.Inspection(t.Context(), w.fx.Office, v.ID)
	if err != nil || len(in.Parts) != 2 {
		t.Fatalf("inspection: %+v, %v", in, err)
	}
	parts := map[int64]domain.InspectPart{}
	for _, p := range in.Parts {
		parts[p.DepartmentID] = p
	}
	finding := parts[lead].Items[0]
	due := time.Now().AddDate(0, 0, 15).Format("2006-01-02")
	stage("the market regulator's inspector", inspectPart(base, w.inspectors[lead], v.ID, parts[lead],
		map[int64]string{finding.ItemID: "《中华人民共和国食品安全法》第三十三条"}, w.photo))
	stage("the fire brigade's inspector", inspectPart(base, w.inspectors[co], v.ID, parts[co], nil, w.photo))
	stage("the lead closes the joint record", closeRecord(base, "scjg", v.ID, domain.CatRectified, domain.DispRectify, due, "责令十五日内整改，逾期复查"))
	var received, sent string
	stage("the lead refers the finding to the environment bureau",
		staffIn(base, "scjg"),
		referFinding(base, v.ID, w.third.ID, "后厨油烟排放问题属贵局职责，请依法处理"),
		shot(t, dir, "year-06-referral-sent"),
		leave,
	)
	stage("the environment bureau receives and accepts it from its inbox",
		staffIn(base, "sthj"),
		acceptFromInbox(base, &received),
		shot(t, dir, "year-07-referral-accepted"),
		leave,
	)
	stage("the lead sees it accepted",
		staffIn(base, "scjg"),
		sentReferralState(base, &sent),
		leave,
	)
	if received != "已受理" || sent != "已受理" {
		t.Errorf("the referral after acceptance: receiver sees %q, sender %q, want 已受理", received, sent)
	}
	stage("both departments publish", publishPart(base, "scjg", v.ID, parts[lead].ID), publishPart(base, "xfjy", v.ID, parts[co].ID))

	var business, bundle string
	stage("the public finds the result and the draw",
		chromedp.Navigate(base+"/search?lang=zh-CN"),
		chromedp.WaitVisible(css(`#q`)),
		chromedp.SendKeys(css(`#q`), v.EntityCode),
		reloaded(chromedp.Submit(css(`#q`)), `table.results a`),
		reloaded(chromedp.Click(css(`table.results a`)), `#inspections`),
		into(chromedp.Text(css(`#inspections`)), &business),
		shot(t, dir, "year-08-public-result"),
		chromedp.Navigate(base+"/draws/"+key+"?lang=zh-CN"),
		chromedp.WaitVisible(css(`#draw-result`)),
		shot(t, dir, "year-09-public-draw"),
		into(chromedp.Evaluate[string](`fetch(document.querySelector('a[href$="/bundle.json"]').href).then(r => r.text())`, chromedp.EvalAwaitPromise), &bundle),
	)
	for _, want := range []string{"发现问题已责令改正", "不符合", finding.Name, "公示日志第", "抄告相关部门：" + w.third.Name + "，已受理", "责令改正，待复查"} {
		if !strings.Contains(business, want) {
			t.Errorf("the public result lacks %q:\n%s", want, business)
		}
	}
	bd, err := draw.ReadBundle(strings.NewReader(bundle))
	if err != nil {
		t.Fatalf("the public bundle: %v", err)
	}
	rep, err := draw.Verify(bd, nil)
	if err != nil || !rep.OK() || len(bd.Result.Visits) != 1 || bd.Result.Visits[0].Code != v.EntityCode {
		t.Fatalf("the public bundle does not verify to the visited business: %v %+v", err, rep)
	}

	var figVisits, overview string
	stage("the office reads the dashboard and the annual summary",
		staffIn(base, "office"),
		chromedp.Navigate(base+"/staff/dashboard?year=2026"),
		chromedp.WaitVisible(css(`#fig-visits`)),
		into(chromedp.Text(css(`#fig-visits`)), &figVisits),
		shot(t, dir, "year-10-dashboard"),
		chromedp.Navigate(base+"/staff/summary?year=2026"),
		chromedp.WaitVisible(css(`#summary-overview`)),
		into(chromedp.Text(css(`#summary-overview`)), &overview),
		shot(t, dir, "year-11-summary"),
	)
	if strings.Join(strings.Fields(figVisits), "") != "1/1" {
		t.Errorf("dashboard visits %q, want 1 / 1", figVisits)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(overview, "\n") {
		if f := strings.Split(line, "\t"); len(f) == 2 {
			rows[strings.TrimSpace(f[0])] = strings.TrimSpace(f[1])
		}
	}
	for name, want := range map[string]string{"检查户次": "1", "已完成检查户次": "1", "联合检查户次": "1", "已公示结果": "2",
		"后续处置件数": "1", "抄告移交未办结": "1"} {
		if rows[name] != want {
			t.Errorf("summary %s = %q, want %s\n%s", name, rows[name], want, overview)
		}
	}
}
