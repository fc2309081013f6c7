package web

import (
	"net/http"
	"testing"
)

func TestSmoke(t *testing.T) {
	e := newEnv(t)
	ent := e.seedEntity("垣曲县小饭馆", 1)
	c := e.login(t, "office")
	for _, p := range []string{"/", "/about", "/search?q=饭馆", "/entity/" + ent.Code, "/staff/", "/staff/entities", "/staff/inspectors", "/staff/users", "/staff/audit", "/staff/departments", "/staff/entities/new", "/staff/import/entities", "/staff/password", "/staff/tokens", "/staff/inspectors/new"} {
		r := e.get(c, p)
		if r.Status != http.StatusOK {
			t.Errorf("%s: %d\n%s", p, r.Status, r.Body)
		}
	}
	t.Log(e.logs.String())
}
