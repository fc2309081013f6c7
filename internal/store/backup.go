package store

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// Backups (备份) are taken online, while the server runs, and each is one
// consistent snapshot:
//
//   - SQLite: VACUUM INTO on a connection of its own. In WAL mode it reads
//     one snapshot and blocks no writer; the result is an ordinary,
//     compacted SQLite file that restore checks and puts in place.
//   - PostgreSQL: one REPEATABLE READ, READ ONLY transaction that COPYs
//     every table of the schema in text format into a gzip-compressed tar
//     archive (header.json, data/<table>.copy, sums.json). No pg_dump is
//     needed, so the client and server versions need not match; restore
//     replays the migrations up to the backup's schema version and COPYs
//     the data back in one transaction.
//
// Both record every table's row count and digest (TableSum), and restore
// checks the restored store against them before it commits.

// Backup archive constants.
const (
	backupFormat        = "yiyeyicha-backup"
	backupFormatVersion = 1
	sqliteMagic         = "SQLite format 3\x00"
)

// BackupInfo describes a backup: what Backup wrote or what Restore
// restored.
type BackupInfo struct {
	Engine        string     `json:"engine"`
	SchemaVersion int        `json:"schema_version"`
	Created       time.Time  `json:"created"`
	Tables        []TableSum `json:"tables"`
}

// pgHeader is the first entry of a PostgreSQL backup archive.
type pgHeader struct {
	Format        string       `json:"format"`
	FormatVersion int          `json:"format_version"`
	Engine        string       `json:"engine"`
	SchemaVersion int          `json:"schema_version"`
	Created       time.Time    `json:"created"`
	Tables        []pgTable    `json:"tables"`
	Sequences     []pgSequence `json:"sequences"`
}

type pgTable struct {
	Name    string   `json:"name"`
	Columns []string `json:"columns"`
}

type pgSequence struct {
	Name      string `json:"name"`
	LastValue *int64 `json:"last_value"` // nil: never used
}

// pgSums is the last entry: per table its content sums and the SHA-256
// of its COPY stream in the archive.
type pgSums struct {
	Tables  []TableSum        `json:"tables"`
	Streams map[string]string `json:"streams"`
}

func backupErr(key string, args ...any) *domain.Error {
	return domain.E("store.Backup", domain.KindInvalid, key, args...)
}

func restoreErr(kind domain.Kind, key string, args ...any) *domain.Error {
	return domain.E("store.Restore", kind, key, args...)
}

// Backup writes a consistent snapshot of the store to the file path,
// which must not exist yet. The file appears only when complete.
func (s *Store) Backup(ctx context.Context, path string) (*BackupInfo, error) {
	if _, err := os.Lstat(path); err == nil {
		return nil, backupErr("ops.backup.exists", "file", path)
	}
	tmp, err := tempName(path)
	if err != nil {
		return nil, fmt.Errorf("store: backup: %w", err)
	}
	defer os.Remove(tmp)
	var info *BackupInfo
	if s.engine == EngineSQLite {
		info, err = s.backupSQLite(ctx, tmp)
	} else {
		info, err = s.backupPostgres(ctx, tmp)
	}
	if err != nil {
		return nil, err
	}
	if err := syncFile(tmp); err != nil {
		return nil, fmt.Errorf("store: backup: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, fmt.Errorf("store: backup: %w", err)
	}
	return info, nil
}

// tempName returns an unused name beside path for a file written in full
// before it is renamed into place.
func tempName(path string) (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-"+hex.EncodeToString(b)), nil
}

func syncFile(name string) error {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// --- SQLite -------------------------------------------------------------------

func (s *Store) backupSQLite(ctx context.Context, tmp string) (*BackupInfo, error) {
	// Not the read pool (query_only refuses VACUUM INTO) and not the
	// writer (it would hold up every write for the whole copy).
	db, err := sql.Open("sqlite", s.liteDSN)
	if err != nil {
		return nil, fmt.Errorf("store: backup: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	created := s.clock()
	if _, err := db.ExecContext(ctx, `VACUUM INTO $1`, tmp); err != nil {
		return nil, fmt.Errorf("store: backup: %w", err)
	}
	info, err := inspectSQLite(ctx, tmp, false)
	if err != nil {
		return nil, fmt.Errorf("store: backup: %w", err)
	}
	info.Created = created
	return info, nil
}

// inspectSQLite opens a SQLite file read-only and reads its schema version
// and table sums; full also runs integrity_check (a restore's one chance
// to refuse a damaged file).
func inspectSQLite(ctx context.Context, file string, full bool) (*BackupInfo, error) {
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=query_only(1)")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if full {
		var res string
		if err := db.QueryRowContext(ctx, `PRAGMA integrity_check(1)`).Scan(&res); err != nil {
			return nil, restoreErr(domain.KindInvalid, "ops.restore.corrupt", "reason", err.Error()).Wrap(err)
		}
		if res != "ok" {
			return nil, restoreErr(domain.KindInvalid, "ops.restore.corrupt", "reason", res)
		}
	}
	lite := &Store{engine: EngineSQLite, read: db, write: db}
	var v sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		return nil, restoreErr(domain.KindInvalid, "ops.restore.not_backup").Wrap(err)
	}
	sums, err := lite.Checksums(ctx)
	if err != nil {
		return nil, err
	}
	return &BackupInfo{Engine: EngineSQLite, SchemaVersion: int(v.Int64), Tables: sums}, nil
}

func restoreSQLite(ctx context.Context, backup, dsn string) (*BackupInfo, error) {
	target, _, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if _, err := os.Lstat(target + suffix); err == nil {
			return nil, restoreErr(domain.KindConflict, "ops.restore.target_exists", "db", target+suffix)
		}
	}
	tmp, err := tempName(target)
	if err != nil {
		return nil, fmt.Errorf("store: restore: %w", err)
	}
	defer os.Remove(tmp)
	if err := copyFile(backup, tmp); err != nil {
		return nil, fmt.Errorf("store: restore: %w", err)
	}
	info, err := inspectSQLite(ctx, tmp, true)
	if err != nil {
		return nil, err
	}
	if err := checkSchemaVersion(EngineSQLite, info.SchemaVersion); err != nil {
		return nil, err
	}
	if err := syncFile(tmp); err != nil {
		return nil, fmt.Errorf("store: restore: %w", err)
	}
	// Link rather than rename: a target that appeared meanwhile is never
	// overwritten.
	if err := os.Link(tmp, target); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, restoreErr(domain.KindConflict, "ops.restore.target_exists", "db", target)
		}
		return nil, fmt.Errorf("store: restore: %w", err)
	}
	return info, nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// checkSchemaVersion refuses a backup written by a newer program.
func checkSchemaVersion(engine string, v int) error {
	ms, err := Migrations(engine)
	if err != nil {
		return err
	}
	if v > len(ms) {
		return restoreErr(domain.KindInvalid, "ops.restore.newer_schema", "version", v, "latest", len(ms))
	}
	if v < 1 {
		return restoreErr(domain.KindInvalid, "ops.restore.not_backup")
	}
	return nil
}

// --- PostgreSQL -----------------------------------------------------------------

// withPgx runs fn on one connection of the pool with the native pgx API,
// which database/sql does not offer (COPY).
func (s *Store) withPgx(ctx context.Context, fn func(c *pgx.Conn) error) error {
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: not a pgx connection: %T", dc)
		}
		return fn(sc.Conn())
	})
}

// pgTables lists the tables of the current schema with their stored
// columns (generated columns cannot be copied in, and need not be).
func pgTables(ctx context.Context, tx pgx.Tx) ([]pgTable, error) {
	rows, err := tx.Query(ctx, `SELECT c.table_name, c.column_name
        FROM information_schema.columns c
        JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.is_generated = 'NEVER'
        ORDER BY c.table_name COLLATE "C", c.ordinal_position`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pgTable
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].Name != table {
			out = append(out, pgTable{Name: table})
		}
		out[len(out)-1].Columns = append(out[len(out)-1].Columns, col)
	}
	return out, rows.Err()
}

func (t pgTable) columnList() string {
	q := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		q[i] = quoteIdent(c)
	}
	return strings.Join(q, ", ")
}

// pgSums digests every table in tx; pgx's native values, so backup and
// restore compute them alike.
func pgTableSums(ctx context.Context, tx pgx.Tx, tables []pgTable) ([]TableSum, error) {
	out := make([]TableSum, 0, len(tables))
	for _, t := range tables {
		rows, err := tx.Query(ctx, `SELECT `+t.columnList()+` FROM `+quoteIdent(t.Name))
		if err != nil {
			return nil, err
		}
		var d rowDigest
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				rows.Close()
				return nil, err
			}
			d.add(vals)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		out = append(out, TableSum{Table: t.Name, Rows: d.rows, Digest: d.hex()})
	}
	return out, nil
}

func (s *Store) pgChecksums(ctx context.Context) ([]TableSum, error) {
	var out []TableSum
	err := s.withPgx(ctx, func(c *pgx.Conn) error {
		tx, err := c.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		tables, err := pgTables(ctx, tx)
		if err != nil {
			return err
		}
		out, err = pgTableSums(ctx, tx, tables)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: checksums: %w", err)
	}
	return out, nil
}

func (s *Store) backupPostgres(ctx context.Context, tmp string) (*BackupInfo, error) {
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: backup: %w", err)
	}
	defer f.Close()
	// Each table is spooled beside the archive first: a tar entry needs its
	// size before its content.
	spool, err := os.CreateTemp(filepath.Dir(tmp), ".yiyeyicha-spool-*")
	if err != nil {
		return nil, fmt.Errorf("store: backup: %w", err)
	}
	defer os.Remove(spool.Name())
	defer spool.Close()

	bw := bufio.NewWriterSize(f, 1<<20)
	zw := gzip.NewWriter(bw)
	tw := tar.NewWriter(zw)
	var info *BackupInfo
	err = s.withPgx(ctx, func(c *pgx.Conn) error {
		tx, err := c.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		h := pgHeader{Format: backupFormat, FormatVersion: backupFormatVersion, Engine: EnginePostgres, Created: s.clock()}
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&h.SchemaVersion); err != nil {
			return err
		}
		if h.Tables, err = pgTables(ctx, tx); err != nil {
			return err
		}
		// Sequences are not transactional: their values may run ahead of
		// the snapshot, which only leaves gaps in IDs, never a clash.
		rows, err := tx.Query(ctx, `SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema() ORDER BY sequencename`)
		if err != nil {
			return err
		}
		h.Sequences, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (pgSequence, error) {
			var q pgSequence
			err := r.Scan(&q.Name, &q.LastValue)
			return q, err
		})
		if err != nil {
			return err
		}
		if err := tarJSON(tw, "header.json", h.Created, h); err != nil {
			return err
		}
		sums := pgSums{Streams: map[string]string{}}
		for _, t := range h.Tables {
			if _, err := spool.Seek(0, io.SeekStart); err != nil {
				return err
			}
			if err := spool.Truncate(0); err != nil {
				return err
			}
			sh := sha256.New()
			sw := bufio.NewWriterSize(io.MultiWriter(spool, sh), 1<<20)
			if _, err := c.PgConn().CopyTo(ctx, sw, `COPY `+quoteIdent(t.Name)+` (`+t.columnList()+`) TO STDOUT`); err != nil {
				return fmt.Errorf("copy %s: %w", t.Name, err)
			}
			if err := sw.Flush(); err != nil {
				return err
			}
			size, err := spool.Seek(0, io.SeekCurrent)
			if err != nil {
				return err
			}
			if err := tw.WriteHeader(&tar.Header{Name: "data/" + t.Name + ".copy", Mode: 0o600, Size: size, ModTime: h.Created}); err != nil {
				return err
			}
			if _, err := spool.Seek(0, io.SeekStart); err != nil {
				return err
			}
			if _, err := io.Copy(tw, spool); err != nil {
				return err
			}
			sums.Streams[t.Name] = hex.EncodeToString(sh.Sum(nil))
		}
		if sums.Tables, err = pgTableSums(ctx, tx, h.Tables); err != nil {
			return err
		}
		if err := tarJSON(tw, "sums.json", h.Created, sums); err != nil {
			return err
		}
		info = &BackupInfo{Engine: EnginePostgres, SchemaVersion: h.SchemaVersion, Created: h.Created, Tables: sums.Tables}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: backup: %w", err)
	}
	for _, c := range []io.Closer{tw, zw} {
		if err := c.Close(); err != nil {
			return nil, fmt.Errorf("store: backup: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return nil, fmt.Errorf("store: backup: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("store: backup: %w", err)
	}
	return info, nil
}

func tarJSON(tw *tar.Writer, name string, mod time.Time, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(b)), ModTime: mod}); err != nil {
		return err
	}
	_, err = tw.Write(b)
	return err
}

// Restore restores the backup file into the database dsn and returns what
// it restored, checked against the sums recorded in the backup. The
// target must be new: a SQLite file that does not exist, or a PostgreSQL
// database (schema) without tables. Either the whole backup is restored or
// nothing is written.
func Restore(ctx context.Context, backup, dsn string) (*BackupInfo, error) {
	f, err := os.Open(backup)
	if err != nil {
		return nil, fmt.Errorf("store: restore: %w", err)
	}
	magic := make([]byte, len(sqliteMagic))
	n, _ := io.ReadFull(f, magic)
	f.Close()
	isSQLite := string(magic[:n]) == sqliteMagic
	isGzip := n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b
	pg := isPostgresDSN(dsn)
	switch {
	case !isSQLite && !isGzip:
		return nil, restoreErr(domain.KindInvalid, "ops.restore.not_backup")
	case isSQLite && pg:
		return nil, restoreErr(domain.KindInvalid, "ops.restore.engine", "backup", EngineSQLite, "target", EnginePostgres)
	case isGzip && !pg:
		return nil, restoreErr(domain.KindInvalid, "ops.restore.engine", "backup", EnginePostgres, "target", EngineSQLite)
	case isSQLite:
		return restoreSQLite(ctx, backup, dsn)
	}
	st, err := Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return st.restorePostgres(ctx, backup)
}

// isPostgresDSN tells a PostgreSQL URL from a SQLite path.
func isPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// archive reads a PostgreSQL backup archive entry by entry.
type archive struct {
	tr *tar.Reader
}

func (a *archive) next(want string) (*tar.Header, error) {
	h, err := a.tr.Next()
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, restoreErr(domain.KindInvalid, "ops.restore.truncated").Wrap(err)
	}
	if err != nil {
		return nil, restoreErr(domain.KindInvalid, "ops.restore.corrupt", "reason", err.Error()).Wrap(err)
	}
	if want != "" && h.Name != want {
		return nil, restoreErr(domain.KindInvalid, "ops.restore.corrupt", "reason", "expected "+want+", found "+h.Name)
	}
	return h, nil
}

func (a *archive) json(name string, v any) error {
	h, err := a.next(name)
	if err != nil {
		return err
	}
	b, err := io.ReadAll(io.LimitReader(a.tr, min(h.Size, 64<<20)))
	if err != nil {
		return restoreErr(domain.KindInvalid, "ops.restore.truncated").Wrap(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return restoreErr(domain.KindInvalid, "ops.restore.corrupt", "reason", name+": "+err.Error()).Wrap(err)
	}
	return nil
}

// hashingReader hashes what is read through it and keeps the first read
// error, which the server reports only as a failed COPY.
type hashingReader struct {
	r   io.Reader
	h   hash.Hash
	err error
}

func (r *hashingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.h.Write(p[:n])
	if err != nil && err != io.EOF && r.err == nil {
		r.err = err
	}
	return n, err
}

func (s *Store) restorePostgres(ctx context.Context, backup string) (*BackupInfo, error) {
	f, err := os.Open(backup)
	if err != nil {
		return nil, fmt.Errorf("store: restore: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return nil, restoreErr(domain.KindInvalid, "ops.restore.not_backup").Wrap(err)
	}
	a := &archive{tr: tar.NewReader(zr)}
	var h pgHeader
	if err := a.json("header.json", &h); err != nil {
		return nil, err
	}
	if h.Format != backupFormat || h.Engine != EnginePostgres {
		return nil, restoreErr(domain.KindInvalid, "ops.restore.not_backup")
	}
	if h.FormatVersion > backupFormatVersion {
		return nil, restoreErr(domain.KindInvalid, "ops.restore.newer_format", "version", h.FormatVersion)
	}
	if err := checkSchemaVersion(EnginePostgres, h.SchemaVersion); err != nil {
		return nil, err
	}
	ms, err := Migrations(EnginePostgres)
	if err != nil {
		return nil, err
	}
	var info *BackupInfo
	err = s.withPgx(ctx, func(c *pgx.Conn) error {
		tx, err := c.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return restoreErr(domain.KindConflict, "ops.restore.not_empty", "tables", n)
		}
		// The schema as it was when the backup was taken.
		if _, err := tx.Exec(ctx, createMigrationsTable); err != nil {
			return err
		}
		for _, m := range ms[:h.SchemaVersion] {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
			}
		}
		tables, err := pgTables(ctx, tx)
		if err != nil {
			return err
		}
		if !sameTables(tables, h.Tables) {
			return restoreErr(domain.KindInvalid, "ops.restore.corrupt", "reason", "tables differ from the schema of version "+fmt.Sprint(h.SchemaVersion))
		}
		// Foreign keys are dropped while loading and added back after (they
		// are then checked over all rows at once), as pg_restore does: rows
		// of one table may refer to each other in any order. User triggers
		// (the audit log's append-only guard) are off for the truncate of
		// what the migrations seeded.
		fkRows, err := tx.Query(ctx, `SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
            FROM pg_constraint WHERE contype = 'f' AND connamespace = current_schema()::regnamespace ORDER BY 1, 2`)
		if err != nil {
			return err
		}
		type fk struct{ table, name, def string }
		fks, err := pgx.CollectRows(fkRows, func(r pgx.CollectableRow) (fk, error) {
			var k fk
			err := r.Scan(&k.table, &k.name, &k.def)
			return k, err
		})
		if err != nil {
			return err
		}
		for _, k := range fks {
			if _, err := tx.Exec(ctx, `ALTER TABLE `+k.table+` DROP CONSTRAINT `+quoteIdent(k.name)); err != nil {
				return err
			}
		}
		names := make([]string, len(tables))
		for i, t := range tables {
			names[i] = quoteIdent(t.Name)
			if _, err := tx.Exec(ctx, `ALTER TABLE `+names[i]+` DISABLE TRIGGER USER`); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `TRUNCATE `+strings.Join(names, ", ")); err != nil {
			return err
		}
		streams := map[string]string{}
		for _, t := range h.Tables {
			if _, err := a.next("data/" + t.Name + ".copy"); err != nil {
				return err
			}
			hr := &hashingReader{r: a.tr, h: sha256.New()}
			if _, err := c.PgConn().CopyFrom(ctx, hr, `COPY `+quoteIdent(t.Name)+` (`+t.columnList()+`) FROM STDIN`); err != nil {
				switch {
				case ctx.Err() != nil:
					return err
				case errors.Is(hr.err, io.ErrUnexpectedEOF):
					return restoreErr(domain.KindInvalid, "ops.restore.truncated").Wrap(err)
				case hr.err != nil:
					return restoreErr(domain.KindInvalid, "ops.restore.corrupt", "reason", hr.err.Error()).Wrap(err)
				}
				// The schema is fresh from the migrations, so data it
				// refuses is damaged data.
				return restoreErr(domain.KindInvalid, "ops.restore.corrupt", "reason", t.Name+": "+err.Error()).Wrap(err)
			}
			streams[t.Name] = hex.EncodeToString(hr.h.Sum(nil))
		}
		var sums pgSums
		if err := a.json("sums.json", &sums); err != nil {
			return err
		}
		for name, sum := range streams {
			if sums.Streams[name] != sum {
				return restoreErr(domain.KindInvalid, "ops.restore.corrupt", "reason", "data of "+name+" does not match its checksum")
			}
		}
		for _, k := range fks {
			if _, err := tx.Exec(ctx, `ALTER TABLE `+k.table+` ADD CONSTRAINT `+quoteIdent(k.name)+` `+k.def); err != nil {
				return fmt.Errorf("foreign key %s: %w", k.name, err)
			}
		}
		for _, n := range names {
			if _, err := tx.Exec(ctx, `ALTER TABLE `+n+` ENABLE TRIGGER USER`); err != nil {
				return err
			}
		}
		for _, q := range h.Sequences {
			if q.LastValue == nil {
				continue
			}
			if _, err := tx.Exec(ctx, `SELECT setval($1::regclass, $2, true)`, quoteIdent(q.Name), *q.LastValue); err != nil {
				return fmt.Errorf("sequence %s: %w", q.Name, err)
			}
		}
		got, err := pgTableSums(ctx, tx, tables)
		if err != nil {
			return err
		}
		if bad := digestsDiffer(sums.Tables, got); len(bad) > 0 {
			return restoreErr(domain.KindInvalid, "ops.restore.mismatch", "tables", strings.Join(bad, ", "))
		}
		if err := tx.Commit(ctx); err != nil {
			return err
		}
		info = &BackupInfo{Engine: EnginePostgres, SchemaVersion: h.SchemaVersion, Created: h.Created, Tables: got}
		return nil
	})
	if err != nil {
		var de *domain.Error
		if errors.As(err, &de) {
			return nil, err
		}
		return nil, fmt.Errorf("store: restore: %w", err)
	}
	return info, nil
}

func sameTables(a, b []pgTable) bool {
	return slices.EqualFunc(a, b, func(x, y pgTable) bool {
		return x.Name == y.Name && slices.Equal(x.Columns, y.Columns)
	})
}
