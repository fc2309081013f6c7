package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// PublicInspections returns the inspections of the business with credit
// code whose result at least one department has published, newest first,
// as the portal shows them: the published parts only, with every item
// checked and its result; the joint record once closed; the team by name,
// department and certificate number (nothing else of theirs); never the
// attachments. Public: needs no actor.
func (s *Store) PublicInspections(ctx context.Context, code string) ([]domain.PublicInspection, error) {
	const op = "PublicInspections"
	if err := refuseBadText(op, "code", code); err != nil {
		return nil, err
	}
	// Every business page asks this; most businesses have nothing
	// published, so the one indexed query is prepared once.
	st, err := s.prepared(ctx, `SELECT v.id FROM visits v JOIN entities e ON e.id = v.entity_id
WHERE e.code = $1 AND EXISTS (SELECT 1 FROM part_signoffs so WHERE so.visit_id = v.id AND so.published_at IS NOT NULL)
ORDER BY v.id DESC`)
	if err != nil {
		return nil, internal(op, err)
	}
	rows, err := st.QueryContext(ctx, code)
	if err != nil {
		return nil, internal(op, err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, internal(op, err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal(op, err)
	}
	out := []domain.PublicInspection{}
	q := preparedReads{s}
	for _, id := range ids {
		v, err := s.getVisit(ctx, q, id)
		if err != nil {
			return nil, err
		}
		in, err := s.inspection(ctx, q, v)
		if err != nil {
			return nil, internal(op, err)
		}
		pi, err := s.publicInspection(ctx, in)
		if err != nil {
			return nil, internal(op, err)
		}
		out = append(out, pi)
	}
	return out, nil
}

func (s *Store) publicInspection(ctx context.Context, in *domain.Inspection) (domain.PublicInspection, error) {
	v := in.Visit
	pi := domain.PublicInspection{VisitID: v.ID, Year: v.Year, Window: v.Window, Tasks: []string{}, Parts: []domain.PublicPart{}, Team: []domain.PublicInspector{}}
	for _, b := range v.Batches {
		pi.Tasks = append(pi.Tasks, b.TaskName)
	}
	for _, p := range in.Parts {
		if !p.SignOff.Published() {
			continue
		}
		pp := domain.PublicPart{DepartmentName: p.DepartmentName, FormedOn: p.SignOff.FormedOn, PublishedAt: p.SignOff.PublishedAt, Items: []domain.PublicItem{}, LogIndex: -1}
		for _, xs := range [][]domain.ChecklistItem{p.Items, p.Added} {
			for _, it := range xs {
				if it.Result == nil {
					continue
				}
				pp.Items = append(pp.Items, domain.PublicItem{Name: it.Name, LegalBasis: it.LegalBasis, Result: it.Result.Result, Finding: it.Result.Finding, Added: it.Result.Added})
			}
		}
		idx, err := s.LogIndexOf(ctx, LogTypeResult, strconv.FormatInt(p.ID, 10))
		switch {
		case err == nil:
			pp.LogIndex = idx
		case domain.ErrorKind(err) != domain.KindNotFound:
			return pi, err
		}
		pi.Parts = append(pi.Parts, pp)
	}
	for _, t := range in.Team {
		pi.Team = append(pi.Team, domain.PublicInspector{Name: t.Name, DepartmentName: t.DepartmentName, CertNo: t.CertNo})
	}
	if r := in.Record; r != nil {
		pi.Category, pi.Disposal, pi.DisposalText, pi.ClosedOn = r.Category, r.Disposal, r.DisposalText, dateOf(r.ClosedAt)
	}
	return pi, s.publicFollowUp(ctx, preparedReads{s}, &pi)
}

// preparedReads is the read pool with each query prepared once
// (Store.prepared), for the public pages: most of the cost of their dozen
// small queries was parsing them.
type preparedReads struct{ s *Store }

func (p preparedReads) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := p.s.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (p preparedReads) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := p.s.prepared(ctx, query)
	if err != nil {
		// The pool reports the same error through the row.
		return p.s.read.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

func (p preparedReads) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return nil, errors.New("store: public reads write nothing")
}
