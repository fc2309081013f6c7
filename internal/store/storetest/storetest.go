// Package storetest gives tests a real, migrated store: SQLite in a
// temporary directory, and PostgreSQL in a fresh schema when
// YIYEYICHA_TEST_POSTGRES names a server.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for creating schemas

	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

// EnvPostgres is the environment variable holding the PostgreSQL URL of the
// test server, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const EnvPostgres = "YIYEYICHA_TEST_POSTGRES"

// New returns a migrated SQLite store in t.TempDir(), closed at cleanup.
func New(t testing.TB) *store.Store {
	t.Helper()
	return open(t, filepath.Join(t.TempDir(), "test.db"))
}

// EnvBenchPostgres, set to 1, makes the store benchmarks that use Bench
// run on PostgreSQL (the server of YIYEYICHA_TEST_POSTGRES) instead of
// SQLite, for the province-scale figures of docs/deploy.md.
const EnvBenchPostgres = "YIYEYICHA_BENCH_POSTGRES"

// Bench returns the store of a benchmark: SQLite as New, or PostgreSQL as
// NewPostgres when YIYEYICHA_BENCH_POSTGRES=1.
func Bench(b testing.TB) *store.Store {
	b.Helper()
	if os.Getenv(EnvBenchPostgres) == "1" {
		return NewPostgres(b)
	}
	return New(b)
}

// NewPostgres returns a migrated PostgreSQL store in a fresh schema of the
// server named by YIYEYICHA_TEST_POSTGRES; the schema is dropped at
// cleanup. It skips the test when the variable is unset and fails it when
// the server cannot be reached: a CI that asked for PostgreSQL must not
// pass without it.
func NewPostgres(t testing.TB) *store.Store {
	t.Helper()
	return open(t, EmptyPostgres(t))
}

// EmptyPostgres returns the URL of a fresh, empty schema (no tables, not
// migrated) of the server named by YIYEYICHA_TEST_POSTGRES, dropped at
// cleanup; it skips or fails as NewPostgres does.
func EmptyPostgres(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skip(EnvPostgres + " not set: PostgreSQL store tests skipped")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("storetest: %s: %v", EnvPostgres, err)
	}
	defer admin.Close()
	if err := admin.PingContext(ctx); err != nil {
		t.Fatalf("storetest: PostgreSQL at %s unreachable (%s is set, so this is a failure, not a skip): %v", redact(base), EnvPostgres, err)
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("storetest: create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		db, err := sql.Open("pgx", base)
		if err != nil {
			t.Errorf("storetest: drop schema %s: %v", schema, err)
			return
		}
		defer db.Close()
		if _, err := db.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("storetest: drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("storetest: %s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t testing.TB, dsn string) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("storetest: open: %v", err)
	}
	// Registered after the schema's cleanup, so it runs before it.
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("storetest: close: %v", err)
		}
	})
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("storetest: migrate: %v", err)
	}
	return s
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// Each runs fn as the subtests "sqlite" and "postgres", each on its own
// fresh migrated store. The postgres subtest skips unless
// YIYEYICHA_TEST_POSTGRES is set.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, New(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, NewPostgres(t)) })
}
