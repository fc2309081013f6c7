package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// engineCase is a source store and a way to name a new, empty target on
// the same engine.
type engineCase struct {
	name   string
	source func(t *testing.T) *store.Store
	target func(t *testing.T) string
}

var engines = []engineCase{
	{"sqlite", func(t *testing.T) *store.Store { return storetest.New(t) },
		func(t *testing.T) string { return filepath.Join(t.TempDir(), "restored.db") }},
	{"postgres", func(t *testing.T) *store.Store { return storetest.NewPostgres(t) },
		func(t *testing.T) string { return storetest.EmptyPostgres(t) }},
}

// populate writes some of everything: reference data, users, sessions, a
// token, entities, inspectors with labels and conflicts, and their audit.
func populate(t *testing.T, s *store.Store) *storetest.Fixture {
	t.Helper()
	ctx := t.Context()
	f := storetest.Seed(t, s)
	if _, err := s.ImportEntities(ctx, f.Office, entityRows(f, 1, 50), domain.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 5; i++ {
		if err := s.SaveInspector(ctx, f.Office, inspector(i, f.Dept.ID)); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.Login(ctx, "scjg", storetest.Password); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateToken(ctx, f.DeptStaff, "数据对接"); err != nil {
		t.Fatal(err)
	}
	return f
}

func openRestored(t *testing.T, dsn string) *store.Store {
	t.Helper()
	r, err := store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func TestBackupRestoreRoundTrip(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := t.Context()
			s := e.source(t)
			f := populate(t, s)
			want, err := s.Checksums(ctx)
			if err != nil {
				t.Fatal(err)
			}
			wantDump := dump(t, s)
			file := filepath.Join(t.TempDir(), "backup")
			info, err := s.Backup(ctx, file)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, info.Tables); diff != "" {
				t.Errorf("backup sums differ from the store's (-store +backup):\n%s", diff)
			}
			if _, err := s.Backup(ctx, file); domain.ErrorKind(err) != domain.KindInvalid {
				t.Errorf("second backup to the same file: %v, want a refusal", err)
			}

			dsn := e.target(t)
			rinfo, err := store.Restore(ctx, file, dsn)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, rinfo.Tables); diff != "" {
				t.Errorf("restore reports other sums (-source +restored):\n%s", diff)
			}
			r := openRestored(t, dsn)
			got, err := r.Checksums(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("restored store differs (-source +restored):\n%s", diff)
			}
			if diff := cmp.Diff(wantDump, dump(t, r)); diff != "" {
				t.Errorf("restored rows differ (-source +restored):\n%s", diff)
			}
			rows := map[string]int64{}
			for _, ts := range want {
				rows[ts.Table] = ts.Rows
			}
			for _, table := range []string{"departments", "entities", "inspectors", "inspector_labels", "inspector_conflicts", "users", "sessions", "api_tokens", "audit_log"} {
				if rows[table] == 0 {
					t.Errorf("table %s is empty: the test would prove little", table)
				}
			}
			cur, latest, err := r.SchemaStatus(ctx)
			if err != nil || cur != latest {
				t.Errorf("restored schema %d of %d (%v)", cur, latest, err)
			}

			// The restored store is alive: logins work, new rows get
			// fresh IDs (sequences restored), the audit log is still
			// append-only.
			if _, _, err := r.Login(ctx, "office", storetest.Password); err != nil {
				t.Errorf("login on the restored store: %v", err)
			}
			if err := r.SaveInspector(ctx, f.Office, inspector(99, f.Dept.ID)); err != nil {
				t.Errorf("new inspector on the restored store: %v", err)
			}
			if _, err := r.ImportEntities(ctx, f.Office, entityRows(f, 500, 3), domain.ImportOptions{}); err != nil {
				t.Errorf("import into the restored store: %v", err)
			}
			if err := store.ExecRaw(ctx, r, `UPDATE audit_log SET actor_name = 'x'`); err == nil {
				t.Error("the restored audit log accepts an UPDATE")
			}
		})
	}
}

func TestRestoreRefuses(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := t.Context()
			s := e.source(t)
			populate(t, s)
			dir := t.TempDir()
			file := filepath.Join(dir, "backup")
			if _, err := s.Backup(ctx, file); err != nil {
				t.Fatal(err)
			}
			other := map[string]string{"sqlite": "postgres", "postgres": "sqlite"}[e.name]
			var otherTarget string
			if other == "sqlite" {
				otherTarget = filepath.Join(dir, "x.db")
			} else {
				otherTarget = "postgres://127.0.0.1:1/none"
			}
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			truncated := filepath.Join(dir, "truncated")
			if err := os.WriteFile(truncated, data[:len(data)*2/3], 0o600); err != nil {
				t.Fatal(err)
			}
			flipped := filepath.Join(dir, "flipped")
			bad := append([]byte(nil), data...)
			for i := len(bad) / 2; i < len(bad)/2+4096 && i < len(bad); i++ {
				bad[i] ^= 0x5a
			}
			if err := os.WriteFile(flipped, bad, 0o600); err != nil {
				t.Fatal(err)
			}
			text := filepath.Join(dir, "text")
			if err := os.WriteFile(text, []byte("统一社会信用代码,名称\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				name, file, key string
				target          func() string
			}{
				{"other engine", file, "ops.restore.engine", func() string { return otherTarget }},
				{"not a backup", text, "ops.restore.not_backup", func() string { return e.target(t) }},
				{"truncated", truncated, "", func() string { return e.target(t) }},
				{"damaged", flipped, "", func() string { return e.target(t) }},
			} {
				t.Run(c.name, func(t *testing.T) {
					dsn := c.target()
					_, err := store.Restore(ctx, c.file, dsn)
					var de *domain.Error
					if !errors.As(err, &de) || de.Kind != domain.KindInvalid || (c.key != "" && de.Key != c.key) {
						t.Fatalf("restore = %v, want a KindInvalid %q", err, c.key)
					}
					t.Logf("refused: %v", err)
					if c.name != "other engine" {
						assertNothingWritten(t, e.name, dsn)
					}
				})
			}
			t.Run("target not new", func(t *testing.T) {
				dsn := e.target(t)
				if _, err := store.Restore(ctx, file, dsn); err != nil {
					t.Fatal(err)
				}
				before := checksums(t, openRestored(t, dsn))
				_, err := store.Restore(ctx, file, dsn)
				if domain.ErrorKind(err) != domain.KindConflict {
					t.Fatalf("restore over a restored store = %v, want a conflict", err)
				}
				if diff := cmp.Diff(before, checksums(t, openRestored(t, dsn))); diff != "" {
					t.Errorf("refused restore changed the target:\n%s", diff)
				}
			})
		})
	}
}

func checksums(t *testing.T, s *store.Store) []store.TableSum {
	t.Helper()
	sums, err := s.Checksums(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return sums
}

// assertNothingWritten checks that a refused restore left no database
// behind: nothing in the SQLite target's (fresh) directory, no table in the
// PostgreSQL schema.
func assertNothingWritten(t *testing.T, engine, dsn string) {
	t.Helper()
	if engine == "sqlite" {
		left, _ := os.ReadDir(filepath.Dir(dsn))
		for _, e := range left {
			t.Errorf("refused restore left %s", e.Name())
		}
		return
	}
	r := openRestored(t, dsn)
	if cur, _, err := r.SchemaStatus(t.Context()); err != nil || cur != 0 {
		t.Errorf("refused restore left schema version %d (%v)", cur, err)
	}
}

// TestBackupWhileWriting takes backups while imports run: each backup is
// one snapshot, in which every entity has its audit row and no import is
// half there.
func TestBackupWhileWriting(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			s := e.source(t)
			f := storetest.Seed(t, s)
			var wg sync.WaitGroup
			var imports atomic.Int64
			wg.Go(func() {
				for n := 0; ctx.Err() == nil; n++ {
					if _, err := s.ImportEntities(ctx, f.Office, entityRows(f, 1+n*20, 20), domain.ImportOptions{}); err != nil {
						if ctx.Err() == nil {
							t.Errorf("import: %v", err)
						}
						return
					}
					imports.Add(1)
				}
			})
			dir := t.TempDir()
			for i := range 3 {
				for imports.Load() < int64(i+1) {
					if ctx.Err() != nil {
						t.Fatal("imports stopped")
					}
				}
				file := filepath.Join(dir, "b"+string(rune('0'+i)))
				if _, err := s.Backup(ctx, file); err != nil {
					t.Fatal(err)
				}
				r := openRestored(t, restoreInto(t, e, file))
				var ents, audits int
				if err := store.QueryIntForTest(ctx, r, `SELECT count(*) FROM entities`, &ents); err != nil {
					t.Fatal(err)
				}
				if err := store.QueryIntForTest(ctx, r, `SELECT count(*) FROM audit_log WHERE object_type = 'entity'`, &audits); err != nil {
					t.Fatal(err)
				}
				if ents == 0 || ents%20 != 0 || audits != ents {
					t.Errorf("backup %d: %d entities, %d entity audit rows: not a snapshot between imports", i, ents, audits)
				}
			}
			cancel()
			wg.Wait()
		})
	}
}

func restoreInto(t *testing.T, e engineCase, file string) string {
	t.Helper()
	dsn := e.target(t)
	if _, err := store.Restore(t.Context(), file, dsn); err != nil {
		t.Fatal(err)
	}
	return dsn
}
