package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// The published records of plans in the transparency log: a plan when it
// is published (its year, publication time and the tasks published with
// it), and each adjustment when the office accepts it (the dated change
// with its reason). Both bodies are rebuilt from the tables by the same
// functions that build them for logging, so the monitor checks them.

const (
	logTypePlan       = "plans.plan"
	logTypeAdjustment = "plans.adjustment"
)

func init() {
	registerLogBuilder(logTypePlan, func(ctx context.Context, q querier, key string, version int) (any, error) {
		year, err := strconv.Atoi(key)
		if err != nil {
			return nil, notFound("planLogBody")
		}
		return planLogBody(ctx, q, year)
	})
	registerLogBuilder(logTypeAdjustment, func(ctx context.Context, q querier, key string, version int) (any, error) {
		id, err := strconv.ParseInt(key, 10, 64)
		if err != nil {
			return nil, notFound("adjustmentLogBody")
		}
		return adjustmentLogBody(ctx, q, id)
	})
}

// planLog is the logged body of a published plan.
type planLog struct {
	Year        int           `json:"year"`
	PublishedAt string        `json:"published_at"`
	Tasks       []planLogTask `json:"tasks"`
}

type planLogTask struct {
	Seq              int    `json:"seq"`
	ID               int64  `json:"id"`
	Name             string `json:"name"`
	Industry         string `json:"industry"`
	LeadDepartmentID int64  `json:"lead_department_id"`
	ListVersionID    int64  `json:"list_version_id"`
}

// planLogBody rebuilds a published plan's record: the tasks published
// with the plan are those with a 序号 that did not join it later through an
// accepted add-task adjustment (each of which is logged on its own). None
// of the logged fields changes after publication.
func planLogBody(ctx context.Context, q querier, year int) (any, error) {
	var published time.Time
	var state string
	var planID int64
	err := q.QueryRowContext(ctx, "SELECT id, state, published_at FROM plans WHERE year = $1", year).Scan(&planID, &state, timeCol{&published})
	if errors.Is(err, sql.ErrNoRows) || (err == nil && state != string(domain.StatePublished)) {
		return nil, notFound("planLogBody")
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT seq, id, name, industry_code, lead_department_id, list_version_id FROM plan_tasks
WHERE plan_id = $1 AND seq > 0 AND id NOT IN (SELECT task_id FROM plan_adjustments WHERE kind = 'add_task' AND state = 'accepted')
ORDER BY seq`, planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	body := planLog{Year: year, PublishedAt: published.UTC().Format(time.RFC3339Nano), Tasks: []planLogTask{}}
	for rows.Next() {
		var t planLogTask
		if err := rows.Scan(&t.Seq, &t.ID, &t.Name, &t.Industry, &t.LeadDepartmentID, nullID{&t.ListVersionID}); err != nil {
			return nil, err
		}
		body.Tasks = append(body.Tasks, t)
	}
	return body, rows.Err()
}

// adjustmentLog is the logged body of an accepted adjustment.
type adjustmentLog struct {
	ID         int64  `json:"id"`
	Year       int    `json:"year"`
	TaskID     int64  `json:"task_id"`
	TaskName   string `json:"task_name"`
	Kind       string `json:"kind"`
	Reason     string `json:"reason"`
	Before     string `json:"before"`
	After      string `json:"after"`
	AcceptedAt string `json:"accepted_at"`
}

func adjustmentLogBody(ctx context.Context, q querier, id int64) (any, error) {
	var b adjustmentLog
	var at time.Time
	var state string
	err := q.QueryRowContext(ctx, `SELECT a.id, p.year, a.task_id, t.name, a.kind, a.reason, a.before_text, a.after_text, a.decided_at, a.state
FROM plan_adjustments a JOIN plans p ON p.id = a.plan_id JOIN plan_tasks t ON t.id = a.task_id WHERE a.id = $1`, id).
		Scan(&b.ID, &b.Year, &b.TaskID, &b.TaskName, &b.Kind, &b.Reason, &b.Before, &b.After, timeCol{&at}, &state)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && state != string(domain.AdjAccepted)) {
		return nil, notFound("adjustmentLogBody")
	}
	if err != nil {
		return nil, err
	}
	b.AcceptedAt = at.UTC().Format(time.RFC3339Nano)
	return b, nil
}

// logPlan appends a just-published plan to the log in tx.
func (s *Store) logPlan(ctx context.Context, tx *sql.Tx, year int) error {
	body, err := planLogBody(ctx, tx, year)
	if err != nil {
		return err
	}
	_, err = s.logAppend(ctx, tx, LogRecord{Type: logTypePlan, Version: 1, Key: strconv.Itoa(year), Body: body})
	return err
}

// logAdjustment appends a just-accepted adjustment to the log in tx.
func (s *Store) logAdjustment(ctx context.Context, tx *sql.Tx, id int64) error {
	body, err := adjustmentLogBody(ctx, tx, id)
	if err != nil {
		return err
	}
	_, err = s.logAppend(ctx, tx, LogRecord{Type: logTypeAdjustment, Version: 1, Key: strconv.FormatInt(id, 10), Body: body})
	return err
}
