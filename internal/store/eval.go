package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
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

// FileSummary files (or files again) department dept's annual summary of
// year with the office, together with the department's figures as they
// stand now. Department staff file their own; the office may file for any.
func (s *Store) FileSummary(ctx context.Context, a domain.Actor, year int, dept int64, text string) (*domain.AnnualSummary, error) {
	const op = "FileSummary"
	if err := domain.Require("store."+op, a, domain.ActFileSummary, dept); err != nil {
		return nil, err
	}
	text = strings.TrimSpace(text)
	v := &domain.ValidationError{Op: "store." + op}
	checkYear(v, year)
	checkBody(v, "text", text, true)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if _, err := s.GetDepartment(ctx, dept); err != nil {
		return nil, err
	}
	d, err := s.Dashboard(ctx, domain.System, year, metrics.Filter{Dept: dept})
	if err != nil {
		return nil, err
	}
	var figures any
	if len(d.Departments) > 0 {
		figures = d.Departments[0]
	}
	fb, _ := json.Marshal(figures)
	sum := &domain.AnnualSummary{Year: year, DepartmentID: dept, Text: text, Figures: string(fb), FiledAt: s.clock(), FiledBy: actorName(a)}
	err = s.inTx(ctx, op, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO annual_summaries (year, department_id, text, figures, filed_at, filed_by) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (year, department_id) DO UPDATE SET text = excluded.text, figures = excluded.figures, filed_at = excluded.filed_at, filed_by = excluded.filed_by`,
			year, dept, text, sum.Figures, s.ts(sum.FiledAt), sum.FiledBy); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auditRec{Action: "eval.summary.file", ObjectType: "annual_summary", ObjectKey: strconv.Itoa(year) + "/" + strconv.FormatInt(dept, 10), Dept: dept, After: sum})
	})
	if err != nil {
		return nil, err
	}
	return sum, nil
}

// SummaryStatus is one department's filing of a year's summary.
type SummaryStatus struct {
	Department domain.Department     `json:"department"`
	Summary    *domain.AnnualSummary `json:"summary,omitempty"` // nil: not filed
}

// ListSummaries returns every department with its summary of year, if
// filed: the office sees who has not filed. Department staff see their own
// department only.
func (s *Store) ListSummaries(ctx context.Context, a domain.Actor, year int) ([]SummaryStatus, error) {
	const op = "ListSummaries"
	depts, err := s.ListDepartments(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT department_id, text, figures, filed_at, filed_by FROM annual_summaries WHERE year = $1`, year)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	filed := map[int64]*domain.AnnualSummary{}
	for rows.Next() {
		sum := &domain.AnnualSummary{Year: year}
		if err := rows.Scan(&sum.DepartmentID, &sum.Text, &sum.Figures, timeCol{&sum.FiledAt}, &sum.FiledBy); err != nil {
			return nil, internal(op, err)
		}
		filed[sum.DepartmentID] = sum
	}
	if err := rows.Err(); err != nil {
		return nil, internal(op, err)
	}
	out := []SummaryStatus{}
	for _, d := range depts {
		if !domain.Can(a, domain.ActViewDashboard, d.ID) {
			continue
		}
		out = append(out, SummaryStatus{Department: d, Summary: filed[d.ID]})
	}
	if len(out) == 0 {
		return nil, domain.Require("store."+op, a, domain.ActViewDashboard, 0)
	}
	return out, nil
}

// IssueBulletin issues a progress bulletin (通报) of year naming, with their
// reasons, the departments that are late today by the dashboard's figures,
// with a rectification deadline (限期整改). Office only. The departments
// named are computed here, not chosen, so the bulletin is the figures.
func (s *Store) IssueBulletin(ctx context.Context, a domain.Actor, year int, title, body string, deadline domain.Date) (*domain.Bulletin, error) {
	const op = "IssueBulletin"
	if err := domain.Require("store."+op, a, domain.ActIssueBulletin, 0); err != nil {
		return nil, err
	}
	title, body = strings.TrimSpace(title), strings.TrimSpace(body)
	v := &domain.ValidationError{Op: "store." + op}
	checkYear(v, year)
	domain.CheckText(v, 0, "title", title, true)
	checkBody(v, "body", body, false)
	today := domain.DateOf(s.clock())
	if deadline.IsZero() || !today.Before(deadline) {
		v.Add(domain.FieldError{Field: "deadline", Value: deadline.String(), Key: "eval.err.deadline"})
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	d, err := s.Dashboard(ctx, domain.System, year, metrics.Filter{})
	if err != nil {
		return nil, err
	}
	b := &domain.Bulletin{Year: year, Title: title, Body: body, Deadline: deadline, IssuedAt: s.clock(), IssuedBy: actorName(a)}
	for _, df := range d.Departments {
		if df.Late() {
			b.Departments = append(b.Departments, domain.BulletinDepartment{DepartmentID: df.Dept.ID, Name: df.Dept.Name, Reasons: lateReasons(df)})
		}
	}
	err = s.inTx(ctx, op, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO bulletins (year, title, body, deadline, issued_at, issued_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			year, title, body, date(deadline), s.ts(b.IssuedAt), b.IssuedBy).Scan(&b.ID); err != nil {
			return err
		}
		for _, bd := range b.Departments {
			if _, err := tx.ExecContext(ctx, `INSERT INTO bulletin_departments (bulletin_id, department_id, reasons) VALUES ($1, $2, $3)`, b.ID, bd.DepartmentID, bd.Reasons); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, auditRec{Action: "eval.bulletin.issue", ObjectType: "bulletin", ObjectKey: strconv.FormatInt(b.ID, 10), After: b})
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// lateReasons writes what a department is late with, as counts under
// stable keys the faces translate: "overdue_publications=3;…".
func lateReasons(df metrics.DeptFigures) string {
	var parts []string
	for _, r := range []struct {
		key string
		n   int
	}{
		{"overdue_publications", df.OverdueNow},
		{"overdue_referrals", df.ReferralsOverdue},
		{"overdue_follow_ups", df.FollowUpOverdue},
		{"late_batches", df.BatchesLate},
	} {
		if r.n > 0 {
			parts = append(parts, r.key+"="+strconv.Itoa(r.n))
		}
	}
	return strings.Join(parts, ";")
}

// ListBulletins returns the bulletins of year, newest first, with the
// departments named and their responses. Department staff see the
// bulletins naming their department, with only their own line.
func (s *Store) ListBulletins(ctx context.Context, a domain.Actor, year int) ([]domain.Bulletin, error) {
	const op = "ListBulletins"
	office := domain.Can(a, domain.ActViewDashboard, 0)
	if !office {
		if err := domain.Require("store."+op, a, domain.ActViewDashboard, a.DepartmentID); err != nil {
			return nil, err
		}
	}
	rows, err := s.read.QueryContext(ctx, `SELECT b.id, b.title, b.body, b.deadline, b.issued_at, b.issued_by,
bd.department_id, d.name, bd.reasons, bd.response, bd.responded_at, bd.responded_by
FROM bulletins b LEFT JOIN bulletin_departments bd ON bd.bulletin_id = b.id LEFT JOIN departments d ON d.id = bd.department_id
WHERE b.year = $1 ORDER BY b.id DESC, d.code`, year)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	out := []domain.Bulletin{}
	for rows.Next() {
		var b domain.Bulletin
		var deptID sql.NullInt64
		var name, reasons, response, respondedBy sql.NullString
		var respondedAt time.Time
		if err := rows.Scan(&b.ID, &b.Title, &b.Body, dateCol{&b.Deadline}, timeCol{&b.IssuedAt}, &b.IssuedBy,
			&deptID, &name, &reasons, &response, timeCol{&respondedAt}, &respondedBy); err != nil {
			return nil, internal(op, err)
		}
		b.Year = year
		if len(out) == 0 || out[len(out)-1].ID != b.ID {
			out = append(out, b)
		}
		if deptID.Valid && (office || deptID.Int64 == a.DepartmentID) {
			last := &out[len(out)-1]
			last.Departments = append(last.Departments, domain.BulletinDepartment{DepartmentID: deptID.Int64, Name: name.String,
				Reasons: reasons.String, Response: response.String, RespondedAt: respondedAt, RespondedBy: respondedBy.String})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, internal(op, err)
	}
	if !office {
		mine := out[:0]
		for _, b := range out {
			if len(b.Departments) > 0 {
				mine = append(mine, b)
			}
		}
		out = mine
	}
	return out, nil
}

// RespondBulletin records department dept's response (整改情况) to a
// bulletin that names it. A later response replaces the earlier one; the
// audit log keeps both.
func (s *Store) RespondBulletin(ctx context.Context, a domain.Actor, bulletinID, dept int64, response string) error {
	const op = "RespondBulletin"
	if err := domain.Require("store."+op, a, domain.ActRespondBulletin, dept); err != nil {
		return err
	}
	response = strings.TrimSpace(response)
	v := &domain.ValidationError{Op: "store." + op}
	checkBody(v, "response", response, true)
	if err := v.Err(); err != nil {
		return err
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE bulletin_departments SET response = $1, responded_at = $2, responded_by = $3
WHERE bulletin_id = $4 AND department_id = $5`, response, s.ts(s.clock()), actorName(a), bulletinID, dept)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound(op)
		}
		return s.audit(ctx, tx, a, auditRec{Action: "eval.bulletin.respond", ObjectType: "bulletin", ObjectKey: strconv.FormatInt(bulletinID, 10), Dept: dept, After: map[string]string{"response": response}})
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
	c.State, c.SubmittedAt, c.SubmittedBy = domain.CaseSubmitted, s.clock(), actorName(a)
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

// InspectorName is who an inspector ID is, for the calibration table.
type InspectorName struct {
	Name         string
	DepartmentID int64
}

// InspectorNames returns the name and department of every inspector.
func (s *Store) InspectorNames(ctx context.Context, a domain.Actor) (map[int64]InspectorName, error) {
	const op = "InspectorNames"
	if err := domain.Require("store."+op, a, domain.ActViewDirectory, 0); err != nil {
		return nil, err
	}
	out := map[int64]InspectorName{}
	err := scanAll(ctx, s.read, `SELECT id, name, department_id FROM inspectors`, nil, func(r *sql.Rows) error {
		var id int64
		var n InspectorName
		if err := r.Scan(&id, &n.Name, &n.DepartmentID); err != nil {
			return err
		}
		out[id] = n
		return nil
	})
	return out, internal(op, err)
}

// EntityBurden is one business's line of the burden ledger (无事不扰): its
// visits by all departments in a year against the cap of its risk class.
type EntityBurden struct {
	Year   int              `json:"year"`
	Visits int              `json:"visits"`
	Class  domain.RiskClass `json:"-"`
	Cap    int              `json:"-"` // 0: no cap; never public, it would tell the class
}

// Over reports whether the business has had more visits than its cap.
func (b *EntityBurden) Over() bool { return b.Cap > 0 && b.Visits > b.Cap }

// BusinessBurden returns the burden ledger line of the business with
// credit code code in year. The visit count is public (the portal shows
// it); the class and the cap are filled in only for staff who may read the
// directory, since they disclose the risk class.
func (s *Store) BusinessBurden(ctx context.Context, a domain.Actor, code string, year int) (*EntityBurden, error) {
	const op = "BusinessBurden"
	b := &EntityBurden{Year: year}
	var class string
	var capA, capB, capC, capD sql.NullInt64
	// The public business page runs this on every view: prepared once.
	st, err := s.prepared(ctx, `SELECT e.risk_class,
(SELECT COUNT(*) FROM visits v WHERE v.entity_id = e.id AND v.year = $2 AND v.state <> $3),
p.cap_a, p.cap_b, p.cap_c, p.cap_d
FROM entities e LEFT JOIN plans p ON p.year = $2 WHERE e.code = $1`)
	if err != nil {
		return nil, internal(op, err)
	}
	err = st.QueryRowContext(ctx, code, year, string(domain.VisitCancelled)).Scan(&class, &b.Visits, &capA, &capB, &capC, &capD)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op)
	}
	if err != nil {
		return nil, internal(op, err)
	}
	if domain.Can(a, domain.ActViewDirectory, 0) {
		b.Class = domain.RiskClass(class)
		b.Cap = int(map[domain.RiskClass]sql.NullInt64{domain.RiskA: capA, domain.RiskB: capB, domain.RiskC: capC, domain.RiskD: capD}[b.Class].Int64)
	}
	return b, nil
}
