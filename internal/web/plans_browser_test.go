package web

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// logIn logs in through the form (any session is ended first).
func logIn(base, user string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(base+"/login?lang=zh-CN"),
		chromedp.WaitVisible(css(`#username`)),
		chromedp.SendKeys(css(`#username`), user),
		chromedp.SendKeys(css(`#password`), storetest.Password),
		chromedp.Submit(css(`#password`)),
		chromedp.WaitVisible(css(`.figures`)),
	)
}

func logOut() chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		reloaded(chromedp.Click(css(`form[action="/logout"] button`)), `.login-link`),
	)
}

// TestBrowserPlanToPortal is issue 4's path in a real browser: the lead
// department drafts two tasks from the published joint list and lodges
// them; the office files and publishes the plan; the department files an
// adjustment of one task's ratio; the office accepts it; the portal shows
// the plan with the new ratio and the adjustment with its reason.
func TestBrowserPlanToPortal(t *testing.T) {
	e := newEnv(t)
	storetest.SeedJointList(t, e.store, e.fx, "catering")
	plan := &domain.Plan{Year: 2026, Title: "2026年度“一业一查”部门联合抽查计划"}
	if err := e.store.CreatePlan(t.Context(), e.fx.Office, plan); err != nil {
		t.Fatal(err)
	}
	ctx := browserWithin(t, 5*time.Minute)
	dir := artifacts(t)
	base := e.ts.URL
	planURL := base + "/staff/plans/" + idString(plan.ID)
	draft := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(
			chromedp.Navigate(planURL+"/tasks/new"),
			chromedp.WaitVisible(css(`#pick-list a`)),
			reloaded(chromedp.Click(css(`#pick-list a`)), `#task-form`),
			chromedp.SetValue(css(`#name`), name),
			reloaded(chromedp.Click(css(`#save-task`)), `#submit-task`),
			reloaded(chromedp.Click(css(`#submit-task`)), `.notice`),
		)
	}
	const reason = "近期投诉举报增多，提高C类主体抽查比例"
	var state, taskState, portalTable, portalAdj, accepted string
	err := chromedp.Do(ctx,
		logIn(base, "scjg"),
		draft("餐饮服务单位联合抽查（上半年）"),
		shot(t, dir, "plan-task-lodged"),
		into(chromedp.Text(css(`#task-state`)), &taskState),
		draft("餐饮服务单位联合抽查（下半年）"),
		logOut(),

		logIn(base, "office"),
		chromedp.Navigate(planURL),
		chromedp.WaitVisible(css(`#file-plan`)),
		reloaded(chromedp.Click(css(`#file-plan`)), `#publish-plan`),
		reloaded(chromedp.Click(css(`#publish-plan`)), `.notice`),
		into(chromedp.Text(css(`#plan-state`)), &state),
		shot(t, dir, "plan-published"),
		logOut(),

		logIn(base, "scjg"),
		chromedp.Navigate(planURL),
		chromedp.WaitVisible(css(`#plan-table`)),
		reloaded(chromedp.Click(css(`#plan-table tbody a`)), `#adjust-form`),
		chromedp.SetValue(css(`#adj-kind`), "change_ratio"),
		chromedp.SetValue(css(`#adj-ratio-C`), "20"),
		chromedp.SendKeys(css(`#adj-reason`), reason),
		reloaded(chromedp.Click(css(`#file-adjustment`)), `.notice`),
		logOut(),

		logIn(base, "office"),
		chromedp.Navigate(planURL+"/adjustments"),
		chromedp.WaitVisible(css(`#adjustment-table button.primary`)),
		reloaded(chromedp.Click(css(`#adjustment-table button.primary`)), `.notice`),
		into(chromedp.Text(css(`#adjustment-table`)), &accepted),
		shot(t, dir, "plan-adjustment-accepted"),

		chromedp.Navigate(base+"/plans/2026?lang=zh-CN"),
		chromedp.WaitVisible(css(`#portal-adjustments`)),
		into(chromedp.Text(css(`#plan-table`)), &portalTable),
		into(chromedp.Text(css(`#portal-adjustments`)), &portalAdj),
		shot(t, dir, "portal-plan"),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	if taskState != "已报备" {
		t.Errorf("lodged task state = %q", taskState)
	}
	if state != "已发布" {
		t.Errorf("plan state = %q", state)
	}
	if !strings.Contains(accepted, "已备案公示") {
		t.Errorf("adjustment table after acceptance:\n%s", accepted)
	}
	for _, want := range []string{"餐饮服务单位联合抽查（上半年）", "餐饮服务单位联合抽查（下半年）", "C 20%", "C 10%", "垣曲县市场监督管理局", "垣曲县消防救援大队"} {
		if !strings.Contains(portalTable, want) {
			t.Errorf("portal plan lacks %q:\n%s", want, portalTable)
		}
	}
	if !strings.Contains(portalAdj, reason) || !strings.Contains(portalAdj, "C:10%") || !strings.Contains(portalAdj, "C:20%") {
		t.Errorf("portal adjustments lack the reason or the change:\n%s", portalAdj)
	}
}
