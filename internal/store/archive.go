package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// The archive (立卷归档, issue 6): the mark that a closed visit is archived,
// set at closure for a visit with no problem found and by the lead
// department for the others, and the whole record the archive file is made
// of (internal/archive writes the file).

func archiveMark(ctx context.Context, q querier, visitID int64) (*domain.ArchiveMark, error) {
	m := &domain.ArchiveMark{}
	err := q.QueryRowContext(ctx, "SELECT archived_at, archived_by, automatic FROM visit_archives WHERE visit_id = $1", visitID).
		Scan(timeCol{&m.ArchivedAt}, &m.ArchivedBy, &m.Automatic)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}

// markArchived writes the archive mark of a closed visit with its audit row.
func (s *Store) markArchived(ctx context.Context, tx *sql.Tx, a domain.Actor, visitID, lead int64, automatic bool) error {
	m := domain.ArchiveMark{ArchivedAt: s.clock(), ArchivedBy: actorName(a), Automatic: automatic}
	if _, err := tx.ExecContext(ctx, "INSERT INTO visit_archives (visit_id, automatic, archived_by, archived_at) VALUES ($1, $2, $3, $4)",
		visitID, automatic, m.ArchivedBy, s.ts(m.ArchivedAt)); err != nil {
		return err
	}
	return s.audit(ctx, tx, a, auditRec{Action: "visit.archive", ObjectType: "visit", ObjectKey: strconv.FormatInt(visitID, 10), Dept: lead, After: m})
}

// ArchiveVisit marks a closed visit archived (立卷归档): its lead
// department's staff, once the visit is closed. A visit closed with no
// problem found was archived at closure already.
func (s *Store) ArchiveVisit(ctx context.Context, a domain.Actor, visitID int64) error {
	const op = "ArchiveVisit"
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		var lead int64
		var state domain.VisitState
		err := tx.QueryRowContext(ctx, "SELECT lead_department_id, state FROM visits WHERE id = $1", visitID).Scan(&lead, &state)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(op)
		}
		if err != nil {
			return err
		}
		if err := domain.Require("store."+op, a, domain.ActArchiveVisit, lead); err != nil {
			return err
		}
		if state != domain.VisitClosed {
			return conflict(op, "err.archive.not_closed")
		}
		m, err := archiveMark(ctx, tx, visitID)
		if err != nil {
			return err
		}
		if m != nil {
			return conflict(op, "err.archive.already")
		}
		return s.markArchived(ctx, tx, a, visitID, lead, false)
	})
}

// ArchiveRecord returns the whole record of a closed visit as its archive
// keeps it, for whoever may read the visit (Inspection): the business, the
// tasks it served, the inspection with every part, result, finding,
// sign-off, publication, attachment, the joint record and the archive
// mark, and each attachment's path in the archive file. A visit not yet
// closed has no archive.
func (s *Store) ArchiveRecord(ctx context.Context, a domain.Actor, visitID int64) (*domain.ArchiveRecord, error) {
	const op = "ArchiveRecord"
	in, err := s.Inspection(ctx, a, visitID)
	if err != nil {
		return nil, err
	}
	if in.Visit.State != domain.VisitClosed || in.Record == nil {
		return nil, conflict(op, "err.archive.not_closed")
	}
	rec := &domain.ArchiveRecord{Format: domain.ArchiveFormat, GeneratedAt: s.clock().UTC(), GeneratedBy: actorName(a), Inspection: in,
		Tasks: []domain.ArchiveTask{}, Files: []domain.ArchiveFile{}}
	b := &rec.Business
	if err := s.read.QueryRowContext(ctx, `SELECT e.code, e.name, e.kind, i.name, t.name, e.address, e.legal_rep
FROM entities e JOIN industries i ON i.code = e.industry_code JOIN townships t ON t.code = e.township_code WHERE e.id = $1`, in.Visit.EntityID).
		Scan(&b.Code, &b.Name, &b.Kind, &b.Industry, &b.Township, &b.Address, &b.LegalRep); err != nil {
		return nil, internal(op, err)
	}
	b.RiskClass = string(in.Visit.RiskClass)
	if err := scanAll(ctx, s.read, `SELECT t.id, t.name, p.year, p.title, t.implementer, d.name, vb.batch_id, vb.merged
FROM visit_batches vb JOIN task_batches tb ON tb.id = vb.batch_id JOIN plan_tasks t ON t.id = tb.task_id JOIN plans p ON p.id = t.plan_id
JOIN departments d ON d.id = t.lead_department_id WHERE vb.visit_id = $1 ORDER BY vb.merged, vb.batch_id`, []any{visitID}, func(r *sql.Rows) error {
		var x domain.ArchiveTask
		if err := r.Scan(&x.ID, &x.Name, &x.Year, &x.PlanTitle, &x.Implementer, &x.LeadDepartment, &x.BatchID, &x.Merged); err != nil {
			return err
		}
		rec.Tasks = append(rec.Tasks, x)
		return nil
	}); err != nil {
		return nil, internal(op, err)
	}
	depts := map[int64]string{}
	for _, p := range in.Parts {
		depts[p.DepartmentID] = p.DepartmentName
	}
	for i, x := range in.Attachments {
		rec.Files = append(rec.Files, domain.ArchiveFile{Attachment: x, Department: depts[x.DepartmentID], Path: domain.ArchivePath(i+1, depts[x.DepartmentID], x.Name)})
	}
	return rec, nil
}
