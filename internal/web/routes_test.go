package web

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// TestRouteRoleMatrix requests every staff route as every kind of user and
// checks the status: the web layer must turn the store's refusals into 403,
// send anonymous visitors to the login page, and never answer 500.
func TestRouteRoleMatrix(t *testing.T) {
	e := newEnv(t)
	ent := e.seedEntity("矩阵测试饭店", 7)
	own := e.seedInspector("王检查", "SCJG0001", e.fx.Dept.ID)
	target := e.addUser("target", domain.RoleDepartment, e.fx.Dept.ID).ID // a user to act on
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	entForm := url.Values{"name": {ent.Name}, "kind": {"enterprise"}, "industry": {"catering"}, "township": {"140827100"},
		"status": {"active"}, "risk_class": {"C"}, "risk_set_on": {"2026-01-02"}}
	inForm := url.Values{"department": {id(own.DepartmentID)}, "name": {own.Name}, "cert_no": {own.CertNo},
		"cert_expiry": {"2031-01-01"}, "status": {"on_duty"}, "labels": {"食品"}}
	deptForm := url.Values{"name": {e.fx.Dept.Name}, "short_name": {"市场监管局"}, "liaison": {"新联络员"}, "leader": {"王分管"}}

	type want struct{ anon, office, dept, other, insp, disc int }
	const (
		ok   = http.StatusOK
		see  = http.StatusSeeOther
		no   = http.StatusForbidden
		bad  = http.StatusUnprocessableEntity
		anon = http.StatusSeeOther
	)
	routes := []struct {
		name, method, path string
		form               url.Values
		want               want
	}{
		{"home", "GET", "/staff/", nil, want{anon, ok, ok, ok, ok, ok}},
		{"entity list", "GET", "/staff/entities?q=矩阵&risk=B&sort=-name", nil, want{anon, ok, ok, ok, ok, ok}},
		{"entity new form", "GET", "/staff/entities/new", nil, want{anon, ok, no, no, no, no}},
		{"entity create invalid", "POST", "/staff/entities", url.Values{"name": {""}}, want{anon, bad, no, no, no, no}},
		{"entity show", "GET", "/staff/entities/" + id(ent.ID), nil, want{anon, ok, ok, ok, ok, ok}},
		{"entity show missing", "GET", "/staff/entities/999999", nil, want{anon, 404, 404, 404, 404, 404}},
		{"entity show bad id", "GET", "/staff/entities/abc", nil, want{anon, 404, 404, 404, 404, 404}},
		{"entity edit form", "GET", "/staff/entities/" + id(ent.ID) + "/edit", nil, want{anon, ok, no, no, no, no}},
		{"entity update", "POST", "/staff/entities/" + id(ent.ID), entForm, want{anon, see, no, no, no, no}},
		{"entity export csv", "GET", "/staff/entities/export?format=csv", nil, want{anon, ok, ok, ok, ok, ok}},
		{"entity export xlsx", "GET", "/staff/entities/export?format=xlsx&risk=B", nil, want{anon, ok, ok, ok, ok, ok}},
		{"inspector list", "GET", "/staff/inspectors?expert=0&status=on_duty&department=" + id(e.fx.Dept.ID), nil, want{anon, ok, ok, ok, ok, ok}},
		{"inspector new form", "GET", "/staff/inspectors/new", nil, want{anon, ok, ok, ok, no, no}},
		{"inspector show", "GET", "/staff/inspectors/" + id(own.ID), nil, want{anon, ok, ok, ok, ok, ok}},
		{"inspector edit form", "GET", "/staff/inspectors/" + id(own.ID) + "/edit", nil, want{anon, ok, ok, no, no, no}},
		{"inspector update", "POST", "/staff/inspectors/" + id(own.ID), inForm, want{anon, see, see, no, no, no}},
		{"inspector export", "GET", "/staff/inspectors/export?format=csv", nil, want{anon, ok, ok, ok, ok, ok}},
		{"import entities form", "GET", "/staff/import/entities", nil, want{anon, ok, no, no, no, no}},
		{"import inspectors form", "GET", "/staff/import/inspectors", nil, want{anon, ok, ok, ok, no, no}},
		{"import unknown kind", "GET", "/staff/import/nothing", nil, want{anon, 404, 404, 404, 404, 404}},
		{"import confirm unknown id", "POST", "/staff/import/entities/0123456789abcdef0123456789abcdef", nil, want{anon, 404, 404, 404, 404, 404}},
		{"users", "GET", "/staff/users", nil, want{anon, ok, no, no, no, no}},
		{"user create invalid", "POST", "/staff/users", url.Values{"username": {"x y"}}, want{anon, bad, no, no, no, no}},
		{"user revoke", "POST", "/staff/users/" + id(target) + "/revoke", nil, want{anon, see, no, no, no, no}},
		{"user disable", "POST", "/staff/users/" + id(target) + "/disable", nil, want{anon, see, no, no, no, no}},
		{"user enable", "POST", "/staff/users/" + id(target) + "/enable", nil, want{anon, see, no, no, no, no}},
		{"user password", "POST", "/staff/users/" + id(target) + "/password", url.Values{"password": {"another-password-1"}}, want{anon, see, no, no, no, no}},
		{"departments", "GET", "/staff/departments", nil, want{anon, ok, ok, ok, ok, ok}},
		{"department edit form", "GET", "/staff/departments/" + id(e.fx.Dept.ID) + "/edit", nil, want{anon, ok, no, no, no, no}},
		{"department update", "POST", "/staff/departments/" + id(e.fx.Dept.ID), deptForm, want{anon, see, no, no, no, no}},
		{"audit", "GET", "/staff/audit", nil, want{anon, ok, ok, ok, no, ok}},
		{"password form", "GET", "/staff/password", nil, want{anon, ok, ok, ok, ok, ok}},
		{"tokens", "GET", "/staff/tokens", nil, want{anon, ok, ok, ok, ok, ok}},
		{"token create", "POST", "/staff/tokens", url.Values{"name": {"sync"}}, want{anon, ok, ok, ok, ok, ok}},
		{"calendar", "GET", "/staff/calendar?year=2026", nil, want{anon, ok, ok, ok, ok, ok}},
		{"calendar save invalid", "POST", "/staff/calendar", url.Values{"schedule": {"2031-01-06 work"}}, want{anon, bad, no, no, no, no}},
		{"unknown staff page", "GET", "/staff/nothing-here", nil, want{404, 404, 404, 404, 404, 404}},
	}
	users := []struct {
		name     string
		username string
		pick     func(want) int
	}{
		{"anonymous", "", func(w want) int { return w.anon }},
		{"office", "office", func(w want) int { return w.office }},
		{"department own", "scjg", func(w want) int { return w.dept }},
		{"department other", "xfjy", func(w want) int { return w.other }},
		{"inspector", "inspector", func(w want) int { return w.insp }},
		{"discipline", "discipline", func(w want) int { return w.disc }},
	}
	for _, u := range users {
		t.Run(u.name, func(t *testing.T) {
			c := e.client()
			if u.username != "" {
				c = e.login(t, u.username)
			}
			for _, rt := range routes {
				t.Run(rt.name, func(t *testing.T) {
					var r response
					if rt.method == "POST" {
						r = e.post(c, rt.path, rt.form)
					} else {
						r = e.get(c, rt.path)
					}
					if want := u.pick(rt.want); r.Status != want {
						t.Errorf("%s %s as %s: status %d, want %d\n%.600s", rt.method, rt.path, u.name, r.Status, want, r.Body)
					}
					if u.username == "" && r.Status == http.StatusSeeOther {
						if loc := r.Header.Get("Location"); len(loc) < 6 || loc[:6] != "/login" {
							t.Errorf("anonymous %s redirected to %q, want /login", rt.path, loc)
						}
					}
				})
			}
		})
	}
}
