package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/yiyeyicha/yiyeyicha/internal/attach"
	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// inspectFixture is the API over storetest.SeedVisits with tokens for the
// office, both departments' staff (deptA leads), both inspectors on the
// team and the discipline office.
func inspectFixture(t *testing.T, s *store.Store) (*fixture, *storetest.VisitWorld) {
	t.Helper()
	w := storetest.SeedVisits(t, s, 1)
	blobs, err := attach.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s.SetBlobs(blobs)
	f := &fixture{t: t, s: s, h: New(s, slogTo(testLog{t})), tokens: map[string]string{}, deptA: w.F.Dept.ID, deptB: w.F.OtherDept.ID}
	for who, a := range map[string]domain.Actor{"office": w.F.Office, "deptA": w.F.DeptStaff, "deptB": w.F.OtherStaff,
		"inspA": w.InspActors[0], "inspB": w.InspActors[1], "discipline": w.F.Discipline} {
		tok, err := s.CreateToken(t.Context(), a, "test")
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[who] = tok
	}
	return f, w
}

func TestInspectionAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f, w := inspectFixture(t, s)
		v := w.Visits[0]
		vid := strconv.FormatInt(v.ID, 10)
		in := decode[domain.Inspection](t, f.do(req{method: "GET", url: "/api/v1/visits/" + vid + "/inspection", who: "inspB"}))
		lead, co := in.Parts[0], in.Parts[1]
		lid, cid := strconv.FormatInt(lead.ID, 10), strconv.FormatInt(co.ID, 10)
		results := func(p domain.InspectPart) string {
			var rs []domain.ResultInput
			for i, it := range p.Items {
				r := domain.ResultInput{ItemID: it.ItemID, Result: "符合"}
				if i == 0 && p.ID == lead.ID {
					r.Result, r.Rule = "不符合", it.LegalBasis
				}
				rs = append(rs, r)
			}
			b, _ := json.Marshal(ResultsBody{Results: rs})
			return string(b)
		}

		// Role × action: who may do what to the lead department's part and the visit.
		for _, tc := range []struct {
			method, url, body string
			want              map[string]int // caller → status; the last one allowed changes state
		}{
			{"GET", "/api/v1/visits/" + vid + "/inspection", "", map[string]int{"": 401, "office": 200, "deptA": 200, "deptB": 200, "inspA": 200, "inspB": 200, "discipline": 200}},
			{"GET", "/api/v1/inspect/visits", "", map[string]int{"": 401, "office": 200, "deptA": 200, "inspB": 200, "discipline": 200}},
			{"PUT", "/api/v1/parts/" + lid + "/results", results(lead), map[string]int{"": 401, "office": 403, "deptB": 403, "inspB": 403, "discipline": 403, "inspA": 204}},
			{"PUT", "/api/v1/parts/" + cid + "/results", results(co), map[string]int{"deptA": 403, "inspA": 403, "inspB": 204}},
			{"POST", "/api/v1/parts/" + lid + "/sign", "", map[string]int{"": 401, "office": 403, "deptB": 403, "inspB": 403, "discipline": 403, "inspA": 204}},
			{"POST", "/api/v1/visits/" + vid + "/close", `{"category":"ordered_rectify","disposal":"none"}`, map[string]int{"deptA": 409}},
			{"POST", "/api/v1/parts/" + cid + "/sign", "", map[string]int{"deptA": 403, "deptB": 204}},
			{"POST", "/api/v1/parts/" + lid + "/publish", "", map[string]int{"": 401, "office": 403, "deptB": 403, "inspA": 403, "discipline": 403, "deptA": 200}},
			{"POST", "/api/v1/visits/" + vid + "/close", `{"category":"no_problem","disposal":"none"}`, map[string]int{"deptA": 422}},
			{"POST", "/api/v1/visits/" + vid + "/close", `{"category":"ordered_rectify","disposal":"rectify","disposal_text":"责令整改","rectify_due":"2099-01-31"}`,
				map[string]int{"": 401, "office": 403, "deptB": 403, "inspB": 403, "discipline": 403, "deptA": 200}},
			{"PUT", "/api/v1/inspect/settings", `{"publish_days":20,"warn_days":3}`, map[string]int{"": 401, "deptA": 403, "inspA": 403, "discipline": 403, "office": 200}},
			{"GET", "/api/v1/public/entities/" + v.EntityCode + "/inspections", "", map[string]int{"": 200}},
		} {
			callers := make([]string, 0, len(tc.want))
			for who := range tc.want {
				callers = append(callers, who)
			}
			// Refusals first, then the allowed caller.
			sort.Slice(callers, func(i, j int) bool { return tc.want[callers[i]] > tc.want[callers[j]] })
			for _, who := range callers {
				got := f.do(req{method: tc.method, url: tc.url, who: who, body: tc.body})
				if got.Code != tc.want[who] {
					t.Errorf("%s %s as %q: %d, want %d: %s", tc.method, tc.url, who, got.Code, tc.want[who], got.Body)
				}
			}
		}
		due := decode[[]domain.PublicationDue](t, f.do(req{method: "GET", url: "/api/v1/publications/due", who: "deptB"}))
		if len(due) != 1 || due[0].PartID != co.ID || due[0].DueOn.IsZero() {
			t.Errorf("deptB's publications due = %+v", due)
		}
		pub := decode[[]domain.PublicInspection](t, f.do(req{method: "GET", url: "/api/v1/public/entities/" + v.EntityCode + "/inspections"}))
		if len(pub) != 1 || len(pub[0].Parts) != 1 || pub[0].Category != domain.CatRectified || pub[0].Parts[0].LogIndex < 0 || len(pub[0].Team) != 2 {
			t.Fatalf("public inspections = %+v", pub)
		}
		raw := f.do(req{method: "GET", url: "/api/v1/public/entities/" + v.EntityCode + "/inspections"}).Body.String()
		if strings.Contains(raw, "13900000000") || strings.Contains(raw, "inspector_id") {
			t.Errorf("public answer carries inspectors' private data: %s", raw)
		}
	})
}

func TestAttachmentAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f, w := inspectFixture(t, s)
		in, _ := s.Inspection(t.Context(), w.F.Office, w.Visits[0].ID)
		url := fmt.Sprintf("/api/v1/parts/%d/attachments", in.Parts[0].ID)
		var b bytes.Buffer
		png.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8)))
		zh := map[string]string{"Accept-Language": "zh-CN", "Content-Type": "application/octet-stream"}
		got := f.do(req{method: "POST", url: url + "?filename=setup.exe", who: "inspA", body: "MZ\x90\x00 not a photo", header: zh})
		if got.Code != 422 || !strings.Contains(got.Body.String(), "不接受此类文件") {
			t.Errorf("executable: %d %s", got.Code, got.Body)
		}
		got = f.do(req{method: "POST", url: url + "?filename=p.png", who: "inspB", body: b.String(), header: zh})
		if got.Code != 403 {
			t.Errorf("other department's inspector: %d", got.Code)
		}
		if in, _ := s.Inspection(t.Context(), w.F.Office, w.Visits[0].ID); len(in.Attachments) != 0 {
			t.Fatalf("refused uploads stored %d rows", len(in.Attachments))
		}
		got = f.do(req{method: "POST", url: url + "?filename=%E5%90%8E%E5%8E%A8.png&item_id=" + strconv.FormatInt(in.Parts[0].Items[0].ItemID, 10), who: "inspA", body: b.String(), header: zh})
		if got.Code != 201 {
			t.Fatalf("upload: %d %s", got.Code, got.Body)
		}
		x := decode[domain.Attachment](t, got)
		if x.Name != "后厨.png" || x.MediaType != "image/png" || x.Size != int64(b.Len()) {
			t.Errorf("attachment = %+v", x)
		}
		dl := f.do(req{method: "GET", url: "/api/v1/attachments/" + strconv.FormatInt(x.ID, 10), who: "discipline"})
		if dl.Code != 200 || dl.Body.String() != b.String() || dl.Header().Get("X-Content-SHA256") != x.SHA256 {
			t.Errorf("download: %d", dl.Code)
		}
	})
}

// TestInspectSchemasMatchTypes checks the inspection's schemas in the
// OpenAPI document against the Go types the API answers with.
func TestInspectSchemasMatchTypes(t *testing.T) {
	doc, _ := loadDoc(t)
	for name, typ := range map[string]reflect.Type{
		"ResultInput":      reflect.TypeFor[domain.ResultInput](),
		"ResultsBody":      reflect.TypeFor[ResultsBody](),
		"ItemResult":       reflect.TypeFor[domain.ItemResult](),
		"ChecklistItem":    reflect.TypeFor[domain.ChecklistItem](),
		"SignOff":          reflect.TypeFor[domain.SignOff](),
		"InspectPart":      reflect.TypeFor[domain.InspectPart](),
		"JointRecord":      reflect.TypeFor[domain.JointRecord](),
		"ArchiveMark":      reflect.TypeFor[domain.ArchiveMark](),
		"CloseInput":       reflect.TypeFor[domain.CloseInput](),
		"Attachment":       reflect.TypeFor[domain.Attachment](),
		"NoticeInspector":  reflect.TypeFor[domain.NoticeInspector](),
		"Inspection":       reflect.TypeFor[domain.Inspection](),
		"PublishResult":    reflect.TypeFor[PublishResult](),
		"InspectSettings":  reflect.TypeFor[domain.InspectSettings](),
		"PublicationDue":   reflect.TypeFor[domain.PublicationDue](),
		"PublicItem":       reflect.TypeFor[domain.PublicItem](),
		"PublicPart":       reflect.TypeFor[domain.PublicPart](),
		"PublicInspector":  reflect.TypeFor[domain.PublicInspector](),
		"PublicInspection": reflect.TypeFor[domain.PublicInspection](),
		"Visit":            reflect.TypeFor[domain.Visit](),
	} {
		t.Run(name, func(t *testing.T) {
			var s struct {
				Properties map[string]json.RawMessage `json:"properties"`
			}
			if err := json.Unmarshal(doc.Components.Schemas[name], &s); err != nil || s.Properties == nil {
				t.Fatalf("schema %s missing: %v", name, err)
			}
			var props []string
			for p := range s.Properties {
				props = append(props, p)
			}
			sort.Strings(props)
			if diff := cmp.Diff(jsonFields(typ), props); diff != "" {
				t.Errorf("properties (-Go type +schema):\n%s", diff)
			}
		})
	}
}

// inspectMatrixRows are the role × action rows of the inspection routes:
// a visit of a business of an industry of its own (a 2024 plan, so that
// no other rows' plans collide), led by department A with B joining, the
// fixture's inspector (of A) and B's inspector on the team. The rows run
// in order and change the visit as the allowed caller acts.
func inspectMatrixRows(t *testing.T, f *fixture) []matrixRow {
	t.Helper()
	ctx, sys := t.Context(), domain.System
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.s.SaveIndustry(ctx, sys, &domain.Industry{Code: "bath", Name: "洗浴服务"}))
	a, _ := f.s.GetDepartment(ctx, f.deptA)
	b, _ := f.s.GetDepartment(ctx, f.deptB)
	v := storetest.SeedJointList(t, f.s, &storetest.Fixture{Dept: *a, OtherDept: *b}, "bath")
	e := domain.Entity{Code: code(t, 700), Name: "垣曲测试浴池", IndustryCode: "bath", TownshipCode: township, RiskClass: domain.RiskC}
	must(f.s.SaveEntity(ctx, sys, &e))
	plan := &domain.Plan{Year: 2024, Title: "2024"}
	must(f.s.CreatePlan(ctx, sys, plan))
	task := domain.TaskFromVersion(v, plan)
	task.Name = "洗浴联合抽查"
	must(f.s.SaveTask(ctx, sys, task))
	must(f.s.SubmitTask(ctx, sys, task.ID))
	must(f.s.FilePlan(ctx, sys, plan.ID))
	must(f.s.PublishPlan(ctx, sys, plan.ID))
	task, _ = f.s.GetTask(ctx, sys, task.ID)
	bid := task.Batches[0].ID
	must(f.s.SetBatchSelection(ctx, sys, bid, []domain.Selected{{EntityID: e.ID, InspectorIDs: []int64{f.inA, f.inB}}}))
	_, err := f.s.Dispatch(ctx, sys, bid)
	must(err)
	vs, err := f.s.ListVisits(ctx, sys, domain.VisitFilter{BatchID: bid})
	must(err)
	in, err := f.s.Inspection(ctx, sys, vs.Items[0].ID)
	must(err)
	blobs, err := attach.NewDisk(t.TempDir())
	must(err)
	f.s.SetBlobs(blobs)
	var img bytes.Buffer
	png.Encode(&img, image.NewGray(image.Rect(0, 0, 4, 4)))
	up, err := attach.Receive("", "现场.png", bytes.NewReader(img.Bytes()), attach.DefaultLimits)
	must(err)
	defer up.Close()
	x, err := f.s.AddAttachment(ctx, domain.Actor{Name: "A", Role: domain.RoleDepartment, DepartmentID: f.deptA}, in.Parts[0].ID, 0, up)
	must(err)

	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	body := func(p domain.InspectPart) string {
		var rs []domain.ResultInput
		for _, it := range p.Items {
			rs = append(rs, domain.ResultInput{ItemID: it.ItemID, Result: it.Options[0]})
		}
		j, _ := json.Marshal(ResultsBody{Results: rs})
		return string(j)
	}
	vid, lead, co := id(in.Visit.ID), id(in.Parts[0].ID), id(in.Parts[1].ID)
	const ok, created, none, unauth, forbidden, conflict = 200, 201, 204, 401, 403, 409
	all := st(unauth, ok, ok, ok, ok, ok)
	return []matrixRow{
		{"GET /api/v1/visits/{id}/inspection", "GET", "/api/v1/visits/" + vid + "/inspection", "", "", all},
		{"GET /api/v1/inspect/visits", "GET", "/api/v1/inspect/visits?state=dispatched", "", "", all},
		{"PUT /api/v1/parts/{id}/results", "PUT", "/api/v1/parts/" + lead + "/results", body(in.Parts[0]), "", st(unauth, forbidden, none, forbidden, none, forbidden)},
		{"PUT /api/v1/parts/{id}/results", "PUT", "/api/v1/parts/" + co + "/results", body(in.Parts[1]), "", st(unauth, forbidden, forbidden, none, forbidden, forbidden)},
		{"POST /api/v1/parts/{id}/attachments", "POST", "/api/v1/parts/" + lead + "/attachments?filename=p.png", img.String(), "application/octet-stream",
			st(unauth, forbidden, created, forbidden, created, forbidden)},
		{"GET /api/v1/attachments/{id}", "GET", "/api/v1/attachments/" + id(x.ID), "", "", all},
		{"POST /api/v1/parts/{id}/{action}", "POST", "/api/v1/parts/" + lead + "/sign", "", "", st(unauth, forbidden, none, forbidden, conflict, forbidden)},
		{"POST /api/v1/parts/{id}/{action}", "POST", "/api/v1/parts/" + co + "/sign", "", "", st(unauth, forbidden, forbidden, none, forbidden, forbidden)},
		{"POST /api/v1/visits/{id}/close", "POST", "/api/v1/visits/" + vid + "/close", `{"category":"no_problem","disposal":"none"}`, "",
			st(unauth, forbidden, ok, forbidden, conflict, forbidden)},
		// Closed with no problem found: archived at closure already.
		{"GET /api/v1/visits/{id}/archive", "GET", "/api/v1/visits/" + vid + "/archive", "", "", all},
		{"POST /api/v1/visits/{id}/archive", "POST", "/api/v1/visits/" + vid + "/archive", "", "", st(unauth, forbidden, conflict, forbidden, forbidden, forbidden)},
		{"POST /api/v1/parts/{id}/{action}", "POST", "/api/v1/parts/" + lead + "/publish", "", "", st(unauth, forbidden, ok, forbidden, forbidden, forbidden)},
		{"GET /api/v1/publications/due", "GET", "/api/v1/publications/due", "", "", all},
		{"GET /api/v1/inspect/settings", "GET", "/api/v1/inspect/settings", "", "", all},
		{"PUT /api/v1/inspect/settings", "PUT", "/api/v1/inspect/settings", `{"publish_days":20,"warn_days":5}`, "", st(unauth, ok, forbidden, forbidden, forbidden, forbidden)},
		{"GET /api/v1/public/entities/{code}/inspections", "GET", "/api/v1/public/entities/" + e.Code + "/inspections", "", "", st(ok, ok, ok, ok, ok, ok)},
	}
}
