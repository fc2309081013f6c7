package api

import (
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// followUpMatrixRows are the role × action rows of the follow-up routes: a
// visit of a business of an industry of its own (a 2022 plan), led by
// department A with B joining, completed with a finding in A's part and
// closed with a rectification order (its follow-up is open); a referral of
// the finding from A to B; a third department C with no users; A's
// joint-punishment flag on another business. The rows run in order and
// move the referral along as B acts.
func followUpMatrixRows(t *testing.T, f *fixture) []matrixRow {
	t.Helper()
	ctx, sys := t.Context(), domain.System
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.s.SaveIndustry(ctx, sys, &domain.Industry{Code: "karaoke", Name: "歌舞娱乐"}))
	a, _ := f.s.GetDepartment(ctx, f.deptA)
	b, _ := f.s.GetDepartment(ctx, f.deptB)
	c := &domain.Department{Code: "ZHZF", Name: "垣曲县综合行政执法局"}
	must(f.s.SaveDepartment(ctx, sys, c))
	v := storetest.SeedJointList(t, f.s, &storetest.Fixture{Dept: *a, OtherDept: *b}, "karaoke")
	e := domain.Entity{Code: code(t, 710), Name: "垣曲测试歌厅", IndustryCode: "karaoke", TownshipCode: township, RiskClass: domain.RiskD}
	must(f.s.SaveEntity(ctx, sys, &e))
	plan := &domain.Plan{Year: 2022, Title: "2022"}
	must(f.s.CreatePlan(ctx, sys, plan))
	task := domain.TaskFromVersion(v, plan)
	task.Name = "歌舞娱乐联合抽查"
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
	staffA := domain.Actor{Name: "A", Role: domain.RoleDepartment, DepartmentID: f.deptA}
	for i, p := range in.Parts {
		who := domain.Actor{Name: "P", Role: domain.RoleDepartment, DepartmentID: p.DepartmentID}
		var rs []domain.ResultInput
		for j, it := range p.Items {
			r := domain.ResultInput{ItemID: it.ItemID, Result: it.Options[0]}
			if i == 0 && j == 0 {
				r.Result, r.Rule = "不符合", "《娱乐场所管理条例》"
			}
			rs = append(rs, r)
		}
		must(f.s.SaveResults(ctx, who, p.ID, rs))
		must(f.s.SignPart(ctx, who, p.ID))
	}
	today := domain.DateOf(time.Now().In(time.FixedZone("CST", 8*3600)))
	must(f.s.CloseVisit(ctx, staffA, in.Visit.ID, domain.CloseInput{Category: domain.CatRectified, Disposal: domain.DispRectify, DisposalText: "责令整改", RectifyDue: today.AddDays(30)}))
	lead := in.Parts[0]
	finding := domain.ReferralInput{PartID: lead.ID, ItemID: lead.Items[0].ItemID, Kind: domain.RefNotify, ToDept: f.deptB, Text: "请依职责处理"}
	r0, err := f.s.SendReferral(ctx, staffA, finding)
	must(err)
	fus, err := f.s.ListFollowUps(ctx, sys, domain.FollowUpFilter{VisitID: in.Visit.ID})
	must(err)
	flag, err := f.s.SetPunishFlag(ctx, staffA, mustEntity(t, f, f.codes[1]), "严重违法失信")
	must(err)

	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	toC := finding
	toC.Kind, toC.ToDept = domain.RefCase, c.ID
	body, _ := json.Marshal(toC)
	ref, fu := id(r0.ID), id(fus.Items[0].ID)
	const ok, created, none, unauth, forbidden, notFound, conflict = 200, 201, 204, 401, 403, 404, 409
	all := st(unauth, ok, ok, ok, ok, ok)
	return []matrixRow{
		{"GET /api/v1/referrals", "GET", "/api/v1/referrals?box=received&overdue=false", "", "", all},
		{"POST /api/v1/referrals", "POST", "/api/v1/referrals", string(body), "", st(unauth, forbidden, created, forbidden, forbidden, forbidden)},
		{"GET /api/v1/referrals/{id}", "GET", "/api/v1/referrals/" + ref, "", "", all},
		{"POST /api/v1/referrals/{id}/{action}", "POST", "/api/v1/referrals/" + ref + "/receive", "", "", st(unauth, forbidden, forbidden, ok, forbidden, forbidden)},
		{"POST /api/v1/referrals/{id}/{action}", "POST", "/api/v1/referrals/" + ref + "/accept", "", "", st(unauth, forbidden, forbidden, ok, forbidden, forbidden)},
		{"POST /api/v1/referrals/{id}/{action}", "POST", "/api/v1/referrals/" + ref + "/outcome", `{"text":"已立案查处"}`, "", st(unauth, forbidden, forbidden, ok, forbidden, forbidden)},
		{"POST /api/v1/referrals/{id}/{action}", "POST", "/api/v1/referrals/" + ref + "/return", `{"text":"不属于本部门"}`, "", st(unauth, forbidden, forbidden, conflict, forbidden, forbidden)},
		{"GET /api/v1/followups", "GET", "/api/v1/followups?state=open&kind=rectify", "", "", all},
		{"GET /api/v1/followups/{id}", "GET", "/api/v1/followups/" + fu, "", "", st(unauth, ok, ok, notFound, ok, ok)},
		{"POST /api/v1/followups/{id}/recheck", "POST", "/api/v1/followups/" + fu + "/recheck", `{"checked_on":"` + today.String() + `","outcome":"rectified"}`, "",
			st(unauth, forbidden, ok, forbidden, forbidden, forbidden)},
		{"GET /api/v1/followups/settings", "GET", "/api/v1/followups/settings", "", "", all},
		{"PUT /api/v1/followups/settings", "PUT", "/api/v1/followups/settings", `{"answer_days":5,"outcome_days":30,"abnormal_days":10}`, "", st(unauth, ok, forbidden, forbidden, forbidden, forbidden)},
		{"GET /api/v1/entities/{code}/punish-flags", "GET", "/api/v1/entities/" + e.Code + "/punish-flags", "", "", all},
		{"POST /api/v1/entities/{code}/punish-flags", "POST", "/api/v1/entities/" + e.Code + "/punish-flags", `{"reason":"拒不整改"}`, "", st(unauth, forbidden, created, created, forbidden, forbidden)},
		{"POST /api/v1/punish-flags/{id}/clear", "POST", "/api/v1/punish-flags/" + id(flag.ID) + "/clear", `{"reason":"信用修复"}`, "", st(unauth, forbidden, none, forbidden, forbidden, forbidden)},
	}
}

func mustEntity(t *testing.T, f *fixture, code string) int64 {
	t.Helper()
	e, err := f.s.GetEntityByCode(t.Context(), domain.System, code)
	if err != nil {
		t.Fatal(err)
	}
	return e.ID
}

func TestFollowUpSchemasMatchTypes(t *testing.T) {
	doc, _ := loadDoc(t)
	for name, typ := range map[string]reflect.Type{
		"ReferralInput":    reflect.TypeFor[domain.ReferralInput](),
		"Referral":         reflect.TypeFor[domain.Referral](),
		"StepBody":         reflect.TypeFor[StepBody](),
		"FollowUp":         reflect.TypeFor[domain.FollowUp](),
		"RecheckInput":     reflect.TypeFor[domain.RecheckInput](),
		"FollowUpSettings": reflect.TypeFor[domain.FollowUpSettings](),
		"PunishFlag":       reflect.TypeFor[domain.PunishFlag](),
		"PublicReferral":   reflect.TypeFor[domain.PublicReferral](),
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
