package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// Joint-punishment flags (联合惩戒): a department flags a business with the
// reason; every department sees the flags in force and their history
// (互认互用). Clearing a flag needs a reason too; both are audited.

const punishCols = `p.id, p.entity_id, e.code, e.name, p.department_id, d.name, p.reason, p.set_by, p.set_at, p.cleared_by, p.cleared_at, p.clear_reason`

const punishFrom = ` FROM punish_flags p JOIN entities e ON e.id = p.entity_id JOIN departments d ON d.id = p.department_id`

func scanPunish(sc interface{ Scan(...any) error }, p *domain.PunishFlag) error {
	return sc.Scan(&p.ID, &p.EntityID, &p.EntityCode, &p.EntityName, &p.DeptID, &p.DeptName, &p.Reason, &p.SetBy, timeCol{&p.SetAt},
		&p.ClearedBy, timeCol{&p.ClearedAt}, &p.ClearReason)
}

// SetPunishFlag flags a business on behalf of the actor's department, with
// the reason. A department has at most one flag in force per business.
func (s *Store) SetPunishFlag(ctx context.Context, a domain.Actor, entityID int64, reason string) (*domain.PunishFlag, error) {
	const op = "SetPunishFlag"
	if err := domain.Require("store."+op, a, domain.ActFlagPunish, a.DepartmentID); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	v := &domain.ValidationError{Op: "store." + op}
	domain.CheckLongText(v, 0, domain.FieldFlagReason, reason, true)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var id int64
	err := s.inTx(ctx, op, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM entities WHERE id = $1", entityID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return notFound(op)
		}
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM punish_flags WHERE entity_id = $1 AND department_id = $2 AND cleared_at IS NULL",
			entityID, a.DepartmentID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return conflict(op, "err.punish.already")
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO punish_flags (entity_id, department_id, reason, set_by, set_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			entityID, a.DepartmentID, reason, actorName(a), s.ts(s.clock())).Scan(&id); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auditRec{Action: "punish.set", ObjectType: "punish_flag", ObjectKey: strconv.FormatInt(id, 10), Dept: a.DepartmentID,
			After: map[string]any{"entity_id": entityID, "reason": reason}})
	})
	if err != nil {
		return nil, err
	}
	return s.punishFlag(ctx, op, id)
}

func (s *Store) punishFlag(ctx context.Context, op string, id int64) (*domain.PunishFlag, error) {
	var p domain.PunishFlag
	err := scanPunish(s.read.QueryRowContext(ctx, "SELECT "+punishCols+punishFrom+" WHERE p.id = $1", id), &p)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op)
	}
	return &p, internal(op, err)
}

// ClearPunishFlag clears a flag in force: only the department that set it,
// with the reason.
func (s *Store) ClearPunishFlag(ctx context.Context, a domain.Actor, id int64, reason string) error {
	const op = "ClearPunishFlag"
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		var p domain.PunishFlag
		err := scanPunish(tx.QueryRowContext(ctx, "SELECT "+punishCols+punishFrom+" WHERE p.id = $1", id), &p)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(op)
		}
		if err != nil {
			return err
		}
		if err := domain.Require("store."+op, a, domain.ActFlagPunish, p.DeptID); err != nil {
			return err
		}
		if !p.Active() {
			return conflict(op, "err.punish.cleared")
		}
		reason = strings.TrimSpace(reason)
		v := &domain.ValidationError{Op: "store." + op}
		domain.CheckLongText(v, 0, domain.FieldFlagReason, reason, true)
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE punish_flags SET cleared_by = $1, cleared_at = $2, clear_reason = $3 WHERE id = $4",
			actorName(a), s.ts(s.clock()), reason, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auditRec{Action: "punish.clear", ObjectType: "punish_flag", ObjectKey: strconv.FormatInt(id, 10), Dept: p.DeptID,
			Before: map[string]any{"entity_id": p.EntityID, "reason": p.Reason}, After: map[string]any{"clear_reason": reason}})
	})
}

// PunishFlags returns a business's flags, in force first, then the
// cleared ones newest first: every staff role reads them (互认互用).
func (s *Store) PunishFlags(ctx context.Context, a domain.Actor, entityID int64) ([]domain.PunishFlag, error) {
	const op = "PunishFlags"
	if err := domain.Require("store."+op, a, domain.ActViewPlans, 0); err != nil {
		return nil, err
	}
	out := []domain.PunishFlag{}
	err := scanAll(ctx, s.read, "SELECT "+punishCols+punishFrom+` WHERE p.entity_id = $1
ORDER BY CASE WHEN p.cleared_at IS NULL THEN 0 ELSE 1 END, p.id DESC`, []any{entityID}, func(r *sql.Rows) error {
		var p domain.PunishFlag
		if err := scanPunish(r, &p); err != nil {
			return err
		}
		out = append(out, p)
		return nil
	})
	return out, internal(op, err)
}
