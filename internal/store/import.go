package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

var (
	_ domain.Directory = (*Store)(nil)
	_ domain.Accounts  = (*Store)(nil)
)

// Batch sizes for imports: rows per multi-row INSERT or UPDATE … FROM
// (VALUES …) statement, and codes per IN (…) lookup. They keep the number
// of parameters far below both engines' limits (SQLite 32766, PostgreSQL
// 65535) while cutting the per-statement cost that dominates large imports.
const (
	writeBatch  = 400
	lookupBatch = 500
)

// cast marks a parameter's type where PostgreSQL cannot infer it (inside a
// VALUES list); SQLite needs no cast and a CAST there would change the
// value's affinity (CAST('2026-03-31' AS DATE) is 2026).
func (s *Store) cast(ph, typ string) string {
	if s.engine == EnginePostgres {
		return "CAST(" + ph + " AS " + typ + ")"
	}
	return ph
}

// valuesList returns "(…),(…)" for n rows built by row(args).
func valuesList(n int, args *batchArgs, row func(i int, args *batchArgs) string) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(row(i, args))
	}
	return b.String()
}

// placeholders adds vs to args and returns "(…)" of their names, each
// wrapped by casts[i] when given.
func placeholders(args *batchArgs, vs []any, casts func(i int, ph string) string) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		ph := args.add(v)
		if casts != nil {
			ph = casts(i, ph)
		}
		parts[i] = ph
	}
	return "(" + strings.Join(parts, ",") + ")"
}

// insertAudits writes audit rows in multi-row statements.
func (s *Store) insertAudits(ctx context.Context, tx querier, a domain.Actor, recs []auditRec) error {
	for len(recs) > 0 {
		n := min(writeBatch, len(recs))
		args := s.newBatchArgs(n * 9)
		var err error
		vals := valuesList(n, args, func(i int, args *batchArgs) string {
			var vs []any
			if err == nil {
				vs, err = s.auditArgs(a, recs[i])
			}
			if err != nil {
				vs = make([]any, 9)
			}
			return placeholders(args, vs, nil)
		})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor_id, actor_name, action, object_type, object_key, department_id, before_json, after_json) VALUES `+vals, args.vals...); err != nil {
			return err
		}
		recs = recs[n:]
	}
	return nil
}

// referenceSets loads the codes of industries and townships and the IDs of
// departments, small tables checked against every imported row.
func referenceSets(ctx context.Context, q querier) (industries, townships map[string]bool, depts map[int64]bool, err error) {
	load := func(query string, add func(rows *sql.Rows) error) error {
		rows, err := q.QueryContext(ctx, query)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := add(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	industries, townships, depts = map[string]bool{}, map[string]bool{}, map[int64]bool{}
	if err = load(`SELECT code FROM industries`, func(r *sql.Rows) error {
		var c string
		err := r.Scan(&c)
		industries[c] = true
		return err
	}); err != nil {
		return
	}
	if err = load(`SELECT code FROM townships`, func(r *sql.Rows) error {
		var c string
		err := r.Scan(&c)
		townships[c] = true
		return err
	}); err != nil {
		return
	}
	err = load(`SELECT id FROM departments`, func(r *sql.Rows) error {
		var id int64
		err := r.Scan(&id)
		depts[id] = true
		return err
	})
	return
}

// --- entities -------------------------------------------------------------------

// entityChanges lists the fields in which e differs from old.
func entityChanges(old, e *domain.Entity) []string {
	var f []string
	add := func(changed bool, name string) {
		if changed {
			f = append(f, name)
		}
	}
	add(old.Name != e.Name, domain.FieldName)
	add(old.Kind != e.Kind, domain.FieldKind)
	add(old.IndustryCode != e.IndustryCode, domain.FieldIndustry)
	add(old.TownshipCode != e.TownshipCode, domain.FieldTownship)
	add(old.Address != e.Address, domain.FieldAddress)
	add(old.LegalRep != e.LegalRep, domain.FieldLegalRep)
	add(old.Status != e.Status, domain.FieldStatus)
	add(old.RiskClass != e.RiskClass, domain.FieldRiskClass)
	add(old.RiskSetOn != e.RiskSetOn, domain.FieldRiskSetOn)
	add(old.CodeFlagged != e.CodeFlagged, domain.FieldCode)
	return f
}

// ImportEntities creates or updates entities by credit code, all or
// nothing: every row is validated first, and any bad row (including a code
// repeated within the rows) makes it return a *domain.ValidationError
// listing every problem, having written nothing. Otherwise it writes all
// rows in one transaction with an audit row per created or updated entity,
// and reports what changed. With opt.DryRun it only reports.
func (s *Store) ImportEntities(ctx context.Context, a domain.Actor, rows []domain.EntityRow, opt domain.ImportOptions) (*domain.ImportReport, error) {
	const op = "ImportEntities"
	if err := domain.Require("store."+op, a, domain.ActEditEntity, 0); err != nil {
		return nil, err
	}
	industries, townships, _, err := referenceSets(ctx, s.read)
	if err != nil {
		return nil, internal(op, err)
	}
	v := &domain.ValidationError{Op: "store." + op}
	ents := make([]domain.Entity, len(rows))
	first := make(map[string]int, len(rows))
	for i := range rows {
		e := &ents[i]
		*e = rows[i].Entity
		row := rows[i].Row
		domain.NormalizeEntity(e)
		rv := domain.ValidateEntity(e, row, opt.AcceptBadCodes)
		v.Errors = append(v.Errors, rv.Errors...)
		// Codes that are not text at all were reported by validation.
		if e.IndustryCode != "" && domain.TextOK(e.IndustryCode) && !industries[e.IndustryCode] {
			v.Add(domain.FieldError{Row: row, Field: domain.FieldIndustry, Value: e.IndustryCode, Key: "err.unknown_industry"})
		}
		if e.TownshipCode != "" && domain.TextOK(e.TownshipCode) && !townships[e.TownshipCode] {
			v.Add(domain.FieldError{Row: row, Field: domain.FieldTownship, Value: e.TownshipCode, Key: "err.unknown_township"})
		}
		if e.Code != "" {
			if r, dup := first[e.Code]; dup {
				v.Add(domain.FieldError{Row: row, Field: domain.FieldCode, Value: e.Code, Key: "err.duplicate_row", Args: map[string]any{"first": r}})
			} else {
				first[e.Code] = row
			}
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	rep := &domain.ImportReport{DryRun: opt.DryRun, Changes: make([]domain.Change, 0, len(rows))}
	plan := func(q querier) (creates, updates []int, before map[string]*domain.Entity, err error) {
		before, err = s.entitiesByCode(ctx, q, ents)
		if err != nil {
			return nil, nil, nil, err
		}
		*rep = domain.ImportReport{DryRun: opt.DryRun, Changes: rep.Changes[:0]}
		for i := range ents {
			e := &ents[i]
			c := domain.Change{Row: rows[i].Row, Key: e.Code}
			if e.CodeFlagged {
				rep.Flagged++
			}
			switch old := before[e.Code]; {
			case old == nil:
				c.Op = "create"
				rep.Created++
				creates = append(creates, i)
			default:
				e.ID = old.ID
				if c.Fields = entityChanges(old, e); len(c.Fields) == 0 {
					c.Op = "unchanged"
					rep.Unchanged++
					e.UpdatedAt = old.UpdatedAt
				} else {
					c.Op = "update"
					rep.Updated++
					updates = append(updates, i)
				}
			}
			rep.Changes = append(rep.Changes, c)
		}
		return creates, updates, before, nil
	}
	if opt.DryRun {
		if _, _, _, err := plan(s.read); err != nil {
			return nil, internal(op, err)
		}
		return rep, nil
	}
	err = s.inTx(ctx, op, func(tx *sql.Tx) error {
		creates, updates, before, err := plan(tx)
		if err != nil {
			return err
		}
		now := s.clock()
		audits := make([]auditRec, 0, writeBatch)
		flush := func() error {
			err := s.insertAudits(ctx, tx, a, audits)
			audits = audits[:0]
			return err
		}
		for len(creates) > 0 {
			n := min(writeBatch, len(creates))
			batch := creates[:n]
			creates = creates[n:]
			args := s.newBatchArgs(n * 12)
			vals := valuesList(n, args, func(i int, args *batchArgs) string {
				e := &ents[batch[i]]
				e.UpdatedAt = now
				return placeholders(args, s.entityArgs(e), nil)
			})
			rs, err := tx.QueryContext(ctx, `INSERT INTO entities (code, code_flagged, name, kind, industry_code, township_code, address, legal_rep, status, risk_class, risk_set_on, updated_at) VALUES `+vals+` RETURNING id, code`, args.vals...)
			if err != nil {
				if isUnique(err) {
					return domain.E("store."+op, domain.KindConflict, "err.conflict").Wrap(err)
				}
				return err
			}
			ids := make(map[string]int64, n)
			for rs.Next() {
				var id int64
				var code string
				if err := rs.Scan(&id, &code); err != nil {
					rs.Close()
					return err
				}
				ids[code] = id
			}
			rs.Close()
			if err := rs.Err(); err != nil {
				return err
			}
			for _, i := range batch {
				e := &ents[i]
				e.ID = ids[e.Code]
				audits = append(audits, auditRec{Action: "entity.create", ObjectType: "entity", ObjectKey: e.Code, After: e})
			}
			if err := flush(); err != nil {
				return err
			}
		}
		for len(updates) > 0 {
			n := min(writeBatch, len(updates))
			batch := updates[:n]
			updates = updates[n:]
			args := s.newBatchArgs(n * 12)
			vals := valuesList(n, args, func(i int, args *batchArgs) string {
				e := &ents[batch[i]]
				e.UpdatedAt = now
				return placeholders(args, append([]any{e.ID}, s.entityArgs(e)[1:]...), func(i int, ph string) string {
					switch i {
					case 0:
						return s.cast(ph, "bigint")
					case 1:
						return s.cast(ph, "boolean")
					case 10:
						return s.cast(ph, "date")
					case 11:
						return s.cast(ph, "timestamptz")
					}
					return ph
				})
			})
			if _, err := tx.ExecContext(ctx, `UPDATE entities SET code_flagged = v.column2, name = v.column3, kind = v.column4,
industry_code = v.column5, township_code = v.column6, address = v.column7, legal_rep = v.column8, status = v.column9,
risk_class = v.column10, risk_set_on = v.column11, updated_at = v.column12
FROM (VALUES `+vals+`) AS v WHERE entities.id = v.column1`, args.vals...); err != nil {
				return err
			}
			for _, i := range batch {
				e := &ents[i]
				audits = append(audits, auditRec{Action: "entity.update", ObjectType: "entity", ObjectKey: e.Code, Before: before[e.Code], After: e})
			}
			if err := flush(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// entitiesByCode returns the stored entities among the codes of ents.
func (s *Store) entitiesByCode(ctx context.Context, q querier, ents []domain.Entity) (map[string]*domain.Entity, error) {
	out := make(map[string]*domain.Entity)
	for start := 0; start < len(ents); start += lookupBatch {
		part := ents[start:min(start+lookupBatch, len(ents))]
		args := s.newBatchArgs(len(part))
		ph := make([]string, len(part))
		for i := range part {
			ph[i] = args.add(part[i].Code)
		}
		rows, err := q.QueryContext(ctx, "SELECT "+entityCols+" FROM entities WHERE code IN ("+strings.Join(ph, ",")+")", args.vals...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			e := new(domain.Entity)
			if err := scanEntity(rows, e); err != nil {
				rows.Close()
				return nil, err
			}
			out[e.Code] = e
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// --- inspectors -----------------------------------------------------------------

// inspectorChanges lists the fields in which in differs from old.
func inspectorChanges(old, in *domain.Inspector) []string {
	var f []string
	add := func(changed bool, name string) {
		if changed {
			f = append(f, name)
		}
	}
	add(old.DepartmentID != in.DepartmentID, domain.FieldDepartment)
	add(old.Name != in.Name, domain.FieldName)
	add(old.IDNumber != in.IDNumber, domain.FieldIDNumber)
	add(old.CertNo != in.CertNo, domain.FieldCertNo)
	add(old.CertExpiry != in.CertExpiry, domain.FieldCertExpiry)
	add(!slices.Equal(old.Labels, in.Labels), domain.FieldLabels)
	add(old.Expertise != in.Expertise, domain.FieldExpertise)
	add(old.Expert != in.Expert, domain.FieldExpert)
	add(old.Status != in.Status, domain.FieldStatus)
	add(old.Phone != in.Phone, domain.FieldPhone)
	add(!slices.Equal(old.Conflicts, in.Conflicts), domain.FieldConflicts)
	return f
}

// ImportInspectors creates or updates inspectors by Inspector.Key, all or
// nothing, like ImportEntities. Department staff may import only their own
// department's inspectors; rows of other departments are reported as
// errors.
func (s *Store) ImportInspectors(ctx context.Context, a domain.Actor, rows []domain.InspectorRow, opt domain.ImportOptions) (*domain.ImportReport, error) {
	const op = "ImportInspectors"
	if !mayEditSomeInspectors(a) {
		return nil, domain.Require("store."+op, a, domain.ActEditInspector, a.DepartmentID)
	}
	_, _, depts, err := referenceSets(ctx, s.read)
	if err != nil {
		return nil, internal(op, err)
	}
	v := &domain.ValidationError{Op: "store." + op}
	ins := make([]domain.Inspector, len(rows))
	first := make(map[string]int, len(rows))
	for i := range rows {
		in := &ins[i]
		*in = rows[i].Inspector
		in.Labels = slices.Clone(in.Labels)
		in.Conflicts = slices.Clone(in.Conflicts)
		row := rows[i].Row
		domain.NormalizeInspector(in)
		if in.Labels == nil {
			in.Labels = []string{}
		}
		if in.Conflicts == nil {
			in.Conflicts = []domain.Conflict{}
		}
		rv := domain.ValidateInspector(in, row)
		v.Errors = append(v.Errors, rv.Errors...)
		if in.DepartmentID != 0 {
			switch {
			case !depts[in.DepartmentID]:
				v.Add(domain.FieldError{Row: row, Field: domain.FieldDepartment, Value: itoa(int(in.DepartmentID)), Key: "err.unknown_department"})
			case !domain.Can(a, domain.ActEditInspector, in.DepartmentID):
				v.Add(domain.FieldError{Row: row, Field: domain.FieldDepartment, Value: itoa(int(in.DepartmentID)), Key: "err.department_forbidden"})
			}
		}
		if in.Name != "" && (in.CertNo != "" || in.DepartmentID != 0) {
			k := in.Key()
			if r, dup := first[k]; dup {
				field, val := domain.FieldCertNo, in.CertNo
				if in.CertNo == "" {
					field, val = domain.FieldName, in.Name
				}
				v.Add(domain.FieldError{Row: row, Field: field, Value: val, Key: "err.duplicate_row", Args: map[string]any{"first": r}})
			} else {
				first[k] = row
			}
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	rep := &domain.ImportReport{DryRun: opt.DryRun}
	type planned struct {
		i      int
		before *domain.Inspector
	}
	plan := func(q querier) (creates []int, updates []planned, err error) {
		before, err := s.inspectorsByKey(ctx, q, ins)
		if err != nil {
			return nil, nil, err
		}
		*rep = domain.ImportReport{DryRun: opt.DryRun, Changes: make([]domain.Change, 0, len(ins))}
		for i := range ins {
			in := &ins[i]
			c := domain.Change{Row: rows[i].Row, Key: in.Key()}
			old := before[c.Key]
			if old == nil {
				c.Op = "create"
				rep.Created++
				creates = append(creates, i)
				rep.Changes = append(rep.Changes, c)
				continue
			}
			if !domain.Can(a, domain.ActEditInspector, old.DepartmentID) {
				// The key belongs to another department's inspector.
				v.Add(domain.FieldError{Row: rows[i].Row, Field: domain.FieldCertNo, Value: in.CertNo, Key: "err.department_forbidden"})
				continue
			}
			in.ID = old.ID
			if c.Fields = inspectorChanges(old, in); len(c.Fields) == 0 {
				c.Op = "unchanged"
				rep.Unchanged++
				in.UpdatedAt = old.UpdatedAt
			} else {
				c.Op = "update"
				rep.Updated++
				updates = append(updates, planned{i, old})
			}
			rep.Changes = append(rep.Changes, c)
		}
		return creates, updates, v.Err()
	}
	if opt.DryRun {
		if _, _, err := plan(s.read); err != nil {
			return nil, internal(op, err)
		}
		return rep, nil
	}
	err = s.inTx(ctx, op, func(tx *sql.Tx) error {
		creates, updates, err := plan(tx)
		if err != nil {
			return err
		}
		now := s.clock()
		ins1, err := tx.PrepareContext(ctx, insertInspector)
		if err != nil {
			return err
		}
		defer ins1.Close()
		upd, err := tx.PrepareContext(ctx, updateInspector)
		if err != nil {
			return err
		}
		defer upd.Close()
		audits := make([]auditRec, 0, len(creates)+len(updates))
		for _, i := range creates {
			in := &ins[i]
			in.UpdatedAt = now
			if err := ins1.QueryRowContext(ctx, s.inspectorArgs(in)...).Scan(&in.ID); err != nil {
				if isUnique(err) {
					return inspectorTaken(op, in)
				}
				return err
			}
			if err := writeInspectorChildren(ctx, tx, in, false); err != nil {
				return err
			}
			audits = append(audits, auditRec{Action: "inspector.create", ObjectType: "inspector", ObjectKey: in.Key(), Dept: in.DepartmentID, After: in})
		}
		for _, p := range updates {
			in := &ins[p.i]
			in.UpdatedAt = now
			if _, err := upd.ExecContext(ctx, append(s.inspectorArgs(in), in.ID)...); err != nil {
				if isUnique(err) {
					return inspectorTaken(op, in)
				}
				return err
			}
			if err := writeInspectorChildren(ctx, tx, in, true); err != nil {
				return err
			}
			audits = append(audits, auditRec{Action: "inspector.update", ObjectType: "inspector", ObjectKey: in.Key(), Dept: in.DepartmentID, Before: p.before, After: in})
		}
		return s.insertAudits(ctx, tx, a, audits)
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// inspectorsByKey returns the stored inspectors (private fields included)
// among the keys of ins.
func (s *Store) inspectorsByKey(ctx context.Context, q querier, ins []domain.Inspector) (map[string]*domain.Inspector, error) {
	out := make(map[string]*domain.Inspector)
	for start := 0; start < len(ins); start += lookupBatch {
		part := ins[start:min(start+lookupBatch, len(ins))]
		args := s.newBatchArgs(len(part))
		ph := make([]string, len(part))
		for i := range part {
			ph[i] = args.add(part[i].Key())
		}
		items, err := s.queryInspectors(ctx, q, domain.System, "SELECT "+inspectorCols+" FROM inspectors WHERE key IN ("+strings.Join(ph, ",")+")", args.vals...)
		if err != nil {
			return nil, err
		}
		for i := range items {
			out[items[i].Key()] = &items[i]
		}
	}
	return out, nil
}
