package api

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/draw"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// drawMatrixRows are the draw's rows of the role × action table, over an
// industry and a 2024 plan of their own: a fresh batch to announce, a
// draw waiting for commitments (committed, then aborted), and a draw
// whose SCJG party has yet to reveal (revealed, public value entered
// twice, executed, bundle read).
func drawMatrixRows(t *testing.T, f *fixture) []matrixRow {
	t.Helper()
	ctx, sys := t.Context(), domain.System
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.s.SaveIndustry(ctx, sys, &domain.Industry{Code: "pharmacy", Name: "药品零售"}))
	a, _ := f.s.GetDepartment(ctx, f.deptA)
	b, _ := f.s.GetDepartment(ctx, f.deptB)
	v := storetest.SeedJointList(t, f.s, &storetest.Fixture{Dept: *a, OtherDept: *b}, "pharmacy")
	for i := 0; i < 4; i++ {
		e := domain.Entity{Code: code(t, 8800+i), Name: fmt.Sprintf("垣曲测试药店%d号", i), IndustryCode: "pharmacy", TownshipCode: township,
			RiskClass: domain.RiskClasses[i], Address: "新城镇某街", LegalRep: "王五"}
		must(f.s.SaveEntity(ctx, sys, &e))
	}
	plan := &domain.Plan{Year: 2023, Title: "2023"}
	must(f.s.CreatePlan(ctx, sys, plan))
	task := domain.TaskFromVersion(v, plan)
	task.Name, task.Batches = "药品零售联合抽查", nil
	for m := 3; m <= 5; m++ {
		task.Batches = append(task.Batches, domain.Batch{Window: domain.Window{Start: domain.Date{Year: 2023, Month: time.Month(m), Day: 1}, End: domain.Date{Year: 2023, Month: time.Month(m), Day: 28}}})
	}
	must(f.s.SaveTask(ctx, sys, task))
	must(f.s.SubmitTask(ctx, sys, task.ID))
	must(f.s.FilePlan(ctx, sys, plan.ID))
	must(f.s.PublishPlan(ctx, sys, plan.ID))
	task, err := f.s.GetTask(ctx, sys, task.ID)
	must(err)
	staffA := domain.Actor{Name: "a", Role: domain.RoleDepartment, DepartmentID: f.deptA}
	staffB := domain.Actor{Name: "b", Role: domain.RoleDepartment, DepartmentID: f.deptB}
	announce := func(batch int64, pv string) *domain.Draw {
		t.Helper()
		p, err := f.s.BatchDrawParams(ctx, staffA, batch, pv)
		must(err)
		d, err := f.s.AnnounceDraw(ctx, staffA, p)
		must(err)
		return d
	}
	secret := func(party string) []byte { return []byte(strings.Repeat(party, 8)) }
	waiting := announce(task.Batches[1].ID, "")
	revealing := announce(task.Batches[2].ID, "中国福利彩票双色球第2024030期开奖号码")
	must(f.s.CommitDraw(ctx, staffA, revealing.Key, "SCJG", draw.Commitment(revealing.AnnouncementHash, "SCJG", secret("SCJG"))))
	must(f.s.CommitDraw(ctx, staffB, revealing.Key, "XFJY", draw.Commitment(revealing.AnnouncementHash, "XFJY", secret("XFJY"))))
	must(f.s.RevealDraw(ctx, staffB, revealing.Key, "XFJY", hex.EncodeToString(secret("XFJY"))))

	const ok, created, unauth, forbidden, conflict = 200, 201, 401, 403, 409
	all := st(ok, ok, ok, ok, ok, ok)
	lead := func(first, again int) map[string]int {
		return st(unauth, first, again, forbidden, forbidden, forbidden)
	}
	party := st(unauth, forbidden, ok, forbidden, forbidden, forbidden)
	w, r := "/api/v1/draws/"+waiting.Key, "/api/v1/draws/"+revealing.Key
	return []matrixRow{
		{"GET /api/v1/draws", "GET", "/api/v1/draws", "", "", all},
		{"GET /api/v1/draws/{key}", "GET", w, "", "", all},
		{"POST /api/v1/batches/{id}/draw", "POST", "/api/v1/batches/" + strconv.FormatInt(task.Batches[0].ID, 10) + "/draw", `{}`, "", lead(created, conflict)},
		{"POST /api/v1/draws/{key}/commit", "POST", w + "/commit",
			fmt.Sprintf(`{"party":"SCJG","commitment":%q}`, draw.Commitment(waiting.AnnouncementHash, "SCJG", secret("SCJG"))), "", party},
		{"POST /api/v1/draws/{key}/reveal", "POST", r + "/reveal", fmt.Sprintf(`{"party":"SCJG","secret":%q}`, hex.EncodeToString(secret("SCJG"))), "", party},
		{"POST /api/v1/draws/{key}/public-value", "POST", r + "/public-value", `{"value":"01 02 03 04 05 06\n07"}`, "", lead(ok, ok)},
		{"POST /api/v1/draws/{key}/execute", "POST", r + "/execute", "", "", lead(ok, conflict)},
		{"GET /api/v1/draws/{key}/bundle", "GET", r + "/bundle", "", "", all},
		{"POST /api/v1/draws/{key}/abort", "POST", w + "/abort", `{"reason":"消防大队联络员未按时提交承诺值"}`, "", lead(ok, conflict)},
	}
}

// TestDrawAPIFlow: the public value's two entries and what they answer,
// the executed draw's result as the batch's selection, its bundle
// verifying, and errors naming the field.
func TestDrawAPIFlow(t *testing.T) {
	eachFixture(t, func(t *testing.T, f *fixture) {
		rows := drawMatrixRows(t, f)
		draws := decode[[]domain.Draw](t, f.do(req{method: "GET", url: "/api/v1/draws"}))
		if len(draws) != 2 {
			t.Fatalf("draws = %d", len(draws))
		}
		revealing := draws[0] // newest first
		url := "/api/v1/draws/" + revealing.Key
		w := f.do(req{method: "POST", url: url + "/reveal", who: "deptA", body: `{"party":"SCJG","secret":"zz"}`, header: map[string]string{"Accept-Language": "zh-CN"}})
		if w.Code != 422 || !strings.Contains(w.Body.String(), "secret") || !strings.Contains(w.Body.String(), "十六进制") {
			t.Errorf("bad secret: %d %s", w.Code, w.Body)
		}
		for _, row := range rows[4:6] {
			for _, who := range []string{"office", "deptA"} {
				if w := f.do(req{method: row.method, url: row.url, who: who, body: row.body}); w.Code != 200 && !(row.route == "POST /api/v1/draws/{key}/reveal" && who == "office") {
					t.Fatalf("%s as %s: %d %s", row.route, who, w.Code, w.Body)
				}
			}
		}
		got := decode[domain.Draw](t, f.do(req{method: "GET", url: url}))
		if got.PublicValue == nil || got.PublicValue.KeyString != "1.2.3.4.5.6./7./" {
			t.Fatalf("public value after two entries: %+v", got.PublicValue)
		}
		ex := decode[domain.Draw](t, f.do(req{method: "POST", url: url + "/execute", who: "deptA"}))
		if ex.State != domain.DrawExecuted || ex.BatchID == 0 {
			t.Fatalf("executed: %+v", ex)
		}
		sel := decode[[]domain.Selected](t, f.do(req{method: "GET", url: "/api/v1/batches/" + strconv.FormatInt(ex.BatchID, 10) + "/selection", who: "deptB"}))
		staffed := 0
		for _, v := range ex.Result.Visits {
			if len(v.Team) > 0 {
				staffed++
			}
		}
		if len(sel) != staffed || staffed == 0 {
			t.Errorf("selection %d for %d staffed visits", len(sel), staffed)
		}
		w = f.do(req{method: "GET", url: url + "/bundle"})
		b, err := draw.ReadBundle(w.Body)
		if err != nil {
			t.Fatal(err)
		}
		if rep, err := draw.Verify(b, nil); err != nil || !rep.OK() {
			t.Errorf("bundle does not verify: %v %+v", err, rep)
		}
	})
}
