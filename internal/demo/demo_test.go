package demo

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
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
