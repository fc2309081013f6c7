package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/metrics"
)

// maxBodyLen bounds the multi-line texts of the evaluation: summaries,
// bulletins, responses, cases (a few pages of Chinese).
const maxBodyLen = 20000

// checkBody adds the problem, if any, of a multi-line text field.
func checkBody(v *domain.ValidationError, field, value string, required bool) {
	switch {
	case required && strings.TrimSpace(value) == "":
		v.Add(domain.FieldError{Field: field, Key: "err.required"})
	case utf8.RuneCountInString(value) > maxBodyLen:
		v.Add(domain.FieldError{Field: field, Key: "err.too_long", Args: map[string]any{"max": maxBodyLen}})
	case !domain.TextOK(value):
		v.Add(domain.FieldError{Field: field, Key: "err.bad_text"})
	}
}

// checkYear adds a problem when year is not a plausible plan year.
func checkYear(v *domain.ValidationError, year int) {
	if year < 2000 || year > 2100 {
		v.Add(domain.FieldError{Field: "year", Value: strconv.Itoa(year), Key: "eval.err.year"})
	}
}

const settingWeights = "score_weights"

// EvalWeights returns the office's weights of the department score, or
// metrics.DefaultWeights when none were saved.
func (s *Store) EvalWeights(ctx context.Context) (metrics.Weights, error) {
	return s.evalWeights(ctx, s.read)
}

func (s *Store) evalWeights(ctx context.Context, q querier) (metrics.Weights, error) {
	var raw string
	err := q.QueryRowContext(ctx, `SELECT value FROM eval_settings WHERE key = $1`, settingWeights).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return metrics.DefaultWeights, nil
	}
	if err != nil {
		return metrics.Weights{}, internal("EvalWeights", err)
	}
	var w metrics.Weights
	if err := json.Unmarshal([]byte(raw), &w); err != nil || !w.Valid() {
		return metrics.DefaultWeights, nil
	}
	return w, nil
}

// SaveEvalWeights sets the weights of the department score. Office only.
func (s *Store) SaveEvalWeights(ctx context.Context, a domain.Actor, w metrics.Weights) error {
	const op = "SaveEvalWeights"
	if err := domain.Require("store."+op, a, domain.ActEditEvalConfig, 0); err != nil {
		return err
	}
	if !w.Valid() {
		return domain.E("store."+op, domain.KindInvalid, "eval.err.weights").WithField("weights")
	}
	b, _ := json.Marshal(w)
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		before, err := s.evalWeights(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO eval_settings (key, value, updated_at) VALUES ($1, $2, $3)
ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, settingWeights, string(b), s.ts(s.clock())); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auditRec{Action: "eval.weights", ObjectType: "eval_settings", ObjectKey: settingWeights, Before: before, After: w})
	})
}

// SubmitCase submits a typical case (典型案例) of department c.DepartmentID.
func (s *Store) SubmitCase(ctx context.Context, a domain.Actor, c *domain.TypicalCase) error {
	const op = "SubmitCase"
	if err := domain.Require("store."+op, a, domain.ActSubmitCase, c.DepartmentID); err != nil {
		return err
	}
	c.Title, c.Body, c.IndustryCode = strings.TrimSpace(c.Title), strings.TrimSpace(c.Body), strings.TrimSpace(c.IndustryCode)
	v := &domain.ValidationError{Op: "store." + op}
	checkYear(v, c.Year)
	domain.CheckText(v, 0, "title", c.Title, true)
	checkBody(v, "body", c.Body, true)
	domain.CheckText(v, 0, "industry", c.IndustryCode, false)
	if c.DepartmentID == 0 {
		v.Add(domain.FieldError{Field: "department", Key: "err.required"})
	}
	if err := v.Err(); err != nil {
		return err
	}
	c.State, c.SubmittedAt, c.SubmittedBy = domain.CaseSubmitted, s.clock(), recordedName(a)
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		var industry any
		if c.IndustryCode != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM industries WHERE code = $1`, c.IndustryCode).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return domain.E("store."+op, domain.KindInvalid, "eval.err.industry", "industry", c.IndustryCode).WithField("industry")
			}
			industry = c.IndustryCode
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO typical_cases (year, department_id, industry_code, title, body, state, submitted_at, submitted_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, c.Year, c.DepartmentID, industry, c.Title, c.Body, string(c.State), s.ts(c.SubmittedAt), c.SubmittedBy).Scan(&c.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auditRec{Action: "eval.case.submit", ObjectType: "typical_case", ObjectKey: strconv.FormatInt(c.ID, 10), Dept: c.DepartmentID, After: c})
	})
}

// DecideCase publishes a submitted case on the portal, or returns it to its
// department with a note. Office only. A published case stays published.
func (s *Store) DecideCase(ctx context.Context, a domain.Actor, id int64, publish bool, note string) error {
	const op = "DecideCase"
	if err := domain.Require("store."+op, a, domain.ActPublishCase, 0); err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	v := &domain.ValidationError{Op: "store." + op}
	checkBody(v, "note", note, !publish)
	if err := v.Err(); err != nil {
		return err
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		var state string
		var dept int64
		err := tx.QueryRowContext(ctx, `SELECT state, department_id FROM typical_cases WHERE id = $1`, id).Scan(&state, &dept)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(op)
		}
		if err != nil {
			return err
		}
		if domain.CaseState(state) != domain.CaseSubmitted {
			return domain.E("store."+op, domain.KindConflict, "eval.err.case_decided", "state", state)
		}
		now := s.clock()
		next, publishedAt := domain.CaseReturned, any(nil)
		if publish {
			next, publishedAt = domain.CasePublished, s.ts(now)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE typical_cases SET state = $1, note = $2, published_at = $3 WHERE id = $4`, string(next), note, publishedAt, id); err != nil {
			return err
		}
		if publish {
			if err := s.logCase(ctx, tx, id); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, auditRec{Action: "eval.case." + string(next), ObjectType: "typical_case", ObjectKey: strconv.FormatInt(id, 10), Dept: dept,
			Before: map[string]string{"state": state}, After: map[string]string{"state": string(next), "note": note}})
	})
}

// ListCases returns the typical cases of year: all for the office and the
// discipline office, a department's own for its staff, and with public
// set, only the published ones (for the portal, no actor needed).
func (s *Store) ListCases(ctx context.Context, a domain.Actor, year int, public bool) ([]domain.TypicalCase, error) {
	const op = "ListCases"
	q := `SELECT c.id, c.year, c.department_id, d.name, COALESCE(c.industry_code, ''), c.title, c.body, c.state, c.note, c.submitted_at, c.submitted_by, c.published_at
FROM typical_cases c JOIN departments d ON d.id = c.department_id WHERE c.year = $1`
	args := []any{year}
	switch {
	case public:
		q += ` AND c.state = 'published'`
	case domain.Can(a, domain.ActViewDashboard, 0):
	default:
		if err := domain.Require("store."+op, a, domain.ActViewDashboard, a.DepartmentID); err != nil {
			return nil, err
		}
		q += ` AND c.department_id = $2`
		args = append(args, a.DepartmentID)
	}
	rows, err := s.read.QueryContext(ctx, q+` ORDER BY c.id DESC`, args...)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	out := []domain.TypicalCase{}
	for rows.Next() {
		var c domain.TypicalCase
		var state string
		if err := rows.Scan(&c.ID, &c.Year, &c.DepartmentID, &c.Department, &c.IndustryCode, &c.Title, &c.Body, &state, &c.Note,
			timeCol{&c.SubmittedAt}, &c.SubmittedBy, timeCol{&c.PublishedAt}); err != nil {
			return nil, internal(op, err)
		}
		c.State = domain.CaseState(state)
		out = append(out, c)
	}
	return out, internal(op, rows.Err())
}

// recordedName is how an actor is recorded on a filed record.
func recordedName(a domain.Actor) string {
	if a.Name != "" {
		return a.Name
	}
	return string(a.Role)
}
