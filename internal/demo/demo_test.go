package demo

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/draw"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// dumpEntities reads every business back, without the store's IDs and
// timestamps.
func dumpEntities(t *testing.T, s *store.Store) []domain.Entity {
	t.Helper()
	var out []domain.Entity
	err := s.EachEntity(t.Context(), domain.System, domain.EntityFilter{Sort: "code"}, func(e *domain.Entity) error {
		c := *e
		c.ID, c.UpdatedAt = 0, time.Time{}
		out = append(out, c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestGenerateIntoStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		o := Options{Entities: 700, Inspectors: 120, Seed: 11, Today: fixedToday, BatchSize: 300}
		var progress []int
		withProgress := o
		withProgress.OnProgress = func(done, total int, _ time.Duration) { progress = append(progress, done, total) }
		accounts, err := Generate(t.Context(), s, withProgress)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int{300, 700, 600, 700, 700, 700}, progress); diff != "" {
			t.Errorf("progress (done, total pairs) after each batch (-want +got):\n%s", diff)
		}
		stats, err := s.Stats(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if stats.Entities != 700 || stats.Inspectors != 120 || stats.Departments != len(departments) || stats.Townships != len(Townships) || stats.Industries != len(Industries) {
			t.Errorf("stats = %+v", stats)
		}
		checkDemoDraws(t, s)
		if diff := cmp.Diff(Accounts(o), accounts); diff != "" {
			t.Errorf("Accounts differs from what Generate created (-want +got):\n%s", diff)
		}
		for _, a := range accounts {
			_, u, err := s.Login(t.Context(), a.Username, a.Password)
			if err != nil {
				t.Errorf("login %s: %v", a.Username, err)
				continue
			}
			if u.Role != a.Role {
				t.Errorf("%s has role %s, want %s", a.Username, u.Role, a.Role)
			}
			if a.Role == domain.RoleInspector {
				in, err := s.GetInspector(t.Context(), domain.System, u.InspectorID)
				if err != nil || in.DepartmentID != u.DepartmentID {
					t.Errorf("inspector user %s linked to %+v, %v", a.Username, in, err)
				}
			}
		}

		// The same seed gives the same directory in a second store.
		other := storetest.New(t)
		if _, err := Generate(t.Context(), other, o); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(dumpEntities(t, s), dumpEntities(t, other)); diff != "" {
			t.Errorf("same seed, different businesses (-first +second):\n%s", diff)
		}
	})
}

// checkDemoDraws: the demo holds two executed draws whose bundles verify,
// one aborted in public and its redraw in the reveal phase.
func checkDemoDraws(t *testing.T, s *store.Store) {
	t.Helper()
	ds, err := s.ListDraws(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	states := map[domain.DrawState]int{}
	for _, d := range ds {
		states[d.State]++
		switch d.State {
		case domain.DrawExecuted:
			b, err := s.DrawBundle(t.Context(), d.Key)
			if err != nil {
				t.Fatal(err)
			}
			if rep, err := draw.Verify(b, nil); err != nil || !rep.OK() {
				t.Errorf("demo draw %s does not verify: %v %v", d.Key, err, rep)
			}
		case domain.DrawAborted:
			if d.AbortReason == "" || d.SupersededBy == "" {
				t.Errorf("aborted draw %s: reason %q, redrawn as %q", d.Key, d.AbortReason, d.SupersededBy)
			}
		case domain.DrawRevealing:
			if d.Announcement.Supersedes == "" {
				t.Errorf("draw %s in the reveal phase is not the redraw", d.Key)
			}
		}
	}
	if states[domain.DrawExecuted] != 2 || states[domain.DrawAborted] != 1 || states[domain.DrawRevealing] != 1 {
		t.Errorf("demo draws by state: %v", states)
	}
}

// TestDemoPlanStates checks that the demo plan has tasks and batches in
// every state of the lifecycle, a merged visit and adjustments.
func TestDemoPlanStates(t *testing.T) {
	s := storetest.New(t)
	o := Options{Entities: 700, Inspectors: 120, Seed: 11, Today: fixedToday, BatchSize: 700}
	if _, err := Generate(t.Context(), s, o); err != nil {
		t.Fatal(err)
	}
	ctx, sys := t.Context(), domain.System
	plan, err := s.GetPlanByYear(ctx, sys, fixedToday.Year)
	if err != nil {
		t.Fatal(err)
	}
	if plan.State != domain.StatePublished {
		t.Errorf("plan state = %s", plan.State)
	}
	tasks, err := s.ListTasks(ctx, sys, store.TaskFilter{PlanID: plan.ID})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, task := range tasks {
		seen["task:"+string(task.State)] = true
		for _, b := range task.Batches {
			seen["batch:"+string(b.State)] = true
		}
	}
	for _, st := range []domain.State{domain.StateDraft, domain.StateFiled, domain.StatePublished, domain.StateCancelled, domain.StateClosed} {
		if !seen["task:"+string(st)] {
			t.Errorf("no task %s", st)
		}
	}
	for _, st := range domain.States {
		if st != domain.StateFiled && !seen["batch:"+string(st)] {
			t.Errorf("no batch %s", st)
		}
	}
	bu, err := s.Burden(ctx, sys, plan.Year)
	if err != nil {
		t.Fatal(err)
	}
	if bu.Visits == 0 || bu.Avoided != 1 {
		t.Errorf("burden = %+v, want visits and one avoided", bu)
	}
	adjs, err := s.ListAdjustments(ctx, sys, plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	states := map[domain.AdjustmentState]int{}
	for _, a := range adjs {
		states[a.State]++
	}
	if states[domain.AdjAccepted] < 3 || states[domain.AdjReturned] != 1 || states[domain.AdjFiled] != 1 {
		t.Errorf("adjustments by state = %v", states)
	}
}
