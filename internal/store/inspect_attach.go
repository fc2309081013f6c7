package store

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"strconv"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/attach"
	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// Evidence (photos, PDFs of signed forms) attached to a visit by a
// department. The bytes go into the blob store first, under their SHA-256;
// the row is written afterwards in its own transaction with its audit row.
// A crash between the two leaves a blob no row refers to, never a row
// without its blob; SweepAttachments removes such blobs.

// SetBlobs sets where attachment bytes are kept (attach.Disk under the data
// directory by default). Without one, attaching is refused.
func (s *Store) SetBlobs(b attach.Blobs) { s.blobs = b }

func (s *Store) visitAttachments(ctx context.Context, q querier, visitID int64) ([]domain.Attachment, error) {
	out := []domain.Attachment{}
	err := scanAll(ctx, q, "SELECT "+attachCols+" FROM attachments WHERE visit_id = $1 ORDER BY id", []any{visitID}, func(r *sql.Rows) error {
		var x domain.Attachment
		if err := scanAttachment(r, &x); err != nil {
			return err
		}
		out = append(out, x)
		return nil
	})
	return out, err
}

const attachCols = "id, visit_id, part_id, department_id, item_id, sha256, name, mime, size, uploaded_by, created_at"

func scanAttachment(sc interface{ Scan(...any) error }, x *domain.Attachment) error {
	return sc.Scan(&x.ID, &x.VisitID, nullID{&x.PartID}, &x.DepartmentID, nullID{&x.ItemID}, &x.SHA256, &x.Name, &x.MediaType, &x.Size, &x.UploadedBy, timeCol{&x.CreatedAt})
}

// AddAttachment attaches a received upload (attach.Receive has checked its
// size and type) to a department's part of a visit, optionally as evidence
// of one item. Rights are checked before anything is stored; a part signed
// off or a visit closed takes no more evidence.
func (s *Store) AddAttachment(ctx context.Context, a domain.Actor, partID, itemID int64, up *attach.Upload) (*domain.Attachment, error) {
	const op = "AddAttachment"
	check := func(q querier) (*partRef, error) {
		p, err := s.partRef(ctx, q, op, partID)
		if err != nil {
			return nil, err
		}
		if err := requireOnVisit(ctx, q, op, a, domain.ActEnterResult, p.Dept, p.VisitID); err != nil {
			return nil, err
		}
		return p, p.editable(op)
	}
	if _, err := check(s.read); err != nil {
		return nil, internal(op, err)
	}
	if s.blobs == nil {
		return nil, domain.E("store."+op, domain.KindConflict, "err.inspect.no_file_store")
	}
	r, err := up.Reader()
	if err != nil {
		return nil, internal(op, err)
	}
	if err := s.blobs.Put(ctx, up.SHA256, r); err != nil {
		return nil, internal(op, err)
	}
	x := &domain.Attachment{SHA256: up.SHA256, Name: up.Filename, MediaType: up.MediaType, Size: up.Size, UploadedBy: actorName(a), ItemID: itemID}
	err = s.inTx(ctx, op, func(tx *sql.Tx) error {
		p, err := check(tx)
		if err != nil {
			return err
		}
		if itemID != 0 {
			ok, err := exists(ctx, tx, "catalog_items", "id", itemID)
			if err != nil {
				return err
			}
			if !ok {
				return domain.E("store."+op, domain.KindInvalid, "err.inspect.unknown_item").WithField(domain.FieldResultItem)
			}
		}
		x.VisitID, x.PartID, x.DepartmentID, x.CreatedAt = p.VisitID, p.ID, p.Dept, s.clock()
		if err := tx.QueryRowContext(ctx, `INSERT INTO attachments (visit_id, part_id, department_id, item_id, sha256, name, mime, size, uploaded_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, x.VisitID, x.PartID, x.DepartmentID, idOrNull(itemID), x.SHA256, x.Name, x.MediaType, x.Size,
			x.UploadedBy, s.ts(x.CreatedAt)).Scan(&x.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auditRec{Action: "attachment.add", ObjectType: "visit", ObjectKey: strconv.FormatInt(x.VisitID, 10), Dept: x.DepartmentID, After: x})
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

// OpenAttachment returns an attachment and its content for whoever may
// read its visit, or receives a referral it is evidence of. Attachments are never public. The caller closes the
// reader.
func (s *Store) OpenAttachment(ctx context.Context, a domain.Actor, id int64) (*domain.Attachment, io.ReadCloser, error) {
	const op = "OpenAttachment"
	if err := domain.Require("store."+op, a, domain.ActViewPlans, 0); err != nil {
		return nil, nil, err
	}
	var x domain.Attachment
	err := scanAttachment(s.read.QueryRowContext(ctx, "SELECT "+attachCols+" FROM attachments WHERE id = $1", id), &x)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, notFound(op)
	}
	if err != nil {
		return nil, nil, internal(op, err)
	}
	if _, err := s.GetVisit(ctx, a, x.VisitID); err != nil {
		// The receiver of a referral reads the evidence linked to it.
		if ok, rerr := s.referredTo(ctx, a, x.ID); rerr != nil || !ok {
			return nil, nil, err
		}
	}
	if s.blobs == nil {
		return nil, nil, domain.E("store."+op, domain.KindConflict, "err.inspect.no_file_store")
	}
	rc, err := s.blobs.Open(ctx, x.SHA256)
	if err != nil {
		return nil, nil, internal(op, err)
	}
	return &x, rc, nil
}

// SweepAttachments deletes the blobs no attachment refers to and that were
// stored more than grace ago (a blob stored moments ago may belong to an
// attachment whose transaction is still running). It returns how many it
// deleted.
func (s *Store) SweepAttachments(ctx context.Context, grace time.Duration) (int, error) {
	if s.blobs == nil {
		return 0, nil
	}
	// Blob times are the file system's, so the cutoff is too (not the
	// store's clock, which tests move).
	return attach.Sweep(ctx, s.blobs, time.Now().Add(-grace), func(key string) (bool, error) {
		return exists(ctx, s.read, "attachments", "sha256", key)
	})
}

// Backdate makes the store write as of at until the returned function is
// called: for the demo generator only, whose history (results formed,
// published late, overdue) must lie in the past. Not safe while the store
// serves requests.
func (s *Store) Backdate(at time.Time) (restore func()) {
	prev := s.now
	s.now = func() time.Time { return at }
	return func() { s.now = prev }
}
