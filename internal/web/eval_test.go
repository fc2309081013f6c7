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
