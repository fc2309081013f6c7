package store_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

func entityRows(f *storetest.Fixture, from, n int) []domain.EntityRow {
	rows := make([]domain.EntityRow, n)
	for i := range rows {
		rows[i] = domain.EntityRow{Row: i + 2, Entity: *entity(from+i, f)}
	}
	return rows
}

func dump(t *testing.T, s *store.Store) map[string][]string {
	t.Helper()
	d, err := store.Dump(t.Context(), s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func badCheck(c string) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	return c[:17] + string(alphabet[(strings.IndexByte(alphabet, c[17])+1)%31])
}

func TestImportEntitiesAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		if _, err := s.ImportEntities(ctx, f.Office, entityRows(f, 1, 5), domain.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		before := dump(t, s)

		rows := entityRows(f, 100, 10)                                   // rows 2..11
		rows[2].Entity.Code = badCheck(rows[2].Entity.Code)              // row 4: wrong check character
		rows[5].Entity.Code = rows[3].Entity.Code                        // row 7 repeats row 5
		rows[8].Entity.Code = " " + strings.ToLower(rows[3].Entity.Code) // row 10 repeats row 5 after normalising
		rows[6].Entity.IndustryCode = "mining"                           // row 8: unknown industry
		rows[1].Entity = *entity(3, f)                                   // row 3: an update of a stored entity
		rows[1].Entity.Name = "改名"
		_, err := s.ImportEntities(ctx, f.Office, rows, domain.ImportOptions{})
		wantKind(t, err, domain.KindInvalid)
		var got []string
		for _, fe := range err.(*domain.ValidationError).Errors {
			got = append(got, fmt.Sprintf("row %d %s %s %v", fe.Row, fe.Field, fe.Key, fe.Args))
		}
		want := []string{
			"row 4 code err.code.checksum map[]",
			"row 7 code err.duplicate_row map[first:5]",
			"row 8 industry err.unknown_industry map[]",
			"row 10 code err.duplicate_row map[first:5]",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("row errors (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(before, dump(t, s)); diff != "" {
			t.Errorf("a refused import changed the database (-before +after):\n%s", diff)
		}
	})
}

func TestImportEntitiesUpsert(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		rep, err := s.ImportEntities(ctx, f.Office, entityRows(f, 1, 3), domain.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Created != 3 || rep.Updated != 0 || rep.Unchanged != 0 {
			t.Fatalf("first import: %+v", rep)
		}
		rows := entityRows(f, 1, 4)
		rows[1].Entity.Name = "垣曲县新名字有限公司"
		rows[1].Entity.RiskClass = domain.RiskD
		opt := domain.ImportOptions{DryRun: true}
		beforeDry := dump(t, s)
		dry, err := s.ImportEntities(ctx, f.Office, rows, opt)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(beforeDry, dump(t, s)); diff != "" {
			t.Errorf("dry run changed the database:\n%s", diff)
		}
		rep, err = s.ImportEntities(ctx, f.Office, rows, domain.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := &domain.ImportReport{Created: 1, Updated: 1, Unchanged: 2, Changes: []domain.Change{
			{Row: 2, Key: code(1), Op: "unchanged"},
			{Row: 3, Key: code(2), Op: "update", Fields: []string{domain.FieldName, domain.FieldRiskClass}},
			{Row: 4, Key: code(3), Op: "unchanged"},
			{Row: 5, Key: code(4), Op: "create"},
		}}
		if diff := cmp.Diff(want, rep); diff != "" {
			t.Errorf("report (-want +got):\n%s", diff)
		}
		want.DryRun = true
		if diff := cmp.Diff(want, dry); diff != "" {
			t.Errorf("dry-run report (-want +got):\n%s", diff)
		}
		e, err := s.GetEntityByCode(ctx, f.Office, code(2))
		if err != nil || e.Name != "垣曲县新名字有限公司" || e.RiskClass != domain.RiskD {
			t.Fatalf("updated entity: %+v, %v", e, err)
		}
		log, err := s.ListAudit(ctx, f.Office, domain.AuditFilter{ObjectType: "entity", ObjectKey: code(2)})
		if err != nil || log.Total != 2 {
			t.Fatalf("audit of %s: %+v, %v", code(2), log, err)
		}
		upd := log.Items[0]
		if upd.Action != "entity.update" || !strings.Contains(upd.Before, `"risk_class":"C"`) || !strings.Contains(upd.After, `"risk_class":"D"`) ||
			!strings.Contains(upd.After, "新名字") {
			t.Errorf("update audit: %+v", upd)
		}
		all, _ := s.ListAudit(ctx, f.Office, domain.AuditFilter{ObjectType: "entity"})
		if all.Total != 5 {
			t.Errorf("entity audit rows = %d, want 5 (3 + 1 created + 1 updated, none for unchanged)", all.Total)
		}
	})
}

func TestImportInspectors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		rows := []domain.InspectorRow{
			{Row: 2, Inspector: *inspector(1, f.Dept.ID)},
			{Row: 3, Inspector: *inspector(2, f.Dept.ID)},
			{Row: 4, Inspector: domain.Inspector{DepartmentID: f.Dept.ID, Name: "王专家", Expert: true, Expertise: "锅炉"}},
		}
		rep, err := s.ImportInspectors(ctx, f.DeptStaff, rows, domain.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Created != 3 {
			t.Fatalf("report: %+v", rep)
		}

		before := dump(t, s)
		bad := []domain.InspectorRow{
			{Row: 2, Inspector: *inspector(3, f.OtherDept.ID)}, // other department
			{Row: 3, Inspector: *inspector(4, f.Dept.ID)},
			{Row: 4, Inspector: *inspector(4, f.Dept.ID)},                               // repeats row 3
			{Row: 5, Inspector: domain.Inspector{DepartmentID: f.Dept.ID, Name: "缺证号"}}, // no certificate
		}
		_, err = s.ImportInspectors(ctx, f.DeptStaff, bad, domain.ImportOptions{})
		wantKind(t, err, domain.KindInvalid)
		if diff := cmp.Diff([]string{"2:department:err.department_forbidden", "4:cert_no:err.duplicate_row", "5:cert_no:err.required"}, fieldKeys(err)); diff != "" {
			t.Errorf("row errors (-want +got):\n%s", diff)
		}
		// The other department may not overwrite this department's inspector.
		steal := []domain.InspectorRow{{Row: 2, Inspector: *inspector(1, f.OtherDept.ID)}}
		_, err = s.ImportInspectors(ctx, f.OtherStaff, steal, domain.ImportOptions{})
		if diff := cmp.Diff([]string{"2:cert_no:err.department_forbidden"}, fieldKeys(err)); diff != "" {
			t.Errorf("foreign key errors (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(before, dump(t, s)); diff != "" {
			t.Errorf("refused imports changed the database:\n%s", diff)
		}

		upd := rows[1].Inspector
		upd.Labels = []string{"消防"}
		upd.Phone = "13800000000"
		rep, err = s.ImportInspectors(ctx, f.Office, []domain.InspectorRow{rows[0], {Row: 3, Inspector: upd}, rows[2]}, domain.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := []domain.Change{
			{Row: 2, Key: rows[0].Inspector.CertNo, Op: "unchanged"},
			{Row: 3, Key: upd.CertNo, Op: "update", Fields: []string{domain.FieldLabels, domain.FieldPhone}},
			{Row: 4, Key: fmt.Sprintf("王专家@%d", f.Dept.ID), Op: "unchanged"},
		}
		if diff := cmp.Diff(want, rep.Changes); diff != "" {
			t.Errorf("changes (-want +got):\n%s", diff)
		}
		list, err := s.ListInspectors(ctx, f.Office, domain.InspectorFilter{Label: "消防"})
		if err != nil || list.Total != 1 || list.Items[0].Phone != "13800000000" {
			t.Fatalf("after update: %+v, %v", list, err)
		}
	})
}

func TestImportFlaggedCodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		rows := entityRows(f, 1, 2)
		rows[1].Entity.Code = badCheck(rows[1].Entity.Code)
		_, err := s.ImportEntities(ctx, f.Office, rows, domain.ImportOptions{})
		if diff := cmp.Diff([]string{"3:code:err.code.checksum"}, fieldKeys(err)); diff != "" {
			t.Fatalf("without AcceptBadCodes (-want +got):\n%s", diff)
		}
		rep, err := s.ImportEntities(ctx, f.Office, rows, domain.ImportOptions{AcceptBadCodes: true})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Created != 2 || rep.Flagged != 1 {
			t.Fatalf("report: %+v", rep)
		}
		e, err := s.GetEntityByCode(ctx, f.Office, rows[1].Entity.Code)
		if err != nil || !e.CodeFlagged {
			t.Fatalf("flagged entity: %+v, %v", e, err)
		}
		// The flagged entity stays editable in a form under its own code,
		// but no new entity may be created with a bad code.
		e.Address = "新地址"
		if err := s.SaveEntity(ctx, f.Office, e); err != nil {
			t.Fatalf("editing a flagged entity: %v", err)
		}
		fresh := entity(9, f)
		fresh.Code = badCheck(fresh.Code)
		wantKind(t, s.SaveEntity(ctx, f.Office, fresh), domain.KindInvalid)
	})
}
