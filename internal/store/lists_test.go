package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// listWorld is a lead department (f.Dept), two co-departments (f.OtherDept
// and a third) with a user each, and a few catalogue items per department.
type listWorld struct {
	f          *storetest.Fixture
	third      domain.Department
	thirdStaff domain.Actor
	items      map[int64][]*domain.CatalogItem // by department
}

func newListWorld(t *testing.T, s *store.Store) *listWorld {
	t.Helper()
	ctx := t.Context()
	w := &listWorld{f: storetest.Seed(t, s), items: map[int64][]*domain.CatalogItem{}}
	w.third = domain.Department{Code: "STHJ", Name: "运城市生态环境局垣曲分局", ShortName: "生态环境分局"}
	if err := s.SaveDepartment(ctx, domain.System, &w.third); err != nil {
		t.Fatal(err)
	}
	u := &domain.User{Username: "sthj", DisplayName: "生态环境", Role: domain.RoleDepartment, DepartmentID: w.third.ID}
	if err := s.CreateUser(ctx, domain.System, u, storetest.Password); err != nil {
		t.Fatal(err)
	}
	w.thirdStaff = domain.ActorOf(u)
	for _, d := range []domain.Department{w.f.Dept, w.f.OtherDept, w.third} {
		for i := 1; i <= 3; i++ {
			it := &domain.CatalogItem{DepartmentID: d.ID, Code: fmt.Sprintf("%s-%02d", d.Code, i), Name: fmt.Sprintf("%s事项%d", d.ShortName, i),
				Content: "检查内容" + fmt.Sprint(i), LegalBasis: "《某某条例》第" + fmt.Sprint(i) + "条", Kind: domain.ItemGeneral}
			if err := s.SaveCatalogItem(ctx, domain.System, it); err != nil {
				t.Fatal(err)
			}
			w.items[d.ID] = append(w.items[d.ID], it)
		}
	}
	return w
}

func (w *listWorld) ids(dept int64, idx ...int) []int64 {
	var out []int64
	for _, i := range idx {
		out = append(out, w.items[dept][i].ID)
	}
	return out
}

func header() domain.ListHeader {
	return domain.ListHeader{Subject: "餐饮服务经营者", Frequency: 1,
		Ratios: domain.Ratios{domain.RiskA: 100, domain.RiskB: 200, domain.RiskC: 1000, domain.RiskD: 3000}}
}

func itemIDs(v *domain.JointListVersion) []int64 {
	var out []int64
	for _, it := range v.Items() {
		out = append(out, it.ItemID)
	}
	return out
}

func TestCatalogItems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		it := &domain.CatalogItem{DepartmentID: f.Dept.ID, Code: " SC-01 ", Name: "食品经营许可", Content: "是否取得食品经营许可证并在有效期内",
			LegalBasis: "《中华人民共和国食品安全法》第三十五条", Results: []string{" 符合 ", "不符合", "符合"}}
		if err := s.SaveCatalogItem(ctx, f.DeptStaff, it); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetCatalogItem(ctx, f.Inspector, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Code != "SC-01" || got.Method != domain.MethodOnSite || got.Kind != domain.ItemGeneral || !slices.Equal(got.Results, []string{"符合", "不符合"}) {
			t.Errorf("saved item = %+v", got)
		}
		dup := &domain.CatalogItem{DepartmentID: f.Dept.ID, Code: "SC-01", Name: "另一事项", Content: "内容", LegalBasis: "依据"}
		wantKind(t, s.SaveCatalogItem(ctx, f.DeptStaff, dup), domain.KindConflict)
		// The same code in another department's catalogue is another item.
		other := &domain.CatalogItem{DepartmentID: f.OtherDept.ID, Code: "SC-01", Name: "疏散通道", Content: "内容", LegalBasis: "《消防法》第二十八条"}
		wantKind(t, s.SaveCatalogItem(ctx, f.DeptStaff, other), domain.KindForbidden)
		if err := s.SaveCatalogItem(ctx, f.OtherStaff, other); err != nil {
			t.Fatal(err)
		}
		bad := &domain.CatalogItem{DepartmentID: f.Dept.ID, Code: "SC-02", Method: "phone", Results: []string{"是"}}
		err = s.SaveCatalogItem(ctx, f.DeptStaff, bad)
		want := []string{"0:item_name:err.required", "0:item_content:err.required", "0:item_basis:err.required", "0:item_method:err.bad_choice", "0:item_results:err.lists.results_few"}
		if diff := cmp.Diff(want, fieldKeys(err)); diff != "" {
			t.Errorf("validation (-want +got):\n%s", diff)
		}
		moved := *got
		moved.DepartmentID = f.OtherDept.ID
		wantKind(t, s.SaveCatalogItem(ctx, f.Office, &moved), domain.KindInvalid)
		list, err := s.ListCatalogItems(ctx, f.Discipline, domain.CatalogFilter{DepartmentID: f.Dept.ID, Query: "许可"})
		if err != nil || len(list) != 1 || list[0].ID != it.ID {
			t.Fatalf("search = %+v, %v", list, err)
		}
		_, err = s.ListCatalogItems(ctx, domain.Actor{}, domain.CatalogFilter{})
		wantKind(t, err, domain.KindUnauthorized)
		audit, err := s.ListAudit(ctx, f.Office, domain.AuditFilter{ObjectType: "catalog_item"})
		if err != nil || audit.Total != 2 {
			t.Fatalf("audit rows = %v, %v", audit, err)
		}
	})
}

// TestJointListLifecycle drafts a list with two co-departments, has each
// confirm, publishes it, then publishes a second version that drops one
// item and adds another, and checks the diff, the public reads and that
// version 1 is unchanged.
func TestJointListLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := newListWorld(t, s)
		f := w.f
		lead, co1, co2 := f.Dept.ID, f.OtherDept.ID, w.third.ID
		v, err := s.CreateJointList(ctx, f.DeptStaff, "catering", lead, header(), []int64{co1, co2})
		if err != nil {
			t.Fatal(err)
		}
		if v.Number != 1 || v.Status != domain.ListDraft || len(v.Parts) != 3 || !v.Parts[0].Lead || v.Parts[1].DepartmentID != co1 {
			t.Fatalf("new draft = %+v", v)
		}
		_, err = s.CreateJointList(ctx, f.DeptStaff, "catering", lead, header(), nil)
		wantKind(t, err, domain.KindConflict)
		// The public does not see drafts.
		_, err = s.GetJointListVersion(ctx, domain.Actor{}, v.ID)
		wantKind(t, err, domain.KindNotFound)
		pub, err := s.ListJointLists(ctx, domain.Actor{}, domain.JointListFilter{Published: true})
		if err != nil || len(pub) != 0 {
			t.Fatalf("published lists before publication = %v, %v", pub, err)
		}

		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(s.SetDraftPart(ctx, f.DeptStaff, v.ID, lead, "牵头组织，负责食品安全", w.ids(lead, 0, 1)))
		// The lead drafts the co-departments' parts too (线下磋商).
		must(s.SetDraftPart(ctx, f.DeptStaff, v.ID, co1, "负责消防安全", w.ids(co1, 0)))
		must(s.SetDraftPart(ctx, w.thirdStaff, v.ID, co2, "负责油烟排放", w.ids(co2, 0, 1)))
		// An item of another department's catalogue does not fit a part.
		err = s.SetDraftPart(ctx, f.DeptStaff, v.ID, lead, "", w.ids(co1, 1))
		if diff := cmp.Diff([]string{"0:list_items:err.lists.item_other_department"}, fieldKeys(err)); diff != "" {
			t.Errorf("foreign item (-want +got):\n%s", diff)
		}
		_, err = s.PublishVersion(ctx, f.Office, v.ID)
		if diff := cmp.Diff([]string{"0:list_department:err.lists.unconfirmed", "0:list_department:err.lists.unconfirmed"}, fieldKeys(err)); diff != "" {
			t.Errorf("publish unconfirmed (-want +got):\n%s", diff)
		}
		must(s.ConfirmPart(ctx, f.OtherStaff, v.ID, co1))
		must(s.ConfirmPart(ctx, w.thirdStaff, v.ID, co2))
		// A change to a confirmed part withdraws its confirmation.
		must(s.SetDraftPart(ctx, f.DeptStaff, v.ID, co1, "负责消防安全检查", w.ids(co1, 0, 1)))
		_, err = s.PublishVersion(ctx, f.Office, v.ID)
		if diff := cmp.Diff([]string{"0:list_department:err.lists.unconfirmed"}, fieldKeys(err)); diff != "" {
			t.Errorf("publish after change (-want +got):\n%s", diff)
		}
		must(s.ConfirmPart(ctx, f.OtherStaff, v.ID, co1))
		v1, err := s.PublishVersion(ctx, f.Office, v.ID)
		must(err)
		if v1.Status != domain.ListPublished || v1.PublishedBy != "office" || v1.PublishedAt.IsZero() {
			t.Fatalf("published = %+v", v1)
		}
		wantItems := append(append(w.ids(lead, 0, 1), w.ids(co1, 0, 1)...), w.ids(co2, 0, 1)...)
		if diff := cmp.Diff(wantItems, itemIDs(v1)); diff != "" {
			t.Errorf("v1 items (-want +got):\n%s", diff)
		}
		// Published: public, and no longer a draft to change.
		wantKind(t, s.SetDraftPart(ctx, f.DeptStaff, v.ID, lead, "", w.ids(lead, 0)), domain.KindConflict)
		wantKind(t, s.ConfirmPart(ctx, f.OtherStaff, v.ID, co1), domain.KindConflict)
		got, err := s.GetJointListVersion(ctx, domain.Actor{}, v.ID)
		must(err)
		if diff := cmp.Diff(v1, got); diff != "" {
			t.Errorf("public read (-published +read):\n%s", diff)
		}
		cur, err := s.CurrentJointListVersion(ctx, "catering")
		must(err)
		if cur.ID != v1.ID || cur.Part(co2) == nil || len(cur.Part(co2).Items) != 2 || cur.Ratios[domain.RiskD] != 3000 {
			t.Errorf("current = %+v", cur)
		}

		// Version 2: a reason is required; one item out, one in.
		_, err = s.OpenDraft(ctx, f.DeptStaff, v1.ListID, " ")
		if diff := cmp.Diff([]string{"0:list_reason:err.required"}, fieldKeys(err)); diff != "" {
			t.Errorf("no reason (-want +got):\n%s", diff)
		}
		_, err = s.OpenDraft(ctx, f.OtherStaff, v1.ListID, "调整")
		wantKind(t, err, domain.KindForbidden)
		// The catalogue moves on; version 1 keeps its snapshot.
		renamed := *w.items[lead][1]
		renamed.Name = "从业人员健康证明（更新）"
		must(s.SaveCatalogItem(ctx, f.DeptStaff, &renamed))
		d2, err := s.OpenDraft(ctx, f.DeptStaff, v1.ListID, "依据《食品经营许可和备案管理办法》调整")
		must(err)
		if d2.Number != 2 || d2.Part(co1).Confirmed() || d2.Part(co1).Division != "负责消防安全检查" {
			t.Fatalf("draft 2 = %+v", d2)
		}
		_, err = s.OpenDraft(ctx, f.DeptStaff, v1.ListID, "再次调整")
		wantKind(t, err, domain.KindConflict)
		must(s.SetDraftPart(ctx, f.DeptStaff, d2.ID, co2, "负责油烟排放", w.ids(co2, 0, 2))) // drops co2[1], adds co2[2]
		must(s.ConfirmPart(ctx, f.OtherStaff, d2.ID, co1))
		must(s.ConfirmPart(ctx, w.thirdStaff, d2.ID, co2))
		v2, err := s.PublishVersion(ctx, f.Office, d2.ID)
		must(err)

		diff, err := s.DiffJointListVersions(ctx, domain.Actor{}, v1.ListID, 1, 2)
		must(err)
		if len(diff.Added) != 1 || diff.Added[0].ItemID != w.items[co2][2].ID ||
			len(diff.Removed) != 1 || diff.Removed[0].ItemID != w.items[co2][1].ID ||
			len(diff.Changed) != 1 || diff.Changed[0].After.Name != "从业人员健康证明（更新）" ||
			!slices.Equal(diff.Changed[0].Fields, []string{domain.FieldItemName}) ||
			len(diff.AddedDepartments)+len(diff.RemovedDepartments)+len(diff.Header) != 0 {
			t.Errorf("diff 1→2 = %+v", diff)
		}
		again, err := s.GetJointListVersionByNumber(ctx, domain.Actor{}, v1.ListID, 1)
		must(err)
		if diff := cmp.Diff(v1, again); diff != "" {
			t.Errorf("version 1 changed (-before +after):\n%s", diff)
		}
		cur, err = s.CurrentJointListVersion(ctx, "catering")
		if err != nil || cur.ID != v2.ID {
			t.Fatalf("current after v2 = %v, %v", cur, err)
		}
		l, err := s.GetJointList(ctx, domain.Actor{}, v1.ListID)
		must(err)
		if l.Current != 2 || len(l.Versions) != 2 || l.Versions[0].Reason != "依据《食品经营许可和备案管理办法》调整" {
			t.Errorf("list = %+v", l)
		}
		// Searches of the portal: by department, industry, item name.
		for _, c := range []struct {
			f    domain.JointListFilter
			want int
		}{
			{domain.JointListFilter{Published: true}, 1},
			{domain.JointListFilter{Published: true, DepartmentID: co2}, 1},
			{domain.JointListFilter{Published: true, Industry: "hotel"}, 0},
			{domain.JointListFilter{Published: true, Query: "餐饮"}, 1},
			{domain.JointListFilter{Published: true, Query: w.items[co2][2].Name}, 1},
			{domain.JointListFilter{Published: true, Query: w.items[co2][1].Name}, 0}, // dropped in version 2
		} {
			got, err := s.ListJointLists(ctx, domain.Actor{}, c.f)
			if err != nil || len(got) != c.want {
				t.Errorf("ListJointLists(%+v) = %d lists, %v; want %d", c.f, len(got), err, c.want)
			}
		}
		all, err := s.CurrentJointListVersions(ctx)
		if err != nil || len(all) != 1 || all[0].ID != v2.ID {
			t.Errorf("summary = %v, %v", all, err)
		}
		audit, err := s.ListAudit(ctx, f.Office, domain.AuditFilter{ObjectType: "joint_list_version", Page: domain.Page{Size: 100}})
		must(err)
		var actions []string
		for _, e := range audit.Items {
			actions = append(actions, e.Action)
		}
		if !slices.Contains(actions, "joint_list_version.publish") || !slices.Contains(actions, "joint_list_version.open") ||
			!slices.Contains(actions, "joint_list_version.confirm") || !slices.Contains(actions, "joint_list.create") {
			t.Errorf("audit actions = %v", actions)
		}
		// Both publications are in the transparency log, and the monitor
		// rebuilds them from the tables.
		for _, key := range []string{fmt.Sprintf("%d/1", v1.ListID), fmt.Sprintf("%d/2", v1.ListID)} {
			if _, err := s.LogIndexOf(ctx, "lists.version", key); err != nil {
				t.Errorf("log record %s: %v", key, err)
			}
		}
		rep, err := s.LogMonitor(ctx)
		must(err)
		if rep.ByType["lists.version"] != 2 || len(rep.Problems) != 0 || rep.Unchecked != 0 {
			t.Errorf("log monitor = %+v", rep)
		}
		// A co-department sees the audit of its own confirmations.
		own, err := s.ListAudit(ctx, w.thirdStaff, domain.AuditFilter{})
		must(err)
		if own.Total == 0 {
			t.Error("co-department sees none of its audit rows")
		}
	})
}

// TestDraftDepartmentsAndDiscard changes the co-departments of a draft and
// discards drafts.
func TestDraftDepartmentsAndDiscard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := newListWorld(t, s)
		f := w.f
		v, err := s.CreateJointList(ctx, f.DeptStaff, "hotel", f.Dept.ID, header(), []int64{f.OtherDept.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetDraftPart(ctx, f.OtherStaff, v.ID, f.OtherDept.ID, "", w.ids(f.OtherDept.ID, 0)); err != nil {
			t.Fatal(err)
		}
		err = s.SetDraftDepartments(ctx, f.DeptStaff, v.ID, []int64{w.third.ID, f.Dept.ID})
		if diff := cmp.Diff([]string{"0:list_co_departments:err.lists.department_twice"}, fieldKeys(err)); diff != "" {
			t.Errorf("lead as co-department (-want +got):\n%s", diff)
		}
		if err := s.SetDraftDepartments(ctx, f.DeptStaff, v.ID, []int64{w.third.ID}); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetJointListVersion(ctx, f.Office, v.ID)
		if err != nil || !slices.Equal(got.CoDepartments(), []int64{w.third.ID}) || len(got.Items()) != 0 {
			t.Fatalf("after departments change: %+v, %v", got, err)
		}
		wantKind(t, s.DiscardDraft(ctx, w.thirdStaff, v.ID), domain.KindForbidden)
		if err := s.DiscardDraft(ctx, f.DeptStaff, v.ID); err != nil {
			t.Fatal(err)
		}
		_, err = s.GetJointList(ctx, f.Office, v.ListID)
		wantKind(t, err, domain.KindNotFound)
		// The industry is free again.
		if _, err := s.CreateJointList(ctx, f.DeptStaff, "hotel", f.Dept.ID, header(), nil); err != nil {
			t.Fatal(err)
		}
		_, err = s.CreateJointList(ctx, f.DeptStaff, "nope", f.Dept.ID, header(), nil)
		if diff := cmp.Diff([]string{"0:list_industry:err.unknown_industry"}, fieldKeys(err)); diff != "" {
			t.Errorf("unknown industry (-want +got):\n%s", diff)
		}
	})
}

// TestPublishedVersionImmutable checks that the database itself refuses
// to change a published version, whatever code tries, on both engines.
func TestPublishedVersionImmutable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		v := storetest.SeedJointList(t, s, f, "catering")
		for _, q := range []string{
			fmt.Sprintf(`UPDATE joint_list_versions SET notes = 'x' WHERE id = %d`, v.ID),
			fmt.Sprintf(`DELETE FROM joint_list_versions WHERE id = %d`, v.ID),
			fmt.Sprintf(`UPDATE joint_list_parts SET division = 'x' WHERE version_id = %d`, v.ID),
			fmt.Sprintf(`DELETE FROM joint_list_items WHERE version_id = %d`, v.ID),
			fmt.Sprintf(`UPDATE joint_list_items SET name = 'x' WHERE version_id = %d`, v.ID),
			fmt.Sprintf(`INSERT INTO joint_list_items (version_id, item_id, department_id, position, code, name, content, legal_basis, method, kind, results)
SELECT version_id, item_id + 1000, department_id, 9, code, name, content, legal_basis, method, kind, results FROM joint_list_items WHERE version_id = %d LIMIT 1`, v.ID),
		} {
			// Refused by the guard, not by some other fault of the statement.
			if err := store.ExecRaw(ctx, s, q); err == nil || !strings.Contains(err.Error(), "published joint list version is immutable") {
				t.Errorf("%s: %v, want the immutability guard's refusal", q, err)
			}
		}
		got, err := s.GetJointListVersion(ctx, domain.Actor{}, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(v, got); diff != "" {
			t.Errorf("published version changed (-before +after):\n%s", diff)
		}
	})
}

// TestListRights is the store's side of the role × action table for
// catalogues and joint lists: on a draft led by f.Dept with f.OtherDept as
// co-department, who may do what.
func TestListRights(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := newListWorld(t, s)
		f := w.f
		lead, co := f.Dept.ID, f.OtherDept.ID
		v, err := s.CreateJointList(ctx, f.Office, "catering", lead, header(), []int64{co})
		if err != nil {
			t.Fatal(err)
		}
		actors := []struct {
			name string
			a    domain.Actor
		}{
			{"office", f.Office},
			{"lead", f.DeptStaff},
			{"co", f.OtherStaff},
			{"outsider", w.thirdStaff},
			{"inspector", f.Inspector},
			{"discipline", f.Discipline},
			{"anonymous", domain.Actor{}},
		}
		staff := []string{"office", "lead", "co", "outsider", "inspector", "discipline"}
		n := 0
		next := func() int { n++; return n }
		ops := []struct {
			name    string
			allowed []string
			do      func(a domain.Actor) error
		}{
			{"ListCatalogItems", staff, func(a domain.Actor) error { _, err := s.ListCatalogItems(ctx, a, domain.CatalogFilter{}); return err }},
			{"SaveCatalogItem lead's", []string{"office", "lead"}, func(a domain.Actor) error {
				return s.SaveCatalogItem(ctx, a, &domain.CatalogItem{DepartmentID: lead, Code: fmt.Sprintf("N%d", next()), Name: "新事项", Content: "内容", LegalBasis: "依据"})
			}},
			{"GetJointListVersion draft", staff, func(a domain.Actor) error { _, err := s.GetJointListVersion(ctx, a, v.ID); return err }},
			{"ListJointLists staff", staff, func(a domain.Actor) error { _, err := s.ListJointLists(ctx, a, domain.JointListFilter{}); return err }},
			{"UpdateDraftHeader", []string{"office", "lead"}, func(a domain.Actor) error { return s.UpdateDraftHeader(ctx, a, v.ID, header()) }},
			{"SetDraftDepartments", []string{"office", "lead"}, func(a domain.Actor) error { return s.SetDraftDepartments(ctx, a, v.ID, []int64{co}) }},
			{"SetDraftPart lead's", []string{"office", "lead"}, func(a domain.Actor) error {
				return s.SetDraftPart(ctx, a, v.ID, lead, "牵头", w.ids(lead, 0))
			}},
			{"SetDraftPart co's", []string{"office", "lead", "co"}, func(a domain.Actor) error {
				return s.SetDraftPart(ctx, a, v.ID, co, "消防", w.ids(co, 0))
			}},
			{"ConfirmPart co's", []string{"office", "co"}, func(a domain.Actor) error { return s.ConfirmPart(ctx, a, v.ID, co) }},
			{"PublishVersion", []string{"office"}, func(a domain.Actor) error {
				// Publishing succeeds once; later attempts by the allowed
				// meet a published version (a conflict, not a refusal).
				_, err := s.PublishVersion(ctx, a, v.ID)
				if domain.IsKind(err, domain.KindConflict) {
					return nil
				}
				return err
			}},
		}
		for _, op := range ops {
			for _, ac := range actors {
				t.Run(op.name+"/"+ac.name, func(t *testing.T) {
					err := op.do(ac.a)
					want := slices.Contains(op.allowed, ac.name)
					switch {
					case want && err != nil:
						t.Errorf("%s as %s refused: %v", op.name, ac.name, err)
					case !want && ac.name == "anonymous" && op.name == "GetJointListVersion draft":
						wantKind(t, err, domain.KindNotFound) // drafts do not exist for the public
					case !want && !denied(err):
						t.Errorf("%s as %s: err = %v, want a refusal", op.name, ac.name, err)
					}
				})
			}
		}
	})
}
