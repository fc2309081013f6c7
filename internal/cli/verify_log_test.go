package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/yiyeyicha/yiyeyicha/internal/draw"
	"github.com/yiyeyicha/yiyeyicha/internal/translog"
)

// logProofsFor builds, in memory, a three-record log (announcement, a
// reveal, result) for bundle b, as the platform's log would hold it, and
// the proofs a served bundle carries.
func logProofsFor(t *testing.T, b *draw.Bundle, key *translog.Key) *translog.Proofs {
	t.Helper()
	recs := []struct {
		typ, key string
		body     any
	}{
		{translog.TypeDrawAnnouncement, b.Announcement.Draw, map[string]any{"announcement_hash": b.AnnouncementHash, "announcement": b.Announcement}},
		{"draw.reveal", b.Announcement.Draw + "/SCJG", map[string]any{"secret": "00"}},
		{translog.TypeDrawResult, b.Announcement.Draw, map[string]any{"announcement_hash": b.AnnouncementHash, "result": b.Result}},
	}
	var hashes []tlog.Hash
	r := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = hashes[x]
		}
		return out, nil
	})
	leaves := make([]string, len(recs))
	for i, rc := range recs {
		rec, err := translog.NewRecord(rc.typ, 1, rc.key, rc.body)
		if err != nil {
			t.Fatal(err)
		}
		leaf, _ := rec.Leaf()
		leaves[i] = string(leaf)
		h, err := tlog.StoredHashes(int64(i), leaf, r)
		if err != nil {
			t.Fatal(err)
		}
		hashes = append(hashes, h...)
	}
	n := int64(len(recs))
	th, err := tlog.TreeHash(n, r)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := translog.SignTree(key, tlog.Tree{N: n, Hash: th})
	if err != nil {
		t.Fatal(err)
	}
	p := &translog.Proofs{Verifier: key.VerifierKey, Checkpoint: string(msg), Records: map[string]translog.Inclusion{}}
	for role, i := range map[string]int64{"announcement": 0, "result": 2} {
		proof, err := tlog.ProveRecord(n, i, r)
		if err != nil {
			t.Fatal(err)
		}
		p.Records[role] = translog.Inclusion{Index: i, Leaf: leaves[i], Proof: proof}
	}
	return p
}

func TestVerifyBundleLogProofs(t *testing.T) {
	key, err := translog.GenerateKeyFile(filepath.Join(t.TempDir(), "log.key"), "yuanqu-log")
	if err != nil {
		t.Fatal(err)
	}
	other, err := translog.GenerateKeyFile(filepath.Join(t.TempDir(), "other.key"), "yuanqu-log")
	if err != nil {
		t.Fatal(err)
	}
	b := readSpecBundle(t)
	b.Log = logProofsFor(t, b, key)
	good := writeBundle(t, b)
	r := run(t, nil, "verify", good, "--log-verifier", key.VerifierKey, "--lang", "en")
	if r.code != 0 || !strings.Contains(r.stdout, "announcement is record 0, result record 2 (announcement first)") {
		t.Fatalf("bundle with proofs: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, nil, "verify", good, "--log-verifier", other.VerifierKey, "--lang", "en"); r.code != ExitError {
		t.Errorf("proofs checked against another log key: exit %d, want 1", r.code)
	}

	stripped := *b
	stripped.Log = nil
	if r := run(t, nil, "verify", writeBundle(t, &stripped), "--log-verifier", key.VerifierKey, "--lang", "en"); r.code != ExitError || !strings.Contains(r.stderr, "carries no transparency-log proofs") {
		t.Errorf("proofs removed: exit %d\n%s", r.code, r.stderr)
	}

	altered := *b
	altered.Log = logProofsFor(t, b, key)
	res := altered.Log.Records["result"]
	res.Leaf = strings.Replace(res.Leaf, b.Result.Seed, strings.Repeat("0", len(b.Result.Seed)), 1)
	altered.Log.Records["result"] = res
	if r := run(t, nil, "verify", writeBundle(t, &altered), "--lang", "en"); r.code != ExitError || !strings.Contains(r.stderr, "proofs of draw") {
		t.Errorf("altered proof: exit %d\n%s", r.code, r.stderr)
	}
}
