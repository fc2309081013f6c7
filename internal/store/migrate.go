package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationsFS embed.FS

// Migration is one forward-only schema step, read from migrations/<engine>/NNNN_name.sql.
type Migration struct {
	Version int
	Name    string // file name without the number and extension
	SQL     string
}

// Migrations lists the embedded migrations of engine ("sqlite" or
// "postgres") in order. Exposed for the test that both folders match.
func Migrations(engine string) ([]Migration, error) {
	dir := path.Join("migrations", engine)
	entries, err := fs.ReadDir(migrationsFS, dir)
	if err != nil {
		return nil, fmt.Errorf("store: migrations of %s: %w", engine, err)
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, rest, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || len(num) != 4 || v <= 0 {
			return nil, fmt.Errorf("store: migration %s/%s: name must be NNNN_name.sql", engine, name)
		}
		b, err := fs.ReadFile(migrationsFS, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		out = append(out, Migration{Version: v, Name: rest, SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("store: migrations of %s: expected version %d, found %d", engine, i+1, m.Version)
		}
	}
	return out, nil
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
)`

// Migrate applies the pending migrations, each in its own transaction
// together with its schema_migrations row. It is forward-only: a database
// newer than this binary is an error.
func (s *Store) Migrate(ctx context.Context) error {
	ms, err := Migrations(s.engine)
	if err != nil {
		return err
	}
	if _, err := s.write.ExecContext(ctx, createMigrationsTable); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	for _, m := range ms {
		err := s.inTx(ctx, "Migrate", func(tx *sql.Tx) error {
			if s.engine == EnginePostgres {
				// Two servers starting at once must not both migrate.
				if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7243651)`); err != nil {
					return err
				}
			}
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, m.Version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("Migration %04d_%s: %w", m.Version, m.Name, err)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
				m.Version, m.Name, s.now().UTC().Format(tsLayout))
			return err
		})
		if err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
	}
	cur, latest, err := s.SchemaStatus(ctx)
	if err != nil {
		return err
	}
	if cur > latest {
		return fmt.Errorf("store: database schema version %d is newer than this program's %d", cur, latest)
	}
	return nil
}

// SchemaStatus reports the schema version of the database (0 when never
// migrated) and the latest version this program knows. The server refuses
// to start when current < latest unless told to migrate.
func (s *Store) SchemaStatus(ctx context.Context) (current, latest int, err error) {
	ms, err := Migrations(s.engine)
	if err != nil {
		return 0, 0, err
	}
	latest = len(ms)
	var exists bool
	if s.engine == EngineSQLite {
		var n int
		err = s.read.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&n)
		exists = n > 0
	} else {
		err = s.read.QueryRowContext(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("store: schema status: %w", err)
	}
	if !exists {
		return 0, latest, nil
	}
	var v sql.NullInt64
	if err := s.read.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, 0, fmt.Errorf("store: schema status: %w", err)
	}
	return int(v.Int64), latest, nil
}
