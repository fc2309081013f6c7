package web

import (
	"context"
	"errors"
	"html"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/i18n"
)

const xss = `<script>alert("x")</script><img src=x onerror=alert(1)>`

// TestFreeTextRenderedInert stores an XSS payload in every free-text field
// and checks that no page emits it as markup.
func TestFreeTextRenderedInert(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ent := &domain.Entity{Code: code(t, 31), Name: "饭店" + xss, IndustryCode: "catering", TownshipCode: "140827100",
		Address: xss, LegalRep: xss, RiskClass: domain.RiskA}
	if err := e.store.SaveEntity(ctx, domain.System, ent); err != nil {
		t.Fatal(err)
	}
	in := &domain.Inspector{DepartmentID: e.fx.Dept.ID, Name: "张" + xss, CertNo: "X1", CertExpiry: domain.Date{Year: 2030, Month: 1, Day: 1},
		Labels: []string{xss}, Expertise: xss, Status: domain.InspectorOnDuty, Phone: xss,
		Conflicts: []domain.Conflict{{EntityCode: ent.Code, Reason: xss, DeclaredOn: domain.Date{Year: 2026, Month: 1, Day: 1}}}}
	if err := e.store.SaveInspector(ctx, domain.System, in); err != nil {
		t.Fatal(err)
	}
	d := e.fx.Dept
	d.Liaison, d.Leader, d.ShortName = xss, xss, xss
	if err := e.store.SaveDepartment(ctx, domain.System, &d); err != nil {
		t.Fatal(err)
	}
	e.addUser("xssuser", domain.RoleDiscipline, 0)
	office := e.login(t, "office")
	pages := []string{
		"/entity/" + ent.Code,
		"/search?q=" + url.QueryEscape("饭店"),
		"/search?q=" + url.QueryEscape(xss),
		"/staff/entities?q=" + url.QueryEscape(xss),
		"/staff/entities",
		"/staff/entities/" + itoa(ent.ID),
		"/staff/entities/" + itoa(ent.ID) + "/edit",
		"/staff/inspectors",
		"/staff/inspectors?label=" + url.QueryEscape(xss),
		"/staff/inspectors/" + itoa(in.ID),
		"/staff/inspectors/" + itoa(in.ID) + "/edit",
		"/staff/departments",
		"/staff/departments/" + itoa(d.ID) + "/edit",
		"/staff/audit",
		"/staff/users",
		"/staff/",
	}
	for _, p := range pages {
		r := e.get(office, p)
		if r.Status != http.StatusOK {
			t.Errorf("%s: status %d", p, r.Status)
			continue
		}
		if strings.Contains(r.Body, "<script>alert") || strings.Contains(r.Body, "<img src=x") {
			t.Errorf("%s: payload rendered as markup", p)
		}
	}
	if r := e.get(e.client(), "/login?next="+url.QueryEscape(`"><script>alert(1)</script>`)); strings.Contains(r.Body, "<script>alert") {
		t.Errorf("login page reflects next= as markup")
	}
	// And the text is there, escaped, where it belongs.
	if r := e.get(office, "/staff/entities/"+itoa(ent.ID)); !strings.Contains(r.Body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
		t.Errorf("escaped payload not shown on the entity page")
	}
	// A form re-shown with errors keeps the payload inert too.
	r := e.post(office, "/staff/entities", url.Values{"code": {xss}, "name": {xss}, "risk_set_on": {xss}})
	if r.Status != http.StatusUnprocessableEntity || strings.Contains(r.Body, "<script>alert") {
		t.Errorf("invalid form with payload: %d, inert=%v", r.Status, !strings.Contains(r.Body, "<script>alert"))
	}
}

func TestLanguageSwitch(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	if r := e.get(c, "/"); !strings.Contains(r.Body, `lang="zh-CN"`) || !strings.Contains(r.Body, "检查对象查询") {
		t.Errorf("default page is not Chinese")
	}
	r := e.get(c, "/?lang=en")
	if !strings.Contains(r.Body, `lang="en"`) || !strings.Contains(r.Body, "Find a business") {
		t.Errorf("?lang=en page is not English")
	}
	if !strings.Contains(r.Header.Get("Set-Cookie"), "lang=en") {
		t.Errorf("?lang=en did not set the cookie: %q", r.Header.Get("Set-Cookie"))
	}
	// The choice sticks on the next page, via the cookie.
	if r := e.get(c, "/about"); !strings.Contains(r.Body, "About the joint inspection scheme") {
		t.Errorf("cookie did not keep English")
	}
	if r := e.get(e.client(), "/about", "Accept-Language", "en-GB,en;q=0.8"); !strings.Contains(r.Body, `lang="en"`) {
		t.Errorf("Accept-Language en not honoured")
	}
	// Both languages' switch links are on every page.
	for _, want := range []string{"中文", "English", "?lang=en", "?lang=zh-CN"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("page lacks language switch part %q", want)
		}
	}
	// Staff pages too, and the validation messages.
	office := e.login(t, "office")
	r = e.post(office, "/staff/entities?lang=en", url.Values{"name": {""}, "code": {"123"}})
	if !strings.Contains(r.Body, "Please correct the marked fields") || strings.Contains(r.Body, "请更正") {
		t.Errorf("English form errors not in English")
	}
}

// TestConcurrentLanguagesDoNotMix renders pages in two languages at once:
// the printer lives in the page data, so they cannot bleed into each other.
func TestConcurrentLanguagesDoNotMix(t *testing.T) {
	e := newEnv(t)
	errs := make(chan error, 40)
	for i := range 40 {
		go func() {
			lang, want, not := "zh-CN", "检查对象查询", "Find a business"
			if i%2 == 1 {
				lang, want, not = "en", "Find a business", "检查对象查询"
			}
			req, _ := http.NewRequest("GET", e.ts.URL+"/about?lang="+lang, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				errs <- err
				return
			}
			defer resp.Body.Close()
			var b strings.Builder
			_, _ = io.Copy(&b, resp.Body)
			if !strings.Contains(b.String(), want) || strings.Contains(b.String(), not) {
				errs <- errors.New("page in " + lang + " contains the other language")
				return
			}
			errs <- nil
		}()
	}
	for range 40 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestEmptyStatesAndPrintableLayout(t *testing.T) {
	e := newEnv(t)
	office := e.login(t, "office")
	for path, want := range map[string]string{
		"/search?q=" + url.QueryEscape("不存在的企业"): "没有找到与“不存在的企业”匹配的检查对象",
		"/staff/entities?q=nothing":              "没有符合条件的检查对象",
		"/staff/inspectors?q=nothing":            "没有符合条件的执法检查人员",
		"/staff/audit?type=industry&key=none":    "暂无审计记录",
	} {
		c := office
		if strings.HasPrefix(path, "/search") {
			c = e.client()
		}
		r := e.get(c, path)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, want) {
			t.Errorf("%s: %d, lacks empty state %q", path, r.Status, want)
		}
	}
	// Navigation is in elements the print stylesheet hides.
	r := e.get(office, "/staff/entities")
	css := regexp.MustCompile(`href="(/static/[0-9a-f]+/app\.css)"`).FindStringSubmatch(r.Body)
	if css == nil {
		t.Fatal("no stylesheet link")
	}
	st := e.get(e.client(), css[1])
	if st.Status != 200 || !strings.Contains(st.Header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(st.Header.Get("Content-Type"), "text/css") {
		t.Errorf("stylesheet: %d %q %q", st.Status, st.Header.Get("Cache-Control"), st.Header.Get("Content-Type"))
	}
	printRules := st.Body[strings.Index(st.Body, "@media print"):]
	for _, sel := range []string{".mainnav", ".tools", ".filters", ".pager", ".noprint"} {
		if !strings.Contains(r.Body, `class="`+sel[1:]) && sel != ".noprint" && sel != ".pager" {
			t.Errorf("page has no %s element", sel)
		}
		if !strings.Contains(printRules, sel) {
			t.Errorf("print stylesheet does not hide %s", sel)
		}
	}
	if r := e.get(e.client(), "/static/000000000000/app.css"); r.Status != http.StatusNotFound {
		t.Errorf("stale checksum path: %d, want 404", r.Status)
	}
}

// TestBadParametersNeverServerError throws hand-edited URLs at the
// listings: defaults or 404, never a 500.
func TestBadParametersNeverServerError(t *testing.T) {
	e := newEnv(t)
	e.seedEntity("参数测试店", 41)
	office := e.login(t, "office")
	for _, p := range []string{
		"/staff/entities?page=-3&size=99999&sort=drop%20table&risk=Z&status=x",
		"/staff/entities?page=abc&size=abc",
		"/staff/inspectors?department=abc&expert=maybe&sort=;--",
		"/staff/audit?actor=x&page=99999",
		"/staff/entities/99999999999999999999999",
		"/staff/inspectors/-1/edit",
		"/staff/entities/export?format=pdf",
		"/search?q=%25%27%22&page=-1",
		"/entity/%00",
		"/entity/" + strings.Repeat("A", 500),
	} {
		r := e.get(office, p)
		if r.Status >= 500 {
			t.Errorf("%s: status %d\n%.300s", p, r.Status, r.Body)
		}
	}
	if r := e.get(office, "/entity/91000000000000000X"); r.Status != http.StatusNotFound {
		t.Errorf("unknown business: %d, want 404", r.Status)
	}
}

// TestErrorKindsMapToStatuses checks fail: each kind its status, the
// message translated, and an internal error's detail only in the log.
func TestErrorKindsMapToStatuses(t *testing.T) {
	e := newEnv(t)
	var logs strings.Builder
	srv, err := New(Options{Store: e.store, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		err    error
		status int
		text   string
	}{
		{domain.E("op", domain.KindInvalid, "err.bad_date"), 422, "不是有效日期"},
		{domain.E("op", domain.KindNotFound, "err.not_found"), 404, "记录不存在"},
		{domain.E("op", domain.KindConflict, "err.conflict"), 409, "与现有记录冲突"},
		{domain.E("op", domain.KindForbidden, "err.forbidden"), 403, "无权执行此操作"},
		{domain.E("op", domain.KindTooMany, "err.too_many"), 429, "尝试次数过多"},
		{domain.E("op", domain.KindUnauthorized, "err.unauthorized"), 303, ""},
		{errors.New("pq: connection refused at 10.0.0.7 secret-detail"), 500, "内部错误"},
	} {
		t.Run(string(domain.ErrorKind(tc.err)), func(t *testing.T) {
			rec := newRecorder()
			srv.fail(rec, httpGet("/staff/x"), nil, tc.err)
			if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.text) {
				t.Errorf("status %d, want %d with %q", rec.Code, tc.status, tc.text)
			}
			if strings.Contains(rec.Body.String(), "secret-detail") {
				t.Errorf("internal detail leaked to the page")
			}
		})
	}
	if !strings.Contains(logs.String(), "secret-detail") {
		t.Errorf("internal detail not logged")
	}
}

// TestTemplateKeysTranslated finds every literal key the templates pass to
// the printer and checks both catalogues have it: a missing key would show
// up on screen as "web.something".
func TestTemplateKeysTranslated(t *testing.T) {
	re := regexp.MustCompile(`\.T "([a-zA-Z0-9_.]+)"`)
	n := 0
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFS, p)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			n++
			for _, l := range i18n.Langs {
				if got := i18n.For(l).T(m[1]); got == m[1] {
					t.Errorf("%s: key %q missing in %s", p, m[1], l)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 100 {
		t.Errorf("found only %d keys; is the pattern still right?", n)
	}
	// The keys built at run time from the domain's closed sets.
	for _, l := range i18n.Langs {
		p := i18n.For(l)
		var keys []string
		for _, k := range domain.EntityKinds {
			keys = append(keys, "web.kind."+string(k))
		}
		for _, s := range domain.RegStatuses {
			keys = append(keys, "web.status."+string(s))
		}
		for _, r := range domain.RiskClasses {
			keys = append(keys, "web.risk."+string(r))
		}
		for _, s := range domain.InspectorStatuses {
			keys = append(keys, "web.istatus."+string(s))
		}
		for _, r := range domain.Roles {
			keys = append(keys, "web.role."+string(r))
		}
		for _, k := range keys {
			if p.T(k) == k {
				t.Errorf("%s: key %q missing", l, k)
			}
		}
	}
}

func TestNewFailsWithoutStore(t *testing.T) {
	if _, err := New(Options{}); err == nil {
		t.Error("New without a store succeeded")
	}
}

func TestDiffJSONReadable(t *testing.T) {
	ref := &reference{Department: map[int64]string{3: "垣曲县卫生健康局"}, Industry: map[string]string{"catering": "餐饮服务"},
		Township: map[string]string{"140827100": "新城镇"}}
	got := diffJSON(i18n.For(i18n.ZH), ref,
		`{"id":1,"name":"甲","industry":"catering","status":"active","expert":false,"department_id":3,"updated_at":"x"}`,
		`{"id":1,"name":"乙","industry":"catering","status":"cancelled","expert":true,"department_id":3,"township":"140827100","updated_at":"y"}`)
	want := []fieldChange{
		{Field: "业务专家", Before: "否", After: "是"},
		{Field: "乡镇", Before: "", After: "新城镇"},
		{Field: "名称", Before: "甲", After: "乙"},
		{Field: "状态", Before: "存续", After: "注销"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("diffJSON (-want +got):\n%s", diff)
	}
}

// TestChromePerLanguageAndSection checks that the reused renderings of the
// masthead, the portal's navigation and the footer (renderChrome) follow
// the page's language, side and section: each request gets its own, not
// the first one made.
func TestChromePerLanguageAndSection(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		path, current string
		lang          i18n.Lang
	}{
		{"/search?lang=en", "/search", i18n.EN},
		{"/about?lang=zh", "/about", i18n.ZH},
		{"/search?lang=zh", "/search", i18n.ZH},
		{"/about?lang=en", "/about", i18n.EN},
	} {
		p := i18n.For(c.lang)
		other := i18n.For(map[i18n.Lang]i18n.Lang{i18n.EN: i18n.ZH, i18n.ZH: i18n.EN}[c.lang])
		body := e.get(e.client(), c.path).Body
		if want := `<a href="` + c.current + `" aria-current="page">`; !strings.Contains(body, want) {
			t.Errorf("%s: no %s", c.path, want)
		}
		if n := strings.Count(body, `aria-current="page"`); n != 1 {
			t.Errorf("%s: %d links marked current, want 1", c.path, n)
		}
		for _, key := range []string{"web.nav.search", "web.nav.about", "web.footer.owner", "web.brand.portal", "web.skip"} {
			if !strings.Contains(body, html.EscapeString(p.T(key))) || strings.Contains(body, html.EscapeString(other.T(key))) {
				t.Errorf("%s: %s not in %s only", c.path, key, c.lang)
			}
		}
	}
	staff := e.get(e.login(t, "office"), "/staff/?lang=en").Body
	en := i18n.For(i18n.EN)
	if !strings.Contains(staff, html.EscapeString(en.T("web.footer.owner"))) || !strings.Contains(staff, en.T("web.brand.staff")) ||
		strings.Contains(staff, en.T("web.brand.portal")) || strings.Contains(staff, `<a href="/cases"`) {
		t.Error("staff page: want the English footer and staff brand, and no portal brand or navigation")
	}
}
