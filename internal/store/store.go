// Package store is the only code that speaks SQL. It keeps the reference
// data, the accounts, the two directories (两库) and the audit log on SQLite
// (modernc.org/sqlite, pure Go) or PostgreSQL (pgx through database/sql),
// with the SQL written once and a small dialect shim for the differences.
//
// Every method that reads directory data or writes anything takes a
// domain.Actor and asks domain.Can before it acts; every write is one
// transaction together with its audit row(s).
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/yiyeyicha/yiyeyicha/internal/attach"
	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// Engine names returned by Store.Engine.
const (
	EngineSQLite   = "sqlite"
	EnginePostgres = "postgres"
)

// DefaultSessionTTL is how long a login session lasts: a working day with
// margin, so nobody is logged out mid-afternoon, and no session survives to
// the next day.
const DefaultSessionTTL = 12 * time.Hour

// Store is a handle on one database. It is safe for concurrent use.
type Store struct {
	engine string
	// read serves queries. On SQLite it is a pool of read-only connections
	// that WAL lets run beside the writer.
	read *sql.DB
	// write serves transactions. On SQLite it holds exactly one connection,
	// so writers queue in Go instead of failing with SQLITE_BUSY; on
	// PostgreSQL it is the same pool as read.
	write *sql.DB
	// liteDSN is the SQLite connection string with its pragmas, for the
	// occasional connection outside both pools (Backup).
	liteDSN string
	// stmts holds the prepared statements of hot read queries (prepared).
	stmts sync.Map // query string → *sql.Stmt

	// SessionTTL is the lifetime of a new login session.
	SessionTTL time.Duration

	now func() time.Time

	evalCache evalCache // the evaluation's facts per year (eval_cache.go)

	blobs attach.Blobs // attachment bytes (inspect_attach.go); nil refuses attaching
}

// Open connects to dsn: a SQLite file path (or file: URI), or a
// postgres:// or postgresql:// URL. It does not migrate; call Migrate or
// check SchemaStatus.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s := &Store{SessionTTL: DefaultSessionTTL, now: time.Now}
	switch {
	case dsn == "":
		return nil, errors.New("store: empty database address")
	case isPostgresDSN(dsn):
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(10)
		db.SetConnMaxIdleTime(5 * time.Minute)
		s.engine, s.read, s.write = EnginePostgres, db, db
	default:
		base, err := sqliteDSN(dsn)
		if err != nil {
			return nil, err
		}
		// The writer gets a large page cache: imports insert into the code
		// and name indexes in random order, and with SQLite's default 2 MiB
		// cache a 100,000-row import spends most of its time re-reading
		// index pages.
		w, err := sql.Open("sqlite", base+"&_txlock=immediate&_pragma=cache_size(-32768)")
		if err != nil {
			return nil, fmt.Errorf("store: open sqlite: %w", err)
		}
		// One writer connection: SQLite allows one writer at a time anyway,
		// and queueing on the Go side never times out with SQLITE_BUSY.
		// BEGIN IMMEDIATE takes the write lock at the start of a transaction,
		// so a transaction that reads then writes cannot fail half-way.
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxLifetime(0)
		w.SetConnMaxIdleTime(0)
		r, err := sql.Open("sqlite", base+"&_pragma=query_only(1)&_pragma=cache_size(-8192)")
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("store: open sqlite: %w", err)
		}
		n := max(4, runtime.NumCPU())
		r.SetMaxOpenConns(n)
		r.SetMaxIdleConns(n)
		s.engine, s.read, s.write, s.liteDSN = EngineSQLite, r, w, base
	}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// sqliteDSN turns a path or file: URI into a modernc DSN with the pragmas
// every connection needs. busy_timeout comes first (the driver orders it so)
// because setting journal_mode may itself wait for a lock; WAL lets readers
// run beside the writer; synchronous=NORMAL is durable in WAL mode except
// for the last transactions on power loss, and much faster than FULL;
// foreign_keys is off by default in SQLite and per connection.
func sqliteDSN(dsn string) (string, error) {
	path, query, _ := strings.Cut(dsn, "?")
	if !strings.HasPrefix(path, "file:") {
		path = "file:" + path
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return "", fmt.Errorf("store: bad sqlite address %q: %w", dsn, err)
	}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(1)"} {
		q.Add("_pragma", p)
	}
	return path + "?" + q.Encode(), nil
}

// Engine reports "sqlite" or "postgres".
func (s *Store) Engine() string { return s.engine }

// Close releases the connections.
func (s *Store) Close() error {
	var err error
	s.stmts.Range(func(_, v any) bool {
		err = errors.Join(err, v.(*sql.Stmt).Close())
		return true
	})
	if s.write != nil && s.write != s.read {
		err = s.write.Close()
	}
	if s.read != nil {
		err = errors.Join(err, s.read.Close())
	}
	if err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// Ping checks that the database answers, on both pools.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.read.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping %s: %w", s.engine, err)
	}
	if s.write != s.read {
		if err := s.write.PingContext(ctx); err != nil {
			return fmt.Errorf("store: ping %s: %w", s.engine, err)
		}
	}
	return nil
}

// --- dialect shim -----------------------------------------------------------

// tsLayout is how SQLite stores instants: UTC, fixed width, so that string
// order is time order.
const tsLayout = "2006-01-02T15:04:05.000000Z"

// clock returns the current instant as the database will keep it: UTC,
// microseconds, so a value read back equals the value written.
func (s *Store) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// ts converts an instant to the engine's parameter form.
func (s *Store) ts(t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	if s.engine == EngineSQLite {
		return t.Format(tsLayout)
	}
	return t
}

// date converts a date to its parameter form: NULL when unset.
func date(d domain.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// timeCol scans an instant from either engine.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.t = time.Time{}
	case time.Time:
		*c.t = v.UTC()
	case string:
		return c.parse(v)
	case []byte:
		return c.parse(string(v))
	default:
		return fmt.Errorf("store: cannot scan %T as time", src)
	}
	return nil
}

func (c timeCol) parse(v string) error {
	for _, layout := range []string{tsLayout, time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, v); err == nil {
			*c.t = t.UTC()
			return nil
		}
	}
	return fmt.Errorf("store: bad time %q", v)
}

// dateCol scans a date from either engine.
type dateCol struct{ d *domain.Date }

func (c dateCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.d = domain.Date{}
	case time.Time:
		*c.d = domain.Date{Year: v.Year(), Month: v.Month(), Day: v.Day()}
	case string, []byte:
		str, _ := v.(string)
		if b, ok := v.([]byte); ok {
			str = string(b)
		}
		if len(str) > 10 {
			str = str[:10]
		}
		d, err := domain.ParseDate(str)
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		*c.d = d
	default:
		return fmt.Errorf("store: cannot scan %T as date", src)
	}
	return nil
}

// nullID scans a nullable foreign key into 0 when NULL.
type nullID struct{ p *int64 }

func (c nullID) Scan(src any) error {
	var n sql.NullInt64
	if err := n.Scan(src); err != nil {
		return err
	}
	*c.p = n.Int64
	return nil
}

// idOrNull gives NULL for a zero foreign key.
func idOrNull(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// --- errors -------------------------------------------------------------------

// isUnique reports whether err is a unique-constraint violation.
func isUnique(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return false
}

// internal wraps an unexpected database error as KindInternal, so that its
// text reaches the log but never the user.
func internal(op string, err error) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	var ve *domain.ValidationError
	if errors.As(err, &de) || errors.As(err, &ve) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	return domain.E("store."+op, domain.KindInternal, "err.internal").Wrap(err)
}

func notFound(op string) error {
	return domain.E("store."+op, domain.KindNotFound, "err.not_found")
}

// --- transactions ---------------------------------------------------------------

// inTx runs fn in one write transaction and commits when fn returns nil.
func (s *Store) inTx(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return internal(op, err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return internal(op, err)
	}
	if err := tx.Commit(); err != nil {
		return internal(op, err)
	}
	return nil
}

// prepared returns the read pool's prepared statement for query, preparing
// it on first use. database/sql keeps it prepared on every connection it
// runs on, so a hot query (the portal's business page) is parsed once per
// connection instead of once per request: with modernc's SQLite, parsing
// was about half the cost of that query.
func (s *Store) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := s.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := s.read.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := s.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// countTotal sets the Total of a page that held got items: known without
// counting when the page is not full (it is then the last one), counted
// otherwise. A search matching few of a million rows thus scans the table
// once, not twice.
func (s *Store) countTotal(ctx context.Context, total *int, p domain.Page, got int, countQuery string, args []any) error {
	if got < p.Size && (got > 0 || p.Offset() == 0) {
		*total = p.Offset() + got
		return nil
	}
	return s.read.QueryRowContext(ctx, countQuery, args...).Scan(total)
}

// likeEscape escapes the LIKE wildcards in s; queries use ESCAPE '\'.
func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}
