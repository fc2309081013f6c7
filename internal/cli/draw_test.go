package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDrawCommands runs a whole draw from the command line on a demo
// database — announce, commit and reveal by each department's own staff,
// the public value entered twice, execute — writes the bundle and verifies
// it; then an abort and its redraw.
func TestDrawCommands(t *testing.T) {
	db := demoDB(t)
	dir := t.TempDir()
	env := map[string]string{"YIYEYICHA_DB": db, "YIYEYICHA_LANG": "en"}
	must := func(args ...string) string {
		t.Helper()
		r := run(t, env, args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
		return r.stdout
	}
	must("user", "add", "scjg1", "--role", "department", "--name", "市场监管联络员", "--department", "SCJG", "--password", "password1234")
	must("user", "add", "xfjy1", "--role", "department", "--name", "消防联络员", "--department", "XFJY", "--password", "password1234")
	must("user", "add", "scjg2", "--role", "department", "--name", "市场监管录入员", "--department", "SCJG", "--password", "password1234")
	announce := []string{"draw", "announce", "--industry", "catering", "--lead", "SCJG", "--dept", "SCJG:1", "--dept", "XFJY:1",
		"--ratio", "A=1%", "--ratio", "B=2%", "--ratio", "C=1/10", "--ratio", "D=30%", "--min", "A=1", "--window", "2026-04-01:2026-06-30",
		"--task", "2026年餐饮服务联合抽查", "--batch", "第一批", "--public-value", "中国福利彩票双色球第2026025期开奖号码", "--cap", "5"}
	out := must(announce...)
	id := regexp.MustCompile(`Draw (\S+) announced`).FindStringSubmatch(out)
	if id == nil {
		t.Fatalf("announce printed %q", out)
	}
	key := id[1]
	// The office cannot commit for a department.
	if r := run(t, env, "draw", "commit", key, "SCJG", "--secret-file", filepath.Join(dir, "office.secret")); r.code != ExitError {
		t.Fatalf("office commits: exit %d\n%s", r.code, r.stderr)
	}
	must("draw", "commit", key, "SCJG", "--secret-file", filepath.Join(dir, "scjg.secret"), "--as", "scjg1")
	must("draw", "commit", key, "XFJY", "--secret-file", filepath.Join(dir, "xfjy.secret"), "--as", "xfjy1")
	if fi, err := os.Stat(filepath.Join(dir, "scjg.secret")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("secret file: %v %v", fi, err)
	}
	must("draw", "reveal", key, "SCJG", "--secret-file", filepath.Join(dir, "scjg.secret"), "--as", "scjg1")
	must("draw", "reveal", key, "XFJY", "--secret-file", filepath.Join(dir, "xfjy.secret"), "--as", "xfjy1")
	if out := must("draw", "public-value", key, "03 07 12 19 25 31\n09"); !strings.Contains(out, "another user must enter it again") {
		t.Fatalf("first entry: %q", out)
	}
	// No value on standard input: refused.
	if r := run(t, env, "draw", "public-value", key, "--as", "scjg2"); r.code != ExitError {
		t.Fatalf("empty public value: exit %d", r.code)
	}
	if out := must("draw", "public-value", key, "3 7 12 19 25 31\n9", "--as", "scjg2"); !strings.Contains(out, "confirmed by two entries: 3.7.12.19.25.31./9./") {
		t.Fatalf("second entry: %q", out)
	}
	if out := must("draw", "execute", key); !strings.Contains(out, "Draw "+key+" executed") {
		t.Fatalf("execute: %q", out)
	}
	bundle := filepath.Join(dir, "bundle.json")
	must("draw", "bundle", key, "-o", bundle)
	if out := must("verify", bundle); !strings.Contains(out, "Draw "+key+" verified") {
		t.Fatalf("verify: %q", out)
	}
	// The bundle proves its announcement and result are in the log.
	vkey := strings.TrimSpace(must("log", "key"))
	if out := must("verify", bundle, "--log-verifier", vkey); !strings.Contains(out, "transparency-log proofs valid") {
		t.Fatalf("verify --log-verifier: %q", out)
	}
	salts := filepath.Join(dir, "salts.json")
	must("draw", "salts", key, "-o", salts)
	must("verify", bundle, "--conflict-salts", salts)
	if out := must("draw", "list"); !strings.Contains(out, key) || !strings.Contains(out, "Executed") {
		t.Fatalf("list: %q", out)
	}

	// Abort in public, then redraw.
	out = must(announce...)
	key2 := regexp.MustCompile(`Draw (\S+) announced`).FindStringSubmatch(out)[1]
	if r := run(t, env, "draw", "abort", key2); r.code != ExitError {
		t.Fatalf("abort without reason: exit %d", r.code)
	}
	must("draw", "abort", key2, "--reason", "消防救援大队联络员未按期揭示")
	out = must(append(announce, "--supersedes", key2)...)
	if !strings.Contains(out, "announced") {
		t.Fatalf("redraw: %q", out)
	}
	if out := must("draw", "list"); !strings.Contains(out, "Aborted") || !strings.Contains(out, "Committing") {
		t.Fatalf("list: %q", out)
	}
}
