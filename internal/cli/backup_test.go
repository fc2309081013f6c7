package cli

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBackupRestore backs up a demo database while it is being served,
// restores it with the commands an operator types, and serves the result.
func TestBackupRestore(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			src, dst := demoDB(t), filepath.Join(dir, "restored.db")
			if engine == "postgres" {
				src, dst = postgresDSN(t), postgresDSN(t)
				if r := run(t, nil, "demo", "--db", src, "--entities", "200", "--inspectors", "40", "--generate-only"); r.code != 0 {
					t.Fatalf("demo: exit %d\n%s", r.code, r.stderr)
				}
			}
			srv := run(t, nil, "serve", "--db", src, "--addr", "127.0.0.1:0")
			if srv.code != 0 {
				t.Fatalf("serve: exit %d\n%s", srv.code, srv.stderr)
			}
			// The transparency log's checkpoint before the backup: the
			// restored log must extend it (log verify).
			key, cp := filepath.Join(dir, "log.key"), filepath.Join(dir, "checkpoint")
			if r := run(t, nil, "log", "key", "--db", src, "--log-key", key); r.code != 0 {
				t.Fatalf("log key: exit %d\n%s", r.code, r.stderr)
			}
			if r := run(t, nil, "log", "checkpoint", "-o", cp, "--db", src, "--log-key", key); r.code != 0 {
				t.Fatalf("log checkpoint: exit %d\n%s", r.code, r.stderr)
			}
			file := filepath.Join(dir, "yiyeyicha-backup")
			r := run(t, nil, "backup", file, "--db", src, "--lang", "en")
			if r.code != 0 || !strings.Contains(r.stdout, "Backup written") || !strings.Contains(r.stdout, "entities") {
				t.Fatalf("backup: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			// The log key is not in the backup, and backup says where it is.
			wantKey := "the transparency log's signing key " + src + ".logkey"
			if engine == "postgres" {
				wantKey = "the transparency log's signing key (the --log-key file"
			}
			if !strings.Contains(r.stdout, wantKey) {
				t.Errorf("backup does not remind of the log key (%q):\n%s", wantKey, r.stdout)
			}
			backupTable := tableLines(r.stdout)
			if r := run(t, nil, "backup", file, "--db", src); r.code != ExitError || !strings.Contains(r.stderr, "已存在") {
				t.Errorf("backup over an existing file: exit %d\n%s", r.code, r.stderr)
			}
			r = run(t, nil, "restore", file, "--db", dst, "--lang", "en")
			if r.code != 0 || !strings.Contains(r.stdout, "match the backup") {
				t.Fatalf("restore: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if diff := cmp.Diff(backupTable, tableLines(r.stdout)); diff != "" {
				t.Errorf("restore printed other sums than backup (-backup +restore):\n%s", diff)
			}
			if r := run(t, nil, "restore", file, "--db", dst); r.code != ExitError || !strings.Contains(r.stderr, "恢复只写入") {
				t.Errorf("restore over the restored database: exit %d\n%s", r.code, r.stderr)
			}
			if r := run(t, nil, "restore", filepath.Join(dir, "missing"), "--db", filepath.Join(dir, "x.db")); r.code != ExitError {
				t.Errorf("restore of a missing file: exit %d", r.code)
			}
			if _, err := os.Stat(filepath.Join(dir, "x.db")); err == nil {
				t.Error("a failed restore created its target")
			}
			if r := run(t, nil, "log", "verify", "--checkpoint", cp, "--db", dst, "--log-key", key, "--lang", "en"); r.code != 0 || !strings.Contains(r.stdout, "append-only extension") {
				t.Errorf("log verify on the restored database: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			// The restored database serves without migration.
			r = run(t, nil, "serve", "--db", dst, "--addr", "127.0.0.1:0")
			if r.code != 0 {
				t.Fatalf("serve the restored database: exit %d\n%s", r.code, r.stderr)
			}
			if code, _ := get(t, "http://"+r.m.Addr()+"/healthz"); code != http.StatusOK {
				t.Errorf("/healthz of the restored database = %d", code)
			}
		})
	}
}

// tableLines returns the lines of a printed table (the backup and restore
// sums) without the summary line after it.
func tableLines(out string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "Backup written") || strings.HasPrefix(l, "Not in the backup") || strings.HasPrefix(l, "Restored into") || l == "" {
			continue
		}
		lines = append(lines, l)
	}
	return lines
}
