package demo

import (
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// TestDemoLists checks the demo's joint lists: every industry has one, all
// published but the fireworks draft awaiting a confirmation, and the
// catering list's two versions differ by exactly the demo's change.
func TestDemoLists(t *testing.T) {
	s := storetest.New(t)
	if _, err := Generate(t.Context(), s, Options{Entities: 50, Inspectors: 40, Seed: 3, Today: fixedToday}); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	published, err := s.ListJointLists(ctx, domain.Actor{}, domain.JointListFilter{Published: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(published) != len(Industries)-1 {
		t.Errorf("%d published lists, want %d", len(published), len(Industries)-1)
	}
	all, err := s.ListJointLists(ctx, domain.System, domain.JointListFilter{})
	if err != nil || len(all) != len(Industries) {
		t.Fatalf("%d lists, %v; want one per industry", len(all), err)
	}
	for _, l := range all {
		if (l.IndustryCode == draftIndustry) != (l.DraftVersionID != 0) {
			t.Errorf("list %s: draft %d", l.IndustryCode, l.DraftVersionID)
		}
	}
	cat, err := s.GetJointListByIndustry(ctx, domain.Actor{}, "catering")
	if err != nil || cat.Current != 2 {
		t.Fatalf("catering list = %+v, %v", cat, err)
	}
	d, err := s.DiffJointListVersions(ctx, domain.Actor{}, cat.ID, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Added) != 1 || d.Added[0].Code != "ZHZF-003" || len(d.Removed) != 1 || d.Removed[0].Code != "XFJY-002" || len(d.Changed) != 0 {
		t.Errorf("catering diff = %+v", d)
	}
	rep, err := s.LogMonitor(ctx)
	if err != nil || len(rep.Problems) != 0 || rep.ByType["lists.version"] != int64(len(Industries)) {
		t.Errorf("log monitor = %+v, %v", rep, err)
	}
}
