package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// fieldMessage returns the error message shown with the input of field:
// inside the same field block, after the input. "" when there is none.
func fieldMessage(body, field string) string {
	i := strings.Index(body, `name="`+field+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	if j := strings.Index(rest, `<div class="field`); j >= 0 {
		rest = rest[:j]
	}
	if m := regexp.MustCompile(`<p class="field-error" role="alert">([^<]*)</p>`).FindStringSubmatch(rest); m != nil {
		return m[1]
	}
	return ""
}

func TestEntityFormValidationAndSave(t *testing.T) {
	e := newEnv(t)
	office := e.login(t, "office")
	c := code(t, 77)
	bad := c[:17] + string(wrongCheck(c[17]))
	r := e.post(office, "/staff/entities", url.Values{"code": {bad}, "name": {""}, "kind": {"enterprise"}, "industry": {"catering"},
		"township": {"140827100"}, "status": {"active"}, "risk_class": {"B"}, "risk_set_on": {"2026-02-30"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid entity: %d", r.Status)
	}
	for field, want := range map[string]string{
		"code":        "校验位错误",
		"name":        "必填",
		"risk_set_on": "不是有效日期",
	} {
		if got := fieldMessage(r.Body, field); !strings.Contains(got, want) {
			t.Errorf("message next to %s = %q, want %q", field, got, want)
		}
	}
	// The typed values come back so nothing is lost.
	if !strings.Contains(r.Body, `value="`+bad+`"`) {
		t.Errorf("typed code not kept in the form")
	}
	r = e.post(office, "/staff/entities", url.Values{"code": {c}, "name": {"垣曲县新店"}, "kind": {"enterprise"}, "industry": {"catering"},
		"township": {"140827100"}, "status": {"active"}, "risk_class": {"D"}, "risk_set_on": {"2026-02-28"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("valid entity: %d\n%.1000s", r.Status, r.Body)
	}
	page := e.get(office, r.Header.Get("Location"))
	if !strings.Contains(page.Body, "已保存") || !strings.Contains(page.Body, "D 类（高风险）") {
		t.Errorf("saved entity page lacks notice or risk class")
	}
	// The same code again is a conflict shown on the form.
	r = e.post(office, "/staff/entities", url.Values{"code": {c}, "name": {"重复"}, "kind": {"enterprise"}, "industry": {"catering"},
		"township": {"140827100"}, "status": {"active"}, "risk_class": {"D"}})
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, "已存在") {
		t.Errorf("duplicate code: %d", r.Status)
	}
	// An update appears in the history with the changed field.
	ent, err := e.store.GetEntityByCode(context.Background(), domain.System, c)
	if err != nil {
		t.Fatal(err)
	}
	r = e.post(office, "/staff/entities/"+itoa(ent.ID), url.Values{"name": {"垣曲县新店（更名）"}, "kind": {"enterprise"}, "industry": {"catering"},
		"township": {"140827101"}, "status": {"active"}, "risk_class": {"C"}, "risk_set_on": {"2026-03-01"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("update: %d\n%.800s", r.Status, r.Body)
	}
	page = e.get(office, "/staff/entities/"+itoa(ent.ID))
	for _, want := range []string{"变更记录", "修改检查对象", "<del>垣曲县新店</del>", "<ins>垣曲县新店（更名）</ins>"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("history lacks %q", want)
		}
	}
	// Inspectors see the entity but not its audit history.
	if page := e.get(e.login(t, "inspector"), "/staff/entities/"+itoa(ent.ID)); !strings.Contains(page.Body, "您无权查看本记录的审计日志") {
		t.Errorf("inspector's entity page does not say the history is not theirs to read")
	}
}

func TestInspectorPrivateFieldsAndConflicts(t *testing.T) {
	e := newEnv(t)
	ent := e.seedEntity("回避测试饭店", 88)
	in := e.seedInspector("赵执法", "SCJG0088", e.fx.Dept.ID)
	own := e.login(t, "scjg")
	r := e.post(own, "/staff/inspectors/"+itoa(in.ID), url.Values{"department": {itoa(e.fx.Dept.ID)}, "name": {"赵执法"},
		"cert_no": {"SCJG0088"}, "cert_expiry": {"2030-12-31"}, "status": {"on_duty"}, "labels": {"食品，餐饮、消防"},
		"id_number": {""}, "phone": {"13900000000"}, "conflicts": {ent.Code + " 亲属经营\n"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("save inspector: %d\n%.1500s", r.Status, r.Body)
	}
	got, err := e.store.GetInspector(context.Background(), domain.System, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Conflicts) != 1 || got.Conflicts[0].EntityCode != ent.Code || got.Conflicts[0].Reason != "亲属经营" || got.Conflicts[0].DeclaredOn.IsZero() {
		t.Errorf("conflicts = %+v", got.Conflicts)
	}
	if strings.Join(got.Labels, "|") != "食品|餐饮|消防" {
		t.Errorf("labels = %v", got.Labels)
	}
	page := e.get(own, "/staff/inspectors/"+itoa(in.ID))
	if !strings.Contains(page.Body, "亲属经营") || !strings.Contains(page.Body, "13900000000") {
		t.Errorf("own department does not see the private fields")
	}
	// Another department and the inspectors see the record without them.
	for _, who := range []string{"xfjy", "inspector"} {
		page := e.get(e.login(t, who), "/staff/inspectors/"+itoa(in.ID))
		if page.Status != http.StatusOK || strings.Contains(page.Body, "亲属经营") || strings.Contains(page.Body, "13900000000") {
			t.Errorf("%s sees private inspector data (status %d)", who, page.Status)
		}
	}
	// A bad conflict code is shown next to the conflicts field.
	r = e.post(own, "/staff/inspectors/"+itoa(in.ID), url.Values{"department": {itoa(e.fx.Dept.ID)}, "name": {"赵执法"},
		"cert_no": {"SCJG0088"}, "cert_expiry": {"2030-12-31"}, "status": {"on_duty"}, "conflicts": {"NOTACODE 理由"}})
	if r.Status != http.StatusUnprocessableEntity || fieldMessage(r.Body, "conflicts") == "" {
		t.Errorf("bad conflict: %d, message %q", r.Status, fieldMessage(r.Body, "conflicts"))
	}
}

func TestUserAdministration(t *testing.T) {
	e := newEnv(t)
	office := e.login(t, "office")
	r := e.post(office, "/staff/users", url.Values{"username": {"bad name"}, "display_name": {""}, "role": {"department"}, "password": {"short"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid user: %d", r.Status)
	}
	form := r.Body[strings.Index(r.Body, `action="/staff/users" `):]
	for _, f := range []string{"username", "display_name", "department", "password"} {
		if fieldMessage(form, f) == "" {
			t.Errorf("no message next to %s", f)
		}
	}
	r = e.post(office, "/staff/users", url.Values{"username": {"newstaff"}, "display_name": {"新同事"}, "role": {"department"},
		"department": {itoa(e.fx.Dept.ID)}, "password": {"long-enough-password"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("create user: %d\n%.800s", r.Status, r.Body)
	}
	list := e.get(office, "/staff/users?done=created")
	if !strings.Contains(list.Body, "新同事") || !strings.Contains(list.Body, "已创建") {
		t.Errorf("user list lacks the new user or the notice")
	}
	// Destructive actions ask first.
	if !strings.Contains(list.Body, `data-confirm="确定停用用户`) || !strings.Contains(list.Body, `data-confirm="确定让用户`) {
		t.Errorf("disable/revoke forms carry no confirmation")
	}
	c := e.client()
	if r := e.post(c, "/login", url.Values{"username": {"newstaff"}, "password": {"long-enough-password"}}); r.Status != http.StatusSeeOther {
		t.Errorf("new user cannot log in: %d", r.Status)
	}
}

func TestOwnPasswordChange(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "scjg")
	elsewhere := e.login(t, "scjg") // e.g. a browser left open in the office
	for _, tc := range []struct {
		name               string
		current, pw, again string
		status             int
		field, msg         string
	}{
		{"wrong current", "nope", "new-password-123", "new-password-123", 422, "current", "当前密码不正确"},
		{"mismatch", storetest.Password, "new-password-123", "other-password-1", 422, "confirm", "不一致"},
		{"too short", storetest.Password, "short", "short", 422, "password", "至少"},
		{"ok", storetest.Password, "new-password-123", "new-password-123", 303, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.post(c, "/staff/password", url.Values{"current": {tc.current}, "password": {tc.pw}, "confirm": {tc.again}})
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d\n%.800s", r.Status, tc.status, r.Body)
			}
			if tc.field != "" && !strings.Contains(fieldMessage(r.Body, tc.field), tc.msg) {
				t.Errorf("message next to %s = %q, want %q", tc.field, fieldMessage(r.Body, tc.field), tc.msg)
			}
		})
	}
	if r := e.post(e.client(), "/login", url.Values{"username": {"scjg"}, "password": {"new-password-123"}}); r.Status != http.StatusSeeOther {
		t.Errorf("login with the new password: %d", r.Status)
	}
	if r := e.get(c, "/staff/"); r.Status != http.StatusOK {
		t.Errorf("the browser that changed the password was logged out: %d", r.Status)
	}
	if r := e.get(elsewhere, "/staff/"); r.Status != http.StatusSeeOther {
		t.Errorf("another session survived the password change: %d", r.Status)
	}
	if r := e.post(e.client(), "/login", url.Values{"username": {"scjg"}, "password": {storetest.Password}}); r.Status != http.StatusUnauthorized {
		t.Errorf("login with the old password: %d", r.Status)
	}
}

func TestTokenShownOnce(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "inspector")
	r := e.post(c, "/staff/tokens", url.Values{"name": {"省平台同步"}})
	m := regexp.MustCompile(`id="new-token" value="([^"]+)"`).FindStringSubmatch(r.Body)
	if r.Status != http.StatusOK || m == nil {
		t.Fatalf("create token: %d, token shown: %v", r.Status, m != nil)
	}
	u, err := e.store.TokenUser(context.Background(), m[1])
	if err != nil || u.Username != "inspector" {
		t.Errorf("shown token does not authenticate the inspector: %v", err)
	}
	if page := e.get(c, "/staff/tokens"); strings.Contains(page.Body, m[1]) {
		t.Errorf("token shown again on a later visit")
	}
}

func TestDepartmentContactsEdit(t *testing.T) {
	e := newEnv(t)
	office := e.login(t, "office")
	r := e.post(office, "/staff/departments/"+itoa(e.fx.Dept.ID), url.Values{"name": {e.fx.Dept.Name}, "liaison": {"钱联络"},
		"liaison_phone": {"0359-6029999"}, "leader": {"孙分管"}, "leader_phone": {""}, "short_name": {"市场监管局"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("save department: %d\n%.800s", r.Status, r.Body)
	}
	list := e.get(e.login(t, "inspector"), "/staff/departments")
	if !strings.Contains(list.Body, "钱联络") || !strings.Contains(list.Body, "孙分管") {
		t.Errorf("department list lacks the new liaison and leader")
	}
	if strings.Contains(list.Body, "/edit") {
		t.Errorf("inspector sees edit links on departments")
	}
	r = e.post(office, "/staff/departments/"+itoa(e.fx.Dept.ID), url.Values{"name": {""}})
	if r.Status != http.StatusUnprocessableEntity || fieldMessage(r.Body, "name") == "" {
		t.Errorf("empty department name: %d", r.Status)
	}
}

func TestAPIMounted(t *testing.T) {
	e := newEnv(t)
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("api:" + r.URL.Path)) })
	srv, err := New(Options{Store: e.store, API: api})
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	srv.Handler().ServeHTTP(rec, httpGet("/api/v1/entities"))
	if rec.Body.String() != "api:/api/v1/entities" {
		t.Errorf("API not mounted: %q", rec.Body.String())
	}
	rec = newRecorder()
	srv.PortalHandler().ServeHTTP(rec, httpGet("/api/v1/entities"))
	if rec.Code != http.StatusNotFound {
		t.Errorf("portal serves the API: %d", rec.Code)
	}
}

func TestInspectorAccountLinkedToRecord(t *testing.T) {
	e := newEnv(t)
	in := e.seedInspector("周执法", "SCJG0101", e.fx.Dept.ID)
	office := e.login(t, "office")
	// A record of another department is refused next to the field.
	r := e.post(office, "/staff/users", url.Values{"username": {"zhou"}, "display_name": {"周执法"}, "role": {"inspector"},
		"department": {itoa(e.fx.OtherDept.ID)}, "inspector": {itoa(in.ID)}, "password": {"long-enough-password"}})
	form := r.Body[strings.Index(r.Body, `action="/staff/users" `):]
	if r.Status != http.StatusUnprocessableEntity || fieldMessage(form, "inspector") == "" {
		t.Fatalf("mismatched department: %d, message %q", r.Status, fieldMessage(form, "inspector"))
	}
	r = e.post(office, "/staff/users", url.Values{"username": {"zhou"}, "display_name": {"周执法"}, "role": {"inspector"},
		"department": {itoa(e.fx.Dept.ID)}, "inspector": {itoa(in.ID)}, "password": {"long-enough-password"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("create inspector account: %d", r.Status)
	}
	c := e.client()
	e.post(c, "/login", url.Values{"username": {"zhou"}, "password": {"long-enough-password"}})
	home := e.get(c, "/staff/")
	if !strings.Contains(home.Body, "我的名录信息") || !strings.Contains(home.Body, "SCJG0101") {
		t.Errorf("inspector home does not show the linked record")
	}
}

func TestTokenListAndRevoke(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "inspector")
	r := e.post(c, "/staff/tokens", url.Values{"name": {"夜间导出"}})
	m := regexp.MustCompile(`id="new-token" value="([^"]+)"`).FindStringSubmatch(r.Body)
	if r.Status != http.StatusOK || m == nil {
		t.Fatalf("create token: %d", r.Status)
	}
	page := e.get(c, "/staff/tokens")
	form := regexp.MustCompile(`action="(/staff/tokens/\d+/revoke)"[^>]*data-confirm="([^"]*)"`).FindStringSubmatch(page.Body)
	if form == nil || !strings.Contains(page.Body, "夜间导出") {
		t.Fatalf("token not listed with a confirmed revoke form:\n%.2000s", page.Body)
	}
	if !strings.Contains(form[2], "夜间导出") || strings.Contains(page.Body, m[1]) {
		t.Errorf("confirmation %q does not name the token, or the token is shown", form[2])
	}
	// Another user cannot revoke it.
	if r := e.post(e.login(t, "scjg"), form[1], nil); r.Status != http.StatusNotFound {
		t.Errorf("someone else's revoke: %d, want 404", r.Status)
	}
	if _, err := e.store.TokenUser(context.Background(), m[1]); err != nil {
		t.Fatalf("token dead before its revoke: %v", err)
	}
	if r := e.post(c, form[1], nil); r.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.Status)
	}
	if _, err := e.store.TokenUser(context.Background(), m[1]); domain.ErrorKind(err) != domain.KindUnauthorized {
		t.Errorf("revoked token still authenticates: %v", err)
	}
	if page := e.get(c, "/staff/tokens?done=revoked"); strings.Contains(page.Body, "夜间导出") || !strings.Contains(page.Body, "令牌已吊销") {
		t.Errorf("after revoke the token is still listed or no notice is shown")
	}
}
