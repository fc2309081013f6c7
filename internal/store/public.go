package store

import (
	"context"
	"database/sql"
	"errors"
	"math/rand/v2"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/validate"
)

const publicCols = `e.code, e.name, e.kind, i.name, t.name, e.address, e.status`

const publicFrom = ` FROM entities e JOIN industries i ON i.code = e.industry_code JOIN townships t ON t.code = e.township_code`

func scanPublic(sc interface{ Scan(...any) error }, p *domain.PublicEntity) error {
	return sc.Scan(&p.Code, &p.Name, &p.Kind, &p.Industry, &p.Township, &p.Address, &p.Status)
}

// PublicSearch finds entities for the public portal by name substring or
// code prefix. It needs no actor: what it returns is public (never the risk
// class). An empty query finds nothing rather than listing the directory.
func (s *Store) PublicSearch(ctx context.Context, query string, p domain.Page) (*domain.List[domain.PublicEntity], error) {
	const op = "PublicSearch"
	p = p.Norm()
	out := &domain.List[domain.PublicEntity]{Page: p.Number, Size: p.Size, Items: []domain.PublicEntity{}}
	if err := refuseBadText(op, domain.FieldQuery, query); err != nil {
		return nil, err
	}
	query = strings.TrimSpace(query)
	if query == "" {
		return out, nil
	}
	var args sqlArgs
	where := " WHERE " + searchCond("e.name", "e.code", query, &args)
	nargs := len(args)
	rows, err := s.read.QueryContext(ctx, "SELECT "+publicCols+publicFrom+where+" ORDER BY e.name, e.id LIMIT "+
		args.add(p.Size)+" OFFSET "+args.add(p.Offset()), args...)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var pe domain.PublicEntity
		if err := scanPublic(rows, &pe); err != nil {
			return nil, internal(op, err)
		}
		out.Items = append(out.Items, pe)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(op, err)
	}
	rows.Close()
	if err := s.countTotal(ctx, &out.Total, p, len(out.Items), "SELECT count(*) FROM entities e"+where, args[:nargs]); err != nil {
		return nil, internal(op, err)
	}
	return out, nil
}

// PublicEntity returns the public view of one entity by credit code;
// KindNotFound if none.
func (s *Store) PublicEntity(ctx context.Context, code string) (*domain.PublicEntity, error) {
	if err := refuseBadText("PublicEntity", domain.FieldCode, code); err != nil {
		return nil, err
	}
	var pe domain.PublicEntity
	st, err := s.prepared(ctx, "SELECT "+publicCols+publicFrom+" WHERE e.code = $1")
	if err != nil {
		return nil, internal("PublicEntity", err)
	}
	err = scanPublic(st.QueryRowContext(ctx, validate.NormalizeCode(code)), &pe)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("PublicEntity")
	}
	if err != nil {
		return nil, internal("PublicEntity", err)
	}
	return &pe, nil
}

// Stats counts the directories and reference data. The counts are public
// (the portal shows them), so no actor is needed.
func (s *Store) Stats(ctx context.Context) (*domain.Stats, error) {
	const op = "Stats"
	st := &domain.Stats{ByRisk: map[domain.RiskClass]int{}}
	for _, r := range domain.RiskClasses {
		st.ByRisk[r] = 0
	}
	rows, err := s.read.QueryContext(ctx, `SELECT risk_class, count(*) FROM entities GROUP BY risk_class`)
	if err != nil {
		return nil, internal(op, err)
	}
	for rows.Next() {
		var r domain.RiskClass
		var n int
		if err := rows.Scan(&r, &n); err != nil {
			rows.Close()
			return nil, internal(op, err)
		}
		st.ByRisk[r] = n
		st.Entities += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal(op, err)
	}
	err = s.read.QueryRowContext(ctx, `SELECT
(SELECT count(*) FROM inspectors),
(SELECT count(*) FROM inspectors WHERE expert = $1),
(SELECT count(*) FROM departments),
(SELECT count(*) FROM industries),
(SELECT count(*) FROM townships)`, true).Scan(&st.Inspectors, &st.Experts, &st.Departments, &st.Industries, &st.Townships)
	if err != nil {
		return nil, internal(op, err)
	}
	return st, nil
}

// SampleEntityCodes returns n credit codes of stored businesses picked at
// random (uniformly over the ID range, each the first business at or after
// a random ID), for load tests and benchmarks. Codes are public, so no
// actor is needed. An empty directory gives none.
func (s *Store) SampleEntityCodes(ctx context.Context, n int, rng *rand.Rand) ([]string, error) {
	const op = "SampleEntityCodes"
	var lo, hi sql.NullInt64
	if err := s.read.QueryRowContext(ctx, `SELECT min(id), max(id) FROM entities`).Scan(&lo, &hi); err != nil {
		return nil, internal(op, err)
	}
	if !lo.Valid {
		return nil, nil
	}
	out := make([]string, 0, n)
	for range n {
		var code string
		id := lo.Int64 + rng.Int64N(hi.Int64-lo.Int64+1)
		if err := s.read.QueryRowContext(ctx, `SELECT code FROM entities WHERE id >= $1 ORDER BY id LIMIT 1`, id).Scan(&code); err != nil {
			return nil, internal(op, err)
		}
		out = append(out, code)
	}
	return out, nil
}
