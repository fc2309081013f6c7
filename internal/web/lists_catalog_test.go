package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// TestCatalogImportExport is a department's catalogue through files: its
// staff upload a catalogue, a row of another department's items is named
// and nothing is written; the fixed file previews and imports; the export
// reads back as the same items and as the import's template.
func TestCatalogImportExport(t *testing.T) {
	e := newEnv(t)
	w := newListsWorld(t, e)
	scjg := e.login(t, "scjg")
	count := func(dept int64) int {
		t.Helper()
		items, err := e.store.ListCatalogItems(t.Context(), domain.System, domain.CatalogFilter{DepartmentID: dept})
		if err != nil {
			t.Fatal(err)
		}
		return len(items)
	}
	before := count(e.fx.Dept.ID)

	if r := e.get(scjg, "/staff/catalog"); !strings.Contains(r.Body, `id="catalog-import"`) {
		t.Errorf("the catalogue page offers no import to its department")
	}
	if r := e.get(e.login(t, "inspector"), "/staff/catalog"); strings.Contains(r.Body, `id="catalog-import"`) {
		t.Errorf("the catalogue page offers an import to an inspector")
	}
	head := "部门,事项编码,抽查事项,检查内容,检查依据,检查方式,事项类别,结果选项\n"
	bad := head + "市场监管局,,餐饮具清洗消毒,是否按要求清洗消毒餐饮具,《中华人民共和国食品安全法》第五十六条,书面检查,重点,\n" +
		"消防大队,,消防控制室值班,是否24小时值班,《中华人民共和国消防法》第十六条,,,\n"
	r := e.upload(scjg, "/staff/import/catalog", "catalog.csv", []byte(bad))
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `<td data-label="行号">3</td>`) || !strings.Contains(r.Body, "只能导入本部门的检查事项") {
		t.Fatalf("another department's row: %d\n%.3000s", r.Status, r.Body)
	}
	if n := count(e.fx.Dept.ID); n != before {
		t.Errorf("refused file wrote items: %d, was %d", n, before)
	}

	good := head + "市场监管局,,餐饮具清洗消毒,是否按要求清洗消毒餐饮具,《中华人民共和国食品安全法》第五十六条,书面检查,重点,符合、不符合\n" +
		"市场监管局,SCJG-1,食品经营许可,检查食品经营许可,《相关法律》第1条,,,\n"
	r = e.upload(scjg, "/staff/import/catalog", "catalog.csv", []byte(good))
	m := regexp.MustCompile(`action="(/staff/import/catalog/[0-9a-f]{32})"`).FindStringSubmatch(r.Body)
	if r.Status != http.StatusOK || m == nil {
		t.Fatalf("good file preview: %d\n%.3000s", r.Status, r.Body)
	}
	if !regexp.MustCompile(`(?s)<span class="num">1</span><span class="lbl">新增</span>.*<span class="num">0</span><span class="lbl">更新</span>.*<span class="num">1</span><span class="lbl">不变</span>`).MatchString(r.Body) {
		t.Errorf("preview does not show 1 new and 1 unchanged:\n%.3000s", r.Body)
	}
	if n := count(e.fx.Dept.ID); n != before {
		t.Errorf("the preview wrote items")
	}
	if r := e.post(scjg, m[1], nil); r.Status != http.StatusOK || !strings.Contains(r.Body, "导入完成") {
		t.Fatalf("confirm: %d\n%.1000s", r.Status, r.Body)
	}
	if n := count(e.fx.Dept.ID); n != before+1 {
		t.Errorf("after the import the catalogue has %d items, want %d", n, before+1)
	}

	// The export (the import's template) holds the department's items
	// only, the new one with its options.
	x := e.get(scjg, "/staff/catalog/export?format=xlsx")
	if x.Status != http.StatusOK || !strings.Contains(x.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("export: %d %q", x.Status, x.Header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(strings.NewReader(x.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(f.GetSheetName(0))
	f.Close()
	if len(rows) != before+2 || !strings.Contains(strings.Join(flatten(rows), "|"), "符合、不符合") || strings.Contains(strings.Join(flatten(rows), "|"), "消防大队") {
		t.Errorf("export rows:\n%v", rows)
	}
	// The CSV of another department's catalogue, found by a search.
	c := e.get(scjg, "/staff/catalog/export?format=csv&q=%E6%B2%B9%E7%83%9F&department="+itoa(w.third.ID))
	if c.Status != http.StatusOK || !strings.Contains(c.Body, "油烟净化设施") || strings.Contains(c.Body, "排污登记") {
		t.Errorf("CSV export of a search: %d\n%s", c.Status, c.Body)
	}
}
