package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
	"github.com/yiyeyicha/yiyeyicha/internal/validate"
)

// fixture is a store seeded with two departments, one user of each role
// (department staff in both departments) with an API token each, a few
// entities and one inspector per department.
type fixture struct {
	t      *testing.T
	s      *store.Store
	h      http.Handler
	tokens map[string]string // who → token; who is office, deptA, deptB, inspector, discipline
	deptA  int64
	deptB  int64
	codes  []string // seeded entity codes, in creation order
	inA    int64    // inspector of department A, with private data
	inB    int64    // inspector of department B
}

// The callers of the role × action table. "" is anonymous.
var callers = []string{"", "office", "deptA", "deptB", "inspector", "discipline"}

const (
	industry = "catering"
	township = "140827100"
)

// code returns the n-th valid test credit code.
func code(t testing.TB, n int) string {
	t.Helper()
	c, ok := validate.MakeCreditCode("91", "140827", fmt.Sprintf("%08d", n))
	if !ok {
		t.Fatalf("MakeCreditCode(%d) failed", n)
	}
	return c
}

// badCheck returns c with a wrong check character.
func badCheck(c string) string {
	last := c[17]
	for _, r := range "0123456789ABCDEFGHJKLMNPQRTUWXY" {
		if byte(r) != last {
			return c[:17] + string(r)
		}
	}
	return c
}

// residentID returns a valid resident ID built from 17 digits.
func residentID(first17 string) string {
	return first17 + string(validate.ResidentIDCheck(first17))
}

// eachFixture runs fn on a fixture of each store engine (PostgreSQL only
// when the test database is configured, see storetest.Each).
func eachFixture(t *testing.T, fn func(t *testing.T, f *fixture)) {
	storetest.Each(t, func(t *testing.T, s *store.Store) { fn(t, newFixture(t, s)) })
}

func newFixture(t *testing.T, s *store.Store) *fixture {
	t.Helper()
	ctx := t.Context()
	f := &fixture{t: t, s: s, h: New(s, slogTo(testLog{t})), tokens: map[string]string{}}
	sys := domain.System

	a := domain.Department{Code: "SCJG", Name: "垣曲县市场监督管理局", ShortName: "市场监管局"}
	b := domain.Department{Code: "XFJY", Name: "垣曲县消防救援大队", ShortName: "消防大队"}
	for _, d := range []*domain.Department{&a, &b} {
		if err := s.SaveDepartment(ctx, sys, d); err != nil {
			t.Fatalf("SaveDepartment: %v", err)
		}
	}
	f.deptA, f.deptB = a.ID, b.ID
	if err := s.SaveIndustry(ctx, sys, &domain.Industry{Code: industry, Name: "餐饮服务"}); err != nil {
		t.Fatalf("SaveIndustry: %v", err)
	}
	if err := s.SaveTownship(ctx, sys, &domain.Township{Code: township, Name: "新城镇"}); err != nil {
		t.Fatalf("SaveTownship: %v", err)
	}

	inA := domain.Inspector{DepartmentID: f.deptA, Name: "张三", CertNo: "SCJG0001", CertExpiry: domain.Date{Year: 2030, Month: 1, Day: 1},
		IDNumber: residentID("14082719800101001"), Phone: "13800000001", Labels: []string{"食品"}, Status: domain.InspectorOnDuty}
	inB := domain.Inspector{DepartmentID: f.deptB, Name: "李四", CertNo: "XFJY0001", CertExpiry: domain.Date{Year: 2030, Month: 1, Day: 1},
		IDNumber: residentID("14082719810202002"), Phone: "13800000002", Status: domain.InspectorOnDuty}
	for _, in := range []*domain.Inspector{&inA, &inB} {
		if err := s.SaveInspector(ctx, sys, in); err != nil {
			t.Fatalf("SaveInspector: %v", err)
		}
	}
	f.inA, f.inB = inA.ID, inB.ID

	users := []struct {
		who string
		u   domain.User
	}{
		{"office", domain.User{Username: "office", DisplayName: "办公室", Role: domain.RoleOffice}},
		{"deptA", domain.User{Username: "depta", DisplayName: "市场监管", Role: domain.RoleDepartment, DepartmentID: f.deptA}},
		{"deptB", domain.User{Username: "deptb", DisplayName: "消防", Role: domain.RoleDepartment, DepartmentID: f.deptB}},
		{"inspector", domain.User{Username: "insp", DisplayName: "张三", Role: domain.RoleInspector, DepartmentID: f.deptA, InspectorID: f.inA}},
		{"discipline", domain.User{Username: "jijian", DisplayName: "纪检", Role: domain.RoleDiscipline}},
	}
	for _, x := range users {
		u := x.u
		if err := s.CreateUser(ctx, sys, &u, "correct horse battery"); err != nil {
			t.Fatalf("CreateUser %s: %v", x.who, err)
		}
		tok, err := s.CreateToken(ctx, domain.ActorOf(&u), "test")
		if err != nil {
			t.Fatalf("CreateToken %s: %v", x.who, err)
		}
		f.tokens[x.who] = tok
	}

	for i := 1; i <= 3; i++ {
		e := domain.Entity{Code: code(t, i), Name: fmt.Sprintf("垣曲测试餐饮%d号", i), IndustryCode: industry, TownshipCode: township,
			RiskClass: domain.RiskClasses[i%4], Address: "新城镇某街", LegalRep: "王五"}
		if err := s.SaveEntity(ctx, sys, &e); err != nil {
			t.Fatalf("SaveEntity: %v", err)
		}
		f.codes = append(f.codes, e.Code)
	}
	return f
}

// testLog sends the API's log to the test's output, shown on failure.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// req is one API request of a test.
type req struct {
	method, url string
	who         string // caller; "" anonymous, "bad" an unknown token
	body        string
	header      map[string]string
}

func (f *fixture) do(r req) *httptest.ResponseRecorder {
	f.t.Helper()
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr := httptest.NewRequestWithContext(f.t.Context(), r.method, r.url, body)
	switch r.who {
	case "":
	case "bad":
		hr.Header.Set("Authorization", "Bearer not-a-real-token")
	default:
		tok, ok := f.tokens[r.who]
		if !ok {
			f.t.Fatalf("no caller %q", r.who)
		}
		hr.Header.Set("Authorization", "Bearer "+tok)
	}
	if r.body != "" && r.header["Content-Type"] == "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, hr)
	return w
}

// decode reads a JSON answer into a new T, failing the test if it is not
// JSON of that shape.
func decode[T any](t *testing.T, w *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatalf("answer is not JSON of %T: %v\n%s", v, err, w.Body.String())
	}
	return v
}

func entityJSON(code, name string) string {
	return fmt.Sprintf(`{"code":%q,"name":%q,"industry":%q,"township":%q,"risk_class":"B","address":"新城镇","legal_rep":"赵六"}`, code, name, industry, township)
}

// st builds the expected statuses of one row of the role × action table.
func st(anon, office, deptA, deptB, inspector, discipline int) map[string]int {
	return map[string]int{"": anon, "office": office, "deptA": deptA, "deptB": deptB, "inspector": inspector, "discipline": discipline}
}

// matrixRow is one row of the role × action table of the API.
type matrixRow struct {
	route  string // the route of the table this row exercises
	method string
	url    string
	body   string // {who} is replaced by the caller, so that creations do not collide
	ctype  string
	want   map[string]int
}

// TestRoleActionMatrix runs every route as every kind of caller. Rights live
// in the store; this shows the API passes the right actor and turns
// refusals into the right status, for every route of the table.
func TestRoleActionMatrix(t *testing.T) {
	eachFixture(t, func(t *testing.T, f *fixture) {
		c0 := f.codes[0]
		inA, inB := strconv.FormatInt(f.inA, 10), strconv.FormatInt(f.inB, 10)
		goodEntities := "统一社会信用代码,名称,行业,乡镇,信用风险分类\n" + code(t, 900) + ",新办餐馆,餐饮服务,新城镇,A\n"
		goodInspectors := "姓名,部门,执法证号,有效期至\n王检查,SCJG,SCJG0900,2031-06-30\n"
		const ok, created, unauth, forbidden = 200, 201, 401, 403

		table := []matrixRow{
			{"GET /api/v1/openapi.json", "GET", "/api/v1/openapi.json", "", "", st(ok, ok, ok, ok, ok, ok)},
			{"GET /api/v1/me", "GET", "/api/v1/me", "", "", st(unauth, ok, ok, ok, ok, ok)},
			{"GET /api/v1/departments", "GET", "/api/v1/departments", "", "", st(unauth, ok, ok, ok, ok, ok)},
			{"GET /api/v1/industries", "GET", "/api/v1/industries", "", "", st(unauth, ok, ok, ok, ok, ok)},
			{"GET /api/v1/townships", "GET", "/api/v1/townships", "", "", st(unauth, ok, ok, ok, ok, ok)},
			{"GET /api/v1/entities", "GET", "/api/v1/entities?q=垣曲", "", "", st(unauth, ok, ok, ok, ok, ok)},
			{"GET /api/v1/entities/{code}", "GET", "/api/v1/entities/" + c0, "", "", st(unauth, ok, ok, ok, ok, ok)},
			{"POST /api/v1/entities", "POST", "/api/v1/entities", entityJSON(code(t, 500), "新店{who}"), "", st(unauth, created, forbidden, forbidden, forbidden, forbidden)},
			{"PUT /api/v1/entities/{code}", "PUT", "/api/v1/entities/" + c0, entityJSON(c0, "改名{who}"), "", st(unauth, ok, forbidden, forbidden, forbidden, forbidden)},
			{"GET /api/v1/inspectors", "GET", "/api/v1/inspectors", "", "", st(unauth, ok, ok, ok, ok, ok)},
			{"GET /api/v1/inspectors/{id}", "GET", "/api/v1/inspectors/" + inA, "", "", st(unauth, ok, ok, ok, ok, ok)},
			{"POST /api/v1/inspectors", "POST", "/api/v1/inspectors",
				fmt.Sprintf(`{"department_id":%d,"name":"新人{who}","cert_no":"NEW{who}","cert_expiry":"2031-01-01"}`, f.deptA), "",
				st(unauth, created, created, forbidden, forbidden, forbidden)},
			{"PUT /api/v1/inspectors/{id}", "PUT", "/api/v1/inspectors/" + inA,
				fmt.Sprintf(`{"department_id":%d,"name":"张三","cert_no":"SCJG0001","cert_expiry":"2032-01-01","labels":["{who}"]}`, f.deptA), "",
				st(unauth, ok, ok, forbidden, forbidden, forbidden)},
			{"PUT /api/v1/inspectors/{id}", "PUT", "/api/v1/inspectors/" + inB,
				fmt.Sprintf(`{"department_id":%d,"name":"李四","cert_no":"XFJY0001","cert_expiry":"2032-01-01"}`, f.deptB), "",
				st(unauth, ok, forbidden, ok, forbidden, forbidden)},
			{"POST /api/v1/import/entities", "POST", "/api/v1/import/entities?format=csv&dry_run=true", goodEntities, "text/csv",
				st(unauth, ok, forbidden, forbidden, forbidden, forbidden)},
			{"POST /api/v1/import/inspectors", "POST", "/api/v1/import/inspectors?filename=x.csv&dry_run=true", goodInspectors, "text/csv",
				// Department B may import inspectors, but not into department
				// A: the store names the row and its department column.
				st(unauth, ok, ok, 422, forbidden, forbidden)},
			{"GET /api/v1/export/entities", "GET", "/api/v1/export/entities?format=csv", "", "", st(unauth, ok, ok, ok, ok, ok)},
			{"GET /api/v1/export/inspectors", "GET", "/api/v1/export/inspectors?format=csv", "", "", st(unauth, ok, ok, ok, ok, ok)},
			{"GET /api/v1/audit", "GET", "/api/v1/audit", "", "", st(unauth, ok, ok, ok, forbidden, ok)},
			{"GET /api/v1/public/entities", "GET", "/api/v1/public/entities?q=" + c0[:8], "", "", st(ok, ok, ok, ok, ok, ok)},
			{"GET /api/v1/public/entities/{code}", "GET", "/api/v1/public/entities/" + c0, "", "", st(ok, ok, ok, ok, ok, ok)},
		}
		table = append(table, f.listRows(t)...)
		table = append(table, planMatrixRows(t, f)...)
		table = append(table, inspectMatrixRows(t, f)...)
		table = append(table, drawMatrixRows(t, f)...)
		table = append(table, followUpMatrixRows(t, f)...)

		covered := map[string]bool{}
		for _, row := range table {
			covered[row.route] = true
			for _, who := range callers {
				name := row.method + " " + row.url + " as " + who
				if who == "" {
					name += "anonymous"
				}
				t.Run(name, func(t *testing.T) {
					want := row.want[who]
					w := f.do(req{method: row.method, url: row.url, who: who, body: strings.ReplaceAll(row.body, "{who}", strings.ToUpper(who)),
						header: map[string]string{"Content-Type": row.ctype}})
					if w.Code != want {
						t.Fatalf("status = %d, want %d; body:\n%s", w.Code, want, w.Body.String())
					}
					if want >= 400 {
						e := decode[ErrorBody](t, w)
						wantKind := map[int]domain.Kind{401: domain.KindUnauthorized, 403: domain.KindForbidden, 404: domain.KindNotFound, 409: domain.KindConflict, 422: domain.KindInvalid}[want]
						if e.Error.Kind != wantKind || e.Error.Message == "" {
							t.Errorf("error = %+v, want kind %s with a message", e.Error, wantKind)
						}
					}
				})
			}
		}
		// Whatever every call did, no published record changed: the
		// monitor rebuilds each logged record from the tables.
		rep, err := f.s.LogMonitor(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if rep.Checked == 0 || len(rep.Problems) > 0 {
			t.Errorf("after every call the log monitor checked %d records and found %+v", rep.Checked, rep.Problems)
		}
		for _, rt := range routes {
			if !covered[rt.Method+" "+rt.Path] {
				t.Errorf("route %s %s is not in the role × action table: add a matrixRow (TestRoleActionMatrix in internal/api/api_test.go, or the area's rows function) giving the status for anonymous, office, both departments, inspector and discipline", rt.Method, rt.Path)
			}
		}
	})
}

// TestPrivateInspectorData checks who sees an inspector's resident ID,
// phone and conflicts through the API.
func TestPrivateInspectorData(t *testing.T) {
	eachFixture(t, func(t *testing.T, f *fixture) {
		for _, tc := range []struct {
			who  string
			sees bool
		}{
			{"office", true}, {"deptA", true}, {"deptB", false}, {"inspector", false}, {"discipline", true},
		} {
			t.Run(tc.who, func(t *testing.T) {
				w := f.do(req{method: "GET", url: "/api/v1/inspectors/" + strconv.FormatInt(f.inA, 10), who: tc.who})
				if w.Code != 200 {
					t.Fatalf("status %d: %s", w.Code, w.Body.String())
				}
				in := decode[domain.Inspector](t, w)
				if got := in.IDNumber != "" && in.Phone != ""; got != tc.sees {
					t.Errorf("sees private data = %v, want %v (id_number %q, phone %q)", got, tc.sees, in.IDNumber, in.Phone)
				}
				l := decode[domain.List[domain.Inspector]](t, f.do(req{method: "GET", url: "/api/v1/inspectors?q=张三", who: tc.who}))
				if len(l.Items) != 1 || (l.Items[0].IDNumber != "") != tc.sees {
					t.Errorf("list: %+v, want one inspector with private data shown = %v", l.Items, tc.sees)
				}
			})
		}
	})
}

func TestMe(t *testing.T) {
	eachFixture(t, func(t *testing.T, f *fixture) {
		for _, tc := range []struct {
			who     string
			role    domain.Role
			actions []domain.Action
		}{
			{"office", domain.RoleOffice, slices.DeleteFunc(slices.Clone(domain.Actions), func(a domain.Action) bool {
				return a == domain.ActDrawEntropy || a == domain.ActEnterResult || a == domain.ActCloseVisit || a == domain.ActPublishResult || a == domain.ActArchiveVisit ||
					a == domain.ActRefer || a == domain.ActHandleRef || a == domain.ActFollowUp || a == domain.ActFlagPunish
			})},
			{"deptA", domain.RoleDepartment, []domain.Action{domain.ActViewDirectory, domain.ActEditInspector, domain.ActViewPrivate, domain.ActViewAudit, domain.ActManageTokens,
				domain.ActViewLists, domain.ActEditCatalogue, domain.ActDraftList, domain.ActEditListPart, domain.ActConfirmPart,
				domain.ActViewDashboard, domain.ActRespondBulletin, domain.ActFileSummary, domain.ActSubmitCase, domain.ActRunDraw, domain.ActDrawEntropy,
				domain.ActViewPlans, domain.ActDraftTask, domain.ActDrawBatch, domain.ActDispatch,
				domain.ActEnterResult, domain.ActCloseVisit, domain.ActPublishResult, domain.ActArchiveVisit, domain.ActRefer, domain.ActHandleRef, domain.ActFollowUp, domain.ActFlagPunish}},
			{"inspector", domain.RoleInspector, []domain.Action{domain.ActViewDirectory, domain.ActManageTokens, domain.ActViewLists, domain.ActViewPlans,
				domain.ActEnterResult, domain.ActCloseVisit}},
			{"discipline", domain.RoleDiscipline, []domain.Action{domain.ActViewDirectory, domain.ActViewPrivate, domain.ActViewAudit, domain.ActManageTokens, domain.ActViewLists,
				domain.ActViewDashboard, domain.ActRevisit, domain.ActViewSalts, domain.ActViewPlans}},
		} {
			t.Run(tc.who, func(t *testing.T) {
				me := decode[Me](t, f.do(req{method: "GET", url: "/api/v1/me", who: tc.who}))
				if me.Role != tc.role {
					t.Errorf("role = %q, want %q", me.Role, tc.role)
				}
				if diff := cmp.Diff(tc.actions, me.Actions); diff != "" {
					t.Errorf("actions (-want +got):\n%s", diff)
				}
			})
		}
	})
}

func TestPagination(t *testing.T) {
	eachFixture(t, func(t *testing.T, f *fixture) {
		for i := 10; i < 17; i++ { // 3 seeded + 7 = 10 entities
			e := domain.Entity{Code: code(t, i), Name: fmt.Sprintf("分页%02d", i), IndustryCode: industry, TownshipCode: township, RiskClass: domain.RiskA}
			if err := f.s.SaveEntity(t.Context(), domain.System, &e); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct {
			name                     string
			url                      string
			items, total, page, size int
			first                    string // name of the first item, if checked
		}{
			{"first page", "/api/v1/entities?size=4&sort=name", 4, 10, 1, 4, ""},
			{"last partial page", "/api/v1/entities?size=4&page=3", 2, 10, 3, 4, ""},
			{"past the end", "/api/v1/entities?size=4&page=9", 0, 10, 9, 4, ""},
			{"default size", "/api/v1/entities", 10, 10, 1, domain.DefaultPageSize, ""},
			{"size clamped", "/api/v1/entities?size=100000", 10, 10, 1, domain.MaxPageSize, ""},
			{"filtered", "/api/v1/entities?q=分页&size=3&page=2&sort=-name", 3, 7, 2, 3, "分页13"},
			{"public", "/api/v1/public/entities?q=分页&size=5&page=2", 2, 7, 2, 5, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				w := f.do(req{method: "GET", url: tc.url, who: "inspector"})
				if w.Code != 200 {
					t.Fatalf("status %d: %s", w.Code, w.Body.String())
				}
				var l struct {
					Items []map[string]any `json:"items"`
					Total int              `json:"total"`
					Page  int              `json:"page"`
					Size  int              `json:"size"`
				}
				if err := json.Unmarshal(w.Body.Bytes(), &l); err != nil {
					t.Fatal(err)
				}
				if l.Items == nil {
					t.Errorf("items is null, want an array: %s", w.Body.String())
				}
				if got, want := [4]int{len(l.Items), l.Total, l.Page, l.Size}, [4]int{tc.items, tc.total, tc.page, tc.size}; got != want {
					t.Errorf("items, total, page, size = %v, want %v", got, want)
				}
				if tc.first != "" && len(l.Items) > 0 && l.Items[0]["name"] != tc.first {
					t.Errorf("first item = %v, want %s", l.Items[0]["name"], tc.first)
				}
			})
		}
	})
}

// TestErrorBodies checks the status, headers and body of failures, in both
// languages.
func TestErrorBodies(t *testing.T) {
	eachFixture(t, func(t *testing.T, f *fixture) {
		c0 := f.codes[0]
		bad := badCheck(code(t, 77))
		for _, tc := range []struct {
			name   string
			req    req
			lang   string
			status int
			want   ErrorDetail // Errors compared when not nil; Message when not empty
			header map[string]string
		}{
			{"bad check character zh", req{method: "POST", url: "/api/v1/entities", who: "office", body: entityJSON(bad, "坏代码")}, "", 422,
				ErrorDetail{Kind: "invalid", Key: "err.code.checksum", Field: "code", Message: "统一社会信用代码: 统一社会信用代码校验位错误",
					Errors: []FieldIssue{{Field: "code", Value: bad, Key: "err.code.checksum", Message: "统一社会信用代码: 统一社会信用代码校验位错误"}}}, nil},
			{"bad check character en", req{method: "POST", url: "/api/v1/entities", who: "office", body: entityJSON(bad, "坏代码")}, "en-US,en;q=0.9", 422,
				ErrorDetail{Kind: "invalid", Key: "err.code.checksum", Field: "code", Message: "Credit code: credit code check character is wrong"}, nil},
			{"several invalid fields", req{method: "POST", url: "/api/v1/entities", who: "office", body: `{"code":"","name":"","risk_class":"E"}`}, "", 422,
				ErrorDetail{Kind: "invalid", Key: "err.required", Field: "code", Message: "共 5 处错误，第一处：统一社会信用代码: 必填",
					Errors: []FieldIssue{
						{Field: "code", Key: "err.required", Message: "统一社会信用代码: 必填"},
						{Field: "name", Key: "err.required", Message: "名称: 必填"},
						{Field: "risk_class", Value: "E", Key: "err.bad_choice", Message: "信用风险分类: 不是允许的取值"},
						{Field: "industry", Key: "err.required", Message: "行业: 必填"},
						{Field: "township", Key: "err.required", Message: "乡镇: 必填"},
					}}, nil},
			{"no token", req{method: "GET", url: "/api/v1/entities"}, "", 401,
				ErrorDetail{Kind: "unauthorized", Key: "err.api.token_missing"}, map[string]string{"WWW-Authenticate": `Bearer realm="yiyeyicha"`}},
			{"unknown token", req{method: "GET", url: "/api/v1/entities", who: "bad"}, "en", 401,
				ErrorDetail{Kind: "unauthorized", Key: "err.api.token_invalid", Message: "The access token is invalid or revoked, or its user is disabled"},
				map[string]string{"WWW-Authenticate": `Bearer realm="yiyeyicha", error="invalid_token"`}},
			{"basic auth", req{method: "GET", url: "/api/v1/me", header: map[string]string{"Authorization": "Basic dXNlcjpwdw=="}}, "", 401,
				ErrorDetail{Kind: "unauthorized", Key: "err.api.token_scheme"}, map[string]string{"WWW-Authenticate": `Bearer realm="yiyeyicha", error="invalid_request"`}},
			{"anonymous with an unknown parameter", req{method: "GET", url: "/api/v1/entities?risk=A"}, "", 401,
				ErrorDetail{Kind: "unauthorized", Key: "err.api.token_missing"}, nil},
			{"session cookie ignored", req{method: "GET", url: "/api/v1/me", header: map[string]string{"Cookie": "session=" + f.tokens["office"]}}, "", 401,
				ErrorDetail{Kind: "unauthorized", Key: "err.api.token_missing"}, nil},
			{"forbidden zh", req{method: "POST", url: "/api/v1/entities", who: "deptA", body: entityJSON(code(t, 78), "x")}, "", 403,
				ErrorDetail{Kind: "forbidden", Key: "err.forbidden", Message: "无权执行此操作"}, nil},
			{"forbidden en", req{method: "POST", url: "/api/v1/entities", who: "deptA", body: entityJSON(code(t, 78), "x")}, "en", 403,
				ErrorDetail{Kind: "forbidden", Key: "err.forbidden", Message: "You are not allowed to do this"}, nil},
			{"entity not found", req{method: "GET", url: "/api/v1/entities/" + code(t, 4040), who: "office"}, "", 404,
				ErrorDetail{Kind: "not_found", Key: "err.not_found", Message: "记录不存在"}, nil},
			{"inspector id not a number", req{method: "GET", url: "/api/v1/inspectors/abc", who: "office"}, "", 404,
				ErrorDetail{Kind: "not_found", Key: "err.not_found"}, nil},
			{"public entity not found", req{method: "GET", url: "/api/v1/public/entities/" + code(t, 4040)}, "en", 404,
				ErrorDetail{Kind: "not_found", Key: "err.not_found", Message: "No such record"}, nil},
			{"duplicate code", req{method: "POST", url: "/api/v1/entities", who: "office", body: entityJSON(c0, "重复")}, "", 409,
				ErrorDetail{Kind: "conflict", Field: "code"}, nil},
			{"no such route", req{method: "GET", url: "/api/v1/nothing", who: "office"}, "en", 404,
				ErrorDetail{Kind: "not_found", Key: "err.api.no_route", Message: "No such API endpoint: /api/v1/nothing"}, nil},
			{"wrong method", req{method: "DELETE", url: "/api/v1/entities", who: "office"}, "", 405,
				ErrorDetail{Kind: "invalid", Key: "err.api.method", Message: "此地址不支持 DELETE 方法（支持：GET, POST）"}, map[string]string{"Allow": "GET, POST"}},
			{"unknown JSON field", req{method: "POST", url: "/api/v1/entities", who: "office", body: `{"code":"x","bogus":1}`}, "en", 400,
				ErrorDetail{Kind: "invalid", Key: "err.api.unknown_field", Field: "bogus", Message: "Unknown field bogus"}, nil},
			{"wrong JSON type", req{method: "POST", url: "/api/v1/entities", who: "office", body: `{"name":12}`}, "", 400,
				ErrorDetail{Kind: "invalid", Key: "err.api.wrong_type", Field: "name", Message: "名称: 字段 name 的值类型错误（收到 number）"}, nil},
			{"malformed JSON", req{method: "POST", url: "/api/v1/entities", who: "office", body: `{"name":`}, "", 400,
				ErrorDetail{Kind: "invalid", Key: "err.api.bad_json"}, nil},
			{"JSON array instead of object", req{method: "POST", url: "/api/v1/entities", who: "office", body: `[1,2]`}, "", 400,
				ErrorDetail{Kind: "invalid", Key: "err.api.not_object"}, nil},
			{"trailing data", req{method: "POST", url: "/api/v1/entities", who: "office", body: entityJSON(code(t, 79), "x") + `{}`}, "", 400,
				ErrorDetail{Kind: "invalid", Key: "err.api.trailing_data"}, nil},
			{"empty body", req{method: "POST", url: "/api/v1/entities", who: "office", body: " ", header: map[string]string{"Content-Type": "application/json"}}, "", 400,
				ErrorDetail{Kind: "invalid", Key: "err.api.empty_body"}, nil},
			{"bad date", req{method: "POST", url: "/api/v1/entities", who: "office",
				body: `{"code":"` + code(t, 80) + `","name":"x","industry":"catering","township":"140827100","risk_class":"A","risk_set_on":"2026-13-45"}`}, "", 422,
				ErrorDetail{Kind: "invalid", Key: "err.bad_date", Field: "risk_set_on", Message: "分类日期: 不是有效日期（格式：2026-03-31）"}, nil},
			{"bad conflict date", req{method: "POST", url: "/api/v1/inspectors", who: "office",
				body: `{"name":"x","expert":true,"department_id":1,"conflicts":[{"entity_code":"` + c0 + `","declared_on":"yesterday"}]}`}, "", 422,
				ErrorDetail{Kind: "invalid", Key: "err.bad_date", Field: "conflicts"}, nil},
			{"bad timestamp", req{method: "POST", url: "/api/v1/entities", who: "office", body: `{"updated_at":"yesterday"}`}, "en", 400,
				ErrorDetail{Kind: "invalid", Key: "err.api.bad_value", Message: "The JSON holds a value that cannot be read (a malformed timestamp, for example)"}, nil},
			{"not JSON content type", req{method: "POST", url: "/api/v1/entities", who: "office", body: "code=1", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, "", 415,
				ErrorDetail{Kind: "invalid", Key: "err.api.content_type"}, nil},
			{"oversized JSON", req{method: "POST", url: "/api/v1/entities", who: "office", body: `{"name":"` + strings.Repeat("长", MaxJSONBytes/3+10) + `"}`}, "", 413,
				ErrorDetail{Kind: "invalid", Key: "err.api.too_large", Message: "请求内容过大（上限 1 MiB）"}, nil},
			{"unknown query parameter", req{method: "GET", url: "/api/v1/entities?risk=A", who: "office"}, "", 422,
				ErrorDetail{Kind: "invalid", Key: "err.api.unknown_param", Field: "risk", Message: "不支持的查询参数 risk"}, nil},
			{"bad risk class filter", req{method: "GET", url: "/api/v1/entities?risk_class=E", who: "office"}, "en", 422,
				ErrorDetail{Kind: "invalid", Key: "err.api.bad_choice", Field: "risk_class", Message: `Risk class: Parameter risk_class has an invalid value "E"; allowed: A, B, C, D`}, nil},
			{"bad page", req{method: "GET", url: "/api/v1/entities?page=two", who: "office"}, "", 422,
				ErrorDetail{Kind: "invalid", Key: "err.api.bad_int", Field: "page", Message: "参数 page 应为非负整数，收到“two”"}, nil},
			{"bad sort", req{method: "GET", url: "/api/v1/inspectors?sort=salary", who: "office"}, "", 422,
				ErrorDetail{Kind: "invalid", Key: "err.api.bad_choice", Field: "sort"}, nil},
			{"bad expert flag", req{method: "GET", url: "/api/v1/inspectors?expert=maybe", who: "office"}, "", 422,
				ErrorDetail{Kind: "invalid", Key: "err.api.bad_bool", Field: "expert"}, nil},
			{"code changed by update", req{method: "PUT", url: "/api/v1/entities/" + c0, who: "office", body: entityJSON(f.codes[1], "x")}, "", 422,
				ErrorDetail{Kind: "invalid", Key: "err.api.code_mismatch", Field: "code"}, nil},
			{"import without format", req{method: "POST", url: "/api/v1/import/entities", who: "office", body: "a,b\n",
				header: map[string]string{"Content-Type": "application/octet-stream"}}, "", 422,
				ErrorDetail{Kind: "invalid", Key: "err.api.import_format", Field: "format"}, nil},
			{"import of a non-spreadsheet", req{method: "POST", url: "/api/v1/import/entities?filename=photo.jpg", who: "office", body: "\xff\xd8\xff",
				header: map[string]string{"Content-Type": "image/jpeg"}}, "", 422,
				ErrorDetail{Kind: "invalid", Key: "err.import.format"}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := tc.req
				if tc.lang != "" {
					if r.header == nil {
						r.header = map[string]string{}
					}
					r.header["Accept-Language"] = tc.lang
				}
				w := f.do(r)
				if w.Code != tc.status {
					t.Fatalf("status = %d, want %d; body:\n%s", w.Code, tc.status, w.Body.String())
				}
				if ct := w.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
					t.Errorf("Content-Type = %q", ct)
				}
				for k, v := range tc.header {
					if got := w.Header().Get(k); got != v {
						t.Errorf("header %s = %q, want %q", k, got, v)
					}
				}
				got := decode[ErrorBody](t, w).Error
				if got.Message == "" || strings.HasPrefix(got.Message, "err.") || strings.Contains(got.Message, "field.") {
					t.Errorf("message %q is not a translated sentence", got.Message)
				}
				want := tc.want
				if want.Message == "" {
					want.Message = got.Message
				}
				if want.Key == "" {
					want.Key = got.Key
				}
				if want.Errors == nil {
					want.Errors = got.Errors
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("error body (-want +got):\n%s", diff)
				}
			})
		}
	})
}

// TestInternalErrorHidesDetail closes the store under the API: the caller
// gets a 500 with the generic message, the log gets the detail.
func TestInternalErrorHidesDetail(t *testing.T) {
	f := newFixture(t, storetest.New(t))
	var logBuf bytes.Buffer
	f.h = New(f.s, slogTo(&logBuf))
	tok := f.tokens["office"]
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	hr := httptest.NewRequestWithContext(t.Context(), "GET", "/api/v1/departments", nil)
	hr.Header.Set("Authorization", "Bearer "+tok)
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, hr)
	if w.Code != 500 {
		t.Fatalf("status = %d, want 500; %s", w.Code, w.Body.String())
	}
	got := decode[ErrorBody](t, w).Error
	want := ErrorDetail{Kind: "internal", Key: "err.internal", Message: "内部错误，请稍后重试或联系管理员"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	if !strings.Contains(logBuf.String(), "closed") {
		t.Errorf("log does not carry the detail: %s", logBuf.String())
	}
}

func TestCreateUpdateRoundTrip(t *testing.T) {
	eachFixture(t, func(t *testing.T, f *fixture) {
		c := code(t, 321)

		// Create, with a code typed the way people type it: lower case, spaces.
		w := f.do(req{method: "POST", url: "/api/v1/entities", who: "office", body: entityJSON(" "+strings.ToLower(c)+" ", "垣曲新店")})
		if w.Code != 201 {
			t.Fatalf("create: %d %s", w.Code, w.Body.String())
		}
		if loc := w.Header().Get("Location"); loc != "/api/v1/entities/"+c {
			t.Errorf("Location = %q", loc)
		}
		created := decode[domain.Entity](t, w)
		if created.ID == 0 || created.Code != c || created.Kind != domain.KindEnterprise || created.Status != domain.StatusActive {
			t.Errorf("created = %+v", created)
		}

		// Read it back, change it and put the whole record back, read-only
		// fields and all: a GET-modify-PUT round trip must be accepted.
		got := decode[map[string]any](t, f.do(req{method: "GET", url: "/api/v1/entities/" + c, who: "deptA"}))
		got["name"], got["risk_class"], got["risk_set_on"] = "垣曲新店（改）", "D", "2026-03-31"
		body, _ := json.Marshal(got)
		w = f.do(req{method: "PUT", url: "/api/v1/entities/" + c, who: "office", body: string(body)})
		if w.Code != 200 {
			t.Fatalf("update: %d %s", w.Code, w.Body.String())
		}
		updated := decode[domain.Entity](t, f.do(req{method: "GET", url: "/api/v1/entities/" + c, who: "inspector"}))
		if updated.Name != "垣曲新店（改）" || updated.RiskClass != domain.RiskD || updated.RiskSetOn != (domain.Date{Year: 2026, Month: 3, Day: 31}) || updated.ID != created.ID {
			t.Errorf("after update = %+v", updated)
		}

		// Both changes are in the audit log, the update with its before.
		audit := decode[domain.List[domain.AuditEntry]](t, f.do(req{method: "GET", url: "/api/v1/audit?object_type=entity&object_key=" + c, who: "discipline"}))
		var actions []string
		for _, e := range audit.Items {
			actions = append(actions, e.Action)
		}
		if diff := cmp.Diff([]string{"entity.update", "entity.create"}, actions); diff != "" {
			t.Errorf("audit actions (-want +got):\n%s", diff)
		}
		if len(audit.Items) == 2 && !strings.Contains(audit.Items[0].Before, "垣曲新店") {
			t.Errorf("update's before = %q", audit.Items[0].Before)
		}

		// An inspector, by department staff, into their own department by default.
		w = f.do(req{method: "POST", url: "/api/v1/inspectors", who: "deptA",
			body: `{"name":" 王五 ","cert_no":"scjg0777","cert_expiry":"2031-12-31","labels":["食品","食品","特种设备"],"expert":false,` +
				`"id_number":"` + residentID("14082719900303003") + `","conflicts":[{"entity_code":"` + c + `","reason":"亲属","declared_on":"2026-01-02"}]}`})
		if w.Code != 201 {
			t.Fatalf("create inspector: %d %s", w.Code, w.Body.String())
		}
		in := decode[domain.Inspector](t, w)
		if w.Header().Get("Location") != "/api/v1/inspectors/"+strconv.FormatInt(in.ID, 10) {
			t.Errorf("Location = %q", w.Header().Get("Location"))
		}
		want := domain.Inspector{ID: in.ID, DepartmentID: f.deptA, Name: "王五", IDNumber: residentID("14082719900303003"), CertNo: "SCJG0777",
			CertExpiry: domain.Date{Year: 2031, Month: 12, Day: 31}, Labels: []string{"食品", "特种设备"}, Status: domain.InspectorOnDuty,
			Conflicts: []domain.Conflict{{EntityCode: c, Reason: "亲属", DeclaredOn: domain.Date{Year: 2026, Month: 1, Day: 2}}}, UpdatedAt: in.UpdatedAt}
		if diff := cmp.Diff(want, in); diff != "" {
			t.Errorf("created inspector (-want +got):\n%s", diff)
		}
		in.Status, in.Labels, in.Conflicts = domain.InspectorOnLeave, []string{"消防"}, nil
		body, _ = json.Marshal(in)
		id := strconv.FormatInt(in.ID, 10)
		if w := f.do(req{method: "PUT", url: "/api/v1/inspectors/" + id, who: "deptA", body: string(body)}); w.Code != 200 {
			t.Fatalf("update inspector: %d %s", w.Code, w.Body.String())
		}
		again := decode[domain.Inspector](t, f.do(req{method: "GET", url: "/api/v1/inspectors/" + id, who: "office"}))
		if again.Status != domain.InspectorOnLeave || !cmp.Equal(again.Labels, []string{"消防"}) || len(again.Conflicts) != 0 {
			t.Errorf("after update = %+v", again)
		}
		if w := f.do(req{method: "PUT", url: "/api/v1/inspectors/999999", who: "office", body: string(body)}); w.Code != 404 {
			t.Errorf("update of a missing inspector: %d, want 404", w.Code)
		}
	})
}

// TestImportBadFileWritesNothing uploads a file with a wrong check
// character and a repeated code: the answer lists every bad row as the
// spreadsheet numbers it, and the directory and audit log are unchanged.
func TestImportBadFileWritesNothing(t *testing.T) {
	eachFixture(t, func(t *testing.T, f *fixture) {
		dup := code(t, 601)
		file := "统一社会信用代码,名称,行业,乡镇,信用风险分类\n" +
			code(t, 600) + ",好店一,餐饮服务,新城镇,A\n" + // row 2
			badCheck(code(t, 602)) + ",坏代码,餐饮服务,新城镇,B\n" + // row 3
			dup + ",重复甲,餐饮服务,新城镇,C\n" + // row 4
			code(t, 603) + ",好店二,餐饮服务,新城镇,D\n" + // row 5
			dup + ",重复乙,餐饮服务,新城镇,C\n" // row 6

		count := func() (entities, audit int) {
			e := decode[domain.List[domain.Entity]](t, f.do(req{method: "GET", url: "/api/v1/entities?size=1", who: "office"}))
			a := decode[domain.List[domain.AuditEntry]](t, f.do(req{method: "GET", url: "/api/v1/audit?size=1", who: "office"}))
			return e.Total, a.Total
		}
		e0, a0 := count()

		for _, lang := range []string{"zh-CN", "en"} {
			t.Run(lang, func(t *testing.T) {
				w := f.do(req{method: "POST", url: "/api/v1/import/entities?filename=名录.csv", who: "office", body: file,
					header: map[string]string{"Content-Type": "text/csv", "Accept-Language": lang}})
				if w.Code != 422 {
					t.Fatalf("status = %d, want 422: %s", w.Code, w.Body.String())
				}
				got := decode[ErrorBody](t, w).Error
				rows := map[int]bool{}
				for _, fe := range got.Errors {
					rows[fe.Row] = true
					if fe.Field != "code" || fe.Key == "" || fe.Message == "" {
						t.Errorf("row error %+v lacks field, key or message", fe)
					}
				}
				if !rows[3] || !rows[6] || rows[2] || rows[5] {
					t.Errorf("rows with errors = %v, want 3 and 6 (and not 2, 5): %+v", rows, got.Errors)
				}
				prefix := map[string]string{"zh-CN": "第 3 行 统一社会信用代码", "en": "Row 3 Credit code"}[lang]
				if len(got.Errors) == 0 || !strings.HasPrefix(got.Errors[0].Message, prefix) {
					t.Errorf("first row message = %q, want prefix %q", got.Errors[0].Message, prefix)
				}
			})
		}
		if e1, a1 := count(); e1 != e0 || a1 != a0 {
			t.Errorf("after a refused import: %d entities, %d audit rows; before %d, %d", e1, a1, e0, a0)
		}

		// The same file fixed imports: dry run first (writes nothing), then for real.
		fixed := strings.Replace(strings.Replace(file, badCheck(code(t, 602)), code(t, 602), 1), dup+",重复乙", code(t, 604)+",改好", 1)
		w := f.do(req{method: "POST", url: "/api/v1/import/entities?format=csv&dry_run=true", who: "office", body: fixed, header: map[string]string{"Content-Type": "text/csv"}})
		rep := decode[domain.ImportReport](t, w)
		if w.Code != 200 || !rep.DryRun || rep.Created != 5 {
			t.Fatalf("dry run: %d %+v", w.Code, rep)
		}
		if e1, _ := count(); e1 != e0 {
			t.Errorf("dry run wrote: %d entities, before %d", e1, e0)
		}
		w = f.do(req{method: "POST", url: "/api/v1/import/entities?format=csv", who: "office", body: fixed, header: map[string]string{"Content-Type": "text/csv"}})
		rep = decode[domain.ImportReport](t, w)
		if w.Code != 200 || rep.DryRun || rep.Created != 5 || len(rep.Changes) != 5 {
			t.Fatalf("import: %d %+v", w.Code, rep)
		}
		if e1, _ := count(); e1 != e0+5 {
			t.Errorf("after import: %d entities, want %d", e1, e0+5)
		}
	})
}

func TestImportTooLarge(t *testing.T) {
	eachFixture(t, func(t *testing.T, f *fixture) {
		big := "统一社会信用代码,名称,行业,乡镇,信用风险分类\n" + strings.Repeat("x", MaxImportBytes)
		w := f.do(req{method: "POST", url: "/api/v1/import/entities?format=csv", who: "office", body: big, header: map[string]string{"Content-Type": "text/csv"}})
		if w.Code != 413 && w.Code != 422 {
			t.Fatalf("status = %d, want 413 or 422: %.300s", w.Code, w.Body.String())
		}
		got := decode[ErrorBody](t, w).Error
		if got.Kind != domain.KindInvalid || !strings.Contains(got.Message, "20") {
			t.Errorf("error = %+v, want an invalid error naming the 20 MiB limit", got)
		}
	})
}

// TestExportImportRoundTrip exports the directory through the API and
// imports the file back: nothing changes.
func TestExportImportRoundTrip(t *testing.T) {
	eachFixture(t, func(t *testing.T, f *fixture) {
		for _, format := range []string{"csv", "xlsx"} {
			t.Run(format, func(t *testing.T) {
				w := f.do(req{method: "GET", url: "/api/v1/export/entities?format=" + format, who: "inspector"})
				if w.Code != 200 {
					t.Fatalf("export: %d %s", w.Code, w.Body.String())
				}
				wantType := map[string]string{"csv": "text/csv; charset=utf-8", "xlsx": xlsxType}[format]
				if ct := w.Header().Get("Content-Type"); ct != wantType {
					t.Errorf("Content-Type = %q, want %q", ct, wantType)
				}
				if cd := w.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=entities-") || !strings.HasSuffix(cd, "."+format) {
					t.Errorf("Content-Disposition = %q", cd)
				}
				file := w.Body.String()
				if format == "csv" {
					for _, c := range f.codes {
						if !strings.Contains(file, c) {
							t.Errorf("export lacks %s", c)
						}
					}
				}
				w = f.do(req{method: "POST", url: "/api/v1/import/entities?dry_run=true&filename=back." + format, who: "office", body: file,
					header: map[string]string{"Content-Type": "application/octet-stream"}})
				rep := decode[domain.ImportReport](t, w)
				if w.Code != 200 || rep.Unchanged != len(f.codes) || rep.Created+rep.Updated != 0 {
					t.Errorf("re-import: %d %+v, want %d unchanged", w.Code, rep, len(f.codes))
				}
			})
		}
		t.Run("filtered", func(t *testing.T) {
			w := f.do(req{method: "GET", url: "/api/v1/export/entities?format=csv&q=" + f.codes[1], who: "office"})
			if strings.Contains(w.Body.String(), f.codes[0]) || !strings.Contains(w.Body.String(), f.codes[1]) {
				t.Errorf("filtered export:\n%s", w.Body.String())
			}
		})
		t.Run("inspectors", func(t *testing.T) {
			w := f.do(req{method: "GET", url: "/api/v1/export/inspectors?format=csv&department_id=" + strconv.FormatInt(f.deptB, 10), who: "deptB"})
			if w.Code != 200 || !strings.Contains(w.Body.String(), "XFJY0001") || strings.Contains(w.Body.String(), "SCJG0001") {
				t.Errorf("inspector export: %d\n%s", w.Code, w.Body.String())
			}
		})
		t.Run("bad format", func(t *testing.T) {
			w := f.do(req{method: "GET", url: "/api/v1/export/entities?format=pdf", who: "office"})
			if w.Code != 422 || decode[ErrorBody](t, w).Error.Field != "format" {
				t.Errorf("export as pdf: %d %s", w.Code, w.Body.String())
			}
		})
	})
}

func TestPublicHidesRiskClass(t *testing.T) {
	eachFixture(t, func(t *testing.T, f *fixture) {
		w := f.do(req{method: "GET", url: "/api/v1/public/entities/" + strings.ToLower(f.codes[0])})
		if w.Code != 200 {
			t.Fatalf("status %d: %s", w.Code, w.Body.String())
		}
		if strings.Contains(w.Body.String(), "risk") {
			t.Errorf("public entity shows a risk class: %s", w.Body.String())
		}
		e := decode[domain.PublicEntity](t, w)
		if e.Code != f.codes[0] || e.Industry != "餐饮服务" || e.Township != "新城镇" {
			t.Errorf("public entity = %+v", e)
		}
	})
}

// TestDisabledUserTokenRefused: disabling a user stops their tokens at once.
func TestDisabledUserTokenRefused(t *testing.T) {
	eachFixture(t, func(t *testing.T, f *fixture) {
		if w := f.do(req{method: "GET", url: "/api/v1/me", who: "deptB"}); w.Code != 200 {
			t.Fatalf("before: %d %s", w.Code, w.Body.String())
		}
		me := decode[Me](t, f.do(req{method: "GET", url: "/api/v1/me", who: "deptB"}))
		if err := f.s.SetDisabled(t.Context(), domain.System, me.ID, true); err != nil {
			t.Fatal(err)
		}
		w := f.do(req{method: "GET", url: "/api/v1/me", who: "deptB"})
		if w.Code != 401 || decode[ErrorBody](t, w).Error.Key != "err.api.token_invalid" {
			t.Errorf("after disabling: %d %s", w.Code, w.Body.String())
		}
		if got := w.Header().Get("WWW-Authenticate"); !strings.Contains(got, `error="invalid_token"`) {
			t.Errorf("WWW-Authenticate = %q", got)
		}
	})
}

// TestImportMultipart: a form upload (curl -F file=@x.csv) works like a
// raw body, the format taken from the part's file name.
func TestImportMultipart(t *testing.T) {
	eachFixture(t, func(t *testing.T, f *fixture) {
		form := func(withFile bool) (string, string) {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			_ = mw.WriteField("note", "first a plain field")
			if withFile {
				fw, _ := mw.CreateFormFile("file", "名录.csv")
				_, _ = io.WriteString(fw, "统一社会信用代码,名称,行业,乡镇,信用风险分类\n"+code(t, 700)+",表单店,餐饮服务,新城镇,A\n")
			}
			_ = mw.Close()
			return buf.String(), mw.FormDataContentType()
		}
		body, ct := form(true)
		w := f.do(req{method: "POST", url: "/api/v1/import/entities?dry_run=1", who: "office", body: body, header: map[string]string{"Content-Type": ct}})
		if rep := decode[domain.ImportReport](t, w); w.Code != 200 || rep.Created != 1 || !rep.DryRun {
			t.Errorf("multipart import: %d %s", w.Code, w.Body.String())
		}
		body, ct = form(false)
		w = f.do(req{method: "POST", url: "/api/v1/import/entities", who: "office", body: body, header: map[string]string{"Content-Type": ct}})
		if w.Code != 422 || decode[ErrorBody](t, w).Error.Key != "err.api.no_file_part" {
			t.Errorf("form without a file: %d %s", w.Code, w.Body.String())
		}
	})
}

// TestPanicBecomesInternalError: a handler that panics (here: no store at
// all) answers the usual 500 body, and the log has the panic.
func TestPanicBecomesInternalError(t *testing.T) {
	var logBuf bytes.Buffer
	h := New(nil, slogTo(&logBuf))
	r := httptest.NewRequestWithContext(t.Context(), "GET", "/api/v1/departments", nil)
	r.Header.Set("Authorization", "Bearer x")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 500 {
		t.Fatalf("status = %d, want 500: %s", w.Code, w.Body.String())
	}
	if got := decode[ErrorBody](t, w).Error; got.Kind != domain.KindInternal || got.Message != "内部错误，请稍后重试或联系管理员" {
		t.Errorf("error = %+v", got)
	}
	if !strings.Contains(logBuf.String(), "api: panic") {
		t.Errorf("log lacks the panic: %s", logBuf.String())
	}
}

// TestBadTextInParameters sends a NUL byte and invalid UTF-8 in every text
// query parameter and path code. PostgreSQL refuses such text, so unless
// the store turns it away first these are 500s; they must be 422 naming
// the parameter (or, for a code in the path, 404 or 422).
func TestBadTextInParameters(t *testing.T) {
	eachFixture(t, func(t *testing.T, f *fixture) {
		for _, bad := range []struct{ name, esc string }{{"nul", "%00"}, {"invalid utf-8", "%FF"}} {
			for _, tc := range []struct {
				name, url, who, field string
			}{
				{"entities q", "/api/v1/entities?q=a" + bad.esc, "inspector", "q"},
				{"entities industry", "/api/v1/entities?industry=" + bad.esc, "inspector", "industry"},
				{"entities township", "/api/v1/entities?township=x" + bad.esc, "inspector", "township"},
				{"entity code", "/api/v1/entities/9114" + bad.esc, "inspector", ""},
				{"inspectors q", "/api/v1/inspectors?q=" + bad.esc, "office", "q"},
				{"inspectors label", "/api/v1/inspectors?label=" + bad.esc, "office", "label"},
				{"audit object type", "/api/v1/audit?object_type=" + bad.esc, "office", "object_type"},
				{"audit object key", "/api/v1/audit?object_key=k" + bad.esc, "office", "object_key"},
				{"export entities", "/api/v1/export/entities?format=csv&q=" + bad.esc, "office", "q"},
				{"export inspectors", "/api/v1/export/inspectors?format=csv&label=" + bad.esc, "office", "label"},
				{"public search", "/api/v1/public/entities?q=" + bad.esc, "", "q"},
				{"public entity", "/api/v1/public/entities/91" + bad.esc, "", ""},
			} {
				t.Run(bad.name+"/"+tc.name, func(t *testing.T) {
					w := f.do(req{method: "GET", url: tc.url, who: tc.who})
					if tc.field == "" {
						// A code in the path is normalised first, which
						// may turn bad bytes into U+FFFD: then no such
						// entity (404) is as right as 422.
						if w.Code != http.StatusNotFound && w.Code != http.StatusUnprocessableEntity {
							t.Errorf("status %d, want 404 or 422\n%s", w.Code, w.Body.String())
						}
						return
					}
					if w.Code != http.StatusUnprocessableEntity {
						t.Fatalf("status %d, want 422\n%s", w.Code, w.Body.String())
					}
					got := decode[ErrorBody](t, w).Error
					if got.Kind != domain.KindInvalid || got.Key != "err.bad_text" || got.Field != tc.field {
						t.Errorf("error %+v, want kind invalid, key err.bad_text, field %q", got, tc.field)
					}
				})
			}
		}
	})
}

func TestRevokedTokenRefused(t *testing.T) {
	eachFixture(t, func(t *testing.T, f *fixture) {
		me := decode[Me](t, f.do(req{method: "GET", url: "/api/v1/me", who: "deptA"}))
		a := domain.Actor{UserID: me.ID, Name: "depta", Role: domain.RoleDepartment, DepartmentID: f.deptA}
		list, err := f.s.ListTokens(t.Context(), a)
		if err != nil || len(list) != 1 {
			t.Fatalf("ListTokens: %v, %v", list, err)
		}
		if err := f.s.RevokeToken(t.Context(), a, list[0].ID); err != nil {
			t.Fatal(err)
		}
		w := f.do(req{method: "GET", url: "/api/v1/entities", who: "deptA"})
		if w.Code != 401 || decode[ErrorBody](t, w).Error.Key != "err.api.token_invalid" {
			t.Errorf("revoked token: %d %s", w.Code, w.Body.String())
		}
		if w := f.do(req{method: "GET", url: "/api/v1/me", who: "deptB"}); w.Code != 200 {
			t.Errorf("another user's token: %d", w.Code)
		}
	})
}
