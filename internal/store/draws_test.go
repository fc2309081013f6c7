package store_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/draw"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
	"github.com/yiyeyicha/yiyeyicha/internal/validate"
)

// drawWorld fills a seeded store with catering businesses of every risk
// class (some deregistered) and inspectors in both departments, one of
// them with a declared conflict, one on leave.
func drawWorld(t *testing.T, s *store.Store, f *storetest.Fixture) {
	t.Helper()
	ctx := context.Background()
	classes := domain.RiskClasses
	for i := 0; i < 60; i++ {
		code, _ := validate.MakeCreditCode("92", "140827", fmt.Sprintf("DR%06d", i))
		e := &domain.Entity{Code: code, Name: fmt.Sprintf("垣曲县抽取测试餐馆%d", i), Kind: domain.KindIndividual, IndustryCode: "catering",
			TownshipCode: f.Townships[i%3].Code, Status: domain.StatusActive, RiskClass: classes[i%4]}
		if i%15 == 14 {
			e.Status = domain.StatusCancelled
		}
		if err := s.SaveEntity(ctx, domain.System, e); err != nil {
			t.Fatal(err)
		}
	}
	first, _ := validate.MakeCreditCode("92", "140827", fmt.Sprintf("DR%06d", 0))
	for i, dept := range []domain.Department{f.Dept, f.OtherDept, f.Dept, f.OtherDept, f.Dept, f.OtherDept, f.Dept} {
		in := &domain.Inspector{DepartmentID: dept.ID, Name: fmt.Sprintf("检查员%d", i), CertNo: fmt.Sprintf("1408270%04d", i),
			CertExpiry: domain.Date{Year: 2030, Month: 1, Day: 1}, Status: domain.InspectorOnDuty, Labels: []string{"食品安全"}}
		switch i {
		case 0:
			in.Conflicts = []domain.Conflict{{EntityCode: first, Reason: "亲属经营", DeclaredOn: domain.Date{Year: 2026, Month: 1, Day: 5}}}
		case 6:
			in.Status = domain.InspectorOnLeave
		}
		if err := s.SaveInspector(ctx, domain.System, in); err != nil {
			t.Fatal(err)
		}
	}
}

func drawParams(f *storetest.Fixture) domain.DrawParams {
	return domain.DrawParams{Task: "2026年餐饮服务联合抽查", Batch: "第一批", Title: "餐饮服务 第一批", Industry: "catering",
		WindowStart: domain.Date{Year: 2026, Month: 4, Day: 1}, WindowEnd: domain.Date{Year: 2026, Month: 6, Day: 30},
		Lead: f.Dept.ID, Departments: []domain.DrawDept{{DepartmentID: f.Dept.ID, Count: 1}, {DepartmentID: f.OtherDept.ID, Count: 1}},
		Ratios:  map[domain.RiskClass]string{domain.RiskA: "1%", domain.RiskB: "5%", domain.RiskC: "1/10", domain.RiskD: "30%"},
		Minimum: map[domain.RiskClass]int{domain.RiskA: 1}, Cap: 3, PublicValue: "中国福利彩票双色球第2026025期开奖号码"}
}

func secretFor(party string) (string, []byte) {
	b := []byte(strings.Repeat(party, 32)[:32])
	return hex.EncodeToString(b), b
}

func TestDrawProtocol(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		drawWorld(t, s, f)
		if _, err := s.AnnounceDraw(ctx, f.OtherStaff, drawParams(f)); domain.ErrorKind(err) != domain.KindForbidden {
			t.Fatalf("co-department announces: %v", err)
		}
		d, err := s.AnnounceDraw(ctx, f.DeptStaff, drawParams(f))
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
		_, sec := secretFor("S")
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
			_, sec := secretFor(p.Party)
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
		wrong, _ := secretFor("W")
		if err := s.RevealDraw(ctx, f.DeptStaff, d.Key, f.Dept.Code, wrong); domain.ErrorKind(err) != domain.KindInvalid {
			t.Fatalf("wrong reveal: %v", err)
		}
		for _, p := range d.Parties {
			h, _ := secretFor(p.Party)
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
		drawWorld(t, s, f)
		d, err := s.AnnounceDraw(ctx, f.Office, drawParams(f))
		if err != nil {
			t.Fatal(err)
		}
		p := drawParams(f)
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
