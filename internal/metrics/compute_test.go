package metrics

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/stats"
	"github.com/yiyeyicha/yiyeyicha/internal/workday"
)

func day(s string) domain.Date {
	d, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// part is a department part with a result formed and published on the
// given days ("" for none).
func part(dept int64, done, finding bool, formed, published string) Part {
	return Part{Dept: dept, Done: done, Finding: finding, ResultOn: day(formed), PublishedOn: day(published)}
}

// handFacts is a small year with known answers; the comments give them.
// Departments 1 (市场监管), 2 (消防), 3 (生态环境); today 2026-04-30.
func handFacts() *Facts {
	cat, hotel := "catering", "hotel"
	v := func(id, entity int64, industry, town, risk string, done bool, separate int, parts ...Part) Visit {
		return Visit{ID: id, EntityID: entity, Industry: industry, Township: town, Risk: risk, LeadDept: 1, Done: done, Separate: separate, Parts: parts}
	}
	visits := []Visit{
		// v1: joint; dept 1 published on working day 20 after 2026-02-10
		// (2026-03-16, across the Spring Festival), dept 2 on day 21
		// (2026-03-17): late.
		v(1, 1, cat, "t1", "A", true, 2, part(1, true, false, "2026-02-10", "2026-03-16"), part(2, true, false, "2026-02-10", "2026-03-17")),
		// v2: joint; both unpublished: dept 1's deadline has passed, dept 2's not.
		v(2, 3, cat, "t1", "B", true, 2, part(1, true, true, "2026-03-02", ""), part(2, true, false, "2026-04-28", "")),
		// v3: joint, serving two merged batches of two departments each.
		v(3, 4, cat, "t1", "D", true, 4, part(1, true, false, "2026-03-02", "2026-03-02"), part(2, true, true, "2026-03-02", "2026-03-02")),
		// v4: the same business as v1 again.
		v(4, 1, cat, "t1", "A", true, 1, part(1, true, false, "2026-03-02", "2026-03-03")),
		v(5, 5, cat, "t1", "C", true, 1, part(1, true, true, "2026-03-02", "2026-03-03")),
		v(6, 6, cat, "t1", "D", true, 1, part(1, true, false, "2026-03-02", "2026-03-03")),
		v(7, 7, hotel, "t2", "A", false, 1, part(1, false, false, "", "")),
		v(8, 8, hotel, "t2", "A", false, 1, part(1, false, false, "", "")),
		v(9, 9, hotel, "t2", "A", false, 1, part(1, false, false, "", "")),
		v(10, 10, hotel, "t2", "A", false, 1, part(1, false, false, "", "")),
	}
	visits[0].Inspectors = []Assignment{{11, 1}, {21, 2}}
	visits[2].Inspectors = []Assignment{{11, 1}, {21, 2}}
	return &Facts{
		Year:        2026,
		Today:       day("2026-04-30"),
		Departments: []Department{{ID: 1, Name: "市场监管局"}, {ID: 2, Name: "消防救援大队"}, {ID: 3, Name: "生态环境分局"}},
		Tasks: []Task{
			{ID: 1, Industry: cat, LeadDept: 1, Departments: []int64{1, 2}, State: "published"},
			{ID: 2, Industry: hotel, LeadDept: 3, Departments: []int64{3}, State: "draft"},
		},
		Batches: []Batch{
			{ID: 1, TaskID: 1, Start: day("2026-02-01"), End: day("2026-03-31"), State: "dispatched", Done: true, Selected: 6},
			{ID: 2, TaskID: 1, Start: day("2026-04-01"), End: day("2026-04-20"), State: "dispatched", Selected: 4}, // late
			{ID: 3, TaskID: 2, Start: day("2026-05-01"), End: day("2026-06-30"), State: "planned"},
			{ID: 4, TaskID: 2, Start: day("2026-01-01"), End: day("2026-01-31"), State: "cancelled"},
		},
		Visits: visits,
		Scope: []ScopeCount{
			{cat, "t1", "A", 60}, {cat, "t9", "A", 40}, {cat, "t1", "B", 20}, {cat, "t1", "C", 5}, {cat, "t1", "D", 10},
			{hotel, "t2", "A", 50},
		},
		FollowUps: []FollowUp{
			{ID: 1, Dept: 1, Industry: cat, Township: "t1", OpenedOn: day("2026-03-01"), DueOn: day("2026-03-15"), ClosedOn: day("2026-03-11")},
			{ID: 2, Dept: 1, Industry: cat, Township: "t1", OpenedOn: day("2026-04-10"), DueOn: day("2026-04-20")},
			{ID: 3, Dept: 2, Industry: cat, Township: "t1", OpenedOn: day("2026-04-25"), DueOn: day("2026-05-10")},
		},
		Referrals: []Referral{
			{ID: 1, FromDept: 1, ToDept: 2, Industry: cat, Township: "t1", SentOn: day("2026-03-01"), DueOn: day("2026-03-15"), ClosedOn: day("2026-03-10")},
			{ID: 2, FromDept: 1, ToDept: 2, Industry: cat, Township: "t1", SentOn: day("2026-03-20"), DueOn: day("2026-04-01")},
			{ID: 3, FromDept: 1, ToDept: 3, Industry: cat, Township: "t1", SentOn: day("2026-04-20"), DueOn: day("2026-05-15")},
			{ID: 4, FromDept: 2, ToDept: 3, Industry: cat, Township: "t1", SentOn: day("2026-03-01"), DueOn: day("2026-03-20"), ClosedOn: day("2026-03-25")},
		},
		Revisits: []Revisit{
			{VisitID: 1, Dept: 1, Industry: cat, Township: "t1", Done: true},
			{VisitID: 3, Dept: 1, Industry: cat, Township: "t1", Done: true, Problem: true},
			{VisitID: 5, Dept: 1, Industry: cat, Township: "t1"},
		},
	}
}

func TestDeadlineAcrossSpringFestival(t *testing.T) {
	// Counted by hand on the 2026 schedule: after Tue 10 Feb the working
	// days are 11, 12, 13, Sat 14 (make-up), then 15–23 off, 24, 25, 26,
	// 27, Sat 28 (make-up) = 9; 2–6 Mar = 14; 9–13 Mar = 19; Mon 16 Mar = 20.
	got, ok := dueDates{cal: workday.Default(), memo: map[domain.Date]dueDate{}}.of(day("2026-02-10"))
	if !ok || got != day("2026-03-16") {
		t.Fatalf("deadline = %v, %v; want 2026-03-16", got, ok)
	}
}

func TestComputeAll(t *testing.T) {
	d := Compute(handFacts(), Filter{}, workday.Default())
	if d.Joint != (stats.Proportion{K: 3, N: 10}) || math.Abs(d.Joint.Rate()-0.3) > 1e-12 {
		t.Errorf("joint = %v, want 3 of 10", d.Joint)
	}
	// 2 + 2 + 4 + 7 × 1 = 15 separate visits, 10 made.
	if d.Avoided != (Avoided{Separate: 15, Made: 10, Avoided: 5}) {
		t.Errorf("avoided = %+v", d.Avoided)
	}
	// Published: v1 ×2, v3 ×2, v4, v5, v6 = 7; v1 dept 2 is late.
	want := Timeliness{OnTime: stats.Proportion{K: 6, N: 7}, Pending: 2, OverdueNow: 1}
	if d.Timeliness != want {
		t.Errorf("timeliness = %+v, want %+v", d.Timeliness, want)
	}
	wantProgress := Progress{
		Tasks:       []Count{{"draft", 1}, {"published", 1}},
		Batches:     []Count{{"cancelled", 1}, {"dispatched", 2}, {"planned", 1}},
		BatchesLate: 1, Visits: 10, VisitsDone: 6, Selected: 10,
	}
	if diff := cmp.Diff(wantProgress, d.Progress); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}
	// Catering A: business 1 twice = 1 of 60 + 40; the total counts 5
	// distinct businesses of 185.
	wantCov := []CoverageRow{
		{"catering", "A", stats.Proportion{K: 1, N: 100}},
		{"catering", "B", stats.Proportion{K: 1, N: 20}},
		{"catering", "C", stats.Proportion{K: 1, N: 5}},
		{"catering", "D", stats.Proportion{K: 2, N: 10}},
		{"hotel", "A", stats.Proportion{K: 0, N: 50}},
		{"", "", stats.Proportion{K: 5, N: 185}},
	}
	if diff := cmp.Diff(wantCov, d.Coverage); diff != "" {
		t.Errorf("coverage (-want +got):\n%s", diff)
	}
	// Follow-ups: 1 of 3 closed after 10 days; open ages 20 and 5.
	if d.FollowUp != (FollowUpFigures{Closed: stats.Proportion{K: 1, N: 3}, OverdueOpen: 1, OpenMeanDays: 12.5, OpenMaxDays: 20, CloseMeanDays: 10}) {
		t.Errorf("follow-up = %+v", d.FollowUp)
	}
	if d.Revisits != (RevisitFigures{Drawn: 3, Problems: stats.Proportion{K: 1, N: 2}}) {
		t.Errorf("revisits = %+v", d.Revisits)
	}
	// Calibration over the 6 done visits: A 0/2, B 1/1, C 1/1, D 1/2.
	var got []stats.Proportion
	for _, c := range d.Calibration.Classes {
		got = append(got, c.Visits)
	}
	if diff := cmp.Diff([]stats.Proportion{{K: 0, N: 2}, {K: 1, N: 1}, {K: 1, N: 1}, {K: 1, N: 2}}, got); diff != "" {
		t.Errorf("calibration (-want +got):\n%s", diff)
	}
	// Inspector 11 (dept 1): A 0/1, D 0/1, expected 0 + 0.5; inspector
	// 21 (dept 2) found in v3: observed 1 against 0.5.
	if len(d.Inspectors) != 2 || d.Inspectors[0].ID != 11 || d.Inspectors[0].Ratio != 0 || d.Inspectors[1].Ratio != 2 {
		t.Errorf("inspectors = %+v", d.Inspectors)
	}

	byID := map[int64]DeptFigures{}
	for _, df := range d.Departments {
		byID[df.Dept.ID] = df
	}
	d1, d2, d3 := byID[1], byID[2], byID[3]
	// Dept 1: parts 6/10, timely 5/5, follow-up 1/2, no referrals to it:
	// (0.6 + 1 + 0.5) / 3 = 70.
	if d1.Parts != (stats.Proportion{K: 6, N: 10}) || d1.Timely != (stats.Proportion{K: 5, N: 5}) || d1.OverdueNow != 1 ||
		d1.FollowUp != (stats.Proportion{K: 1, N: 2}) || d1.FollowUpOverdue != 1 || d1.Referrals.Defined() || d1.BatchesLate != 1 ||
		math.Abs(d1.Score-70) > 1e-9 || !d1.Late() || d1.Dept.Name != "市场监管局" {
		t.Errorf("dept 1 = %+v", d1)
	}
	// Dept 2: parts 3/3, timely 1/2, follow-up 0/1, referrals on time
	// 1 of 2 (one answered in time, one overdue): (1 + 0.5 + 0 + 0.5) / 4 = 50.
	if d2.Parts != (stats.Proportion{K: 3, N: 3}) || d2.Timely != (stats.Proportion{K: 1, N: 2}) || d2.OverdueNow != 0 ||
		d2.Referrals != (stats.Proportion{K: 1, N: 2}) || d2.ReferralsOpen != 1 || d2.ReferralsOverdue != 1 ||
		math.Abs(d2.Score-50) > 1e-9 || !d2.Late() {
		t.Errorf("dept 2 = %+v", d2)
	}
	// Dept 3: one referral answered late, one open within its deadline.
	if d3.Referrals != (stats.Proportion{K: 0, N: 1}) || d3.ReferralsOpen != 1 || d3.ReferralsOverdue != 0 || !d3.ScoreDefined || d3.Score != 0 || d3.Late() {
		t.Errorf("dept 3 = %+v", d3)
	}
}

func TestComputeFilters(t *testing.T) {
	f := handFacts()
	t.Run("industry", func(t *testing.T) {
		d := Compute(f, Filter{Industry: "catering"}, workday.Default())
		if d.Joint != (stats.Proportion{K: 3, N: 6}) || d.Progress.Visits != 6 || len(d.Progress.Tasks) != 1 {
			t.Errorf("joint %v visits %d tasks %v", d.Joint, d.Progress.Visits, d.Progress.Tasks)
		}
		if last := d.Coverage[len(d.Coverage)-1]; last.Inspected != (stats.Proportion{K: 5, N: 135}) {
			t.Errorf("coverage total %v", last.Inspected)
		}
	})
	t.Run("township", func(t *testing.T) {
		d := Compute(f, Filter{Township: "t1"}, workday.Default())
		// t9's 40 catering A businesses drop out of the scope.
		if d.Coverage[0].Inspected != (stats.Proportion{K: 1, N: 60}) || d.Progress.Visits != 6 {
			t.Errorf("coverage %v visits %d", d.Coverage[0], d.Progress.Visits)
		}
	})
	t.Run("department", func(t *testing.T) {
		d := Compute(f, Filter{Dept: 2}, workday.Default())
		if d.Joint != (stats.Proportion{K: 3, N: 3}) || d.Avoided != (Avoided{Separate: 8, Made: 3, Avoided: 5}) {
			t.Errorf("joint %v avoided %+v", d.Joint, d.Avoided)
		}
		if len(d.Departments) != 1 || d.Departments[0].Dept.ID != 2 {
			t.Fatalf("departments %+v", d.Departments)
		}
		// Only dept 2's parts: v1 late, v3 on time, v2 pending.
		if d.Timeliness != (Timeliness{OnTime: stats.Proportion{K: 1, N: 2}, Pending: 1}) {
			t.Errorf("timeliness %+v", d.Timeliness)
		}
		// Only dept 2's findings count: v3 (D).
		if d.Calibration.Pooled != (stats.Proportion{K: 1, N: 3}) {
			t.Errorf("calibration pooled %v", d.Calibration.Pooled)
		}
		if d.FollowUp.Closed != (stats.Proportion{K: 0, N: 1}) || d.Revisits.Drawn != 0 {
			t.Errorf("follow-up %+v revisits %+v", d.FollowUp, d.Revisits)
		}
	})
}

func TestComputeWeightsAndUnknownYear(t *testing.T) {
	f := handFacts()
	f.Weights = Weights{Progress: 0, Timely: 1, FollowUp: 0, Referrals: 0}
	d := Compute(f, Filter{Dept: 1}, workday.Default())
	if d.Departments[0].Score != 100 {
		t.Errorf("timeliness-only score = %v, want 100", d.Departments[0].Score)
	}
	// A result formed in a year without a calendar is not judged.
	f.Visits = []Visit{{ID: 1, Parts: []Part{part(1, true, false, "2031-12-20", "2032-01-02")}}}
	if d := Compute(f, Filter{}, workday.Default()); d.Timeliness.Unknown != 1 || d.Timeliness.OnTime.N != 0 {
		t.Errorf("timeliness %+v", d.Timeliness)
	}
	for _, w := range []Weights{{}, {Progress: -1, Timely: 2}, {Progress: math.NaN(), Timely: 1}} {
		if w.Valid() {
			t.Errorf("%+v valid", w)
		}
	}
}

// TestStoredDeadline: a deadline stored at formation (the office's setting
// then, here 10 working days) judges the result, not the default 20.
func TestStoredDeadline(t *testing.T) {
	f := handFacts()
	p := part(1, true, false, "2026-03-02", "2026-03-20")
	f.Visits = []Visit{{ID: 1, Parts: []Part{p}}}
	if d := Compute(f, Filter{}, workday.Default()); d.Timeliness.OnTime != (stats.Proportion{K: 1, N: 1}) {
		t.Fatalf("with the default 20 working days: %+v", d.Timeliness)
	}
	f.Visits[0].Parts[0].DueOn = day("2026-03-16")
	if d := Compute(f, Filter{}, workday.Default()); d.Timeliness.OnTime != (stats.Proportion{K: 0, N: 1}) {
		t.Errorf("with the stored deadline 2026-03-16: %+v", d.Timeliness)
	}
}
