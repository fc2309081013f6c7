package translog_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/yiyeyicha/yiyeyicha/internal/translog"
)

func TestCanonical(t *testing.T) {
	type body struct {
		Zeta  string         `json:"zeta"`
		Alpha int            `json:"alpha"`
		Map   map[string]int `json:"map"`
	}
	r, err := translog.NewRecord("lists.version", 1, "12/3", body{Zeta: "<餐饮 & 住宿>", Alpha: 7, Map: map[string]int{"b": 2, "a": 1}})
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := r.Leaf()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"body":{"alpha":7,"map":{"a":1,"b":2},"zeta":"<餐饮 & 住宿>"},"key":"12/3","type":"lists.version","v":1}`
	if string(leaf) != want {
		t.Errorf("leaf\n got %s\nwant %s", leaf, want)
	}
	back, err := translog.ParseLeaf(leaf)
	if err != nil {
		t.Fatal(err)
	}
	if back.Type != "lists.version" || back.Key != "12/3" || back.Version != 1 {
		t.Errorf("parsed %+v", back)
	}
	for _, bad := range []string{
		`{"key":"12/3","body":{},"type":"x","v":1}`,  // keys out of order
		`{"body":{}, "key":"12/3","type":"x","v":1}`, // white space
		`{"body":{},"key":"12/3","type":"x","v":1,"extra":1}`,
	} {
		if _, err := translog.ParseLeaf([]byte(bad)); err == nil {
			t.Errorf("non-canonical leaf accepted: %s", bad)
		}
	}
	for _, c := range []struct{ typ, key string }{{"", "k"}, {"a b", "k"}, {"a", ""}, {"a", "x\x00"}} {
		if _, err := translog.NewRecord(c.typ, 1, c.key, 1); err == nil {
			t.Errorf("record type %q key %q accepted", c.typ, c.key)
		}
	}
}

func TestKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db.sqlite.logkey")
	k, err := translog.LoadOrCreateKey(path, "yuanqu-log")
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	again, err := translog.LoadOrCreateKey(path, "other-name")
	if err != nil {
		t.Fatal(err)
	}
	if again.VerifierKey != k.VerifierKey || !strings.HasPrefix(k.VerifierKey, "yuanqu-log+") {
		t.Errorf("reloaded key %q, first %q", again.VerifierKey, k.VerifierKey)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := translog.LoadOrCreateKey(path, "yuanqu-log"); err == nil {
		t.Error("a world-readable key file was accepted")
	}
	if got := translog.KeyPath("/srv/yiyeyicha/data.db"); got != "/srv/yiyeyicha/data.db.logkey" {
		t.Errorf("KeyPath = %q", got)
	}
	other, err := translog.GenerateKeyFile(filepath.Join(t.TempDir(), "w.key"), "w")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	skey, _, _ := strings.Cut(string(b), "\n")
	if _, err := translog.ParseKey([]byte(skey + "\n" + other.VerifierKey + "\n")); err == nil {
		t.Error("a key file with another key's verifier was accepted")
	}
}

func TestCheckpointAndCosign(t *testing.T) {
	logKey, err := translog.GenerateKeyFile(filepath.Join(t.TempDir(), "log.key"), "log")
	if err != nil {
		t.Fatal(err)
	}
	witness, err := translog.GenerateKeyFile(filepath.Join(t.TempDir(), "w.key"), "jijian")
	if err != nil {
		t.Fatal(err)
	}
	tree := tlog.Tree{N: 3, Hash: tlog.RecordHash([]byte("x"))}
	msg, err := translog.SignTree(logKey, tree)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := translog.OpenCheckpoint(msg, logKey.Verifier)
	if err != nil || got != tree {
		t.Fatalf("opened %v, %v", got, err)
	}
	if _, _, err := translog.OpenCheckpoint(msg, witness.Verifier); err == nil {
		t.Error("checkpoint accepted with the wrong verifier")
	}
	_, line, err := translog.Cosign(msg, logKey.Verifier, witness)
	if err != nil {
		t.Fatal(err)
	}
	text := string(tlog.FormatTree(tree))
	if err := translog.CheckCosignature(text, line, witness.Verifier); err != nil {
		t.Error(err)
	}
	if err := translog.CheckCosignature(string(tlog.FormatTree(tlog.Tree{N: 4, Hash: tree.Hash})), line, witness.Verifier); err == nil {
		t.Error("co-signature accepted over another tree")
	}
	both := translog.AddSignatures(msg, line)
	n, err := note.Open(both, note.VerifierList(logKey.Verifier, witness.Verifier))
	if err != nil || len(n.Sigs) != 2 {
		t.Errorf("co-signed checkpoint: %v, %+v", err, n)
	}
}
