package workday

import (
	"errors"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

func day(s string) domain.Date {
	d, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestIsWorkingDay2026(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		date string
		want bool
	}{
		{"2026-01-01", false}, // 元旦, Thursday
		{"2026-01-02", false}, // Friday, holiday
		{"2026-01-03", false}, // Saturday, holiday
		{"2026-01-04", true},  // Sunday, make-up day
		{"2026-01-05", true},  // ordinary Monday
		{"2026-01-10", false}, // ordinary Saturday
		{"2026-02-14", true},  // Saturday, make-up day before 春节
		{"2026-02-16", false}, // Monday in 春节
		{"2026-02-23", false}, // last day of 春节, Monday
		{"2026-02-24", true},
		{"2026-02-28", true}, // Saturday, make-up day after 春节
		{"2026-04-06", false},
		{"2026-05-05", false},
		{"2026-05-09", true},
		{"2026-06-19", false},
		{"2026-09-20", true}, // Sunday, make-up day
		{"2026-09-25", false},
		{"2026-10-07", false},
		{"2026-10-08", true},
		{"2026-10-10", true}, // Saturday, make-up day
		{"2026-10-11", false},
		{"2025-01-26", true}, // Sunday, make-up day
		{"2025-02-04", false},
		{"2025-02-08", true},
		{"2025-04-27", true},
		{"2025-06-02", false},
		{"2025-10-08", false},
		{"2025-10-11", true},
	} {
		got, err := c.IsWorkingDay(day(tc.date))
		if err != nil || got != tc.want {
			t.Errorf("IsWorkingDay(%s) = %v, %v; want %v", tc.date, got, err, tc.want)
		}
	}
}

func TestNoSchedule(t *testing.T) {
	c := Default()
	_, err := c.IsWorkingDay(day("2027-03-01"))
	var ns *NoScheduleError
	if !errors.As(err, &ns) || ns.Year != 2027 {
		t.Fatalf("2027 without a schedule: err = %v, want NoScheduleError{2027}", err)
	}
	if de := ns.AsDomain("test"); de.Key != "workday.err.no_schedule" || de.Args["year"] != 2027 {
		t.Errorf("AsDomain = %+v", de)
	}
	// A deadline that runs into 2027 is refused, not computed on weekends alone.
	if _, err := c.AddWorkingDays(day("2026-12-20"), 20); !errors.As(err, &ns) {
		t.Errorf("AddWorkingDays into 2027: err = %v", err)
	}
	if _, err := c.WorkingDaysBetween(day("2024-12-30"), day("2025-01-03")); !errors.As(err, &ns) || ns.Year != 2024 {
		t.Errorf("WorkingDaysBetween from 2024: err = %v", err)
	}
}

func TestAddWorkingDays(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		name string
		from string
		n    int
		want string
	}{
		{"zero", "2026-02-16", 0, "2026-02-16"},
		{"next working day over a weekend", "2026-01-09", 1, "2026-01-12"},
		{"new year into the make-up Sunday", "2025-12-31", 1, "2026-01-04"},
		// Result formed Tuesday 10 Feb 2026: 11, 12, 13, 14 (Sat, make-up),
		// 24, 25, 26, 27, 28 (Sat, make-up) = 9; 2–6 Mar = 14; 9–13 Mar =
		// 19; 16 Mar = 20.
		{"20 days across the Spring Festival", "2026-02-10", 20, "2026-03-16"},
		{"from inside the Spring Festival", "2026-02-16", 1, "2026-02-24"},
		{"across National Day", "2026-09-30", 1, "2026-10-08"},
		// Friday 18 Sep: 20 (Sun, make-up), 21–24, 28–30 = 8; 8, 9, 10 (Sat,
		// make-up) = 11; 12–16 Oct = 16; 19–22 Oct = 20.
		{"20 days across National Day", "2026-09-18", 20, "2026-10-22"},
		{"backwards", "2026-02-24", -1, "2026-02-14"},
		{"across the year end 2025/2026", "2025-12-19", 20, "2026-01-19"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.AddWorkingDays(day(tc.from), tc.n)
			if err != nil || got != day(tc.want) {
				t.Fatalf("AddWorkingDays(%s, %d) = %s, %v; want %s", tc.from, tc.n, got, err, tc.want)
			}
			back, err := c.WorkingDaysBetween(day(tc.from), got)
			if err != nil || back != tc.n {
				t.Errorf("WorkingDaysBetween(%s, %s) = %d, %v; want %d", tc.from, got, back, err, tc.n)
			}
		})
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	c := Default()
	// February 2026: 20 weekdays, minus 15–23 Feb's 6 weekdays (16–20, 23),
	// plus the make-up Saturdays 14 and 28 Feb = 16.
	n, err := c.WorkingDaysBetween(day("2026-01-31"), day("2026-02-28"))
	if err != nil || n != 16 {
		t.Errorf("working days in February 2026 = %d, %v; want 16", n, err)
	}
	n, err = c.WorkingDaysBetween(day("2026-02-28"), day("2026-01-31"))
	if err != nil || n != -16 {
		t.Errorf("reversed = %d, %v; want -16", n, err)
	}
	// 2026 as a whole: 261 weekdays, minus the 19 holidays that fall on a
	// weekday (1, 2 Jan; 16–20, 23 Feb; 6 Apr; 1, 4, 5 May; 19 Jun; 25 Sep;
	// 1, 2, 5, 6, 7 Oct), plus the 6 make-up days: 261 − 19 + 6 = 248.
	n, err = c.WorkingDaysBetween(day("2025-12-31"), day("2026-12-31"))
	if err != nil || n != 248 {
		t.Errorf("working days in 2026 = %d, %v; want 248", n, err)
	}
}

func TestParse(t *testing.T) {
	good := "\ufeff# 2027 test\n2027-01-01,off,元旦\n2027-02-06..2027-02-08\t休\t春节\n2027-02-14 班 春节调休\n"
	ss, err := Parse(good)
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 1 || ss[0].Year != 2027 || len(ss[0].Days) != 5 {
		t.Fatalf("Parse = %+v", ss)
	}
	again, err := Parse(Format(ss[0]))
	if err != nil || len(again) != 1 || len(again[0].Days) != 5 || again[0].Days[4] != ss[0].Days[4] {
		t.Errorf("Format/Parse round trip = %+v, %v", again, err)
	}
	for _, tc := range []struct {
		name, text, key string
		line            int
	}{
		{"one field", "2027-01-01\n", "workday.err.fields", 1},
		{"bad date", "# c\n2027-13-01 off\n", "workday.err.date", 2},
		{"bad kind", "2027-01-01 holiday\n", "workday.err.kind", 1},
		{"range across years", "2026-12-31..2027-01-02 off\n", "workday.err.range", 1},
		{"backwards range", "2027-01-03..2027-01-01 off\n", "workday.err.range", 1},
		{"make-up on a weekday", "2027-01-04 work\n", "workday.err.work_weekday", 1},
		{"twice", "2027-01-01 off\n2026-12-31 off\n2027-01-01 work\n", "workday.err.duplicate", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.text)
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Key != tc.key || pe.Line != tc.line {
				t.Fatalf("Parse(%q) err = %v, want %s on line %d", tc.text, err, tc.key, tc.line)
			}
		})
	}
}

func TestNewReplacesYear(t *testing.T) {
	fix, err := Parse("2026-01-05 off 测试\n")
	if err != nil {
		t.Fatal(err)
	}
	c := New(append(Shipped(), fix...)...)
	if ok, _ := c.IsWorkingDay(day("2026-01-05")); ok {
		t.Error("the later 2026 schedule should make 5 Jan a holiday")
	}
	// The replacement has no make-up day on 4 Jan any more.
	if ok, _ := c.IsWorkingDay(day("2026-01-04")); ok {
		t.Error("4 Jan 2026 should be an ordinary Sunday under the replacement schedule")
	}
	if ok, _ := c.IsWorkingDay(day("2025-01-26")); !ok {
		t.Error("2025 must be untouched")
	}
	if got := c.Years(); len(got) != 2 || got[0] != 2025 || got[1] != 2026 {
		t.Errorf("Years = %v", got)
	}
}

func BenchmarkAddWorkingDays20(b *testing.B) {
	c := Default()
	d := day("2026-02-10")
	for b.Loop() {
		if _, err := c.AddWorkingDays(d, 20); err != nil {
			b.Fatal(err)
		}
	}
}
