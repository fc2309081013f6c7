package web

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// TestControlBytesNeverServerError sends NUL bytes and invalid UTF-8 in
// every query parameter and form field, on both engines: PostgreSQL
// refuses such text outright, and that must not surface as a 500.
func TestControlBytesNeverServerError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnvWith(t, st)
		office := e.login(t, "office")
		ent := e.seedEntity("控制字符测试", 5)
		in := e.seedInspector("控制", "C1", e.fx.Dept.ID)
		for _, p := range []string{"/search?q=%00", "/search?q=%ff%fe", "/staff/entities?q=%00",
			"/staff/entities?industry=%00&township=%ff&risk=%00&sort=%00", "/staff/inspectors?q=%00&label=%00&status=%ff",
			"/staff/audit?key=%00&type=%ff", "/staff/entities/export?format=csv&q=%00", "/entity/%ff", "/entity/%00", "/?lang=%00"} {
			if r := e.get(office, p); r.Status >= 500 {
				t.Errorf("GET %s: %d", p, r.Status)
			}
		}
		bad := "a\x00b\xff"
		for _, f := range []struct {
			path string
			form url.Values
			want int
		}{
			{"/login", url.Values{"username": {bad}, "password": {bad}}, http.StatusUnauthorized},
			{"/staff/entities", url.Values{"code": {bad}, "name": {bad}, "industry": {bad}, "township": {bad}, "kind": {bad}, "status": {bad}, "risk_class": {bad}}, 422},
			{"/staff/entities/" + itoa(ent.ID), url.Values{"name": {bad}, "industry": {bad}, "township": {bad}, "address": {bad}}, 422},
			{"/staff/inspectors", url.Values{"department": {itoa(e.fx.Dept.ID)}, "name": {bad}, "cert_no": {bad}, "labels": {bad}, "conflicts": {bad}, "phone": {bad}, "id_number": {bad}, "status": {bad}}, 422},
			{"/staff/inspectors/" + itoa(in.ID), url.Values{"department": {itoa(e.fx.Dept.ID)}, "name": {"控制"}, "cert_no": {"C1"}, "cert_expiry": {"2030-01-01"}, "status": {"on_duty"}, "expertise": {bad}, "conflicts": {"91350100M000100Y43 " + bad}}, 422},
			{"/staff/departments/" + itoa(e.fx.Dept.ID), url.Values{"name": {bad}, "liaison": {bad}}, 422},
			{"/staff/users", url.Values{"username": {bad}, "display_name": {bad}, "role": {bad}, "password": {bad}}, 422},
			{"/staff/tokens", url.Values{"name": {bad}}, 422},
			{"/staff/password", url.Values{"current": {bad}, "password": {bad}, "confirm": {bad}}, 422},
		} {
			c := office
			if f.path == "/login" {
				c = e.client()
			}
			if r := e.post(c, f.path, f.form); r.Status != f.want {
				t.Errorf("POST %s: %d, want %d", f.path, r.Status, f.want)
			}
		}
	})
}
