package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// LogTypeListVersion is the transparency-log record of a published joint
// list version (联合抽查事项清单版本). Its key is "<list id>/<version number>".
const LogTypeListVersion = "lists.version"

// listVersionLogBody is the public content of a published version as
// logged: only columns of the version itself (not names joined from
// reference tables, which may be renamed later), times in UTC.
type listVersionLogBody struct {
	List      int64             `json:"list"`
	Number    int               `json:"number"`
	Industry  string            `json:"industry"`
	Lead      int64             `json:"lead_department"`
	Reason    string            `json:"reason"`
	Subject   string            `json:"subject"`
	Frequency int               `json:"frequency"`
	Ratios    string            `json:"ratios"`
	Notes     string            `json:"notes"`
	Parts     []listPartLogBody `json:"departments"`
	Published string            `json:"published_at"`
	By        string            `json:"published_by"`
}

type listPartLogBody struct {
	Department int64             `json:"department"`
	Lead       bool              `json:"lead"`
	Division   string            `json:"division"`
	Items      []domain.ListItem `json:"items"`
}

func logTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000Z")
}

// ListVersionLogKey is the log key of a published version, for the
// public page's log reference.
func ListVersionLogKey(v *domain.JointListVersion) string {
	return fmt.Sprintf("%d/%d", v.ListID, v.Number)
}

func listVersionBody(v *domain.JointListVersion) listVersionLogBody {
	b := listVersionLogBody{List: v.ListID, Number: v.Number, Industry: v.IndustryCode, Lead: v.LeadDepartmentID, Reason: v.Reason,
		Subject: v.Subject, Frequency: v.Frequency, Ratios: v.Ratios.String(), Notes: v.Notes,
		Published: logTime(v.PublishedAt), By: v.PublishedBy, Parts: []listPartLogBody{}}
	for _, p := range v.Parts {
		b.Parts = append(b.Parts, listPartLogBody{Department: p.DepartmentID, Lead: p.Lead, Division: p.Division, Items: p.Items})
	}
	return b
}

// logListVersion appends a published version to the transparency log, in
// the publishing transaction.
func (s *Store) logListVersion(ctx context.Context, tx *sql.Tx, v *domain.JointListVersion) error {
	_, err := s.logAppend(ctx, tx, LogRecord{Type: LogTypeListVersion, Version: 1, Key: ListVersionLogKey(v), Body: listVersionBody(v)})
	return err
}

func init() {
	registerLogBuilder(LogTypeListVersion, func(ctx context.Context, q querier, key string, version int) (any, error) {
		var list int64
		var number int
		if _, err := fmt.Sscanf(key, "%d/%d", &list, &number); err != nil || version != 1 {
			return nil, fmt.Errorf("lists.version: bad key %q or version %d", key, version)
		}
		v, err := loadVersion(ctx, q, "v.list_id = $1 AND v.number = $2 AND v.status = $3", list, number, string(domain.ListPublished))
		if err != nil {
			return nil, err
		}
		return listVersionBody(v), nil
	})
}
