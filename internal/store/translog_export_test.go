package store

import (
	"context"
	"database/sql"
	"errors"
)

// LogAppend appends rec in a transaction of its own, as a publishing
// method would inside its own.
func LogAppend(ctx context.Context, s *Store, rec LogRecord) (int64, error) {
	var idx int64
	err := s.inTx(ctx, "test.LogAppend", func(tx *sql.Tx) error {
		var err error
		idx, err = s.logAppend(ctx, tx, rec)
		return err
	})
	return idx, err
}

// TestDepartmentRecord is a record type the tests log: a department's code
// and name, rebuilt from the departments table by its builder.
const TestDepartmentRecord = "test.department"

// DepartmentBody is the body of a TestDepartmentRecord.
type DepartmentBody struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

func init() {
	registerLogBuilder(TestDepartmentRecord, func(ctx context.Context, q querier, key string, version int) (any, error) {
		var b DepartmentBody
		err := q.QueryRowContext(ctx, `SELECT code, name FROM departments WHERE code = $1`, key).Scan(&b.Code, &b.Name)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, notFound("test.department")
		}
		return b, err
	})
}

// DisableLogGuards drops the append-only triggers of the log tables, as
// someone with the database's password could: the tests then show that
// what such a person does is caught.
func DisableLogGuards(ctx context.Context, s *Store) error {
	if s.engine == EnginePostgres {
		_, err := s.write.ExecContext(ctx, `ALTER TABLE log_records DISABLE TRIGGER USER; ALTER TABLE log_hashes DISABLE TRIGGER USER`)
		return err
	}
	for _, t := range []string{"log_records_no_update", "log_records_no_delete", "log_hashes_no_update", "log_hashes_no_delete"} {
		if _, err := s.write.ExecContext(ctx, `DROP TRIGGER `+t); err != nil {
			return err
		}
	}
	return nil
}
