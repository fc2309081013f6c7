package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/workday"
)

// Publication (一公开, "谁公开"): a department publishes its signed part of a
// visit; the publication goes into the transparency log in the same
// transaction. The deadline is counted in working days from the day the
// result was formed (sign-off); what is due and overdue feeds the inbox,
// the dashboard and the evaluation.

// LogTypeResult is the transparency-log record of a published part of a
// visit's result, keyed by the part's ID.
const LogTypeResult = "inspect.result"

const settingInspect = "inspect"

func init() {
	registerLogBuilder(LogTypeResult, func(ctx context.Context, q querier, key string, version int) (any, error) {
		id, err := strconv.ParseInt(key, 10, 64)
		if err != nil {
			return nil, notFound("resultLogBody")
		}
		return resultLogBody(ctx, q, id)
	})
}

// InspectSettings returns the office's inspection settings, the policy's
// defaults until the office sets them. Readable by anyone.
func (s *Store) InspectSettings(ctx context.Context) (domain.InspectSettings, error) {
	return s.inspectSettings(ctx, s.read)
}

func (s *Store) inspectSettings(ctx context.Context, q querier) (domain.InspectSettings, error) {
	set := domain.DefaultInspectSettings
	var raw string
	err := q.QueryRowContext(ctx, "SELECT value FROM inspect_settings WHERE key = $1", settingInspect).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return set, nil
	}
	if err != nil {
		return set, internal("InspectSettings", err)
	}
	if err := json.Unmarshal([]byte(raw), &set); err != nil {
		return domain.DefaultInspectSettings, internal("InspectSettings", err)
	}
	return set, nil
}

// SaveInspectSettings sets the publication deadline and the warning lead
// (the office). A new deadline applies to results formed from then on.
func (s *Store) SaveInspectSettings(ctx context.Context, a domain.Actor, set domain.InspectSettings) error {
	const op = "SaveInspectSettings"
	if err := domain.Require("store."+op, a, domain.ActEditInspectConf, 0); err != nil {
		return err
	}
	if err := set.Check().Err(); err != nil {
		return err
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		before, err := s.inspectSettings(ctx, tx)
		if err != nil {
			return err
		}
		b, err := json.Marshal(set)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO inspect_settings (key, value, updated_at) VALUES ($1, $2, $3)
ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, settingInspect, string(b), s.ts(s.clock())); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auditRec{Action: "inspect.settings", ObjectType: "inspect_settings", ObjectKey: settingInspect, Before: before, After: set})
	})
}

// PublishPart publishes a department's signed part of a visit: it becomes
// public on the portal and is appended to the transparency log in the same
// transaction. A published part is never changed or unpublished.
func (s *Store) PublishPart(ctx context.Context, a domain.Actor, partID int64) (int64, error) {
	const op = "PublishPart"
	var idx int64
	err := s.inTx(ctx, op, func(tx *sql.Tx) error {
		p, err := s.partRef(ctx, tx, op, partID)
		if err != nil {
			return err
		}
		if err := domain.Require("store."+op, a, domain.ActPublishResult, p.Dept); err != nil {
			return err
		}
		var published time.Time
		err = tx.QueryRowContext(ctx, "SELECT published_at FROM part_signoffs WHERE part_id = $1", p.ID).Scan(timeCol{&published})
		if errors.Is(err, sql.ErrNoRows) {
			return conflict(op, "err.inspect.not_signed")
		}
		if err != nil {
			return err
		}
		if !published.IsZero() {
			return conflict(op, "err.inspect.published")
		}
		now := s.clock()
		if _, err := tx.ExecContext(ctx, "UPDATE part_signoffs SET published_at = $1, published_by = $2 WHERE part_id = $3", s.ts(now), actorName(a), p.ID); err != nil {
			return err
		}
		body, err := resultLogBody(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		if idx, err = s.logAppend(ctx, tx, LogRecord{Type: LogTypeResult, Version: 1, Key: strconv.FormatInt(p.ID, 10), Body: body}); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auditRec{Action: "result.publish", ObjectType: "visit_part", ObjectKey: strconv.FormatInt(p.ID, 10), Dept: p.Dept,
			After: map[string]any{"published_at": now, "log_index": idx}})
	})
	return idx, err
}

// partResultLog is the logged body of a published part: which business, which
// department, when formed and published, every item's result, and the
// joint record if it was closed before the publication. Every field is
// fixed once published, so the monitor can rebuild it.
type partResultLog struct {
	PartID       int64               `json:"part_id"`
	VisitID      int64               `json:"visit_id"`
	EntityCode   string              `json:"entity_code"`
	DepartmentID int64               `json:"department_id"`
	FormedOn     string              `json:"formed_on"`
	PublishedAt  string              `json:"published_at"`
	Items        []partResultLogItem `json:"items"`
	Category     string              `json:"category,omitempty"`
	Disposal     string              `json:"disposal,omitempty"`
}

type partResultLogItem struct {
	ItemID  int64  `json:"item_id"`
	Result  string `json:"result"`
	Finding bool   `json:"finding"`
	Added   bool   `json:"added,omitempty"`
}

func resultLogBody(ctx context.Context, q querier, partID int64) (any, error) {
	b := partResultLog{PartID: partID, Items: []partResultLogItem{}}
	var formed domain.Date
	var published, closed time.Time
	var category, disposal sql.NullString
	err := q.QueryRowContext(ctx, `SELECT so.visit_id, e.code, so.department_id, so.formed_on, so.published_at, r.category, r.disposal, r.closed_at
FROM part_signoffs so JOIN visits v ON v.id = so.visit_id JOIN entities e ON e.id = v.entity_id
LEFT JOIN visit_records r ON r.visit_id = so.visit_id WHERE so.part_id = $1`, partID).
		Scan(&b.VisitID, &b.EntityCode, &b.DepartmentID, dateCol{&formed}, timeCol{&published}, &category, &disposal, timeCol{&closed})
	if errors.Is(err, sql.ErrNoRows) || (err == nil && published.IsZero()) {
		return nil, notFound("resultLogBody")
	}
	if err != nil {
		return nil, err
	}
	b.FormedOn, b.PublishedAt = formed.String(), published.UTC().Format(time.RFC3339Nano)
	if category.Valid && !closed.After(published) {
		b.Category, b.Disposal = category.String, disposal.String
	}
	err = scanAll(ctx, q, `SELECT item_id, result, finding, added FROM visit_results WHERE part_id = $1 ORDER BY added, item_id`, []any{partID}, func(r *sql.Rows) error {
		var it partResultLogItem
		if err := r.Scan(&it.ItemID, &it.Result, &it.Finding, &it.Added); err != nil {
			return err
		}
		b.Items = append(b.Items, it)
		return nil
	})
	return b, err
}

// PublicationsDue lists the signed parts not yet published, soonest
// deadline first, with the working days left: a department's own (dept,
// forced for department staff and inspectors), or all for the office and
// the discipline office (dept 0).
func (s *Store) PublicationsDue(ctx context.Context, a domain.Actor, dept int64) ([]domain.PublicationDue, error) {
	const op = "PublicationsDue"
	if err := domain.Require("store."+op, a, domain.ActViewPlans, 0); err != nil {
		return nil, err
	}
	if a.Role == domain.RoleDepartment || a.Role == domain.RoleInspector {
		dept = a.DepartmentID
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	set, err := s.InspectSettings(ctx)
	if err != nil {
		return nil, err
	}
	var args sqlArgs
	cond := ""
	if dept != 0 {
		cond = " AND so.department_id = " + args.add(dept)
	}
	out := []domain.PublicationDue{}
	today := dateOf(s.clock())
	err = scanAll(ctx, s.read, `SELECT so.part_id, so.visit_id, e.code, e.name, so.department_id, d.name, so.formed_on, so.due_on
FROM part_signoffs so JOIN visits v ON v.id = so.visit_id JOIN entities e ON e.id = v.entity_id JOIN departments d ON d.id = so.department_id
WHERE so.published_at IS NULL`+cond+` ORDER BY so.due_on, so.part_id`, args, func(r *sql.Rows) error {
		var p domain.PublicationDue
		if err := r.Scan(&p.PartID, &p.VisitID, &p.EntityCode, &p.EntityName, &p.DepartmentID, &p.DepartmentName, dateCol{&p.FormedOn}, dateCol{&p.DueOn}); err != nil {
			return err
		}
		dueState(cal, set, today, &p)
		out = append(out, p)
		return nil
	})
	return out, internal(op, err)
}

// dueState fills the working days left and the warning flags of p.
func dueState(cal *workday.Calendar, set domain.InspectSettings, today domain.Date, p *domain.PublicationDue) {
	if p.DueOn.IsZero() {
		// Formed when the calendar did not cover the deadline's year yet:
		// count it now that the office may have added the schedule.
		d, err := cal.AddWorkingDays(p.FormedOn, set.PublishDays)
		if err != nil {
			p.Warn = true
			return
		}
		p.DueOn = d
	}
	n, err := cal.WorkingDaysBetween(today, p.DueOn)
	if err != nil {
		p.Warn = true
		return
	}
	p.DaysLeft = n
	p.Overdue = p.DueOn.Before(today)
	p.Warn = !p.Overdue && n <= set.WarnDays
}
