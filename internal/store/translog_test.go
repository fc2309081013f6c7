package store_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/draw"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
	"github.com/yiyeyicha/yiyeyicha/internal/translog"
)

func noteRecord(i int) store.LogRecord {
	return store.LogRecord{Type: "test.note", Version: 1, Key: fmt.Sprint(i), Body: map[string]any{"n": i, "text": fmt.Sprintf("公示 %d", i)}}
}

// TestLogProofs appends a few thousand records and checks, for every tree
// size, inclusion proofs of the newest and of a random record, and
// consistency proofs from the previous and from a random smaller size, all
// against an independent in-memory computation of the tree.
func TestLogProofs(t *testing.T) {
	const n = 2100
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		var mem []tlog.Hash // the stored hashes, computed in memory
		memReader := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
			out := make([]tlog.Hash, len(idx))
			for i, x := range idx {
				out[i] = mem[x]
			}
			return out, nil
		})
		leaves := make([][]byte, n)
		roots := make([]tlog.Hash, n+1)
		for i := range n {
			idx, err := store.LogAppend(ctx, s, noteRecord(i))
			if err != nil {
				t.Fatal(err)
			}
			if idx != int64(i) {
				t.Fatalf("append %d: index %d", i, idx)
			}
			e, err := s.LogEntry(ctx, idx)
			if err != nil {
				t.Fatal(err)
			}
			leaves[i] = e.Leaf
			h, err := tlog.StoredHashes(int64(i), e.Leaf, memReader)
			if err != nil {
				t.Fatal(err)
			}
			mem = append(mem, h...)
			if roots[i+1], err = tlog.TreeHash(int64(i+1), memReader); err != nil {
				t.Fatal(err)
			}
		}
		rng := rand.New(rand.NewPCG(1, 2))
		for size := int64(1); size <= n; size++ {
			tree, err := s.LogTreeAt(ctx, size)
			if err != nil {
				t.Fatal(err)
			}
			if tree.Hash != roots[size] {
				t.Fatalf("size %d: root %v, computed in memory %v", size, tree.Hash, roots[size])
			}
			for _, rec := range []int64{size - 1, rng.Int64N(size)} {
				p, err := s.LogProveRecord(ctx, size, rec)
				if err != nil {
					t.Fatal(err)
				}
				if err := translog.CheckInclusion(tree, rec, leaves[rec], p); err != nil {
					t.Fatalf("size %d record %d: %v", size, rec, err)
				}
				if rec > 0 {
					if err := translog.CheckInclusion(tree, rec, leaves[rec-1], p); err == nil {
						t.Fatalf("size %d: record %d's proof accepts record %d's leaf", size, rec, rec-1)
					}
				}
			}
			for _, old := range []int64{max(size-1, 1), 1 + rng.Int64N(size)} {
				p, err := s.LogProveTree(ctx, size, old)
				if err != nil {
					t.Fatal(err)
				}
				if err := translog.CheckConsistency(tlog.Tree{N: old, Hash: roots[old]}, tree, p); err != nil {
					t.Fatalf("%d → %d: %v", old, size, err)
				}
				if old < size {
					bad := tlog.Tree{N: old, Hash: roots[old]}
					bad.Hash[0] ^= 1
					if err := translog.CheckConsistency(bad, tree, p); err == nil {
						t.Fatalf("%d → %d: proof accepts a wrong old root", old, size)
					}
				}
			}
		}
		if _, err := s.LogTreeAt(ctx, n+1); domain.ErrorKind(err) != domain.KindNotFound {
			t.Errorf("tree beyond the log: %v, want not found", err)
		}
		if _, err := s.LogProveRecord(ctx, 10, 10); domain.ErrorKind(err) != domain.KindInvalid {
			t.Errorf("record outside the tree: %v, want invalid", err)
		}
	})
}

func TestLogRefusesSecondEntryForAnObject(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		if _, err := store.LogAppend(ctx, s, noteRecord(1)); err != nil {
			t.Fatal(err)
		}
		_, err := store.LogAppend(ctx, s, noteRecord(1))
		if domain.ErrorKind(err) != domain.KindConflict {
			t.Fatalf("second append of test.note 1: %v, want conflict", err)
		}
		if n, _ := s.LogSize(ctx); n != 1 {
			t.Errorf("size %d after the refused append, want 1", n)
		}
		_, err = store.LogAppend(ctx, s, store.LogRecord{Type: "bad type", Version: 1, Key: "k", Body: 1})
		if err == nil {
			t.Error("a type with a space was accepted")
		}
	})
}

// TestLogConcurrentAppends shows appends are serialised: concurrent
// publishers get distinct, contiguous indexes and a consistent tree.
func TestLogConcurrentAppends(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for g := range 8 {
			wg.Go(func() {
				for i := range 15 {
					if _, err := store.LogAppend(ctx, s, noteRecord(g*100+i)); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		rep, err := s.LogMonitor(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Tree.N != 120 || len(rep.Problems) != 0 || rep.Unchecked != 120 {
			t.Errorf("after concurrent appends: size %d, unchecked %d, problems %+v", rep.Tree.N, rep.Unchecked, rep.Problems)
		}
	})
}

// logDepartments logs the fixture's departments as test.department records.
func logDepartments(t *testing.T, s *store.Store, f *storetest.Fixture) {
	t.Helper()
	for _, d := range []domain.Department{f.Dept, f.OtherDept} {
		if _, err := store.LogAppend(t.Context(), s, store.LogRecord{Type: store.TestDepartmentRecord, Version: 1, Key: d.Code,
			Body: store.DepartmentBody{Code: d.Code, Name: d.Name}}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLogMonitorNamesEditedRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		for i := range 3 {
			if _, err := store.LogAppend(ctx, s, noteRecord(i)); err != nil {
				t.Fatal(err)
			}
		}
		logDepartments(t, s, f) // indexes 3 and 4
		rep, err := s.LogMonitor(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Problems) != 0 || rep.Checked != 2 || rep.Unchecked != 3 {
			t.Fatalf("clean log: checked %d unchecked %d problems %+v", rep.Checked, rep.Unchecked, rep.Problems)
		}

		// A published row edited in place.
		if err := store.ExecRaw(ctx, s, `UPDATE departments SET name = $1 WHERE code = $2`, "改过的名称", f.OtherDept.Code); err != nil {
			t.Fatal(err)
		}
		rep, err = s.LogMonitor(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Problems) != 1 {
			t.Fatalf("problems %+v, want one", rep.Problems)
		}
		p := rep.Problems[0]
		if p.Index != 4 || p.Type != store.TestDepartmentRecord || p.Key != f.OtherDept.Code || p.Reason != "rebuilt_differs" || !strings.Contains(p.Detail, "改过的名称") {
			t.Errorf("problem %+v, want record 4 %s rebuilt_differs", p, f.OtherDept.Code)
		}

		// A leaf edited to match, by someone who also bypasses the guards.
		if err := store.DisableLogGuards(ctx, s); err != nil {
			t.Fatal(err)
		}
		forged, _ := translog.NewRecord(store.TestDepartmentRecord, 1, f.OtherDept.Code, store.DepartmentBody{Code: f.OtherDept.Code, Name: "改过的名称"})
		leaf, _ := forged.Leaf()
		if err := store.ExecRaw(ctx, s, `UPDATE log_records SET data = $1 WHERE idx = 4`, leaf); err != nil {
			t.Fatal(err)
		}
		rep, err = s.LogMonitor(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Problems) != 1 || rep.Problems[0].Index != 4 || rep.Problems[0].Reason != "leaf_hash" {
			t.Errorf("forged leaf: problems %+v, want record 4 leaf_hash", rep.Problems)
		}
	})
}

func testKey(t *testing.T, name string) *translog.Key {
	t.Helper()
	k, err := translog.LoadOrCreateKey(filepath.Join(t.TempDir(), name+".key"), name)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestLogCheckpointRefusesRewrite: the log key never signs a tree that is
// not an extension of what it signed before, and a verifier holding the old
// checkpoint sees the difference.
func TestLogCheckpointRefusesRewrite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		key := testKey(t, "yuanqu-log")
		for i := range 10 {
			if _, err := store.LogAppend(ctx, s, noteRecord(i)); err != nil {
				t.Fatal(err)
			}
		}
		msg, tree, err := s.LogCheckpoint(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		saved, _, err := translog.OpenCheckpoint(msg, key.Verifier)
		if err != nil || saved != tree || saved.N != 10 {
			t.Fatalf("checkpoint %v %v: %v", saved, tree, err)
		}
		again, _, err := s.LogCheckpoint(ctx, key)
		if err != nil || string(again) != string(msg) {
			t.Fatalf("second checkpoint of the same tree differs: %q vs %q (%v)", again, msg, err)
		}

		// Deleting the last record, by hand.
		if err := store.DisableLogGuards(ctx, s); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			`DELETE FROM log_records WHERE idx = 9`,
			fmt.Sprintf(`DELETE FROM log_hashes WHERE id >= %d`, tlog.StoredHashIndex(0, 9)),
			`UPDATE log_head SET size = 9`,
		} {
			if err := store.ExecRaw(ctx, s, q); err != nil {
				t.Fatal(err)
			}
		}
		now, err := s.LogTree(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := translog.CheckConsistency(saved, now, nil); err == nil || !strings.Contains(err.Error(), "shrank") {
			t.Errorf("consistency with the saved checkpoint after deleting the last record: %v", err)
		}
		if _, _, err := s.LogCheckpoint(ctx, key); domain.ErrorKind(err) != domain.KindConflict {
			t.Errorf("signing the shortened log: %v, want conflict", err)
		}

		// Putting another record in its place: same size, other history.
		if _, err := store.LogAppend(ctx, s, noteRecord(99)); err != nil {
			t.Fatal(err)
		}
		now, err = s.LogTree(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := translog.CheckConsistency(saved, now, nil); err == nil {
			t.Error("a replaced last record is consistent with the saved checkpoint")
		}
		if _, _, err := s.LogCheckpoint(ctx, key); domain.ErrorKind(err) != domain.KindConflict {
			t.Errorf("signing the rewritten log: %v, want conflict", err)
		}
		if _, err := store.LogAppend(ctx, s, noteRecord(100)); err != nil {
			t.Fatal(err)
		}
		now, err = s.LogTree(ctx)
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.LogProveTree(ctx, now.N, saved.N)
		if err != nil {
			t.Fatal(err)
		}
		if err := translog.CheckConsistency(saved, now, p); err == nil {
			t.Error("a grown log with a replaced record is consistent with the saved checkpoint")
		}
		if _, _, err := s.LogCheckpoint(ctx, key); domain.ErrorKind(err) != domain.KindConflict {
			t.Errorf("signing the grown rewritten log: %v, want conflict", err)
		}
	})
}

func TestLogCosignatures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		logKey, witness, stranger := testKey(t, "yuanqu-log"), testKey(t, "yuanqu-jijian"), testKey(t, "someone")
		for i := range 5 {
			if _, err := store.LogAppend(ctx, s, noteRecord(i)); err != nil {
				t.Fatal(err)
			}
		}
		msg, tree, err := s.LogCheckpoint(ctx, logKey)
		if err != nil {
			t.Fatal(err)
		}
		w := &store.LogWitness{Verifier: witness.VerifierKey, Label: "县纪委监委派驻纪检组"}
		if err := s.AddLogWitness(ctx, f.DeptStaff, w); domain.ErrorKind(err) != domain.KindForbidden {
			t.Errorf("department staff adding a witness: %v, want forbidden", err)
		}
		if err := s.AddLogWitness(ctx, f.Office, &store.LogWitness{Verifier: "nonsense"}); domain.ErrorKind(err) != domain.KindInvalid {
			t.Errorf("bad verifier: %v, want invalid", err)
		}
		if err := s.AddLogWitness(ctx, f.Office, w); err != nil {
			t.Fatal(err)
		}
		if w.Name != "yuanqu-jijian" {
			t.Errorf("witness name %q", w.Name)
		}

		_, line, err := translog.Cosign(msg, logKey.Verifier, witness)
		if err != nil {
			t.Fatal(err)
		}
		_, strangerLine, err := translog.Cosign(msg, logKey.Verifier, stranger)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddLogCosignature(ctx, tree.N, strangerLine); domain.ErrorKind(err) != domain.KindInvalid {
			t.Errorf("unregistered witness: %v, want invalid", err)
		}
		forged := strings.Replace(strangerLine, "someone", "yuanqu-jijian", 1)
		if _, err := s.AddLogCosignature(ctx, tree.N, forged); domain.ErrorKind(err) != domain.KindInvalid {
			t.Errorf("forged co-signature: %v, want invalid", err)
		}
		if _, err := s.AddLogCosignature(ctx, tree.N+1, line); domain.ErrorKind(err) != domain.KindNotFound {
			t.Errorf("co-signature of an unsigned size: %v, want not found", err)
		}
		if _, err := s.AddLogCosignature(ctx, tree.N, line); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddLogCosignature(ctx, tree.N, line); domain.ErrorKind(err) != domain.KindConflict {
			t.Errorf("second co-signature: %v, want conflict", err)
		}
		both, err := s.LogCheckpointAt(ctx, tree.N)
		if err != nil {
			t.Fatal(err)
		}
		n, err := note.Open(both, note.VerifierList(logKey.Verifier, witness.Verifier))
		if err != nil {
			t.Fatal(err)
		}
		if len(n.Sigs) != 2 {
			t.Errorf("checkpoint has %d verified signatures, want 2:\n%s", len(n.Sigs), both)
		}
		cs, err := s.LogCosignatures(ctx, tree.N)
		if err != nil || len(cs) != 1 || cs[0].Label != "县纪委监委派驻纪检组" {
			t.Errorf("co-signatures %+v, %v", cs, err)
		}
		if got, _ := s.LatestCosignedSize(ctx); got != tree.N {
			t.Errorf("latest co-signed size %d, want %d", got, tree.N)
		}
	})
}

// TestLogListVersion: publishing a joint-list version logs it in the same
// transaction, and editing the published items by hand is caught.
func TestLogListVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		v := storetest.SeedJointList(t, s, f, "catering")
		key := fmt.Sprintf("%d/%d", v.ListID, v.Number)
		idx, err := s.LogIndexOf(ctx, store.LogTypeListVersion, key)
		if err != nil || idx != 0 {
			t.Fatalf("log index of %s: %d, %v", key, idx, err)
		}
		e, err := s.LogEntry(ctx, idx)
		if err != nil || !strings.Contains(string(e.Leaf), "负责消防安全检查") {
			t.Fatalf("leaf %s, %v", e.Leaf, err)
		}
		rep, err := s.LogMonitor(ctx)
		if err != nil || len(rep.Problems) != 0 || rep.Checked != 1 {
			t.Fatalf("monitor: %+v, %v", rep, err)
		}
		disable := `DROP TRIGGER joint_list_items_frozen_update`
		if s.Engine() == store.EnginePostgres {
			disable = `ALTER TABLE joint_list_items DISABLE TRIGGER USER`
		}
		if err := store.ExecRaw(ctx, s, disable); err != nil {
			t.Fatal(err)
		}
		if err := store.ExecRaw(ctx, s, `UPDATE joint_list_items SET legal_basis = $1 WHERE version_id = $2`, "改写的依据", v.ID); err != nil {
			t.Fatal(err)
		}
		rep, err = s.LogMonitor(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Problems) != 1 || rep.Problems[0].Key != key || rep.Problems[0].Type != store.LogTypeListVersion || rep.Problems[0].Reason != "rebuilt_differs" {
			t.Errorf("after editing the published items: %+v", rep.Problems)
		}
	})
}

// TestLogDrawProofs: a draw bundle's log proofs verify offline, and fail
// when removed, altered, signed by another key or out of order.
func TestLogDrawProofs(t *testing.T) {
	s := storetest.New(t)
	ctx := t.Context()
	key, other := testKey(t, "yuanqu-log"), testKey(t, "other-log")
	appendRec := func(typ, k string, body any) {
		t.Helper()
		if _, err := store.LogAppend(ctx, s, store.LogRecord{Type: typ, Version: 1, Key: k, Body: body}); err != nil {
			t.Fatal(err)
		}
	}
	appendRec(translog.TypeDrawAnnouncement, "2026-catering-1", map[string]any{"announcement_hash": "ah", "announcement": map[string]any{"draw": "2026-catering-1"}})
	appendRec("draw.reveal", "2026-catering-1/SCJG", map[string]any{"secret": "00"})
	appendRec(translog.TypeDrawResult, "2026-catering-1", map[string]any{"announcement_hash": "ah", "result": map[string]any{"seed": "s1"}})
	refs := map[string][2]string{"announcement": {translog.TypeDrawAnnouncement, "2026-catering-1"}, "result": {translog.TypeDrawResult, "2026-catering-1"}}
	fresh := func() *translog.Proofs {
		p, err := s.LogProofs(ctx, key, refs)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if tree, err := translog.VerifyDrawProofs(fresh(), key.VerifierKey, "2026-catering-1", "ah", "s1"); err != nil || tree.N != 3 {
		t.Fatalf("valid proofs: %v, %v", tree, err)
	}
	for name, c := range map[string]struct {
		change       func(p *translog.Proofs)
		pinned, seed string
	}{
		"result removed": {change: func(p *translog.Proofs) { delete(p.Records, "result") }},
		"leaf altered": {change: func(p *translog.Proofs) {
			r := p.Records["result"]
			r.Leaf = strings.Replace(r.Leaf, "s1", "s2", 1)
			p.Records["result"] = r
		}},
		"proof altered": {change: func(p *translog.Proofs) {
			r := p.Records["announcement"]
			r.Proof[0][0] ^= 1
			p.Records["announcement"] = r
		}},
		"index altered": {change: func(p *translog.Proofs) { r := p.Records["announcement"]; r.Index = 1; p.Records["announcement"] = r }},
		"roles swapped": {change: func(p *translog.Proofs) {
			p.Records["announcement"], p.Records["result"] = p.Records["result"], p.Records["announcement"]
		}},
		"checkpoint altered":   {change: func(p *translog.Proofs) { p.Checkpoint = strings.Replace(p.Checkpoint, "\n3\n", "\n4\n", 1) }},
		"another log key":      {pinned: other.VerifierKey},
		"bundle seed differs":  {seed: "s9"},
		"bundle verifier swap": {change: func(p *translog.Proofs) { p.Verifier = other.VerifierKey }},
	} {
		p := fresh()
		if c.change != nil {
			c.change(p)
		}
		pinned, seed := key.VerifierKey, "s1"
		if c.pinned != "" {
			pinned = c.pinned
		}
		if c.seed != "" {
			seed = c.seed
		}
		if _, err := translog.VerifyDrawProofs(p, pinned, "2026-catering-1", "ah", seed); err == nil {
			t.Errorf("%s: proofs accepted", name)
		}
	}
}

// TestLogTypicalCase: publishing a typical case logs it; a returned case
// is not logged; editing the published text is caught.
func TestLogTypicalCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := storetest.Seed(t, s)
		c := &domain.TypicalCase{Year: 2026, DepartmentID: w.Dept.ID, Title: "餐饮油烟联合检查", Body: "一次入企，查清三项问题。"}
		back := &domain.TypicalCase{Year: 2026, DepartmentID: w.Dept.ID, Title: "待补充", Body: "内容"}
		for _, x := range []*domain.TypicalCase{c, back} {
			if err := s.SubmitCase(ctx, w.DeptStaff, x); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.DecideCase(ctx, w.Office, back.ID, false, "请补充"); err != nil {
			t.Fatal(err)
		}
		if err := s.DecideCase(ctx, w.Office, c.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.LogSize(ctx); n != 1 {
			t.Fatalf("log size %d, want 1 (the published case only)", n)
		}
		if _, err := s.LogIndexOf(ctx, store.LogTypeCase, fmt.Sprint(c.ID)); err != nil {
			t.Fatal(err)
		}
		if err := store.ExecRaw(ctx, s, `UPDATE typical_cases SET title = $1 WHERE id = $2`, "改过的标题", c.ID); err != nil {
			t.Fatal(err)
		}
		rep, err := s.LogMonitor(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Problems) != 1 || rep.Problems[0].Type != store.LogTypeCase || rep.Problems[0].Reason != "rebuilt_differs" {
			t.Errorf("after editing the published case: %+v", rep.Problems)
		}
	})
}

// TestLogDrawOrder runs a whole draw and checks the log: the announcement
// precedes every commitment, the commitments every reveal, the reveals
// the public value and the result; every record rebuilds from the draw
// tables; and the bundle's log proofs verify against the stored bundle.
func TestLogDrawOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		storetest.SeedDrawWorld(t, s, f)
		d, err := s.AnnounceDraw(ctx, f.DeptStaff, storetest.DrawParams(f))
		if err != nil {
			t.Fatal(err)
		}
		actor := map[string]domain.Actor{f.Dept.Code: f.DeptStaff, f.OtherDept.Code: f.OtherStaff}
		for _, p := range d.Parties {
			_, sec := storetest.DrawSecret(p.Party)
			if err := s.CommitDraw(ctx, actor[p.Party], d.Key, p.Party, draw.Commitment(d.AnnouncementHash, p.Party, sec)); err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range d.Parties {
			h, _ := storetest.DrawSecret(p.Party)
			if err := s.RevealDraw(ctx, actor[p.Party], d.Key, p.Party, h); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.EnterPublicValue(ctx, f.Office, d.Key, "03 07 12 19 25 31\n09"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.EnterPublicValue(ctx, f.DeptStaff, d.Key, "03 07 12 19 25 31\n09"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ExecuteDraw(ctx, f.DeptStaff, d.Key); err != nil {
			t.Fatal(err)
		}
		entries, err := s.LogEntries(ctx, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var order []string
		for _, e := range entries {
			order = append(order, e.Type)
		}
		want := []string{"draw.announcement", "draw.commitment", "draw.commitment", "draw.reveal", "draw.reveal", "draw.public_value", "draw.result"}
		if strings.Join(order, " ") != strings.Join(want, " ") {
			t.Fatalf("log order %v, want %v", order, want)
		}
		rep, err := s.LogMonitor(ctx)
		if err != nil || len(rep.Problems) != 0 || rep.Checked != int64(len(want)) {
			t.Fatalf("monitor: %+v %v", rep, err)
		}
		b, err := s.DrawBundle(ctx, d.Key)
		if err != nil {
			t.Fatal(err)
		}
		key := testKey(t, "yuanqu-log")
		p, err := s.LogProofs(ctx, key, map[string][2]string{
			"announcement": {translog.TypeDrawAnnouncement, d.Key}, "result": {translog.TypeDrawResult, d.Key}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := translog.VerifyDrawProofs(p, key.VerifierKey, b.Announcement.Draw, b.AnnouncementHash, b.Result.Seed); err != nil {
			t.Errorf("the bundle's log proofs: %v", err)
		}
	})
}
