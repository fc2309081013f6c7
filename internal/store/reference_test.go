package store_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

func TestReferenceData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)

		deps, err := s.ListDepartments(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]domain.Department{f.Dept, f.OtherDept}, deps); diff != "" {
			t.Errorf("ListDepartments (-want +got):\n%s", diff)
		}
		d, err := s.GetDepartment(ctx, f.Dept.ID)
		if err != nil || d.Liaison != "李联络" || d.LeaderPhone != "0359-6021000" {
			t.Fatalf("GetDepartment = %+v, %v", d, err)
		}
		_, err = s.GetDepartment(ctx, 9999)
		wantKind(t, err, domain.KindNotFound)

		dup := domain.Department{Code: "SCJG", Name: "另一个局"}
		wantKind(t, s.SaveDepartment(ctx, f.Office, &dup), domain.KindConflict)
		err = s.SaveDepartment(ctx, f.Office, &domain.Department{Code: " ", Name: "名\n称"})
		if diff := cmp.Diff([]string{"0:ref_code:err.required", "0:name:err.bad_text"}, fieldKeys(err)); diff != "" {
			t.Errorf("department field errors (-want +got):\n%s", diff)
		}
		d.Leader = "新领导"
		if err := s.SaveDepartment(ctx, f.Office, d); err != nil {
			t.Fatal(err)
		}
		wantKind(t, s.SaveDepartment(ctx, f.Office, &domain.Department{ID: 9999, Code: "X", Name: "无"}), domain.KindNotFound)

		// Renaming a township is audited with before and after; saving it
		// unchanged writes nothing.
		tw := domain.Township{Code: f.Townships[0].Code, Name: "新城镇（改）"}
		if err := s.SaveTownship(ctx, f.Office, &tw); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveTownship(ctx, f.Office, &tw); err != nil {
			t.Fatal(err)
		}
		wantKind(t, s.SaveTownship(ctx, f.Office, &domain.Township{Code: "140827199", Name: f.Townships[1].Name}), domain.KindConflict)
		wantKind(t, s.SaveIndustry(ctx, f.Office, &domain.Industry{Code: "x", Name: ""}), domain.KindInvalid)
		log, err := s.ListAudit(ctx, f.Office, domain.AuditFilter{ObjectType: "township", ObjectKey: tw.Code})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range log.Items {
			got = append(got, e.Action+" "+e.Before+" "+e.After)
		}
		want := []string{
			`township.update {"code":"140827100","name":"新城镇"} {"code":"140827100","name":"新城镇（改）"}`,
			`township.create  {"code":"140827100","name":"新城镇"}`, // no before on create
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("township audit (-want +got):\n%s", diff)
		}
		ts, err := s.ListTownships(ctx)
		if err != nil || len(ts) != 3 || ts[0] != tw {
			t.Errorf("ListTownships = %+v, %v", ts, err)
		}
		ind, err := s.ListIndustries(ctx)
		if err != nil || len(ind) != 3 || ind[0].Code != "catering" {
			t.Errorf("ListIndustries = %+v, %v", ind, err)
		}
		// A department user sees the audit of their own department record.
		dl, err := s.ListAudit(ctx, f.DeptStaff, domain.AuditFilter{ObjectType: "department"})
		if err != nil || dl.Total != 2 {
			t.Errorf("department's own department history: %+v, %v", dl, err)
		}
	})
}
