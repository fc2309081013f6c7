package domain

import (
	"testing"
	"time"
)

// TestTransitionTable checks every pair of states of every lifecycle:
// exactly the table's entries are allowed, each refusal is a conflict.
func TestTransitionTable(t *testing.T) {
	allowed := map[Transition]bool{}
	for _, tr := range Transitions {
		key := Transition{Of: tr.Of, From: tr.From, To: tr.To}
		if allowed[key] {
			t.Errorf("transition %v listed twice", key)
		}
		allowed[key] = true
	}
	n := 0
	for _, of := range []Lifecycle{OfPlan, OfTask, OfBatch} {
		for _, from := range States {
			for _, to := range States {
				_, err := CheckTransition("op", of, from, to)
				want := allowed[Transition{Of: of, From: from, To: to}]
				if (err == nil) != want {
					t.Errorf("%s %s→%s: err %v, allowed %v", of, from, to, err, want)
				}
				if err != nil {
					if !IsKind(err, KindConflict) {
						t.Errorf("%s %s→%s: kind %s", of, from, to, ErrorKind(err))
					}
				} else {
					n++
				}
			}
		}
	}
	if n != len(Transitions) {
		t.Errorf("%d transitions allowed, table has %d", n, len(Transitions))
	}
	// Terminal states go nowhere.
	for _, tr := range Transitions {
		if tr.From == StateClosed || tr.From == StateCancelled {
			t.Errorf("transition out of a terminal state: %+v", tr)
		}
	}
}

func TestQuota(t *testing.T) {
	for _, tc := range []struct {
		n    int
		r    Ratio
		want int
	}{
		{0, 3000, 0}, {100, 0, 0}, {100, 100, 1}, {101, 100, 2}, {1, 1, 1}, {3, 3333, 1}, {3, 3334, 2}, {7, 10000, 7}, {1000000, 100, 10000},
	} {
		if got := Quota(tc.n, tc.r); got != tc.want {
			t.Errorf("Quota(%d, %s) = %d, want %d", tc.n, tc.r, got, tc.want)
		}
	}
}

func TestWindowOverlaps(t *testing.T) {
	d := func(m, day int) Date { return Date{2026, time.Month(m), day} }
	a := Window{d(4, 1), d(4, 30)}
	for _, tc := range []struct {
		b    Window
		want bool
	}{
		{Window{d(4, 30), d(5, 10)}, true},
		{Window{d(5, 1), d(5, 10)}, false},
		{Window{d(3, 1), d(4, 1)}, true},
		{Window{d(3, 1), d(3, 31)}, false},
		{Window{d(4, 10), d(4, 11)}, true},
		{Window{d(1, 1), d(12, 31)}, true},
	} {
		if got := a.Overlaps(tc.b); got != tc.want || tc.b.Overlaps(a) != tc.want {
			t.Errorf("%s overlaps %s = %v, want %v", a, tc.b, got, tc.want)
		}
	}
}

func TestPlanDeadline(t *testing.T) {
	p := &Plan{Year: 2026, State: StateDraft}
	for _, tc := range []struct {
		today  Date
		status string
		days   int
	}{
		{Date{2026, 1, 15}, "", 75},
		{Date{2026, 3, 1}, "soon", 30},
		{Date{2026, 3, 31}, "soon", 0},
		{Date{2026, 4, 2}, "overdue", -2},
	} {
		st, days := p.DeadlineStatus(tc.today)
		if st != tc.status || days != tc.days {
			t.Errorf("%s: %q %d, want %q %d", tc.today, st, days, tc.status, tc.days)
		}
	}
	p.State = StatePublished
	if st, _ := p.DeadlineStatus(Date{2026, 4, 2}); st != "" {
		t.Errorf("published plan flagged %q", st)
	}
}

func TestTaskFromVersion(t *testing.T) {
	v := &JointListVersion{ID: 9, IndustryCode: "catering", LeadDepartmentID: 1, Frequency: 2,
		Ratios: Ratios{RiskA: 100, RiskB: 200, RiskC: 1000, RiskD: 3000},
		Parts: []ListPart{{DepartmentID: 1, Lead: true, Division: "牵头", Items: []ListItem{{ItemID: 11}, {ItemID: 12}}},
			{DepartmentID: 2, Division: "消防", Items: []ListItem{{ItemID: 21}}}}}
	task := TaskFromVersion(v, &Plan{ID: 3, Year: 2026})
	task.Name = "餐饮"
	NormalizeTask(task)
	if err := ValidateTask(task).Err(); err != nil {
		t.Fatalf("task from a version is invalid: %v", err)
	}
	if len(task.Batches) != 2 || task.Batches[0].Window.String() != "2026-04-01～2026-07-31" || task.Batches[1].Window.String() != "2026-08-01～2026-11-30" {
		t.Errorf("batches = %+v", task.Batches)
	}
	if task.Ratios.String() != v.Ratios.String() || len(task.Department(1).ItemIDs) != 2 || task.Department(2).Division != "消防" {
		t.Errorf("task = %+v", task)
	}
}

func TestRequireTransition(t *testing.T) {
	dept := Actor{UserID: 2, Role: RoleDepartment, DepartmentID: 7}
	office := Actor{UserID: 1, Role: RoleOffice}
	for _, tc := range []struct {
		a    Actor
		to   State
		d    int64
		want Kind
	}{
		{dept, StateDrawn, 7, ""},
		{dept, StateDrawn, 9, KindForbidden},
		{dept, StatePublished, 7, KindForbidden}, // only the office publishes
		{dept, StateCancelled, 7, ""},            // a lead withdraws its draft
		{office, StatePublished, 7, ""},
		{Actor{}, StateDrawn, 7, KindUnauthorized},
		{office, StateFiled, 7, KindConflict}, // no batch is ever filed
	} {
		if got := ErrorKind(RequireTransition("op", tc.a, OfBatch, tc.to, tc.d)); got != tc.want {
			t.Errorf("%s → %s (dept %d): %q, want %q", tc.a.Role, tc.to, tc.d, got, tc.want)
		}
	}
}
