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

const listCSV = `序号,行业,牵头部门,联查部门,抽查事项,检查内容,检查依据,责任分工,抽查比例,频次,备注
1,餐饮服务,市场监管局,市场监管局,食品经营许可,是否取得食品经营许可证,《中华人民共和国食品安全法》第三十五条,牵头组织,A:1%;B:2%;C:10%;D:30%,每年1次,
2,餐饮服务,市场监管局,市场监管局,从业人员健康证明,从业人员是否持有效健康证明,《中华人民共和国食品安全法》第四十五条,,,,
3,餐饮服务,市场监管局,消防大队,疏散通道,疏散通道、安全出口是否畅通,《中华人民共和国消防法》第二十八条,负责消防安全,,,
4,餐饮服务,市场监管局,生态环境分局,油烟净化设施,是否安装油烟净化设施并正常使用,《中华人民共和国大气污染防治法》第八十一条,负责油烟排放,,,
`

func readLists(t *testing.T, s *store.Store, csv string) ([]domain.JointListRow, error) {
	t.Helper()
	ref := importx.Reference{}
	var err error
	if ref.Departments, err = s.ListDepartments(t.Context()); err != nil {
		t.Fatal(err)
	}
	if ref.Industries, err = s.ListIndustries(t.Context()); err != nil {
		t.Fatal(err)
	}
	return importx.ReadJointLists(strings.NewReader(csv), "list.csv", ref, importx.Options{})
}

func TestImportJointLists(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := newListWorld(t, s)
		f := w.f
		before := dump(t, s)

		// An unknown department in one row: nothing is read, the row is named.
		bad := strings.Replace(listCSV, "4,餐饮服务,市场监管局,生态环境分局", "4,餐饮服务,市场监管局,环保局", 1)
		_, err := readLists(t, s, bad)
		var ve *domain.ValidationError
		if !errors.As(err, &ve) || len(ve.Errors) != 1 || ve.Errors[0].Row != 5 || ve.Errors[0].Field != domain.FieldListDepartment ||
			ve.Errors[0].Key != "err.import.unknown_department" {
			t.Fatalf("unknown department: %v", err)
		}

		rows, err := readLists(t, s, listCSV)
		if err != nil {
			t.Fatal(err)
		}
		// The lead may not add items to co-departments' catalogues: every
		// such row is named, and nothing is written.
		_, err = s.ImportJointLists(ctx, f.DeptStaff, rows, domain.ListImportOptions{})
		if diff := cmp.Diff([]string{"4:item_name:err.lists.item_unknown", "5:item_name:err.lists.item_unknown"}, fieldKeys(err)); diff != "" {
			t.Errorf("lead importing new co-department items (-want +got):\n%s", diff)
		}
		// A co-department may not import a list it does not lead.
		_, err = s.ImportJointLists(ctx, f.OtherStaff, rows, domain.ListImportOptions{})
		if !denied(err) && !strings.Contains(strings.Join(fieldKeys(err), " "), "err.lists.lead_forbidden") {
			t.Errorf("co-department importing: %v", err)
		}
		// A dry run reports and writes nothing.
		rep, err := s.ImportJointLists(ctx, f.Office, rows, domain.ListImportOptions{DryRun: true})
		if err != nil || len(rep.Lists) != 1 || rep.Lists[0].Op != "create" || rep.Lists[0].Items != 4 || rep.ItemsCreated != 4 {
			t.Fatalf("dry run = %+v, %v", rep, err)
		}
		if diff := cmp.Diff(before, dump(t, s)); diff != "" {
			t.Errorf("failed imports and the dry run changed the store:\n%s", diff)
		}

		rep, err = s.ImportJointLists(ctx, f.Office, rows, domain.ListImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		v, err := s.GetJointListVersion(ctx, f.Office, rep.Lists[0].VersionID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Status != domain.ListDraft || v.Number != 1 || v.LeadDepartmentID != f.Dept.ID || v.Subject != "餐饮服务" ||
			v.Ratios.String() != "A:1%;B:2%;C:10%;D:30%" || v.Frequency != 1 ||
			!cmp.Equal(v.CoDepartments(), []int64{f.OtherDept.ID, w.third.ID}) || v.Part(w.third.ID).Division != "负责油烟排放" {
			t.Errorf("imported draft = %+v", v)
		}
		if it := v.Part(f.Dept.ID).Items; len(it) != 2 || it[0].Name != "食品经营许可" || it[0].Code != "SCJG-004" {
			t.Errorf("lead items = %+v", it)
		}

		// Export and import again (by the lead now: the items exist): the
		// draft is rewritten with the same content.
		var buf bytes.Buffer
		ref := importx.Reference{}
		ref.Departments, _ = s.ListDepartments(ctx)
		ref.Industries, _ = s.ListIndustries(ctx)
		if err := importx.WriteJointLists(&buf, "csv", ref, []*domain.JointListVersion{v}); err != nil {
			t.Fatal(err)
		}
		again, err := importx.ReadJointLists(&buf, "list.csv", ref, importx.Options{})
		if err != nil {
			t.Fatal(err)
		}
		rep, err = s.ImportJointLists(ctx, f.DeptStaff, again, domain.ListImportOptions{})
		if err != nil || rep.Lists[0].Op != "replace" || rep.ItemsCreated != 0 {
			t.Fatalf("re-import = %+v, %v", rep, err)
		}
		v2, err := s.GetJointListVersion(ctx, f.Office, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(domain.VersionDiff{From: 1, To: 1, AddedDepartments: []int64{}, RemovedDepartments: []int64{}, Added: []domain.ListItem{},
			Removed: []domain.ListItem{}, Changed: []domain.ItemChange{}, Header: []domain.FieldChange{}}, domain.DiffVersions(v, v2)); diff != "" {
			t.Errorf("round trip changed the list (-want +got):\n%s", diff)
		}
		// Publish, then an import without a reason is refused.
		for _, d := range v2.CoDepartments() {
			if err := s.ConfirmPart(ctx, f.Office, v.ID, d); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.PublishVersion(ctx, f.Office, v.ID); err != nil {
			t.Fatal(err)
		}
		_, err = s.ImportJointLists(ctx, f.DeptStaff, again, domain.ListImportOptions{})
		if diff := cmp.Diff([]string{"2:list_reason:err.lists.reason_for_import"}, fieldKeys(err)); diff != "" {
			t.Errorf("import over a published list (-want +got):\n%s", diff)
		}
		rep, err = s.ImportJointLists(ctx, f.DeptStaff, again, domain.ListImportOptions{Reason: "年度调整"})
		if err != nil || rep.Lists[0].Op != "version" || rep.Lists[0].Number != 2 {
			t.Fatalf("import as new version = %+v, %v", rep, err)
		}
	})
}
