package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// auditRec is one audit row to write: the action (e.g. "entity.update"),
// the object, the department that owns it (0 for none) and the record
// before and after, marshalled to JSON (nil for none).
type auditRec struct {
	Action     string
	ObjectType string
	ObjectKey  string
	Dept       int64
	Before     any
	After      any
}

const insertAudit = `INSERT INTO audit_log (at, actor_id, actor_name, action, object_type, object_key, department_id, before_json, after_json)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`

// audit writes r in tx, the transaction of the change it records.
func (s *Store) audit(ctx context.Context, tx querier, a domain.Actor, r auditRec) error {
	args, err := s.auditArgs(a, r)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, insertAudit, args...)
	return err
}

func (s *Store) auditArgs(a domain.Actor, r auditRec) ([]any, error) {
	before, err := jsonOrNull(r.Before)
	if err != nil {
		return nil, err
	}
	after, err := jsonOrNull(r.After)
	if err != nil {
		return nil, err
	}
	name := a.Name
	if name == "" {
		name = string(a.Role)
	}
	return []any{s.ts(s.now()), idOrNull(a.UserID), name, r.Action, r.ObjectType, r.ObjectKey, idOrNull(r.Dept), before, after}, nil
}

func jsonOrNull(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// ListAudit returns audit rows, newest first. The office and the
// discipline office see every row; department staff see the rows of their
// own department's objects only.
func (s *Store) ListAudit(ctx context.Context, a domain.Actor, f domain.AuditFilter) (*domain.List[domain.AuditEntry], error) {
	const op = "ListAudit"
	if err := refuseBadText(op, "object_type", f.ObjectType, "object_key", f.ObjectKey); err != nil {
		return nil, err
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + itoa(len(args))
	}
	switch {
	case domain.Can(a, domain.ActViewAudit, 0):
		// all rows
	case a.DepartmentID != 0 && domain.Can(a, domain.ActViewAudit, a.DepartmentID):
		where = append(where, "department_id = "+arg(a.DepartmentID))
	default:
		return nil, domain.Require("store."+op, a, domain.ActViewAudit, a.DepartmentID)
	}
	if f.ObjectType != "" {
		where = append(where, "object_type = "+arg(f.ObjectType))
	}
	if f.ObjectKey != "" {
		where = append(where, "object_key = "+arg(f.ObjectKey))
	}
	if f.ActorID != 0 {
		where = append(where, "actor_id = "+arg(f.ActorID))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	p := f.Page.Norm()
	out := &domain.List[domain.AuditEntry]{Page: p.Number, Size: p.Size, Items: []domain.AuditEntry{}}
	if err := s.read.QueryRowContext(ctx, "SELECT count(*) FROM audit_log"+cond, args...).Scan(&out.Total); err != nil {
		return nil, internal(op, err)
	}
	q := `SELECT id, at, actor_id, actor_name, action, object_type, object_key, before_json, after_json FROM audit_log` +
		cond + " ORDER BY id DESC LIMIT " + arg(p.Size) + " OFFSET " + arg(p.Offset())
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var e domain.AuditEntry
		var before, after sql.NullString
		if err := rows.Scan(&e.ID, timeCol{&e.At}, nullID{&e.ActorID}, &e.ActorName, &e.Action, &e.ObjectType, &e.ObjectKey, &before, &after); err != nil {
			return nil, internal(op, err)
		}
		e.Before, e.After = before.String, after.String
		out.Items = append(out.Items, e)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(op, err)
	}
	return out, nil
}
