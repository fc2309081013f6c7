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

// listRows are the joint-list rows of the role × action table. They run
// in order, each as every caller in turn (anonymous, office, deptA, deptB,
// inspector, discipline): department A leads, department B is its
// co-department.
func (f *fixture) listRows(t *testing.T) []matrixRow {
	t.Helper()
	ctx, s, sys := t.Context(), f.s, domain.System
	const ok, created, unauth, forbidden, notFound, conflict = 200, 201, 401, 403, 404, 409
	item := func(dept int64, code, name string) *domain.CatalogItem {
		it := &domain.CatalogItem{DepartmentID: dept, Code: code, Name: name, Content: "检查" + name, LegalBasis: "《某法》第一条"}
		if err := s.SaveCatalogItem(ctx, sys, it); err != nil {
			t.Fatal(err)
		}
		return it
	}
	a1, b1 := item(f.deptA, "SC-1", "食品经营许可"), item(f.deptB, "XF-1", "疏散通道")
	for _, who := range []string{"", "OFFICE", "DEPTA", "DEPTB", "INSPECTOR", "DISCIPLINE", "del", "hotel"} {
		if err := s.SaveIndustry(ctx, sys, &domain.Industry{Code: "i_" + who, Name: "行业" + who}); err != nil {
			t.Fatal(err)
		}
	}
	h := domain.ListHeader{Subject: "经营者", Frequency: 1, Ratios: domain.Ratios{domain.RiskA: 100, domain.RiskB: 200, domain.RiskC: 300, domain.RiskD: 400}}
	draft := func(industry string) *domain.JointListVersion {
		v, err := s.CreateJointList(ctx, sys, industry, f.deptA, h, []int64{f.deptB})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	pub := draft(industry)
	for _, step := range []error{
		s.SetDraftPart(ctx, sys, pub.ID, f.deptA, "", []int64{a1.ID}),
		s.SetDraftPart(ctx, sys, pub.ID, f.deptB, "", []int64{b1.ID}),
		s.ConfirmPart(ctx, sys, pub.ID, f.deptB),
	} {
		if step != nil {
			t.Fatal(step)
		}
	}
	if _, err := s.PublishVersion(ctx, sys, pub.ID); err != nil {
		t.Fatal(err)
	}
	hotel, del := draft("i_hotel"), draft("i_del")
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	hv := "/api/v1/versions/" + id(hotel.ID)
	itemJSON := fmt.Sprintf(`{"department_id":%d,"code":"N{who}","name":"新事项","content":"内容","legal_basis":"依据"}`, f.deptA)
	header := `{"subject":"经营者{who}","frequency":2,"ratios":{"A":100,"B":200,"C":300,"D":400}}`
	listCSV := "行业,牵头部门,联查部门,抽查事项,检查内容,检查依据,抽查比例,频次\n" +
		"餐饮服务,SCJG,SCJG,食品经营许可,检查食品经营许可,《某法》第一条,A:1%;B:2%;C:10%;D:30%,1\n" +
		"餐饮服务,SCJG,XFJY,疏散通道,检查疏散通道,《某法》第一条,,\n"
	catalogCSV := "部门,事项编码,抽查事项,检查内容,检查依据\n" +
		"SCJG,,餐饮具清洗消毒,检查餐饮具清洗消毒,《某法》第二条\n"
	return []matrixRow{
		{"GET /api/v1/catalog", "GET", "/api/v1/catalog", "", "", st(unauth, ok, ok, ok, ok, ok)},
		{"POST /api/v1/catalog", "POST", "/api/v1/catalog", itemJSON, "", st(unauth, created, created, forbidden, forbidden, forbidden)},
		{"GET /api/v1/catalog/{id}", "GET", "/api/v1/catalog/" + id(a1.ID), "", "", st(unauth, ok, ok, ok, ok, ok)},
		{"PUT /api/v1/catalog/{id}", "PUT", "/api/v1/catalog/" + id(a1.ID),
			`{"code":"SC-1","name":"食品经营许可","content":"检查食品经营许可","legal_basis":"《某法》第一条"}`, "", st(unauth, ok, ok, forbidden, forbidden, forbidden)},
		{"GET /api/v1/lists", "GET", "/api/v1/lists", "", "", st(unauth, ok, ok, ok, ok, ok)},
		{"POST /api/v1/lists", "POST", "/api/v1/lists",
			fmt.Sprintf(`{"industry":"i_{who}","lead_department_id":%d,"co_departments":[%d],"subject":"经营者","frequency":1,"ratios":{"A":100,"B":200,"C":300,"D":400}}`, f.deptA, f.deptB),
			"", st(unauth, created, created, forbidden, forbidden, forbidden)},
		{"GET /api/v1/lists/{id}", "GET", "/api/v1/lists/" + id(hotel.ListID), "", "", st(unauth, ok, ok, ok, ok, ok)},
		// The office opens version 2; the lead then finds a draft open.
		{"POST /api/v1/lists/{id}/versions", "POST", "/api/v1/lists/" + id(pub.ListID) + "/versions", `{"reason":"调整{who}"}`, "",
			st(unauth, created, conflict, forbidden, forbidden, forbidden)},
		{"GET /api/v1/versions/{id}", "GET", hv, "", "", st(unauth, ok, ok, ok, ok, ok)},
		{"PUT /api/v1/versions/{id}/header", "PUT", hv + "/header", header, "", st(unauth, ok, ok, forbidden, forbidden, forbidden)},
		{"PUT /api/v1/versions/{id}/departments", "PUT", hv + "/departments", fmt.Sprintf(`{"co_departments":[%d]}`, f.deptB), "",
			st(unauth, ok, ok, forbidden, forbidden, forbidden)},
		{"PUT /api/v1/versions/{id}/parts/{department_id}", "PUT", hv + "/parts/" + id(f.deptA), fmt.Sprintf(`{"division":"{who}","items":[%d]}`, a1.ID), "",
			st(unauth, ok, ok, forbidden, forbidden, forbidden)},
		{"PUT /api/v1/versions/{id}/parts/{department_id}", "PUT", hv + "/parts/" + id(f.deptB), fmt.Sprintf(`{"division":"{who}","items":[%d]}`, b1.ID), "",
			st(unauth, ok, ok, ok, forbidden, forbidden)},
		{"POST /api/v1/versions/{id}/parts/{department_id}/confirm", "POST", hv + "/parts/" + id(f.deptB) + "/confirm", "", "",
			st(unauth, ok, forbidden, ok, forbidden, forbidden)},
		{"POST /api/v1/versions/{id}/publish", "POST", hv + "/publish", "", "", st(unauth, ok, forbidden, forbidden, forbidden, forbidden)},
		// Once the office has discarded the draft it is gone for everyone.
		{"DELETE /api/v1/versions/{id}", "DELETE", "/api/v1/versions/" + id(del.ID), "", "", st(unauth, 204, notFound, notFound, notFound, notFound)},
		{"POST /api/v1/import/lists", "POST", "/api/v1/import/lists?format=csv&dry_run=true&reason=调整", listCSV, "text/csv",
			st(unauth, ok, ok, 422, forbidden, forbidden)},
		// A file of market supervision items: its own staff and the office
		// import it, the fire brigade's is told which rows are not its own.
		{"POST /api/v1/import/catalog", "POST", "/api/v1/import/catalog?format=csv&dry_run=true", catalogCSV, "text/csv",
			st(unauth, ok, ok, 422, forbidden, forbidden)},
		{"GET /api/v1/export/catalog", "GET", "/api/v1/export/catalog?format=csv&department_id=" + id(f.deptA), "", "", st(unauth, ok, ok, ok, ok, ok)},
		{"GET /api/v1/public/lists", "GET", "/api/v1/public/lists?q=餐饮", "", "", st(ok, ok, ok, ok, ok, ok)},
		{"GET /api/v1/public/lists/export", "GET", "/api/v1/public/lists/export?format=csv", "", "", st(ok, ok, ok, ok, ok, ok)},
		{"GET /api/v1/public/lists/{industry}", "GET", "/api/v1/public/lists/" + industry, "", "", st(ok, ok, ok, ok, ok, ok)},
		{"GET /api/v1/public/lists/{industry}/versions/{number}", "GET", "/api/v1/public/lists/" + industry + "/versions/1", "", "", st(ok, ok, ok, ok, ok, ok)},
		{"GET /api/v1/public/lists/{industry}/diff", "GET", "/api/v1/public/lists/" + industry + "/diff?from=1&to=1", "", "", st(ok, ok, ok, ok, ok, ok)},
	}
}
