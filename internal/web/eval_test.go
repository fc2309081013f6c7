package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestEvalRouteRoleMatrix requests every evaluation page as every kind of
// user: the store's refusals become 403, bad input 422, never a 500.
func TestEvalRouteRoleMatrix(t *testing.T) {
	e := newEnv(t)
	other := strconv.FormatInt(e.fx.OtherDept.ID, 10)
	type want struct{ anon, office, dept, other, insp, disc int }
	const (
		ok   = http.StatusOK
		see  = http.StatusSeeOther
		no   = http.StatusForbidden
		bad  = http.StatusUnprocessableEntity
		nf   = http.StatusNotFound
		anon = http.StatusSeeOther
	)
	routes := []struct {
		name, method, path string
		form               url.Values
		want               want
	}{
		{"dashboard", "GET", "/staff/dashboard?year=2026&industry=catering", nil, want{anon, ok, ok, ok, no, ok}},
		{"dashboard other dept", "GET", "/staff/dashboard?dept=" + other, nil, want{anon, ok, ok, ok, no, ok}},
		{"weights", "POST", "/staff/dashboard/weights", url.Values{"progress": {"1"}, "timely": {"2"}, "follow_up": {"1"}, "referrals": {"0"}}, want{anon, see, no, no, no, no}},
		{"weights invalid", "POST", "/staff/dashboard/weights", url.Values{"progress": {"x"}}, want{anon, bad, no, no, no, no}},
		{"calibration", "GET", "/staff/calibration?year=2026", nil, want{anon, ok, no, no, no, no}},
		{"summary", "GET", "/staff/summary?year=2026", nil, want{anon, ok, ok, ok, no, ok}},
		{"summary xlsx", "GET", "/staff/summary/annual.xlsx?year=2026", nil, want{anon, ok, ok, ok, no, ok}},
		{"summary file", "POST", "/staff/summary", url.Values{"year": {"2026"}, "text": {"年度总结"}}, want{anon, nf, see, see, no, no}},
		{"summary file empty", "POST", "/staff/summary", url.Values{"year": {"2026"}, "text": {" "}}, want{anon, bad, bad, bad, no, no}},
		{"bulletins", "GET", "/staff/bulletins?year=2026", nil, want{anon, ok, ok, ok, no, ok}},
		{"bulletin issue", "POST", "/staff/bulletins", url.Values{"year": {"2026"}, "title": {"通报"}, "deadline": {"2099-12-31"}}, want{anon, see, no, no, no, no}},
		{"bulletin issue invalid", "POST", "/staff/bulletins", url.Values{"year": {"2026"}, "title": {""}, "deadline": {"2000-01-01"}}, want{anon, bad, no, no, no, no}},
		{"bulletin respond missing", "POST", "/staff/bulletins/999/respond", url.Values{"response": {"已整改"}}, want{anon, nf, nf, nf, no, no}},
		{"cases", "GET", "/staff/cases?year=2026", nil, want{anon, ok, ok, ok, no, ok}},
		{"case submit", "POST", "/staff/cases", url.Values{"year": {"2026"}, "title": {"案例"}, "body": {"内容"}}, want{anon, bad, see, see, no, no}},
		{"case decide missing", "POST", "/staff/cases/999/decide", url.Values{"decision": {"publish"}}, want{anon, nf, no, no, no, no}},
		{"revisits", "GET", "/staff/revisits?year=2026", nil, want{anon, ok, no, no, no, ok}},
		{"revisits announce none completed", "POST", "/staff/revisits", url.Values{"year": {"2026"}, "count": {"3"}, "public_value": {"福彩"}, "secret": {strings.Repeat("ab", 32)}}, want{anon, bad, no, no, no, bad}},
		{"revisit draw missing", "POST", "/staff/revisits/999/draw", url.Values{"secret": {"ab"}}, want{anon, nf, no, no, no, nf}},
		{"revisit bundle missing", "GET", "/staff/revisits/999/bundle.json", nil, want{anon, nf, no, no, no, nf}},
		{"portal cases", "GET", "/cases?year=2026", nil, want{ok, ok, ok, ok, ok, ok}},
	}
	users := []struct {
		name, username string
		pick           func(want) int
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
				var r response
				if rt.method == "POST" {
					r = e.post(c, rt.path, rt.form)
				} else {
					r = e.get(c, rt.path)
				}
				if want := u.pick(rt.want); r.Status != want {
					t.Errorf("%s %s as %s: status %d, want %d\n%.600s", rt.method, rt.path, u.name, r.Status, want, r.Body)
				}
			}
		})
	}
}

func TestEvalPages(t *testing.T) {
	e := newEnv(t)
	office := e.login(t, "office")
	r := e.get(office, "/staff/dashboard?year=2026")
	if r.Status != http.StatusOK {
		t.Fatalf("dashboard: %d", r.Status)
	}
	for _, want := range []string{`<svg xmlns="http://www.w3.org/2000/svg"`, `role="img"`, `id="fig-joint"`, "暂无数据", "评价权重设置"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	// A department user sees its own figures, no department filter and no weights.
	dept := e.login(t, "scjg")
	r = e.get(dept, "/staff/dashboard?year=2026&dept="+strconv.FormatInt(e.fx.OtherDept.ID, 10))
	if r.Status != http.StatusOK || strings.Contains(r.Body, `id="f-dept"`) || strings.Contains(r.Body, "评价权重设置") || !strings.Contains(r.Body, e.fx.Dept.Name) {
		t.Errorf("department dashboard: %d", r.Status)
	}

	// The department files its summary; the office's summary shows who has not.
	if r := e.post(dept, "/staff/summary", url.Values{"year": {"2026"}, "text": {"今年的经验与不足"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("file: %d", r.Status)
	}
	r = e.get(office, "/staff/summary?year=2026")
	if !strings.Contains(r.Body, "今年的经验与不足") || !strings.Contains(r.Body, "未报送") {
		t.Errorf("summary page lacks the filing or the missing one")
	}
	x := e.get(office, "/staff/summary/annual.xlsx?year=2026")
	if x.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("xlsx content type %q", x.Header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(x.Body)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := []string{"概况", "各部门", "覆盖率", "风险校准", "总结报送", "通报", "典型案例"}
	if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("sheets %v, want %v", got, want)
	}
	rows, _ := f.GetRows("总结报送")
	if len(rows) != 3 || rows[1][3] != "今年的经验与不足" && rows[2][3] != "今年的经验与不足" {
		t.Errorf("filings sheet %v", rows)
	}
	// The department's own workbook has no calibration sheet.
	x = e.get(dept, "/staff/summary/annual.xlsx?year=2026")
	f2, err := excelize.OpenReader(bytes.NewReader([]byte(x.Body)))
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()
	for _, s := range f2.GetSheetList() {
		if s == "风险校准" {
			t.Error("a department's workbook carries the calibration")
		}
	}

	// A case goes from a department to the portal.
	if r := e.post(dept, "/staff/cases", url.Values{"year": {"2026"}, "title": {"燃气安全联查"}, "body": {"一次检查发现三项隐患"}, "industry": {"catering"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("submit case: %d", r.Status)
	}
	cs, err := e.store.ListCases(t.Context(), e.fx.Office, 2026, false)
	if err != nil || len(cs) != 1 {
		t.Fatalf("cases %v %v", cs, err)
	}
	if r := e.get(e.client(), "/cases?year=2026"); strings.Contains(r.Body, "燃气安全联查") {
		t.Error("an unpublished case is on the portal")
	}
	if r := e.post(office, "/staff/cases/"+strconv.FormatInt(cs[0].ID, 10)+"/decide", url.Values{"decision": {"publish"}, "year": {"2026"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("publish: %d", r.Status)
	}
	if r := e.get(e.client(), "/cases?year=2026"); !strings.Contains(r.Body, "燃气安全联查") {
		t.Error("the published case is not on the portal")
	}

	// The public business page shows the visit count, never the class.
	ent := e.seedEntity("负担测试饭店", 3)
	r = e.get(e.client(), "/entity/"+ent.Code)
	if !strings.Contains(r.Body, `id="burden-visits"`) || strings.Contains(r.Body, "上限") {
		t.Errorf("business page burden: %.400s", r.Body)
	}
}
