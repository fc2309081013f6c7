package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

func itoa(n int) string { return strconv.Itoa(n) }

// fieldRefCode names the code of a department, township or industry in
// field errors ("field.code" is the credit code).
const fieldRefCode = "ref_code"

const departmentCols = `id, code, name, short_name, liaison, liaison_phone, leader, leader_phone, updated_at`

func scanDepartment(sc interface{ Scan(...any) error }, d *domain.Department) error {
	return sc.Scan(&d.ID, &d.Code, &d.Name, &d.ShortName, &d.Liaison, &d.LiaisonPhone, &d.Leader, &d.LeaderPhone, timeCol{&d.UpdatedAt})
}

// ListDepartments returns every department by code. Reference data is not
// secret: the portal names the departments too.
func (s *Store) ListDepartments(ctx context.Context) ([]domain.Department, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+departmentCols+` FROM departments ORDER BY code`)
	if err != nil {
		return nil, internal("ListDepartments", err)
	}
	defer rows.Close()
	out := []domain.Department{}
	for rows.Next() {
		var d domain.Department
		if err := scanDepartment(rows, &d); err != nil {
			return nil, internal("ListDepartments", err)
		}
		out = append(out, d)
	}
	return out, internal("ListDepartments", rows.Err())
}

// GetDepartment returns one department; KindNotFound if none.
func (s *Store) GetDepartment(ctx context.Context, id int64) (*domain.Department, error) {
	return s.getDepartment(ctx, s.read, id)
}

func (s *Store) getDepartment(ctx context.Context, q querier, id int64) (*domain.Department, error) {
	var d domain.Department
	err := scanDepartment(q.QueryRowContext(ctx, `SELECT `+departmentCols+` FROM departments WHERE id = $1`, id), &d)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("GetDepartment")
	}
	if err != nil {
		return nil, internal("GetDepartment", err)
	}
	return &d, nil
}

func validateDepartment(d *domain.Department) error {
	v := &domain.ValidationError{Op: "store.SaveDepartment"}
	d.Code = strings.TrimSpace(d.Code)
	d.Name = strings.TrimSpace(d.Name)
	d.ShortName = strings.TrimSpace(d.ShortName)
	d.Liaison = strings.TrimSpace(d.Liaison)
	d.LiaisonPhone = strings.TrimSpace(d.LiaisonPhone)
	d.Leader = strings.TrimSpace(d.Leader)
	d.LeaderPhone = strings.TrimSpace(d.LeaderPhone)
	domain.CheckText(v, 0, fieldRefCode, d.Code, true)
	domain.CheckText(v, 0, domain.FieldName, d.Name, true)
	for f, val := range map[string]string{"short_name": d.ShortName, "liaison": d.Liaison, "liaison_phone": d.LiaisonPhone, "leader": d.Leader, "leader_phone": d.LeaderPhone} {
		domain.CheckText(v, 0, f, val, false)
	}
	return v.Err()
}

// SaveDepartment creates (ID 0) or updates a department. Office only.
func (s *Store) SaveDepartment(ctx context.Context, a domain.Actor, d *domain.Department) error {
	const op = "SaveDepartment"
	if err := domain.Require("store."+op, a, domain.ActEditReference, d.ID); err != nil {
		return err
	}
	if err := validateDepartment(d); err != nil {
		return err
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		now := s.clock()
		var before *domain.Department
		if d.ID != 0 {
			old, err := s.getDepartment(ctx, tx, d.ID)
			if err != nil {
				return err
			}
			before = old
		}
		var err error
		if before == nil {
			err = tx.QueryRowContext(ctx, `INSERT INTO departments (code, name, short_name, liaison, liaison_phone, leader, leader_phone, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
				d.Code, d.Name, d.ShortName, d.Liaison, d.LiaisonPhone, d.Leader, d.LeaderPhone, s.ts(now)).Scan(&d.ID)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE departments SET code = $1, name = $2, short_name = $3, liaison = $4, liaison_phone = $5,
leader = $6, leader_phone = $7, updated_at = $8 WHERE id = $9`,
				d.Code, d.Name, d.ShortName, d.Liaison, d.LiaisonPhone, d.Leader, d.LeaderPhone, s.ts(now), d.ID)
		}
		if isUnique(err) {
			return domain.E("store."+op, domain.KindConflict, "err.department_taken", "code", d.Code, "name", d.Name).WithField(fieldRefCode)
		}
		if err != nil {
			return err
		}
		d.UpdatedAt = now
		action := "department.create"
		var beforeV any
		if before != nil {
			action, beforeV = "department.update", before
		}
		return s.audit(ctx, tx, a, auditRec{Action: action, ObjectType: "department", ObjectKey: d.Code, Dept: d.ID, Before: beforeV, After: d})
	})
}

// ListTownships returns every township by code.
func (s *Store) ListTownships(ctx context.Context) ([]domain.Township, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT code, name FROM townships ORDER BY code`)
	if err != nil {
		return nil, internal("ListTownships", err)
	}
	defer rows.Close()
	out := []domain.Township{}
	for rows.Next() {
		var t domain.Township
		if err := rows.Scan(&t.Code, &t.Name); err != nil {
			return nil, internal("ListTownships", err)
		}
		out = append(out, t)
	}
	return out, internal("ListTownships", rows.Err())
}

// ListIndustries returns every industry by code.
func (s *Store) ListIndustries(ctx context.Context) ([]domain.Industry, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT code, name FROM industries ORDER BY code`)
	if err != nil {
		return nil, internal("ListIndustries", err)
	}
	defer rows.Close()
	out := []domain.Industry{}
	for rows.Next() {
		var t domain.Industry
		if err := rows.Scan(&t.Code, &t.Name); err != nil {
			return nil, internal("ListIndustries", err)
		}
		out = append(out, t)
	}
	return out, internal("ListIndustries", rows.Err())
}

// SaveTownship creates or renames a township (keyed by its code). Office only.
func (s *Store) SaveTownship(ctx context.Context, a domain.Actor, t *domain.Township) error {
	return s.saveCodeName(ctx, a, "SaveTownship", "townships", "township", &t.Code, &t.Name)
}

// SaveIndustry creates or renames an industry (keyed by its code). Office only.
func (s *Store) SaveIndustry(ctx context.Context, a domain.Actor, in *domain.Industry) error {
	return s.saveCodeName(ctx, a, "SaveIndustry", "industries", "industry", &in.Code, &in.Name)
}

// saveCodeName upserts a code/name reference row with its audit row.
func (s *Store) saveCodeName(ctx context.Context, a domain.Actor, op, table, objType string, code, name *string) error {
	if err := domain.Require("store."+op, a, domain.ActEditReference, 0); err != nil {
		return err
	}
	*code, *name = strings.TrimSpace(*code), strings.TrimSpace(*name)
	v := &domain.ValidationError{Op: "store." + op}
	domain.CheckText(v, 0, fieldRefCode, *code, true)
	domain.CheckText(v, 0, domain.FieldName, *name, true)
	if err := v.Err(); err != nil {
		return err
	}
	type rec struct {
		Code string `json:"code"`
		Name string `json:"name"`
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		var old string
		err := tx.QueryRowContext(ctx, `SELECT name FROM `+table+` WHERE code = $1`, *code).Scan(&old)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = tx.ExecContext(ctx, `INSERT INTO `+table+` (code, name) VALUES ($1, $2)`, *code, *name)
			if isUnique(err) {
				return domain.E("store."+op, domain.KindConflict, "err.name_taken", "name", *name).WithField(domain.FieldName)
			}
			if err != nil {
				return err
			}
			return s.audit(ctx, tx, a, auditRec{Action: objType + ".create", ObjectType: objType, ObjectKey: *code, After: rec{*code, *name}})
		case err != nil:
			return err
		}
		if old == *name {
			return nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE `+table+` SET name = $1 WHERE code = $2`, *name, *code)
		if isUnique(err) {
			return domain.E("store."+op, domain.KindConflict, "err.name_taken", "name", *name).WithField(domain.FieldName)
		}
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auditRec{Action: objType + ".update", ObjectType: objType, ObjectKey: *code, Before: rec{*code, old}, After: rec{*code, *name}})
	})
}
