package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// TestListsImportWeb is joint lists through files in the browser's forms:
// the staff list page offers the export and, to who may draft, the
// import; a file with an unknown department in one row is refused naming
// the row, writing nothing; a published list needs a reason for its new
// version; the fixed file previews a new list and a new version, and the
// confirmation drafts both.
func TestListsImportWeb(t *testing.T) {
	e := newEnv(t)
	newListsWorld(t, e)
	storetest.SeedJointList(t, e.store, e.fx, "hotel")
	scjg := e.login(t, "scjg")
	lists := func() map[string]*domain.JointList {
		t.Helper()
		ls, err := e.store.ListJointLists(t.Context(), domain.System, domain.JointListFilter{})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]*domain.JointList{}
		for _, l := range ls {
			out[l.IndustryCode] = &l
		}
		return out
	}
	before := lists()
	if before["hotel"] == nil || before["hotel"].DraftVersionID != 0 || before["catering"] != nil {
		t.Fatalf("fixture: %+v", before)
	}

	if r := e.get(scjg, "/staff/lists"); !strings.Contains(r.Body, `id="lists-import"`) {
		t.Errorf("the lists page offers no import to a department that may draft")
	}
	if r := e.get(e.login(t, "inspector"), "/staff/lists"); strings.Contains(r.Body, `id="lists-import"`) {
		t.Errorf("the lists page offers an import to an inspector")
	}
	if r := e.get(e.login(t, "inspector"), "/staff/import/lists"); r.Status != http.StatusForbidden {
		t.Errorf("an inspector opens the lists import: %d", r.Status)
	}

	// The export is the published lists in the departments' columns.
	x := e.get(scjg, "/staff/lists/export?format=csv")
	if x.Status != http.StatusOK || !strings.HasPrefix(x.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %q", x.Status, x.Header.Get("Content-Type"))
	}
	exported := strings.Split(strings.TrimSpace(strings.TrimPrefix(x.Body, "\ufeff")), "\n")
	if len(exported) != 5 || !strings.Contains(exported[0], "牵头部门") || !strings.Contains(x.Body, "住宿") {
		t.Fatalf("export of the hotel list (header and four items):\n%s", x.Body)
	}

	catering := "序号,行业,牵头部门,联查部门,抽查事项,检查内容,检查依据,责任分工,抽查比例,频次,备注,事项编码\n" +
		"1,餐饮服务,市场监管局,市场监管局,餐饮具清洗消毒,是否按要求清洗消毒餐饮具,《中华人民共和国食品安全法》第五十六条,牵头组织,A:1%;B:2%;C:10%;D:30%,1,,\n" +
		"2,餐饮服务,市场监管局,%s,疏散通道与安全出口,检查疏散通道与安全出口,《相关法律》第1条,消防检查,,,,XFJY-1\n"
	bad := strings.Replace(catering, "%s", "不存在的部门", 1)
	r := e.upload(scjg, "/staff/import/lists", "lists.csv", []byte(bad))
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `<td data-label="行号">3</td>`) || !strings.Contains(r.Body, "不存在的部门") {
		t.Fatalf("unknown department in row 3: %d\n%.3000s", r.Status, r.Body)
	}
	good := strings.Replace(catering, "%s", "消防大队", 1)
	// The hotel list is published: its rows make a new version, which
	// needs a reason.
	file := []byte(good + strings.Join(exported[1:], "\n") + "\n")
	r = e.upload(scjg, "/staff/import/lists", "lists.csv", file)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "“住宿”清单已发布，导入将生成新版本，请填写调整原因") {
		t.Fatalf("a new version without a reason: %d\n%.3000s", r.Status, r.Body)
	}
	if diff := lists(); len(diff) != len(before) || diff["hotel"].DraftVersionID != 0 {
		t.Errorf("refused files wrote lists: %+v", diff)
	}

	r = e.upload(scjg, "/staff/import/lists", "lists.csv", file, "reason", "年度调整")
	m := regexp.MustCompile(`action="(/staff/import/lists/[0-9a-f]{32})"`).FindStringSubmatch(r.Body)
	if r.Status != http.StatusOK || m == nil {
		t.Fatalf("preview: %d\n%.3000s", r.Status, r.Body)
	}
	for _, want := range []string{"新建清单", "新版本草稿", `<span class="num">2</span><span class="lbl">涉及清单</span>`, `<span class="num">1</span><span class="lbl">新增检查事项</span>`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the preview does not show %q:\n%.3000s", want, r.Body)
		}
	}
	if diff := lists(); len(diff) != len(before) {
		t.Errorf("the preview wrote lists")
	}
	if r := e.post(scjg, m[1], nil); r.Status != http.StatusOK || !strings.Contains(r.Body, "导入完成") || !strings.Contains(r.Body, `href="/staff/versions/`) {
		t.Fatalf("confirm: %d\n%.3000s", r.Status, r.Body)
	}
	after := lists()
	if after["catering"] == nil || after["catering"].LeadDepartmentID != e.fx.Dept.ID || after["hotel"].DraftVersionID == 0 {
		t.Fatalf("after the import: %+v", after)
	}
	v, err := e.store.GetJointListVersion(t.Context(), domain.System, after["hotel"].DraftVersionID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Reason != "年度调整" {
		t.Errorf("the hotel list's new version has reason %q", v.Reason)
	}
}
