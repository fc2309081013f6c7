package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// SetClock replaces the store's clock, for tests of expiry.
func SetClock(s *Store, now func() time.Time) { s.now = now }

// ExecRaw runs a statement on the write connection, bypassing the store's
// rules: tests use it to prove the database itself refuses something.
func ExecRaw(ctx context.Context, s *Store, query string, args ...any) error {
	_, err := s.write.ExecContext(ctx, query, args...)
	return err
}

// Dump returns the content of every application table as sorted lines,
// for comparing a database before and after an operation that must not
// change it.
func Dump(ctx context.Context, s *Store) (map[string][]string, error) {
	out := map[string][]string{}
	for _, table := range []string{"departments", "townships", "industries", "entities", "inspectors", "inspector_labels",
		"inspector_conflicts", "users", "sessions", "api_tokens", "audit_log", "schema_migrations",
		"log_head", "log_records", "log_hashes", "log_checkpoints", "log_witnesses", "log_cosignatures",
		"catalog_items", "joint_lists", "joint_list_versions", "joint_list_parts", "joint_list_items"} {
		rows, err := s.read.QueryContext(ctx, "SELECT * FROM "+table)
		if err != nil {
			return nil, err
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, err
			}
			parts := make([]string, len(vals))
			for i, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				parts[i] = fmt.Sprintf("%v", v)
			}
			lines = append(lines, strings.Join(parts, "|"))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		sort.Strings(lines)
		out[table] = lines
	}
	return out, nil
}

// PasswordHash returns the stored PHC string of a user, for rehash tests.
func PasswordHash(ctx context.Context, s *Store, username string) (string, error) {
	var phc string
	err := s.read.QueryRowContext(ctx, `SELECT password FROM users WHERE username = $1`, username).Scan(&phc)
	return phc, err
}

// QueryIntForTest reads one integer.
func QueryIntForTest(ctx context.Context, s *Store, query string, v *int) error {
	return s.read.QueryRowContext(ctx, query).Scan(v)
}
