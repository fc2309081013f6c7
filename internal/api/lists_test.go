package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// TestJointListsAPI walks a list through the API: catalogue items, a draft
// with a co-department, its confirmation, publication by the office, the
// public views and downloads, a second version and the public diff, with
// the refusals on the way.
func TestJointListsAPI(t *testing.T) {
	eachFixture(t, func(t *testing.T, f *fixture) {
		status := func(w interface{ Result() *http.Response }, want int) {
			t.Helper()
			if got := w.Result().StatusCode; got != want {
				t.Fatalf("status %d, want %d", got, want)
			}
		}
		item := func(who string, dept int64, code, name string) int64 {
			t.Helper()
			w := f.do(req{method: "POST", url: "/api/v1/catalog", who: who, body: fmt.Sprintf(
				`{"department_id":%d,"code":%q,"name":%q,"content":"检查%s","legal_basis":"《某法》第一条"}`, dept, code, name, name)})
			if w.Code != http.StatusCreated {
				t.Fatalf("create item: %d %s", w.Code, w.Body.String())
			}
			return decode[domain.CatalogItem](t, w).ID
		}
		a1, a2 := item("deptA", f.deptA, "SC-1", "食品经营许可"), item("deptA", f.deptA, "SC-2", "健康证明")
		b1, b2 := item("deptB", f.deptB, "XF-1", "疏散通道"), item("deptB", f.deptB, "XF-2", "灭火器材")
		// Department A may not write into B's catalogue.
		w := f.do(req{method: "POST", url: "/api/v1/catalog", who: "deptA", body: fmt.Sprintf(`{"department_id":%d,"code":"X","name":"x","content":"x","legal_basis":"x"}`, f.deptB)})
		status(w, http.StatusForbidden)

		w = f.do(req{method: "POST", url: "/api/v1/lists", who: "deptA", body: fmt.Sprintf(
			`{"industry":"catering","co_departments":[%d],"subject":"餐饮服务经营者","frequency":1,"ratios":{"A":100,"B":200,"C":1000,"D":3000}}`, f.deptB)})
		status(w, http.StatusCreated)
		v := decode[domain.JointListVersion](t, w)
		base := "/api/v1/versions/" + strconv.FormatInt(v.ID, 10)
		part := func(who string, dept int64, items ...int64) *httptest.ResponseRecorder {
			ids := make([]string, len(items))
			for i, id := range items {
				ids[i] = strconv.FormatInt(id, 10)
			}
			return f.do(req{method: "PUT", url: base + "/parts/" + strconv.FormatInt(dept, 10), who: who, body: `{"division":"分工","items":[` + strings.Join(ids, ",") + `]}`})
		}
		status(part("deptA", f.deptA, a1, a2), http.StatusOK)
		status(part("deptB", f.deptA, a1), http.StatusForbidden) // a co-department cannot edit the lead's part
		status(part("deptB", f.deptB, b1), http.StatusOK)
		status(f.do(req{method: "POST", url: base + "/publish", who: "deptA"}), http.StatusForbidden)
		status(f.do(req{method: "POST", url: base + "/publish", who: "office"}), http.StatusUnprocessableEntity) // B has not confirmed
		status(f.do(req{method: "POST", url: base + "/parts/" + strconv.FormatInt(f.deptB, 10) + "/confirm", who: "deptA"}), http.StatusForbidden)
		status(f.do(req{method: "POST", url: base + "/parts/" + strconv.FormatInt(f.deptB, 10) + "/confirm", who: "deptB"}), http.StatusOK)
		// Not public before publication.
		status(f.do(req{method: "GET", url: "/api/v1/public/lists/catering"}), http.StatusNotFound)
		status(f.do(req{method: "POST", url: base + "/publish", who: "office"}), http.StatusOK)
		status(f.do(req{method: "PUT", url: base + "/header", who: "deptA", body: `{"subject":"x","frequency":1,"ratios":{"A":1,"B":1,"C":1,"D":1}}`}), http.StatusConflict)

		l := decode[domain.JointList](t, f.do(req{method: "GET", url: "/api/v1/public/lists/catering"}))
		if l.Current != 1 || len(l.Versions) != 1 {
			t.Fatalf("public list = %+v", l)
		}
		found := decode[[]domain.JointList](t, f.do(req{method: "GET", url: "/api/v1/public/lists?department_id=" + strconv.FormatInt(f.deptB, 10)}))
		if len(found) != 1 {
			t.Errorf("public search by co-department found %d lists", len(found))
		}
		w = f.do(req{method: "GET", url: "/api/v1/public/lists/catering/versions/1?format=csv"})
		status(w, http.StatusOK)
		if body := w.Body.String(); !strings.Contains(body, "食品经营许可") || !strings.Contains(body, "疏散通道") || !strings.Contains(w.Header().Get("Content-Disposition"), "catering-v1") {
			t.Errorf("CSV download: %q\n%s", w.Header().Get("Content-Disposition"), body)
		}
		w = f.do(req{method: "GET", url: "/api/v1/public/lists/export?format=xlsx"})
		if w.Code != 200 || !strings.HasPrefix(w.Body.String(), "PK") {
			t.Errorf("summary XLSX: %d", w.Code)
		}
		if all := decode[[]domain.JointListVersion](t, f.do(req{method: "GET", url: "/api/v1/public/lists/export"})); len(all) != 1 {
			t.Errorf("summary JSON has %d lists", len(all))
		}

		// Version 2: B drops 疏散通道 and takes 灭火器材.
		w = f.do(req{method: "POST", url: "/api/v1/lists/" + strconv.FormatInt(v.ListID, 10) + "/versions", who: "deptA", body: `{"reason":"依据新规调整"}`})
		status(w, http.StatusCreated)
		v2 := decode[domain.JointListVersion](t, w)
		base = "/api/v1/versions/" + strconv.FormatInt(v2.ID, 10)
		status(part("deptB", f.deptB, b2), http.StatusOK)
		status(f.do(req{method: "POST", url: base + "/parts/" + strconv.FormatInt(f.deptB, 10) + "/confirm", who: "deptB"}), http.StatusOK)
		status(f.do(req{method: "POST", url: base + "/publish", who: "office"}), http.StatusOK)
		d := decode[domain.VersionDiff](t, f.do(req{method: "GET", url: "/api/v1/public/lists/catering/diff"}))
		if d.From != 1 || d.To != 2 || len(d.Added) != 1 || d.Added[0].ItemID != b2 || len(d.Removed) != 1 || d.Removed[0].ItemID != b1 || len(d.Changed) != 0 {
			t.Errorf("diff = %+v", d)
		}
		// Unknown query parameters and bad version numbers are errors, not guesses.
		status(f.do(req{method: "GET", url: "/api/v1/public/lists/catering/diff?since=1"}), http.StatusUnprocessableEntity)
		status(f.do(req{method: "GET", url: "/api/v1/public/lists/catering/versions/9"}), http.StatusNotFound)
	})
}
