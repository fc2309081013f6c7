package store_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/draw"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
	"github.com/yiyeyicha/yiyeyicha/internal/validate"
)

func TestDrawProtocol(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		storetest.SeedDrawWorld(t, s, f)
		if _, err := s.AnnounceDraw(ctx, f.OtherStaff, storetest.DrawParams(f)); domain.ErrorKind(err) != domain.KindForbidden {
			t.Fatalf("co-department announces: %v", err)
		}
		d, err := s.AnnounceDraw(ctx, f.DeptStaff, storetest.DrawParams(f))
		if err != nil {
			t.Fatal(err)
		}
		if d.State != domain.DrawCommitting || len(d.Parties) != 2 || d.Exclusions["status_cancelled"] != 4 || d.RosterExclusions["on_leave"] != 1 {
			t.Fatalf("announced %+v", d)
		}
		if n := d.PoolStrata["A"] + d.PoolStrata["B"] + d.PoolStrata["C"] + d.PoolStrata["D"]; n != 56 {
			t.Fatalf("pool %v", d.PoolStrata)
		}
		actor := map[string]domain.Actor{f.Dept.Code: f.DeptStaff, f.OtherDept.Code: f.OtherStaff}
		// Nobody but a department's own staff commits for it: not the office.
		_, sec := storetest.DrawSecret("S")
		if err := s.CommitDraw(ctx, f.Office, d.Key, f.Dept.Code, draw.Commitment(d.AnnouncementHash, f.Dept.Code, sec)); domain.ErrorKind(err) != domain.KindForbidden {
			t.Fatalf("office commits: %v", err)
		}
		if err := s.CommitDraw(ctx, f.OtherStaff, d.Key, f.Dept.Code, draw.Commitment(d.AnnouncementHash, f.Dept.Code, sec)); domain.ErrorKind(err) != domain.KindForbidden {
			t.Fatalf("other department commits: %v", err)
		}
		if err := s.CommitDraw(ctx, f.DeptStaff, d.Key, f.Dept.Code, "xyz"); domain.ErrorKind(err) != domain.KindInvalid {
			t.Fatalf("bad commitment: %v", err)
		}
		for _, p := range d.Parties {
			_, sec := storetest.DrawSecret(p.Party)
			if err := s.CommitDraw(ctx, actor[p.Party], d.Key, p.Party, draw.Commitment(d.AnnouncementHash, p.Party, sec)); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.CommitDraw(ctx, f.DeptStaff, d.Key, f.Dept.Code, strings.Repeat("00", 32)); domain.ErrorKind(err) != domain.KindConflict {
			t.Fatalf("commit after close: %v", err)
		}
		if _, err := s.ExecuteDraw(ctx, f.DeptStaff, d.Key); domain.ErrorKind(err) != domain.KindConflict {
			t.Fatalf("execute before reveals: %v", err)
		}
		wrong, _ := storetest.DrawSecret("W")
		if err := s.RevealDraw(ctx, f.DeptStaff, d.Key, f.Dept.Code, wrong); domain.ErrorKind(err) != domain.KindInvalid {
			t.Fatalf("wrong reveal: %v", err)
		}
		for _, p := range d.Parties {
			h, _ := storetest.DrawSecret(p.Party)
			if err := s.RevealDraw(ctx, actor[p.Party], d.Key, p.Party, h); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.ExecuteDraw(ctx, f.DeptStaff, d.Key); domain.ErrorKind(err) != domain.KindConflict {
			t.Fatalf("execute without the public value: %v", err)
		}
		// Double entry: the same user twice is refused; two entries that
		// differ are both discarded; two that agree confirm.
		if ok, err := s.EnterPublicValue(ctx, f.Office, d.Key, "03 07 12 19 25 31\n09"); ok || err != nil {
			t.Fatalf("first entry: %v %v", ok, err)
		}
		if _, err := s.EnterPublicValue(ctx, f.Office, d.Key, "03 07 12 19 25 31\n09"); domain.ErrorKind(err) != domain.KindConflict {
			t.Fatalf("same user twice: %v", err)
		}
		if _, err := s.EnterPublicValue(ctx, f.DeptStaff, d.Key, "03 07 12 19 25 32\n09"); domain.ErrorKind(err) != domain.KindConflict {
			t.Fatalf("mismatch: %v", err)
		}
		if got, _ := s.GetDraw(ctx, d.Key); got.PublicPending {
			t.Fatal("the first entry survived a mismatch")
		}
		if ok, err := s.EnterPublicValue(ctx, f.Office, d.Key, "31 25 19 12 07 03\n09"); ok || err != nil {
			t.Fatalf("first entry again: %v %v", ok, err)
		}
		if ok, err := s.EnterPublicValue(ctx, f.DeptStaff, d.Key, "3 7 12 19 25 31\n9"); !ok || err != nil {
			t.Fatalf("second entry: %v %v", ok, err)
		}
		b, err := s.ExecuteDraw(ctx, f.DeptStaff, d.Key)
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Result.Visits) == 0 {
			t.Fatal("nothing drawn")
		}
		stored, err := s.DrawBundle(ctx, d.Key)
		if err != nil {
			t.Fatal(err)
		}
		if rep, err := draw.Verify(stored, nil); err != nil || !rep.OK() {
			t.Fatalf("stored bundle: %v %v", err, rep)
		}
		salts, err := s.ConflictSalts(ctx, f.Discipline, d.Key)
		if err != nil || len(salts) != 1 {
			t.Fatalf("salts %v %v", salts, err)
		}
		if rep, err := draw.Verify(stored, salts); err != nil || !rep.OK() {
			t.Fatalf("stored bundle with salts: %v %v", err, rep)
		}
		if _, err := s.ConflictSalts(ctx, f.DeptStaff, d.Key); domain.ErrorKind(err) != domain.KindForbidden {
			t.Fatalf("department reads salts: %v", err)
		}
		// The database itself refuses to change a published draw.
		for _, q := range []string{`UPDATE draws SET result = '' WHERE draw_key = $1`, `DELETE FROM draws WHERE draw_key = $1`,
			`UPDATE draw_parties SET secret = '00' WHERE draw_id = (SELECT id FROM draws WHERE draw_key = $1)`} {
			if err := store.ExecRaw(ctx, s, q, d.Key); err == nil {
				t.Errorf("%s: allowed on an executed draw", q)
			}
		}
		if err := s.AbortDraw(ctx, f.DeptStaff, d.Key, "试图中止已执行的抽取"); domain.ErrorKind(err) != domain.KindConflict {
			t.Fatalf("abort after execution: %v", err)
		}
		got, err := s.GetDraw(ctx, d.Key)
		if err != nil || got.State != domain.DrawExecuted || got.Result.Seed != b.Result.Seed {
			t.Fatalf("get: %v %+v", err, got)
		}
	})
}

func TestDrawAbortAndRedraw(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		storetest.SeedDrawWorld(t, s, f)
		d, err := s.AnnounceDraw(ctx, f.Office, storetest.DrawParams(f))
		if err != nil {
			t.Fatal(err)
		}
		p := storetest.DrawParams(f)
		p.Supersedes = d.Key
		if _, err := s.AnnounceDraw(ctx, f.Office, p); domain.ErrorKind(err) != domain.KindInvalid {
			t.Fatalf("redraw of a draw not aborted: %v", err)
		}
		if err := s.AbortDraw(ctx, f.Office, d.Key, " "); domain.ErrorKind(err) != domain.KindInvalid {
			t.Fatalf("abort without reason: %v", err)
		}
		if err := s.AbortDraw(ctx, f.Office, d.Key, "消防大队联络员未按期揭示"); err != nil {
			t.Fatal(err)
		}
		re, err := s.AnnounceDraw(ctx, f.Office, p)
		if err != nil {
			t.Fatal(err)
		}
		if re.Announcement.Supersedes != d.Key || re.Key == d.Key {
			t.Fatalf("redraw %+v", re.Announcement)
		}
		old, err := s.GetDraw(ctx, d.Key)
		if err != nil || old.State != domain.DrawAborted || old.AbortReason != "消防大队联络员未按期揭示" || old.SupersededBy != re.Key {
			t.Fatalf("aborted draw %+v %v", old, err)
		}
		list, err := s.ListDraws(ctx)
		if err != nil || len(list) != 2 || list[0].Key != re.Key {
			t.Fatalf("list %v %v", list, err)
		}
		// The transparency log holds both announcements and the abort, and
		// its monitor rebuilds them from the tables.
		rep, err := s.LogMonitor(ctx)
		if err != nil || len(rep.Problems) > 0 || rep.ByType["draw.announcement"] != 2 || rep.ByType["draw.abort"] != 1 {
			t.Fatalf("log monitor: %+v %v", rep, err)
		}
	})
}

// TestDrawRefusesBadPoolMidStream freezes a pool of more than one batch
// of the freeze's reader (readPoolRows) with a value the snapshot refuses
// early in code order: the announcement is refused, nothing is written,
// and the store goes on working (the reader stopped and closed its rows).
func TestDrawRefusesBadPoolMidStream(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		storetest.SeedDrawWorld(t, s, f)
		rows := make([]domain.EntityRow, 10_000)
		for i := range rows {
			e := entity(1, f)
			e.Code, _ = validate.MakeCreditCode("91", "140827", fmt.Sprintf("%08d", 50_000+i))
			e.IndustryCode = "catering"
			rows[i] = domain.EntityRow{Row: i + 2, Entity: *e}
		}
		if _, err := s.ImportEntities(ctx, domain.System, rows, domain.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		// A code with a letter outside the GB 32100 alphabet, which the
		// import would refuse, first in code order.
		const bad = "00000000000000000I"
		if err := store.ExecRaw(ctx, s, `UPDATE entities SET code = $1 WHERE code = $2`, bad, rows[10].Entity.Code); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AnnounceDraw(ctx, f.Office, storetest.DrawParams(f)); domain.ErrorKind(err) != domain.KindInvalid || !strings.Contains(err.Error(), bad) {
			t.Fatalf("announce over a bad name: %v", err)
		}
		if n := count(t, s, "draws"); n != 0 {
			t.Fatalf("%d draws written", n)
		}
		if err := store.ExecRaw(ctx, s, `UPDATE entities SET code = $1 WHERE code = $2`, rows[10].Entity.Code, bad); err != nil {
			t.Fatal(err)
		}
		d, err := s.AnnounceDraw(ctx, f.Office, storetest.DrawParams(f))
		if err != nil {
			t.Fatal(err)
		}
		if got := d.PoolStrata["A"] + d.PoolStrata["B"] + d.PoolStrata["C"] + d.PoolStrata["D"]; got < len(rows) {
			t.Fatalf("pool of %d, want at least %d", got, len(rows))
		}
	})
}
