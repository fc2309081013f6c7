package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/translog"
)

// LogRecord is what an area puts in the transparency log (公示记录透明日志)
// when it publishes something: the record type ("lists.version",
// "plans.adjustment", "draw.announcement", …; prefixed with the area), the
// version of that type's body layout, the object's stable key, and the
// public body. (Type, Key) names the object for ever: it is logged once.
//
// The body must be rebuildable from the domain tables by the type's
// builder (registerLogBuilder), so that the monitor ('yiyeyicha log
// verify') can recompute every leaf and catch a published row edited in
// the database by hand.
type LogRecord struct {
	Type    string
	Version int
	Key     string
	Body    any
}

// logAppend appends rec to the transparency log INSIDE tx, the transaction
// that publishes the object, so the record and its log entry commit or
// roll back together. It returns the record's index (0-based, the position
// of its leaf in the Merkle tree).
//
// Call it from your publishing store method, e.g.
//
//	err := s.inTx(ctx, op, func(tx *sql.Tx) error {
//	    … write the published rows and the audit row …
//	    idx, err := s.logAppend(ctx, tx, LogRecord{Type: "lists.version", Version: 1, Key: key, Body: body})
//	    …
//	})
//
// and register a builder for the type (registerLogBuilder) that rebuilds
// the same body from the tables. Appends are serialised: SQLite has one
// writer (BEGIN IMMEDIATE), PostgreSQL locks the log head row.
func (s *Store) logAppend(ctx context.Context, tx *sql.Tx, rec LogRecord) (int64, error) {
	r, err := translog.NewRecord(rec.Type, rec.Version, rec.Key, rec.Body)
	if err != nil {
		return 0, err
	}
	leaf, err := r.Leaf()
	if err != nil {
		return 0, err
	}
	lock := ""
	if s.engine == EnginePostgres {
		lock = " FOR UPDATE"
	}
	var n int64
	if err := tx.QueryRowContext(ctx, `SELECT size FROM log_head WHERE id = 1`+lock).Scan(&n); err != nil {
		return 0, fmt.Errorf("log head: %w", err)
	}
	var dup int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM log_records WHERE type = $1 AND object_key = $2`, r.Type, r.Key).Scan(&dup); err != nil {
		return 0, err
	}
	if dup > 0 {
		return 0, domain.E("store.logAppend", domain.KindConflict, "translog.err.logged_twice", "type", r.Type, "key", r.Key)
	}
	hashes, err := tlog.StoredHashes(n, leaf, hashReader{ctx, tx})
	if err != nil {
		return 0, fmt.Errorf("log hashes: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO log_records (idx, type, version, object_key, data, at) VALUES ($1, $2, $3, $4, $5, $6)`,
		n, r.Type, r.Version, r.Key, leaf, s.ts(s.now())); err != nil {
		return 0, err
	}
	var q strings.Builder
	q.WriteString(`INSERT INTO log_hashes (id, hash) VALUES `)
	args := make([]any, 0, 2*len(hashes))
	first := tlog.StoredHashIndex(0, n)
	for i, h := range hashes {
		if i > 0 {
			q.WriteString(", ")
		}
		fmt.Fprintf(&q, "($%d, $%d)", 2*i+1, 2*i+2)
		args = append(args, first+int64(i), h[:])
	}
	if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE log_head SET size = $1 WHERE id = 1`, n+1); err != nil {
		return 0, err
	}
	return n, nil
}

// hashReader reads stored hashes for tlog from q (a transaction while
// appending, the read pool otherwise).
type hashReader struct {
	ctx context.Context
	q   querier
}

func (r hashReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	if len(indexes) == 0 {
		return nil, nil
	}
	out := make([]tlog.Hash, len(indexes))
	pos := make(map[int64][]int, len(indexes))
	args := make([]any, 0, len(indexes))
	var q strings.Builder
	q.WriteString(`SELECT id, hash FROM log_hashes WHERE id IN (`)
	for i, id := range indexes {
		if _, seen := pos[id]; !seen {
			if len(args) > 0 {
				q.WriteString(", ")
			}
			args = append(args, id)
			fmt.Fprintf(&q, "$%d", len(args))
		}
		pos[id] = append(pos[id], i)
	}
	q.WriteString(")")
	rows, err := r.q.QueryContext(r.ctx, q.String(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := 0
	for rows.Next() {
		var id int64
		var h []byte
		if err := rows.Scan(&id, &h); err != nil {
			return nil, err
		}
		if len(h) != tlog.HashSize {
			return nil, fmt.Errorf("stored hash %d has %d bytes", id, len(h))
		}
		for _, i := range pos[id] {
			copy(out[i][:], h)
		}
		found++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if found != len(args) {
		return nil, fmt.Errorf("%d of %d stored hashes missing", len(args)-found, len(args))
	}
	return out, nil
}

// LogEntry is one record of the log as stored.
type LogEntry struct {
	Index   int64
	Type    string
	Version int
	Key     string
	Leaf    []byte // the canonical JSON that was hashed
	At      time.Time
}

// LogSize returns the number of records in the log. The log is public: no
// actor is needed for any of its reads.
func (s *Store) LogSize(ctx context.Context) (int64, error) {
	var n int64
	if err := s.read.QueryRowContext(ctx, `SELECT size FROM log_head WHERE id = 1`).Scan(&n); err != nil {
		return 0, internal("LogSize", err)
	}
	return n, nil
}

// LogTree returns the current tree: its size and root hash.
func (s *Store) LogTree(ctx context.Context) (tlog.Tree, error) {
	n, err := s.LogSize(ctx)
	if err != nil {
		return tlog.Tree{}, err
	}
	return s.LogTreeAt(ctx, n)
}

// LogTreeAt returns the tree of the first n records; KindNotFound when the
// log is shorter.
func (s *Store) LogTreeAt(ctx context.Context, n int64) (tlog.Tree, error) {
	const op = "LogTreeAt"
	if err := s.logCheckSize(ctx, op, n); err != nil {
		return tlog.Tree{}, err
	}
	h, err := tlog.TreeHash(n, hashReader{ctx, s.read})
	if err != nil {
		return tlog.Tree{}, internal(op, err)
	}
	return tlog.Tree{N: n, Hash: h}, nil
}

// logCheckSize refuses a tree size the log does not have (yet).
func (s *Store) logCheckSize(ctx context.Context, op string, n int64) error {
	size, err := s.LogSize(ctx)
	if err != nil {
		return err
	}
	if n < 0 || n > size {
		return domain.E("store."+op, domain.KindNotFound, "translog.err.no_tree", "size", n, "have", size)
	}
	return nil
}

const logEntryCols = `idx, type, version, object_key, data, at`

func scanLogEntry(sc interface{ Scan(...any) error }, e *LogEntry) error {
	return sc.Scan(&e.Index, &e.Type, &e.Version, &e.Key, &e.Leaf, timeCol{&e.At})
}

// LogEntry returns record idx; KindNotFound if there is none.
func (s *Store) LogEntry(ctx context.Context, idx int64) (*LogEntry, error) {
	var e LogEntry
	err := scanLogEntry(s.read.QueryRowContext(ctx, `SELECT `+logEntryCols+` FROM log_records WHERE idx = $1`, idx), &e)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("LogEntry")
	}
	if err != nil {
		return nil, internal("LogEntry", err)
	}
	return &e, nil
}

// LogIndexOf returns the index of the record logged for (typ, key);
// KindNotFound if the object was never logged. Public pages use it to show
// "log entry #N, verify".
func (s *Store) LogIndexOf(ctx context.Context, typ, key string) (int64, error) {
	if err := refuseBadText("LogIndexOf", "type", typ, "key", key); err != nil {
		return 0, err
	}
	var idx int64
	err := s.read.QueryRowContext(ctx, `SELECT idx FROM log_records WHERE type = $1 AND object_key = $2`, typ, key).Scan(&idx)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, notFound("LogIndexOf")
	}
	if err != nil {
		return 0, internal("LogIndexOf", err)
	}
	return idx, nil
}

// LogEntries returns up to limit records from index from on, in order.
func (s *Store) LogEntries(ctx context.Context, from int64, limit int) ([]LogEntry, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+logEntryCols+` FROM log_records WHERE idx >= $1 ORDER BY idx LIMIT $2`, from, limit)
	if err != nil {
		return nil, internal("LogEntries", err)
	}
	defer rows.Close()
	out := []LogEntry{}
	for rows.Next() {
		var e LogEntry
		if err := scanLogEntry(rows, &e); err != nil {
			return nil, internal("LogEntries", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, internal("LogEntries", err)
	}
	return out, nil
}

// LogProveRecord returns the proof that record n is in the tree of size t.
func (s *Store) LogProveRecord(ctx context.Context, t, n int64) (tlog.RecordProof, error) {
	const op = "LogProveRecord"
	if err := s.logCheckSize(ctx, op, t); err != nil {
		return nil, err
	}
	if n < 0 || n >= t {
		return nil, domain.E("store."+op, domain.KindInvalid, "translog.err.index_outside", "index", n, "size", t)
	}
	p, err := tlog.ProveRecord(t, n, hashReader{ctx, s.read})
	if err != nil {
		return nil, internal(op, err)
	}
	return p, nil
}

// LogProveTree returns the proof that the tree of size t extends the tree
// of size n (n ≤ t).
func (s *Store) LogProveTree(ctx context.Context, t, n int64) (tlog.TreeProof, error) {
	const op = "LogProveTree"
	if err := s.logCheckSize(ctx, op, t); err != nil {
		return nil, err
	}
	if n < 1 || n > t {
		return nil, domain.E("store."+op, domain.KindInvalid, "translog.err.bad_sizes", "old", n, "new", t)
	}
	p, err := tlog.ProveTree(t, n, hashReader{ctx, s.read})
	if err != nil {
		return nil, internal(op, err)
	}
	return p, nil
}

// ReadLogHashes reads stored hashes by index (tlog.StoredHashIndex), for
// tiles and for verifiers that work from hashes.
func (s *Store) ReadLogHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	h, err := hashReader{ctx, s.read}.ReadHashes(indexes)
	if err != nil {
		return nil, internal("ReadLogHashes", err)
	}
	return h, nil
}

// --- monitor: rebuild every record from the domain tables ---------------

// logBuilder rebuilds the body of a logged record of one type from the
// current domain tables, given the object key and the body version that
// was logged. It returns KindNotFound when the object is gone.
type logBuilder func(ctx context.Context, q querier, key string, version int) (any, error)

var logBuilders = map[string]logBuilder{}

// registerLogBuilder makes the monitor able to check records of typ. Call
// it from an init function in the area's store file, beside the
// publishing method.
func registerLogBuilder(typ string, b logBuilder) {
	if _, dup := logBuilders[typ]; dup {
		panic("store: log builder for " + typ + " registered twice")
	}
	logBuilders[typ] = b
}

// LogProblem is one record the monitor found wrong.
type LogProblem struct {
	Index  int64
	Type   string
	Key    string
	Reason string // "leaf_hash", "rebuilt_differs", "object_missing", "hash_tree", "no_builder", "bad_leaf"
	Detail string
}

// LogReport is the monitor's result.
type LogReport struct {
	Tree      tlog.Tree
	Checked   int64        // records rebuilt from the tables and found equal
	Unchecked int64        // records of a type without builder
	Problems  []LogProblem // empty when all is well
	ByType    map[string]int64
}

// LogMonitor walks the whole log: it checks that every leaf is in
// canonical form and hashes to its stored record hash, recomputes every
// stored interior hash from the leaves, and rebuilds every record's body
// from the domain tables with the type's builder, reporting each record
// whose published row was changed or removed. A record type without
// builder is counted as unchecked, not as a problem.
func (s *Store) LogMonitor(ctx context.Context) (*LogReport, error) {
	const op = "LogMonitor"
	tree, err := s.LogTree(ctx)
	if err != nil {
		return nil, err
	}
	rep := &LogReport{Tree: tree, ByType: map[string]int64{}}
	// The recomputed hashes stay in memory for the interior levels: 32
	// bytes × about 2 per record, so 64 MiB for a million records.
	recomputed := make([]tlog.Hash, 0, tlog.StoredHashCount(tree.N))
	mem := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			if x < 0 || x >= int64(len(recomputed)) {
				return nil, fmt.Errorf("hash %d not yet computed", x)
			}
			out[i] = recomputed[x]
		}
		return out, nil
	})
	const batch = 500
	for from := int64(0); from < tree.N; from += batch {
		entries, err := s.LogEntries(ctx, from, batch)
		if err != nil {
			return nil, err
		}
		to := min(from+batch, tree.N)
		entries = entries[:min(int64(len(entries)), to-from)]
		stored, err := s.storedHashRange(ctx, tlog.StoredHashIndex(0, from), tlog.StoredHashCount(to))
		if err != nil {
			return nil, internal(op, err)
		}
		for k, e := range entries {
			want := from + int64(k)
			if e.Index != want {
				rep.Problems = append(rep.Problems, LogProblem{Index: want, Reason: "missing", Detail: "record missing from the store"})
				return rep, nil
			}
			hashes, err := tlog.StoredHashes(e.Index, e.Leaf, mem)
			if err != nil {
				return nil, internal(op, err)
			}
			first := tlog.StoredHashIndex(0, e.Index)
			for j, h := range hashes {
				got, ok := stored[first+int64(j)]
				switch {
				case !ok:
					rep.Problems = append(rep.Problems, LogProblem{Index: e.Index, Type: e.Type, Key: e.Key, Reason: "hash_tree", Detail: "stored hash missing"})
				case j == 0 && got != h:
					rep.Problems = append(rep.Problems, LogProblem{Index: e.Index, Type: e.Type, Key: e.Key, Reason: "leaf_hash", Detail: "the stored leaf does not hash to the logged record hash"})
				case got != h:
					rep.Problems = append(rep.Problems, LogProblem{Index: e.Index, Type: e.Type, Key: e.Key, Reason: "hash_tree", Detail: "a stored tree hash differs from the recomputed one"})
				}
			}
			recomputed = append(recomputed, hashes...)
			rep.ByType[e.Type]++
			if p := s.rebuildEntry(ctx, e); p != nil {
				if p.Reason == "no_builder" {
					rep.Unchecked++
				} else {
					rep.Problems = append(rep.Problems, *p)
				}
			} else {
				rep.Checked++
			}
		}
		if int64(len(entries)) < to-from {
			rep.Problems = append(rep.Problems, LogProblem{Index: from + int64(len(entries)), Reason: "missing", Detail: "record missing from the store"})
			return rep, nil
		}
	}
	return rep, nil
}

// storedHashRange reads the stored hashes with ids in [lo, hi).
func (s *Store) storedHashRange(ctx context.Context, lo, hi int64) (map[int64]tlog.Hash, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, hash FROM log_hashes WHERE id >= $1 AND id < $2`, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[int64]tlog.Hash, hi-lo)
	for rows.Next() {
		var id int64
		var b []byte
		if err := rows.Scan(&id, &b); err != nil {
			return nil, err
		}
		var h tlog.Hash
		copy(h[:], b)
		if len(b) != tlog.HashSize {
			h = tlog.Hash{} // never equal to a real hash
		}
		out[id] = h
	}
	return out, rows.Err()
}

// rebuildEntry checks one entry's leaf against its columns and against the
// body rebuilt from the domain tables; nil when all agree.
func (s *Store) rebuildEntry(ctx context.Context, e LogEntry) *LogProblem {
	prob := func(reason, detail string) *LogProblem {
		return &LogProblem{Index: e.Index, Type: e.Type, Key: e.Key, Reason: reason, Detail: detail}
	}
	r, err := translog.ParseLeaf(e.Leaf)
	if err != nil {
		return prob("bad_leaf", err.Error())
	}
	if r.Type != e.Type || r.Key != e.Key || r.Version != e.Version {
		return prob("bad_leaf", fmt.Sprintf("the leaf says %s %s v%d", r.Type, r.Key, r.Version))
	}
	b, ok := logBuilders[e.Type]
	if !ok {
		return prob("no_builder", "")
	}
	body, err := b(ctx, s.read, e.Key, e.Version)
	if domain.ErrorKind(err) == domain.KindNotFound {
		return prob("object_missing", "the published object is no longer in the database")
	}
	if err != nil {
		return prob("rebuild_failed", err.Error())
	}
	now, err := translog.NewRecord(e.Type, e.Version, e.Key, body)
	if err != nil {
		return prob("rebuild_failed", err.Error())
	}
	leaf, err := now.Leaf()
	if err != nil {
		return prob("rebuild_failed", err.Error())
	}
	if string(leaf) != string(e.Leaf) {
		return prob("rebuilt_differs", "logged "+string(r.Body)+" ≠ now "+string(now.Body))
	}
	return nil
}
