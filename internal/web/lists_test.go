package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// listsWorld adds to the env a third department (生态环境分局, with its user
// "sthj") and three catalogue items for each of the lead (市场监管局), the
// first co-department (消防大队) and the second.
type listsWorld struct {
	e     *env
	third domain.Department
	items map[int64][]*domain.CatalogItem
}

func newListsWorld(t *testing.T, e *env) *listsWorld {
	t.Helper()
	ctx := t.Context()
	w := &listsWorld{e: e, items: map[int64][]*domain.CatalogItem{}}
	w.third = domain.Department{Code: "STHJ", Name: "运城市生态环境局垣曲分局", ShortName: "生态环境分局"}
	if err := e.store.SaveDepartment(ctx, domain.System, &w.third); err != nil {
		t.Fatal(err)
	}
	e.addUser("sthj", domain.RoleDepartment, w.third.ID)
	names := map[string][]string{
		"SCJG": {"食品经营许可", "从业人员健康管理", "进货查验记录"},
		"XFJY": {"疏散通道与安全出口", "灭火器材配置", "消防安全责任制"},
		"STHJ": {"油烟净化设施", "危险废物贮存", "排污登记"},
	}
	for _, d := range []domain.Department{e.fx.Dept, e.fx.OtherDept, w.third} {
		for i, n := range names[d.Code] {
			it := &domain.CatalogItem{DepartmentID: d.ID, Code: fmt.Sprintf("%s-%d", d.Code, i+1), Name: n, Content: "检查" + n, LegalBasis: "《相关法律》第" + strconv.Itoa(i+1) + "条"}
			if err := e.store.SaveCatalogItem(ctx, domain.System, it); err != nil {
				t.Fatal(err)
			}
			w.items[d.ID] = append(w.items[d.ID], it)
		}
	}
	return w
}

// TestBrowserJointList is the life of a joint list in a real browser: the
// lead department drafts the catering list with two co-departments, each
// confirms its part, the office publishes, the public finds the list on
// the portal; then version 2 drops one item and adds another, and the
// public diff shows exactly that.
func TestBrowserJointList(t *testing.T) {
	e := newEnv(t)
	w := newListsWorld(t, e)
	// Four users each log in and act: on a loaded machine (the CI runs
	// the packages in parallel) this takes longer than one page.
	ctx := browserWithin(t, 5*time.Minute)
	dir := artifacts(t)
	lead, co1, co2 := e.fx.Dept.ID, e.fx.OtherDept.ID, w.third.ID
	part := func(dept int64) string { return "#part-" + strconv.FormatInt(dept, 10) }
	check := func(dept int64, code string) chromedp.Action[chromedp.Void] {
		return chromedp.Click(css(part(dept) + ` input[data-code="` + code + `"]`))
	}
	save := func(dept int64) chromedp.Action[chromedp.Void] {
		return reloaded(chromedp.Click(css(part(dept)+` form.part-form button`)), `.notice`)
	}
	confirm := func(dept int64) chromedp.Action[chromedp.Void] {
		return reloaded(chromedp.Click(css(part(dept)+` form.confirm-form button`)), `.notice`)
	}
	login := func(user string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(
			chromedp.Navigate(e.ts.URL+"/login?lang=zh-CN"),
			chromedp.WaitVisible(css(`#username`)),
			chromedp.SendKeys(css(`#username`), user),
			chromedp.SendKeys(css(`#password`), "password1234"),
			reloaded(chromedp.Submit(css(`#password`)), `form[action="/logout"]`),
		)
	}
	// goTo navigates to the URL *u holds when the step runs, not when the
	// steps are built.
	goTo := func(u *string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Navigate(*u)(ctx, tg)
			return err
		})
	}
	logout := reloaded(chromedp.Click(css(`form[action="/logout"] button`)), `.login-link`)
	var draftURL, status, doc, found, diffAdded, diffRemoved string
	var changed []*chromedp.Node
	err := chromedp.Do(ctx,
		// The lead department drafts the list and fills its own part and
		// the first co-department's.
		login("scjg"),
		chromedp.Navigate(e.ts.URL+"/staff/lists"),
		chromedp.WaitVisible(css(`#new-list`)),
		chromedp.SetValue(css(`#industry`), "catering"),
		chromedp.Click(css(`#new-list input[data-code="XFJY"]`)),
		chromedp.Click(css(`#new-list input[data-code="STHJ"]`)),
		chromedp.SendKeys(css(`#subject`), "餐饮服务经营者"),
		reloaded(chromedp.Submit(css(`#subject`)), part(lead)),
		into(chromedp.Location(), &draftURL),
		check(lead, "SCJG-1"), check(lead, "SCJG-2"), save(lead),
		check(co1, "XFJY-1"), check(co1, "XFJY-2"), save(co1),
		shot(t, dir, "list-draft-lead"),
		logout,
		// The first co-department confirms what the lead drafted for it.
		login("xfjy"),
		goTo(&draftURL),
		chromedp.WaitVisible(css(part(co1)+` form.confirm-form`)),
		confirm(co1),
		logout,
		// The second picks its own items and confirms.
		login("sthj"),
		goTo(&draftURL),
		chromedp.WaitVisible(css(part(co2)+` form.part-form`)),
		check(co2, "STHJ-1"), check(co2, "STHJ-2"), save(co2),
		confirm(co2),
		logout,
		// The office publishes.
		login("office"),
		goTo(&draftURL),
		chromedp.WaitVisible(css(`#publish-form`)),
		reloaded(chromedp.Click(css(`#publish-form button`)), `.notice`),
		into(chromedp.Text(css(`#version-status`)), &status),
		logout,
		// The public finds it by a co-department's item.
		chromedp.Navigate(e.ts.URL+"/lists?lang=zh-CN"),
		chromedp.WaitVisible(css(`#q`)),
		chromedp.SendKeys(css(`#q`), "油烟"),
		reloaded(chromedp.Submit(css(`#q`)), `#public-lists`),
		into(chromedp.Text(css(`#public-lists`)), &found),
		reloaded(chromedp.Click(css(`#public-lists a`)), `#list-items`),
		into(chromedp.Text(css(`#list-doc`)), &doc),
		shot(t, dir, "list-public-v1"),
	)
	if err != nil {
		t.Fatalf("browser, version 1: %v", err)
	}
	if status != "已发布" {
		t.Errorf("status after publishing = %q", status)
	}
	if !strings.Contains(found, "餐饮服务") {
		t.Errorf("public search for 油烟 found:\n%s", found)
	}
	for _, want := range []string{"食品经营许可", "从业人员健康管理", "疏散通道与安全出口", "灭火器材配置", "油烟净化设施", "危险废物贮存", "市场监管局", "消防大队", "生态环境分局", "第1版"} {
		if !strings.Contains(doc, want) {
			t.Errorf("public list lacks %q:\n%s", want, doc)
		}
	}
	if strings.Contains(doc, "进货查验记录") {
		t.Errorf("public list shows an item that was not chosen:\n%s", doc)
	}

	l, err := e.store.GetJointListByIndustry(t.Context(), domain.Actor{}, "catering")
	if err != nil {
		t.Fatal(err)
	}
	listURL := e.ts.URL + "/staff/lists/" + strconv.FormatInt(l.ID, 10)
	err = chromedp.Do(ctx,
		// Version 2: the lead opens it with a reason and, in the second
		// co-department's part, drops 危险废物贮存 and adds 排污登记.
		login("scjg"),
		chromedp.Navigate(listURL),
		chromedp.WaitVisible(css(`#new-version`)),
		chromedp.SendKeys(css(`#reason`), "依据排污许可管理条例调整"),
		reloaded(chromedp.Submit(css(`#reason`)), part(co2)+` form.part-form`),
		into(chromedp.Location(), &draftURL),
		check(co2, "STHJ-2"), check(co2, "STHJ-3"), save(co2),
		logout,
		login("xfjy"), goTo(&draftURL), chromedp.WaitVisible(css(part(co1)+` form.confirm-form`)), confirm(co1), logout,
		login("sthj"), goTo(&draftURL), chromedp.WaitVisible(css(part(co2)+` form.confirm-form`)), confirm(co2), logout,
		login("office"), goTo(&draftURL), chromedp.WaitVisible(css(`#publish-form`)), reloaded(chromedp.Click(css(`#publish-form button`)), `.notice`), logout,
		// The public reads the history and the diff.
		chromedp.Navigate(e.ts.URL+"/lists/catering?lang=zh-CN"),
		chromedp.WaitVisible(css(`#list-history`)),
		reloaded(chromedp.Click(css(`#list-history a.diff-link`)), `#diff-added`),
		into(chromedp.Text(css(`#diff-added`)), &diffAdded),
		into(chromedp.Text(css(`#diff-removed`)), &diffRemoved),
		into(chromedp.Nodes(css(`#diff-changed`), chromedp.AtLeast(0)), &changed),
		shot(t, dir, "list-public-diff"),
	)
	if err != nil {
		t.Fatalf("browser, version 2: %v", err)
	}
	if !strings.Contains(diffAdded, "排污登记") || strings.Count(diffAdded, "\n") > 0 && strings.Contains(diffAdded, "油烟") {
		t.Errorf("added items:\n%s", diffAdded)
	}
	if !strings.Contains(diffRemoved, "危险废物贮存") || strings.Contains(diffRemoved, "排污登记") {
		t.Errorf("removed items:\n%s", diffRemoved)
	}
	if len(changed) != 0 {
		t.Errorf("the diff shows changed items; none changed")
	}
	d, err := e.store.DiffJointListVersions(t.Context(), domain.Actor{}, l.ID, 1, 2)
	if err != nil || len(d.Added) != 1 || len(d.Removed) != 1 || len(d.Changed)+len(d.Header)+len(d.AddedDepartments)+len(d.RemovedDepartments) != 0 {
		t.Errorf("store diff = %+v, %v", d, err)
	}
}

// TestListPagesRights checks the staff forms against the rights: a
// co-department cannot edit the lead's part or the header, nor publish;
// the public sees no draft.
func TestListPagesRights(t *testing.T) {
	e := newEnv(t)
	w := newListsWorld(t, e)
	ctx := t.Context()
	lead, co := e.fx.Dept.ID, e.fx.OtherDept.ID
	v, err := e.store.CreateJointList(ctx, domain.System, "catering", lead,
		domain.ListHeader{Subject: "经营者", Frequency: 1, Ratios: domain.Ratios{domain.RiskA: 100, domain.RiskB: 200, domain.RiskC: 300, domain.RiskD: 400}}, []int64{co})
	if err != nil {
		t.Fatal(err)
	}
	base := "/staff/versions/" + strconv.FormatInt(v.ID, 10)
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	coClient, leadClient := e.login(t, "xfjy"), e.login(t, "scjg")
	for _, c := range []struct {
		name   string
		client *http.Client
		path   string
		form   url.Values
		want   int
	}{
		{"co edits the lead's part", coClient, base + "/parts/" + id(lead), url.Values{"item": {id(w.items[lead][0].ID)}}, http.StatusForbidden},
		{"co edits the header", coClient, base + "/header", url.Values{"subject": {"x"}, "frequency": {"1"}, "ratio_A": {"1"}, "ratio_B": {"1"}, "ratio_C": {"1"}, "ratio_D": {"1"}}, http.StatusForbidden},
		{"co publishes", coClient, base + "/publish", nil, http.StatusForbidden},
		{"lead publishes", leadClient, base + "/publish", nil, http.StatusForbidden},
		{"lead confirms for the co-department", leadClient, base + "/parts/" + id(co) + "/confirm", nil, http.StatusForbidden},
		{"co edits its own part", coClient, base + "/parts/" + id(co), url.Values{"item": {id(w.items[co][0].ID)}}, http.StatusSeeOther},
		{"co confirms its part", coClient, base + "/parts/" + id(co) + "/confirm", nil, http.StatusSeeOther},
		{"lead picks another department's item", leadClient, base + "/parts/" + id(lead), url.Values{"item": {id(w.items[co][1].ID)}}, http.StatusUnprocessableEntity},
	} {
		t.Run(c.name, func(t *testing.T) {
			if r := e.post(c.client, c.path, c.form); r.Status != c.want {
				t.Errorf("status %d, want %d\n%s", r.Status, c.want, r.Body)
			}
		})
	}
	if r := e.get(e.client(), "/lists/catering"); r.Status != http.StatusNotFound {
		t.Errorf("public sees a draft-only list: %d", r.Status)
	}
	// The lead's page offers no confirm button for the co-department, the
	// co-department's no publish button.
	if r := e.get(coClient, base); strings.Contains(r.Body, `id="publish-form"`) || !strings.Contains(r.Body, "confirm-form") {
		t.Errorf("co-department's page: publish offered or own confirmation missing")
	}
}
