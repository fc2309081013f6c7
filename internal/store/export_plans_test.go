package store

import "context"

// CountRows counts the rows of one table, for tests that check an
// operation wrote nothing twice.
func CountRows(ctx context.Context, s *Store, table string) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n)
	return n, err
}
