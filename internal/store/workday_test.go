package store_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
	"github.com/yiyeyicha/yiyeyicha/internal/workday"
)

func TestWorkdaySchedules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		d := func(v string) domain.Date { x, _ := domain.ParseDate(v); return x }

		cal, err := s.Calendar(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int{2025, 2026}, cal.Years()); diff != "" {
			t.Errorf("shipped years (-want +got):\n%s", diff)
		}
		if _, err := cal.IsWorkingDay(d("2027-01-04")); err == nil {
			t.Fatal("2027 must have no schedule yet")
		}

		// The office adds 2027 from a pasted notice and corrects 2026.
		ss, err := store.ParseWorkdaySchedules("2027-01-01 off 元旦\n2027-02-05..2027-02-11 off 春节\n2027-02-14 work 春节调休\n2026-01-01..2026-01-03 off 元旦\n")
		if err != nil {
			t.Fatal(err)
		}
		wantKind(t, s.SaveWorkdaySchedules(ctx, f.DeptStaff, "", ss), domain.KindForbidden)
		wantKind(t, s.SaveWorkdaySchedules(ctx, f.Discipline, "", ss), domain.KindForbidden)
		if err := s.SaveWorkdaySchedules(ctx, f.Office, "2027年部分节假日安排的通知", ss); err != nil {
			t.Fatal(err)
		}
		cal, err = s.Calendar(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for day, want := range map[string]bool{
			"2027-01-01": false, "2027-02-08": false, "2027-02-14": true, "2027-02-12": true,
			"2026-01-04": false, // the stored 2026 replaces the shipped one, which had this make-up Sunday
			"2025-01-26": true,  // 2025 stays shipped
		} {
			got, err := cal.IsWorkingDay(d(day))
			if err != nil || got != want {
				t.Errorf("IsWorkingDay(%s) = %v, %v; want %v", day, got, err, want)
			}
		}
		years, err := s.ListWorkdayYears(ctx)
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			Year           int
			Stored         bool
			Source         string
			Holidays, Work int
		}
		var got []row
		for _, y := range years {
			got = append(got, row{y.Year, y.Stored, y.Source, y.Holidays, y.MakeupDay})
		}
		want := []row{{2025, false, "", 28, 5}, {2026, true, "2027年部分节假日安排的通知", 3, 0}, {2027, true, "2027年部分节假日安排的通知", 8, 1}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ListWorkdayYears (-want +got):\n%s", diff)
		}

		// Saving 2027 again replaces it, and each save is audited per year.
		again, _ := store.ParseWorkdaySchedules("2027-01-01 off 元旦\n")
		if err := s.SaveWorkdaySchedules(ctx, f.Office, "", again); err != nil {
			t.Fatal(err)
		}
		cal, _ = s.Calendar(ctx)
		if ok, _ := cal.IsWorkingDay(d("2027-02-08")); !ok {
			t.Error("the second 2027 schedule should have dropped the Spring Festival")
		}
		log, err := s.ListAudit(ctx, f.Office, domain.AuditFilter{ObjectType: "workday_year", ObjectKey: "2027"})
		if err != nil || log.Total != 2 {
			t.Errorf("audit rows of 2027 = %v, %v; want 2", log, err)
		}

		// Bad input names the line and writes nothing.
		_, err = store.ParseWorkdaySchedules("2028-01-01 off\n2028-01-03 work\n")
		if diff := cmp.Diff([]string{"2:workday_schedule:workday.err.work_weekday"}, fieldKeys(err)); diff != "" {
			t.Errorf("parse errors (-want +got):\n%s", diff)
		}
		_, err = store.ParseWorkdaySchedules("# only a comment\n")
		wantKind(t, err, domain.KindInvalid)
		err = s.SaveWorkdaySchedules(ctx, f.Office, "", []workday.Schedule{{Year: 2206, Days: []workday.Day{{Date: d("2206-01-01"), Kind: workday.Off}}}})
		if diff := cmp.Diff([]string{"0:workday_schedule:workday.err.year"}, fieldKeys(err)); diff != "" {
			t.Errorf("year errors (-want +got):\n%s", diff)
		}
	})
}
