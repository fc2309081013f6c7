package store_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/draw"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// runBatchDraw carries an announced draw through commit, reveal and
// execution, each department's own staff giving its secret.
func runBatchDraw(t *testing.T, w *planWorld, d *domain.Draw) *draw.Bundle {
	t.Helper()
	ctx := t.Context()
	for _, p := range d.Parties {
		_, sec := storetest.DrawSecret(p.Party)
		if err := w.s.CommitDraw(ctx, w.staffOf(p.DepartmentID), d.Key, p.Party, draw.Commitment(d.AnnouncementHash, p.Party, sec)); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range d.Parties {
		h, _ := storetest.DrawSecret(p.Party)
		if err := w.s.RevealDraw(ctx, w.staffOf(p.DepartmentID), d.Key, p.Party, h); err != nil {
			t.Fatal(err)
		}
	}
	b, err := w.s.ExecuteDraw(ctx, w.f.DeptStaff, d.Key)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBatchDraw is the draw wired into the plan: parameters from the task,
// a preview of the pool and roster, the parties' inbox notices, the result
// recorded as the batch's selection (batch drawn, teams in batch_team),
// dispatch from it, an abort and the redraw naming it, and the rule "not
// the business's last inspector" resting on the visits of the first batch.
func TestBatchDraw(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		// One inspector in each department: the first batch's teams are
		// both of them, so the second batch cannot send them again to a
		// business the first batch visited.
		w := newPlanWorld(t, s)
		task := w.newTask("餐饮服务联合抽查", w.f.Dept.ID, win(4, 1, 6, 30), win(7, 1, 9, 30))
		w.publish(t, task)
		b1, b2 := task.Batches[0].ID, task.Batches[1].ID

		if _, err := s.BatchDrawParams(ctx, w.f.OtherStaff, b1, ""); domain.ErrorKind(err) != domain.KindForbidden {
			t.Fatalf("co-department prepares the draw: %v", err)
		}
		p, err := s.BatchDrawParams(ctx, w.f.DeptStaff, b1, "")
		if err != nil {
			t.Fatal(err)
		}
		pv, err := s.PreviewDraw(ctx, w.f.DeptStaff, p)
		if err != nil {
			t.Fatal(err)
		}
		quota := 0
		for _, q := range pv.Quotas {
			quota += q
		}
		if pv.Announcement.PoolSize != 6 || quota != 4 || len(pv.Roster.Inspectors) != 2 {
			t.Fatalf("preview: %d businesses, quota %d, %d inspectors", pv.Announcement.PoolSize, quota, len(pv.Roster.Inspectors))
		}
		if n := count(t, s, "draws"); n != 0 {
			t.Fatalf("the preview wrote %d draws", n)
		}
		d, err := s.AnnounceDraw(ctx, w.f.DeptStaff, p)
		if err != nil {
			t.Fatal(err)
		}
		if d.BatchID != b1 || len(d.Parties) != 2 {
			t.Fatalf("announced %+v", d)
		}
		if _, err := s.AnnounceDraw(ctx, w.f.DeptStaff, p); domain.ErrorKind(err) != domain.KindConflict || !strings.Contains(zhErr(err), d.Key) {
			t.Fatalf("second draw of the batch: %v", err)
		}
		inbox, err := s.ListNotices(ctx, w.f.OtherStaff, true, domain.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(inbox.Items, func(n domain.Notice) bool { return n.Kind == "draw_commit" && n.Link == "/staff/draws/"+d.Key }) {
			t.Fatalf("the co-department's inbox lacks the commitment step: %+v", inbox.Items)
		}
		bundle := runBatchDraw(t, w, d)
		got, err := s.GetTask(ctx, w.f.Office, task.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Batch(b1).State != domain.StateDrawn {
			t.Fatalf("batch after the draw: %s", got.Batch(b1).State)
		}
		sel, err := s.BatchSelection(ctx, w.f.Office, b1)
		if err != nil {
			t.Fatal(err)
		}
		if len(sel) != len(bundle.Result.Visits) || len(sel) != 4 {
			t.Fatalf("selection of %d for %d visits", len(sel), len(bundle.Result.Visits))
		}
		for i, v := range bundle.Result.Visits {
			e, err := s.GetEntityByCode(ctx, domain.System, v.Code)
			if err != nil {
				t.Fatal(err)
			}
			var team []int64
			for _, m := range v.Team {
				id, _ := strconv.ParseInt(strings.TrimPrefix(m.Inspector, "I"), 10, 64)
				team = append(team, id)
			}
			if sel[i].EntityID != e.ID || !slices.Equal(sel[i].InspectorIDs, team) {
				t.Errorf("selection %d = %+v, draw visit %s team %v", i, sel[i], v.Code, team)
			}
		}
		rep, err := s.Dispatch(ctx, w.f.DeptStaff, b1)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Created != 4 || rep.Assignments != 8 {
			t.Fatalf("dispatch from the draw: %+v", rep)
		}

		// The second batch: aborted in public, then redrawn; the redraw
		// names the aborted draw.
		p2, err := s.BatchDrawParams(ctx, w.f.Office, b2, "")
		if err != nil {
			t.Fatal(err)
		}
		d2, err := s.AnnounceDraw(ctx, w.f.Office, p2)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AbortDraw(ctx, w.f.DeptStaff, d2.Key, "消防大队联络员因公出差，未能按时提交承诺值"); err != nil {
			t.Fatal(err)
		}
		d3, err := s.AnnounceDraw(ctx, w.f.DeptStaff, p2)
		if err != nil {
			t.Fatal(err)
		}
		if d3.Announcement.Supersedes != d2.Key {
			t.Fatalf("redraw supersedes %q, want %q", d3.Announcement.Supersedes, d2.Key)
		}
		if keys, _ := s.DrawsOfBatch(ctx, b2); !slices.Equal(keys, []string{d2.Key, d3.Key}) {
			t.Fatalf("draws of batch 2: %v", keys)
		}
		bundle2 := runBatchDraw(t, w, d3)
		// Every business visited in the first batch carries that visit's
		// team as its last inspectors, and no team of the redraw repeats one.
		last := map[string][]string{}
		for _, v := range bundle.Result.Visits {
			for _, m := range v.Team {
				last[v.Code] = append(last[v.Code], m.Inspector)
			}
			slices.Sort(last[v.Code])
		}
		for _, b := range bundle2.Pool.Businesses {
			got := slices.Clone(b.LastInspectors)
			slices.Sort(got)
			if !slices.Equal(got, last[b.Code]) {
				t.Errorf("%s last inspectors %v, want %v", b.Code, got, last[b.Code])
			}
		}
		// The first batch drew 4 of the 6 businesses and so does the
		// second: at least two are drawn again, each skipping both
		// inspectors, and such a visit, with nobody to go, is not handed to
		// dispatch.
		skipped, staffed := 0, 0
		for _, v := range bundle2.Result.Visits {
			for _, m := range v.Team {
				if slices.Contains(last[v.Code], m.Inspector) {
					t.Errorf("%s drawn its last inspector %s", v.Code, m.Inspector)
				}
			}
			for _, sk := range v.Skips {
				if sk.Reason == draw.SkipLastInspector {
					skipped++
				}
			}
			if len(v.Team) > 0 {
				staffed++
			} else if len(v.Shortfalls) == 0 {
				t.Errorf("%s has no team and no shortfall", v.Code)
			}
		}
		if skipped < 4 {
			t.Errorf("%d candidates skipped as the last inspector, want at least 4", skipped)
		}
		sel2, err := s.BatchSelection(ctx, w.f.Office, b2)
		if err != nil {
			t.Fatal(err)
		}
		if len(sel2) != staffed {
			t.Errorf("second batch: %d handed over, %d visits staffed", len(sel2), staffed)
		}
		rpt, err := draw.Verify(bundle2, nil)
		if err != nil || !rpt.OK() {
			t.Fatalf("verify the redraw: %v %v", err, rpt)
		}
	})
}
