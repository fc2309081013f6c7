package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/validate"
)

const inspectorCols = `id, department_id, name, id_number, cert_no, cert_expiry, expertise, expert, status, phone, updated_at`

func scanInspector(sc interface{ Scan(...any) error }, in *domain.Inspector) error {
	return sc.Scan(&in.ID, &in.DepartmentID, &in.Name, &in.IDNumber, &in.CertNo, dateCol{&in.CertExpiry}, &in.Expertise,
		&in.Expert, &in.Status, &in.Phone, timeCol{&in.UpdatedAt})
}

func inspectorWhere(f domain.InspectorFilter, args *sqlArgs) string {
	var where []string
	if q := strings.TrimSpace(f.Query); q != "" {
		where = append(where, "(name LIKE "+args.add("%"+likeEscape(q)+"%")+` ESCAPE '\' OR cert_no LIKE `+
			args.add(likeEscape(validate.NormalizeCode(q))+"%")+` ESCAPE '\')`)
	}
	if f.DepartmentID != 0 {
		where = append(where, "department_id = "+args.add(f.DepartmentID))
	}
	if f.Status != "" {
		where = append(where, "status = "+args.add(string(f.Status)))
	}
	if f.Expert != nil {
		where = append(where, "expert = "+args.add(*f.Expert))
	}
	if l := strings.TrimSpace(f.Label); l != "" {
		where = append(where, "EXISTS (SELECT 1 FROM inspector_labels l WHERE l.inspector_id = inspectors.id AND l.label = "+args.add(l)+")")
	}
	if len(where) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(where, " AND ")
}

var inspectorSorts = map[string][]string{
	"name":       {"name"},
	"cert":       {"cert_no"},
	"expiry":     {"cert_expiry"},
	"department": {"department_id", "name"},
}

// ListInspectors returns one page of the inspector directory. ID numbers,
// phones and conflicts are blanked on inspectors whose private data the
// actor may not see.
func (s *Store) ListInspectors(ctx context.Context, a domain.Actor, f domain.InspectorFilter) (*domain.List[domain.Inspector], error) {
	const op = "ListInspectors"
	if err := domain.Require("store."+op, a, domain.ActViewDirectory, 0); err != nil {
		return nil, err
	}
	if err := inspectorFilterText(op, f); err != nil {
		return nil, err
	}
	var args sqlArgs
	where := inspectorWhere(f, &args)
	p := f.Page.Norm()
	out := &domain.List[domain.Inspector]{Page: p.Number, Size: p.Size, Items: []domain.Inspector{}}
	if err := s.read.QueryRowContext(ctx, "SELECT count(*) FROM inspectors"+where, args...).Scan(&out.Total); err != nil {
		return nil, internal(op, err)
	}
	q := "SELECT " + inspectorCols + " FROM inspectors" + where + orderBy(f.Sort, "name", inspectorSorts) +
		" LIMIT " + args.add(p.Size) + " OFFSET " + args.add(p.Offset())
	items, err := s.queryInspectors(ctx, s.read, a, q, args...)
	if err != nil {
		return nil, internal(op, err)
	}
	out.Items = items
	return out, nil
}

// EachInspector calls fn for every inspector matching f (ignoring f.Page),
// in f.Sort order (department, then name, by default), with private fields
// blanked as in ListInspectors. Rows are fetched in chunks.
func (s *Store) EachInspector(ctx context.Context, a domain.Actor, f domain.InspectorFilter, fn func(*domain.Inspector) error) error {
	const op = "EachInspector"
	if err := domain.Require("store."+op, a, domain.ActViewDirectory, 0); err != nil {
		return err
	}
	if err := inspectorFilterText(op, f); err != nil {
		return err
	}
	var args sqlArgs
	q := "SELECT id FROM inspectors" + inspectorWhere(f, &args) + orderBy(f.Sort, "department", inspectorSorts)
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return internal(op, err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return internal(op, err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return internal(op, err)
	}
	const chunk = 500
	for len(ids) > 0 {
		n := min(chunk, len(ids))
		part := ids[:n]
		ids = ids[n:]
		var args sqlArgs
		ph := make([]string, len(part))
		for i, id := range part {
			ph[i] = args.add(id)
		}
		items, err := s.queryInspectors(ctx, s.read, a, "SELECT "+inspectorCols+" FROM inspectors WHERE id IN ("+strings.Join(ph, ",")+")", args...)
		if err != nil {
			return internal(op, err)
		}
		byID := make(map[int64]*domain.Inspector, len(items))
		for i := range items {
			byID[items[i].ID] = &items[i]
		}
		for _, id := range part {
			if in := byID[id]; in != nil {
				if err := fn(in); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// queryInspectors runs q and fills labels and, where a may see them, the
// private fields and conflicts.
func (s *Store) queryInspectors(ctx context.Context, qr querier, a domain.Actor, q string, args ...any) ([]domain.Inspector, error) {
	rows, err := qr.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	items := []domain.Inspector{}
	for rows.Next() {
		var in domain.Inspector
		if err := scanInspector(rows, &in); err != nil {
			rows.Close()
			return nil, err
		}
		in.Labels, in.Conflicts = []string{}, []domain.Conflict{}
		items = append(items, in)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return items, nil
	}
	byID := make(map[int64]*domain.Inspector, len(items))
	var idArgs sqlArgs
	ph := make([]string, 0, len(items))
	var privArgs sqlArgs
	var privPh []string
	for i := range items {
		in := &items[i]
		byID[in.ID] = in
		ph = append(ph, idArgs.add(in.ID))
		if domain.Can(a, domain.ActViewPrivate, in.DepartmentID) {
			privPh = append(privPh, privArgs.add(in.ID))
		} else {
			in.IDNumber, in.Phone = "", ""
		}
	}
	lrows, err := qr.QueryContext(ctx, "SELECT inspector_id, label FROM inspector_labels WHERE inspector_id IN ("+
		strings.Join(ph, ",")+") ORDER BY inspector_id, position", idArgs...)
	if err != nil {
		return nil, err
	}
	for lrows.Next() {
		var id int64
		var l string
		if err := lrows.Scan(&id, &l); err != nil {
			lrows.Close()
			return nil, err
		}
		byID[id].Labels = append(byID[id].Labels, l)
	}
	lrows.Close()
	if err := lrows.Err(); err != nil {
		return nil, err
	}
	if len(privPh) == 0 {
		return items, nil
	}
	crows, err := qr.QueryContext(ctx, "SELECT inspector_id, entity_code, reason, declared_on FROM inspector_conflicts WHERE inspector_id IN ("+
		strings.Join(privPh, ",")+") ORDER BY inspector_id, position", privArgs...)
	if err != nil {
		return nil, err
	}
	defer crows.Close()
	for crows.Next() {
		var id int64
		var c domain.Conflict
		if err := crows.Scan(&id, &c.EntityCode, &c.Reason, dateCol{&c.DeclaredOn}); err != nil {
			return nil, err
		}
		byID[id].Conflicts = append(byID[id].Conflicts, c)
	}
	return items, crows.Err()
}

// GetInspector returns one inspector; KindNotFound if none. Private fields
// are blanked unless a may see them.
func (s *Store) GetInspector(ctx context.Context, a domain.Actor, id int64) (*domain.Inspector, error) {
	const op = "GetInspector"
	if err := domain.Require("store."+op, a, domain.ActViewDirectory, 0); err != nil {
		return nil, err
	}
	return s.getInspector(ctx, s.read, a, id)
}

func (s *Store) getInspector(ctx context.Context, q querier, a domain.Actor, id int64) (*domain.Inspector, error) {
	items, err := s.queryInspectors(ctx, q, a, "SELECT "+inspectorCols+" FROM inspectors WHERE id = $1", id)
	if err != nil {
		return nil, internal("GetInspector", err)
	}
	if len(items) == 0 {
		return nil, notFound("GetInspector")
	}
	return &items[0], nil
}

// mayEditSomeInspectors reports whether a may edit the inspectors of at
// least one department, so that a department user who left the department
// empty gets a validation error and not a refusal.
func mayEditSomeInspectors(a domain.Actor) bool {
	return domain.Can(a, domain.ActEditInspector, 0) || domain.Can(a, domain.ActEditInspector, a.DepartmentID)
}

const insertInspector = `INSERT INTO inspectors (department_id, key, name, id_number, cert_no, cert_expiry, expertise, expert, status, phone, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`

const updateInspector = `UPDATE inspectors SET department_id = $1, key = $2, name = $3, id_number = $4, cert_no = $5, cert_expiry = $6,
expertise = $7, expert = $8, status = $9, phone = $10, updated_at = $11 WHERE id = $12`

func (s *Store) inspectorArgs(in *domain.Inspector) []any {
	return []any{in.DepartmentID, in.Key(), in.Name, in.IDNumber, in.CertNo, date(in.CertExpiry), in.Expertise, in.Expert,
		string(in.Status), in.Phone, s.ts(in.UpdatedAt)}
}

// writeInspectorChildren replaces the labels and conflicts of in.
func writeInspectorChildren(ctx context.Context, tx querier, in *domain.Inspector, replace bool) error {
	if replace {
		if _, err := tx.ExecContext(ctx, `DELETE FROM inspector_labels WHERE inspector_id = $1`, in.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM inspector_conflicts WHERE inspector_id = $1`, in.ID); err != nil {
			return err
		}
	}
	for i, l := range in.Labels {
		if _, err := tx.ExecContext(ctx, `INSERT INTO inspector_labels (inspector_id, label, position) VALUES ($1, $2, $3)`, in.ID, l, i); err != nil {
			return err
		}
	}
	for i, c := range in.Conflicts {
		if _, err := tx.ExecContext(ctx, `INSERT INTO inspector_conflicts (inspector_id, entity_code, reason, declared_on, position) VALUES ($1, $2, $3, $4, $5)`,
			in.ID, c.EntityCode, c.Reason, date(c.DeclaredOn), i); err != nil {
			return err
		}
	}
	return nil
}

// SaveInspector creates (ID 0) or updates an inspector. Department staff
// may only edit their own department's inspectors, and may not move one
// into or out of it.
func (s *Store) SaveInspector(ctx context.Context, a domain.Actor, in *domain.Inspector) error {
	const op = "SaveInspector"
	if !mayEditSomeInspectors(a) {
		return domain.Require("store."+op, a, domain.ActEditInspector, a.DepartmentID)
	}
	domain.NormalizeInspector(in)
	if in.Labels == nil {
		in.Labels = []string{}
	}
	if in.Conflicts == nil {
		in.Conflicts = []domain.Conflict{}
	}
	v := domain.ValidateInspector(in, 0)
	v.Op = "store." + op
	if in.DepartmentID != 0 {
		if err := domain.Require("store."+op, a, domain.ActEditInspector, in.DepartmentID); err != nil {
			return err
		}
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		var before *domain.Inspector
		if in.ID != 0 {
			old, err := s.getInspector(ctx, tx, domain.System, in.ID)
			if err != nil {
				return err
			}
			if err := domain.Require("store."+op, a, domain.ActEditInspector, old.DepartmentID); err != nil {
				return err
			}
			before = old
		}
		if in.DepartmentID != 0 {
			ok, err := exists(ctx, tx, "departments", "id", in.DepartmentID)
			if err != nil {
				return err
			}
			if !ok {
				v.Add(domain.FieldError{Field: domain.FieldDepartment, Value: itoa(int(in.DepartmentID)), Key: "err.unknown_department"})
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		in.UpdatedAt = s.clock()
		var err error
		if before == nil {
			err = tx.QueryRowContext(ctx, insertInspector, s.inspectorArgs(in)...).Scan(&in.ID)
		} else {
			_, err = tx.ExecContext(ctx, updateInspector, append(s.inspectorArgs(in), in.ID)...)
		}
		if isUnique(err) {
			return inspectorTaken(op, in)
		}
		if err != nil {
			return err
		}
		if err := writeInspectorChildren(ctx, tx, in, before != nil); err != nil {
			return err
		}
		r := auditRec{Action: "inspector.create", ObjectType: "inspector", ObjectKey: in.Key(), Dept: in.DepartmentID, After: in}
		if before != nil {
			r.Action, r.Before = "inspector.update", before
		}
		return s.audit(ctx, tx, a, r)
	})
}

// inspectorTaken is the conflict of two inspectors with one key: the same
// certificate number, or the same name in one department for experts.
func inspectorTaken(op string, in *domain.Inspector) error {
	if in.CertNo != "" {
		return domain.E("store."+op, domain.KindConflict, "err.cert_no_taken", "cert_no", in.CertNo).WithField(domain.FieldCertNo)
	}
	return domain.E("store."+op, domain.KindConflict, "err.inspector_name_taken", "name", in.Name).WithField(domain.FieldName)
}
