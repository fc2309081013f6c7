package cli

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// postgresDSN returns the URL of a fresh schema on the test server, dropped
// at cleanup; the test skips without YIYEYICHA_TEST_POSTGRES.
func postgresDSN(t *testing.T) string {
	t.Helper()
	base := os.Getenv(storetest.EnvPostgres)
	if base == "" {
		t.Skip(storetest.EnvPostgres + " not set: command line tests on PostgreSQL skipped")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	b := make([]byte, 8)
	rand.Read(b)
	schema := "cli_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("PostgreSQL at %s: %v", storetest.EnvPostgres, err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// TestPostgres runs the commands against a postgres:// URL: the same
// program, the other engine.
func TestPostgres(t *testing.T) {
	dsn := postgresDSN(t)
	env := map[string]string{"YIYEYICHA_DB": dsn}
	if r := run(t, env, "serve", "--addr", "127.0.0.1:0"); r.code != ExitError || !strings.Contains(r.stderr, "migrate") {
		t.Fatalf("serve on an empty PostgreSQL schema: exit %d\n%s", r.code, r.stderr)
	}
	if r := run(t, env, "migrate"); r.code != 0 {
		t.Fatalf("migrate: exit %d\n%s", r.code, r.stderr)
	}
	if r := run(t, nil, "demo", "--db", dsn, "--entities", "200", "--inspectors", "40", "--generate-only"); r.code != 0 {
		t.Fatalf("demo: exit %d\n%s", r.code, r.stderr)
	}
	if r := run(t, nil, "demo", "--db", dsn, "--fresh"); r.code != ExitUsage {
		t.Errorf("demo --fresh on PostgreSQL: exit %d, want %d", r.code, ExitUsage)
	}

	// What a failed import must leave alone: every business and the
	// length of the audit log.
	type content struct {
		Entities []domain.Entity
		Audit    int
	}
	snapshot := func() content {
		st := openStore(t, dsn)
		var c content
		if err := st.EachEntity(t.Context(), domain.System, domain.EntityFilter{Sort: "code"}, func(e *domain.Entity) error {
			c.Entities = append(c.Entities, *e)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		audit, err := st.ListAudit(t.Context(), domain.System, domain.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		c.Audit = audit.Total
		return c
	}

	bad := filepath.Join(t.TempDir(), "bad.xlsx")
	rows := [][]any{goodRow(1), goodRow(2), goodRow(3)}
	rows[2][0] = rows[0][0]
	writeXLSX(t, bad, rows)
	before := snapshot()
	r := run(t, env, "import", "entities", bad)
	if r.code != ExitError || !slices.Equal(tableRows(r.stderr), []string{"2", "4"}) {
		t.Errorf("bad file: exit %d, rows %v\n%s", r.code, tableRows(r.stderr), r.stderr)
	}
	if diff := cmp.Diff(before, snapshot()); diff != "" {
		t.Errorf("a failed import changed the store:\n%s", diff)
	}

	out := filepath.Join(t.TempDir(), "entities.csv")
	if r := run(t, env, "export", "entities", "-o", out); r.code != 0 {
		t.Fatalf("export: exit %d\n%s", r.code, r.stderr)
	}
	if r := run(t, env, "import", "entities", out); r.code != 0 || !strings.Contains(r.stdout, "不变 200") {
		t.Errorf("re-import of the export: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	r = run(t, env, "serve", "--addr", "127.0.0.1:0")
	if r.code != 0 {
		t.Fatalf("serve: exit %d\n%s", r.code, r.stderr)
	}
	if code, _ := get(t, "http://"+r.m.Addr()+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d", code)
	}
}
