package store_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/importx"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// catalogCSV changes the content of SCJG-01, names SCJG-02 by its name
// alone with nothing changed, and adds an item without a code.
const catalogCSV = `序号,部门,事项编码,抽查事项,检查内容,检查依据,检查方式,事项类别,结果选项,状态
1,市场监管局,SCJG-01,市场监管局事项1,核查食品经营许可证是否在有效期内,《某某条例》第1条,实地核查,一般,,有效
2,市场监管局,,市场监管局事项2,检查内容2,《某某条例》第2条,,,,
3,市场监管局,,进货查验记录,是否建立并执行进货查验记录制度,《中华人民共和国食品安全法》第五十三条,书面检查,重点,符合、基本符合、不符合、不涉及,
`

func readCatalog(t *testing.T, s *store.Store, csv string) ([]domain.CatalogRow, error) {
	t.Helper()
	ref := importx.Reference{}
	var err error
	if ref.Departments, err = s.ListDepartments(t.Context()); err != nil {
		t.Fatal(err)
	}
	return importx.ReadCatalog(strings.NewReader(csv), "catalog.csv", ref, importx.Options{})
}

func TestImportCatalog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := newListWorld(t, s)
		f := w.f
		before := dump(t, s)

		// Reading: an unknown department, a bad method and the same code
		// twice are named by row; nothing is read.
		bad := catalogCSV + "4,环保局,,油烟,检查油烟,《某法》第1条,,,,\n5,市场监管局,SCJG-09,甲,乙,丙,上门,,,\n6,市场监管局,SCJG-01,重复,乙,丙,,,,\n"
		_, err := readCatalog(t, s, bad)
		if diff := cmp.Diff([]string{"2:item_code:err.import.item_repeated", "5:department:err.import.unknown_department", "6:item_method:err.import.bad_choice",
			"7:item_code:err.import.duplicate_item"}, fieldKeys(err)); diff != "" {
			t.Errorf("bad file (-want +got):\n%s", diff)
		}

		rows, err := readCatalog(t, s, catalogCSV)
		if err != nil {
			t.Fatal(err)
		}
		if it := rows[2].Item; it.Method != domain.MethodDocument || it.Kind != domain.ItemKey || !cmp.Equal(it.Results, []string{"符合", "基本符合", "不符合", "不涉及"}) {
			t.Errorf("row 4 read as %+v", it)
		}
		// Another department's staff may not import these rows: each is
		// named and nothing is written.
		_, err = s.ImportCatalog(ctx, f.OtherStaff, rows, domain.ImportOptions{})
		if diff := cmp.Diff([]string{"2:department:err.lists.catalogue_not_yours", "3:department:err.lists.catalogue_not_yours", "4:department:err.lists.catalogue_not_yours"}, fieldKeys(err)); diff != "" {
			t.Errorf("other department importing (-want +got):\n%s", diff)
		}
		// An inspector may not import at all.
		if _, err := s.ImportCatalog(ctx, f.Inspector, rows, domain.ImportOptions{}); !denied(err) {
			t.Errorf("inspector importing: %v", err)
		}
		// A dry run reports what the import would do and writes nothing.
		rep, err := s.ImportCatalog(ctx, f.DeptStaff, rows, domain.ImportOptions{DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		want := []domain.Change{
			{Row: 2, Key: "SCJG/SCJG-01", Op: "update", Fields: []string{domain.FieldItemContent}},
			{Row: 3, Key: "SCJG/SCJG-02", Op: "unchanged"},
			{Row: 4, Key: "SCJG/SCJG-004", Op: "create"},
		}
		if diff := cmp.Diff(want, rep.Changes); diff != "" || rep.Created != 1 || rep.Updated != 1 || rep.Unchanged != 1 || !rep.DryRun {
			t.Errorf("dry run = %+v (-want +got):\n%s", rep, diff)
		}
		if diff := cmp.Diff(before, dump(t, s)); diff != "" {
			t.Errorf("refused imports and the dry run changed the store:\n%s", diff)
		}

		rep, err = s.ImportCatalog(ctx, f.DeptStaff, rows, domain.ImportOptions{})
		if err != nil || rep.Created != 1 || rep.Updated != 1 {
			t.Fatalf("import = %+v, %v", rep, err)
		}
		items, err := s.ListCatalogItems(ctx, f.DeptStaff, domain.CatalogFilter{DepartmentID: f.Dept.ID})
		if err != nil {
			t.Fatal(err)
		}
		byCode := map[string]domain.CatalogItem{}
		for _, it := range items {
			byCode[it.Code] = it
		}
		if it := byCode["SCJG-01"]; it.ID != w.items[f.Dept.ID][0].ID || it.Content != "核查食品经营许可证是否在有效期内" {
			t.Errorf("SCJG-01 after import = %+v", it)
		}
		if it := byCode["SCJG-004"]; it.Name != "进货查验记录" || it.Kind != domain.ItemKey {
			t.Errorf("new item = %+v (catalogue %v)", it, byCode)
		}
		// Each change has its audit row, as a form save has.
		audit, err := s.ListAudit(ctx, f.Office, domain.AuditFilter{ObjectType: "catalog_item"})
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]int{}
		for _, e := range audit.Items {
			if e.ActorID == f.DeptStaff.UserID {
				actions[e.Action]++
			}
		}
		if actions["catalog_item.create"] != 1 || actions["catalog_item.update"] != 1 {
			t.Errorf("audit rows of the import: %v", actions)
		}

		// Export and import again: every item is unchanged.
		var buf bytes.Buffer
		ref := importx.Reference{}
		ref.Departments, _ = s.ListDepartments(ctx)
		if err := importx.WriteCatalog(&buf, "xlsx", ref, items); err != nil {
			t.Fatal(err)
		}
		again, err := importx.ReadCatalog(&buf, "catalog.xlsx", ref, importx.Options{})
		if err != nil {
			t.Fatal(err)
		}
		rep, err = s.ImportCatalog(ctx, f.DeptStaff, again, domain.ImportOptions{})
		if err != nil || rep.Unchanged != len(items) || rep.Created+rep.Updated != 0 {
			t.Errorf("re-import of the export = %+v, %v", rep, err)
		}
		var ve *domain.ValidationError
		if _, err := s.ImportCatalog(ctx, f.DeptStaff, nil, domain.ImportOptions{}); err == nil || errors.As(err, &ve) {
			t.Errorf("empty import: %v", err)
		}
	})
}
