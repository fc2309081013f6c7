package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/validate"
)

const entityCols = `id, code, code_flagged, name, kind, industry_code, township_code, address, legal_rep, status, risk_class, risk_set_on, updated_at`

func scanEntity(sc interface{ Scan(...any) error }, e *domain.Entity) error {
	return sc.Scan(&e.ID, &e.Code, &e.CodeFlagged, &e.Name, &e.Kind, &e.IndustryCode, &e.TownshipCode, &e.Address,
		&e.LegalRep, &e.Status, &e.RiskClass, dateCol{&e.RiskSetOn}, timeCol{&e.UpdatedAt})
}

// sqlArgs accumulates positional arguments and hands out their $n names.
type sqlArgs []any

func (a *sqlArgs) add(v any) string {
	*a = append(*a, v)
	return "$" + itoa(len(*a))
}

// batchArgs accumulates the arguments of a statement with many of them.
// SQLite treats $n as a named parameter and resolves names by a linear
// search, which makes a statement with thousands of them quadratic to
// prepare and bind; its anonymous ? parameters cost nothing. So batch
// statements use ? on SQLite (bound in order of appearance, which is the
// order add is called in) and $n on PostgreSQL.
type batchArgs struct {
	vals  []any
	qmark bool
}

func (s *Store) newBatchArgs(capacity int) *batchArgs {
	return &batchArgs{vals: make([]any, 0, capacity), qmark: s.engine == EngineSQLite}
}

func (a *batchArgs) add(v any) string {
	a.vals = append(a.vals, v)
	if a.qmark {
		return "?"
	}
	return "$" + itoa(len(a.vals))
}

// entityWhere builds the WHERE clause of an entity filter.
func entityWhere(f domain.EntityFilter, args *sqlArgs) string {
	var where []string
	if c := searchCond("name", "code", f.Query, args); c != "" {
		where = append(where, c)
	}
	if f.Industry != "" {
		where = append(where, "industry_code = "+args.add(f.Industry))
	}
	if f.Township != "" {
		where = append(where, "township_code = "+args.add(f.Township))
	}
	if f.RiskClass != "" {
		where = append(where, "risk_class = "+args.add(string(f.RiskClass)))
	}
	if f.Status != "" {
		where = append(where, "status = "+args.add(string(f.Status)))
	}
	if len(where) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(where, " AND ")
}

// searchCond is the condition of a search box: a substring of the name,
// or a prefix of the credit code. The code prefix is a range on the code
// index (LIKE cannot use it on SQLite); a query that can only be a code
// (six or more code characters) does not also scan every name.
func searchCond(nameCol, codeCol, query string, args *sqlArgs) string {
	q := strings.TrimSpace(query)
	if q == "" {
		return ""
	}
	c := validate.NormalizeCode(q)
	// Arguments are added in the order their names appear: PostgreSQL
	// refuses a parameter that the statement does not use.
	code := func() string {
		// Code characters are 0-9 and A-Z, so the successor of the last one
		// bounds the range and no code lies between.
		hi := c[:len(c)-1] + string(c[len(c)-1]+1)
		return "(" + codeCol + " >= " + args.add(c) + " AND " + codeCol + " < " + args.add(hi) + ")"
	}
	switch {
	case codeChars(c) && len(c) >= 6:
		return code()
	case codeChars(c):
		name := nameCol + " LIKE " + args.add("%"+likeEscape(q)+"%") + ` ESCAPE '\'`
		return "(" + name + " OR " + code() + ")"
	}
	return nameCol + " LIKE " + args.add("%"+likeEscape(q)+"%") + ` ESCAPE '\'`
}

func codeChars(s string) bool {
	if s == "" || len(s) > 18 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// orderBy turns a sort key ("name", "-name" …) into an ORDER BY clause
// from the allowed columns; unknown keys fall back to def. The id is always
// the last tie-breaker so that pages never overlap.
func orderBy(sortKey, def string, cols map[string][]string) string {
	desc := strings.HasPrefix(sortKey, "-")
	key := strings.TrimPrefix(sortKey, "-")
	c, ok := cols[key]
	if !ok {
		c, desc = cols[def], false
	}
	dir := ""
	if desc {
		dir = " DESC"
	}
	parts := make([]string, 0, len(c)+1)
	for _, col := range c {
		parts = append(parts, col+dir)
	}
	parts = append(parts, "id"+dir)
	return " ORDER BY " + strings.Join(parts, ", ")
}

var entitySorts = map[string][]string{
	"name":    {"name"},
	"code":    {"code"},
	"risk":    {"risk_class", "name"},
	"updated": {"updated_at"},
}

// entityIndexHint steers SQLite's planner for the one listing it gets
// wrong: filtered and sorted by update time, it would collect and sort all
// matches (a third of a million rows for one industry) instead of walking
// the update-time index, which carries the filter columns, until a page is
// full. PostgreSQL plans this from its statistics and gets no hint.
func (s *Store) entityIndexHint(f domain.EntityFilter) string {
	if s.engine != EngineSQLite || strings.TrimPrefix(f.Sort, "-") != "updated" || strings.TrimSpace(f.Query) != "" {
		return ""
	}
	if f.Industry == "" && f.Township == "" && f.RiskClass == "" && f.Status == "" {
		return ""
	}
	return " INDEXED BY entities_updated"
}

// ListEntities returns one page of the entity directory.
func (s *Store) ListEntities(ctx context.Context, a domain.Actor, f domain.EntityFilter) (*domain.List[domain.Entity], error) {
	const op = "ListEntities"
	if err := domain.Require("store."+op, a, domain.ActViewDirectory, 0); err != nil {
		return nil, err
	}
	if err := entityFilterText(op, f); err != nil {
		return nil, err
	}
	var args sqlArgs
	where := entityWhere(f, &args)
	p := f.Page.Norm()
	out := &domain.List[domain.Entity]{Page: p.Number, Size: p.Size, Items: []domain.Entity{}}
	nargs := len(args)
	q := "SELECT " + entityCols + " FROM entities" + s.entityIndexHint(f) + where + orderBy(f.Sort, "name", entitySorts) +
		" LIMIT " + args.add(p.Size) + " OFFSET " + args.add(p.Offset())
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var e domain.Entity
		if err := scanEntity(rows, &e); err != nil {
			return nil, internal(op, err)
		}
		out.Items = append(out.Items, e)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(op, err)
	}
	rows.Close()
	if err := s.countTotal(ctx, &out.Total, p, len(out.Items), "SELECT count(*) FROM entities"+where, args[:nargs]); err != nil {
		return nil, internal(op, err)
	}
	return out, nil
}

// EachEntity calls fn for every entity matching f (ignoring f.Page), in
// f.Sort order (code by default), streaming rows from the database so an
// export of a million rows does not hold them all in memory. An error from
// fn stops the walk and is returned.
func (s *Store) EachEntity(ctx context.Context, a domain.Actor, f domain.EntityFilter, fn func(*domain.Entity) error) error {
	const op = "EachEntity"
	if err := domain.Require("store."+op, a, domain.ActViewDirectory, 0); err != nil {
		return err
	}
	if err := entityFilterText(op, f); err != nil {
		return err
	}
	var args sqlArgs
	q := "SELECT " + entityCols + " FROM entities" + entityWhere(f, &args) + orderBy(f.Sort, "code", entitySorts)
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return internal(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var e domain.Entity
		if err := scanEntity(rows, &e); err != nil {
			return internal(op, err)
		}
		if err := fn(&e); err != nil {
			return err
		}
	}
	return internal(op, rows.Err())
}

// GetEntity returns one entity by ID; KindNotFound if none.
func (s *Store) GetEntity(ctx context.Context, a domain.Actor, id int64) (*domain.Entity, error) {
	if err := domain.Require("store.GetEntity", a, domain.ActViewDirectory, 0); err != nil {
		return nil, err
	}
	return s.getEntity(ctx, s.read, "id", id)
}

// GetEntityByCode returns one entity by its credit code (normalised first,
// so full-width or lower-case input finds it); KindNotFound if none.
func (s *Store) GetEntityByCode(ctx context.Context, a domain.Actor, code string) (*domain.Entity, error) {
	if err := domain.Require("store.GetEntityByCode", a, domain.ActViewDirectory, 0); err != nil {
		return nil, err
	}
	if err := refuseBadText("GetEntityByCode", domain.FieldCode, code); err != nil {
		return nil, err
	}
	return s.getEntity(ctx, s.read, "code", validate.NormalizeCode(code))
}

func (s *Store) getEntity(ctx context.Context, q querier, col string, v any) (*domain.Entity, error) {
	var e domain.Entity
	err := scanEntity(q.QueryRowContext(ctx, "SELECT "+entityCols+" FROM entities WHERE "+col+" = $1", v), &e)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("GetEntity")
	}
	if err != nil {
		return nil, internal("GetEntity", err)
	}
	return &e, nil
}

// exists reports whether table has a row with col = v.
func exists(ctx context.Context, q querier, table, col string, v any) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT count(*) FROM "+table+" WHERE "+col+" = $1", v).Scan(&n)
	return n > 0, err
}

// checkEntityRefs adds a field error for an industry or township that does
// not exist. Codes that are not text at all were reported by validation and
// are not looked up.
func checkEntityRefs(ctx context.Context, q querier, e *domain.Entity, row int, v *domain.ValidationError) error {
	if e.IndustryCode != "" && domain.TextOK(e.IndustryCode) {
		ok, err := exists(ctx, q, "industries", "code", e.IndustryCode)
		if err != nil {
			return err
		}
		if !ok {
			v.Add(domain.FieldError{Row: row, Field: domain.FieldIndustry, Value: e.IndustryCode, Key: "err.unknown_industry"})
		}
	}
	if e.TownshipCode != "" && domain.TextOK(e.TownshipCode) {
		ok, err := exists(ctx, q, "townships", "code", e.TownshipCode)
		if err != nil {
			return err
		}
		if !ok {
			v.Add(domain.FieldError{Row: row, Field: domain.FieldTownship, Value: e.TownshipCode, Key: "err.unknown_township"})
		}
	}
	return nil
}

const insertEntity = `INSERT INTO entities (code, code_flagged, name, kind, industry_code, township_code, address, legal_rep, status, risk_class, risk_set_on, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`

const updateEntity = `UPDATE entities SET code = $1, code_flagged = $2, name = $3, kind = $4, industry_code = $5, township_code = $6,
address = $7, legal_rep = $8, status = $9, risk_class = $10, risk_set_on = $11, updated_at = $12 WHERE id = $13`

func (s *Store) entityArgs(e *domain.Entity) []any {
	return []any{e.Code, e.CodeFlagged, e.Name, string(e.Kind), e.IndustryCode, e.TownshipCode, e.Address, e.LegalRep,
		string(e.Status), string(e.RiskClass), date(e.RiskSetOn), s.ts(e.UpdatedAt)}
}

// SaveEntity creates (ID 0) or updates an entity after normalising and
// validating it. A code whose only fault is its check character is refused,
// except on an entity that was imported with that very code flagged.
func (s *Store) SaveEntity(ctx context.Context, a domain.Actor, e *domain.Entity) error {
	const op = "SaveEntity"
	if err := domain.Require("store."+op, a, domain.ActEditEntity, 0); err != nil {
		return err
	}
	domain.NormalizeEntity(e)
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		var before *domain.Entity
		if e.ID != 0 {
			old, err := s.getEntity(ctx, tx, "id", e.ID)
			if err != nil {
				return err
			}
			before = old
		}
		keepFlag := before != nil && before.CodeFlagged && before.Code == e.Code
		v := domain.ValidateEntity(e, 0, keepFlag)
		v.Op = "store." + op
		if err := checkEntityRefs(ctx, tx, e, 0, v); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		e.UpdatedAt = s.clock()
		var err error
		if before == nil {
			err = tx.QueryRowContext(ctx, insertEntity, s.entityArgs(e)...).Scan(&e.ID)
		} else {
			_, err = tx.ExecContext(ctx, updateEntity, append(s.entityArgs(e), e.ID)...)
		}
		if isUnique(err) {
			return domain.E("store."+op, domain.KindConflict, "err.entity_code_taken", "code", e.Code).WithField(domain.FieldCode)
		}
		if err != nil {
			return err
		}
		r := auditRec{Action: "entity.create", ObjectType: "entity", ObjectKey: e.Code, After: e}
		if before != nil {
			r.Action, r.Before = "entity.update", before
		}
		return s.audit(ctx, tx, a, r)
	})
}
