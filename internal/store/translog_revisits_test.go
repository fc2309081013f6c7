package store_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// TestLogRevisits: a revisit sample (回访抽取) is logged like a draw — its
// announcement with the commitment when announced, the sample with the
// secret and public value when drawn, in that order — the monitor rebuilds
// both, and an edited sampled visit is named.
func TestLogRevisits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := newEvalWorld(t, s)
		secret := strings.Repeat("5a", 16)
		d, err := s.AnnounceRevisits(ctx, w.Discipline, 2026, 2, "福彩3D 2026300期", secret)
		if err != nil {
			t.Fatal(err)
		}
		key := strconv.FormatInt(d.ID, 10)
		ann, err := s.LogIndexOf(ctx, "revisit.announcement", key)
		if err != nil {
			t.Fatalf("announcement not logged: %v", err)
		}
		if _, err := s.LogIndexOf(ctx, "revisit.sample", key); err == nil {
			t.Fatal("a sample logged before the draw")
		}
		if _, err := s.DrawRevisits(ctx, w.Discipline, d.ID, secret, "3 8 1"); err != nil {
			t.Fatal(err)
		}
		smp, err := s.LogIndexOf(ctx, "revisit.sample", key)
		if err != nil || smp <= ann {
			t.Fatalf("sample logged at %d (%v), announcement at %d: want after", smp, err, ann)
		}
		e, err := s.LogEntry(ctx, smp)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`"secret":"` + secret + `"`, `"key_string":"1.3.8./"`, `"picks":[{"code":`} {
			if !strings.Contains(string(e.Leaf), want) {
				t.Errorf("sample record lacks %s:\n%s", want, e.Leaf)
			}
		}
		rep, err := s.LogMonitor(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Problems) != 0 || rep.ByType["revisit.announcement"] != 1 || rep.ByType["revisit.sample"] != 1 {
			t.Fatalf("monitor: problems %+v, by type %v", rep.Problems, rep.ByType)
		}
		// The second sampled visit swapped for another in the database.
		if err := store.ExecRaw(ctx, s, `UPDATE revisits SET key = $1 WHERE draw_id = $2 AND position = 1`, strings.Repeat("0", 64), d.ID); err != nil {
			t.Fatal(err)
		}
		rep, err = s.LogMonitor(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Problems) != 1 || rep.Problems[0].Index != smp || rep.Problems[0].Type != "revisit.sample" || rep.Problems[0].Reason != "rebuilt_differs" {
			t.Errorf("after editing a sampled visit: problems %+v, want record %d revisit.sample rebuilt_differs", rep.Problems, smp)
		}
	})
}
