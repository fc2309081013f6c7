package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"
)

// LogTypeCase is the transparency-log record of a typical case (典型案例)
// published on the portal. Its key is the case ID.
const LogTypeCase = "eval.case"

type caseLogBody struct {
	ID         int64  `json:"id"`
	Year       int    `json:"year"`
	Department int64  `json:"department"`
	Industry   string `json:"industry"`
	Title      string `json:"title"`
	Body       string `json:"body"`
	Published  string `json:"published_at"`
}

// caseLog reads the published case id through q as it is logged.
func caseLog(ctx context.Context, q querier, id int64) (*caseLogBody, error) {
	b := &caseLogBody{}
	var published time.Time
	err := q.QueryRowContext(ctx, `SELECT id, year, department_id, COALESCE(industry_code, ''), title, body, published_at
FROM typical_cases WHERE id = $1 AND state = 'published'`, id).Scan(&b.ID, &b.Year, &b.Department, &b.Industry, &b.Title, &b.Body, timeCol{&published})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("caseLog")
	}
	if err != nil {
		return nil, err
	}
	b.Published = logTime(published)
	return b, nil
}

// logCase appends a case just published to the log, in its transaction.
func (s *Store) logCase(ctx context.Context, tx *sql.Tx, id int64) error {
	b, err := caseLog(ctx, tx, id)
	if err != nil {
		return err
	}
	_, err = s.logAppend(ctx, tx, LogRecord{Type: LogTypeCase, Version: 1, Key: strconv.FormatInt(id, 10), Body: b})
	return err
}

func init() {
	registerLogBuilder(LogTypeCase, func(ctx context.Context, q querier, key string, version int) (any, error) {
		id, err := strconv.ParseInt(key, 10, 64)
		if err != nil {
			return nil, err
		}
		return caseLog(ctx, q, id)
	})
}
