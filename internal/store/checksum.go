package store

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/bits"
	"sort"
	"strconv"
	"strings"
	"time"
)

// TableSum is the content of one table as a count and a digest of its
// rows: two stores with the same TableSums hold the same data. The digest
// is the sum (mod 2^256) of the SHA-256 of every row's values, so it does
// not depend on the order in which rows are read and needs no sort of a
// million-row table.
type TableSum struct {
	Table  string `json:"table"`
	Rows   int64  `json:"rows"`
	Digest string `json:"digest"`
}

// rowDigest accumulates the order-independent digest of a table.
type rowDigest struct {
	rows  int64
	lanes [4]uint64 // the 256-bit sum, little-endian 64-bit lanes
	buf   []byte
}

// add folds one row's values into the digest. Values are written in a
// canonical form per Go type so that the same data read through
// database/sql or pgx gives the same digest: integers of every width alike,
// instants in UTC.
func (d *rowDigest) add(vals []any) {
	b := d.buf[:0]
	for _, v := range vals {
		switch x := v.(type) {
		case nil:
			b = append(b, 'n')
		case int64:
			b = strconv.AppendInt(append(b, 'i'), x, 10)
		case int32:
			b = strconv.AppendInt(append(b, 'i'), int64(x), 10)
		case int16:
			b = strconv.AppendInt(append(b, 'i'), int64(x), 10)
		case bool:
			b = strconv.AppendBool(append(b, 'b'), x)
		case float64:
			b = strconv.AppendFloat(append(b, 'f'), x, 'g', -1, 64)
		case string:
			b = strconv.AppendInt(append(b, 's'), int64(len(x)), 10)
			b = append(append(b, ':'), x...)
		case []byte:
			b = strconv.AppendInt(append(b, 'x'), int64(len(x)), 10)
			b = append(append(b, ':'), x...)
		case time.Time:
			b = x.UTC().AppendFormat(append(b, 't'), time.RFC3339Nano)
		default:
			b = fmt.Appendf(append(b, '?'), "%T:%v", x, x)
		}
		b = append(b, 0)
	}
	d.buf = b
	h := sha256.Sum256(b)
	var carry uint64
	for i := range d.lanes {
		d.lanes[i], carry = bits.Add64(d.lanes[i], binary.LittleEndian.Uint64(h[8*i:]), carry)
	}
	d.rows++
}

func (d *rowDigest) hex() string {
	var out [32]byte
	for i, l := range d.lanes {
		binary.LittleEndian.PutUint64(out[8*i:], l)
	}
	return hex.EncodeToString(out[:])
}

// Checksums returns the row count and digest of every table of the store,
// in table-name order, read in one snapshot. Backup and restore print them
// and tests compare them; equal sums mean equal content.
func (s *Store) Checksums(ctx context.Context) ([]TableSum, error) {
	if s.engine == EnginePostgres {
		return s.pgChecksums(ctx)
	}
	// The read pool is query_only; a deferred transaction in WAL mode
	// reads one snapshot from its first SELECT on.
	tx, err := s.read.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: checksums: %w", err)
	}
	defer tx.Rollback()
	tables, err := s.tableNames(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("store: checksums: %w", err)
	}
	out := make([]TableSum, 0, len(tables))
	for _, t := range tables {
		sum, err := tableSum(ctx, tx, t)
		if err != nil {
			return nil, fmt.Errorf("store: checksums: %w", err)
		}
		out = append(out, sum)
	}
	return out, nil
}

// tableNames lists the application's tables of a SQLite store, sorted;
// SQLite's own tables (sqlite_sequence, sqlite_stat1) are left out.
func (s *Store) tableNames(ctx context.Context, q querier) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.Strings(out)
	return out, nil
}

// tableSum reads every row of table and digests it.
func tableSum(ctx context.Context, q querier, table string) (TableSum, error) {
	rows, err := q.QueryContext(ctx, `SELECT * FROM `+quoteIdent(table))
	if err != nil {
		return TableSum{}, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return TableSum{}, err
	}
	var d rowDigest
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return TableSum{}, err
		}
		d.add(vals)
	}
	if err := rows.Err(); err != nil {
		return TableSum{}, err
	}
	return TableSum{Table: table, Rows: d.rows, Digest: d.hex()}, nil
}

// quoteIdent quotes an SQL identifier for both engines.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// digestsDiffer reports the tables whose sums differ between want and got,
// or that only one of them has.
func digestsDiffer(want, got []TableSum) []string {
	w := map[string]TableSum{}
	for _, t := range want {
		w[t.Table] = t
	}
	var bad []string
	for _, t := range got {
		if w[t.Table] != t {
			bad = append(bad, t.Table)
		}
		delete(w, t.Table)
	}
	for name := range w {
		bad = append(bad, name)
	}
	sort.Strings(bad)
	return bad
}
