package web

import (
	"context"
	"errors"
	"os"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/importx"
)

// importResult is what an import did or would do: records created and
// updated (directory, inspectors, catalogue), or the joint lists drafted.
type importResult struct {
	Report *domain.ImportReport
	Lists  *domain.ListImportReport
}

// runImport reads a kept upload and imports it, as a preview (dryRun) or
// for real. Reading the file again on confirmation means what is imported
// is exactly what was previewed, with no parsed rows held in memory.
func (s *Server) runImport(ctx context.Context, sess *session, u *upload, dryRun bool) (*importResult, error) {
	ref, err := s.reference(ctx)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(s.uploadPath(u.ID, ".data"))
	if err != nil {
		return nil, domain.E("web.runImport", domain.KindNotFound, "web.import.expired").Wrap(err)
	}
	defer f.Close()
	opt := importx.Options{AcceptBadCodes: u.AcceptBadCodes}
	iopt := domain.ImportOptions{DryRun: dryRun, AcceptBadCodes: u.AcceptBadCodes}
	var res importResult
	switch u.Kind {
	case "entities":
		rows, err := importx.ReadEntities(f, u.Filename, ref.importx(), opt)
		if err != nil {
			return nil, err
		}
		res.Report, err = s.store.ImportEntities(ctx, sess.Actor, rows, iopt)
		return &res, err
	case "inspectors":
		rows, err := importx.ReadInspectors(f, u.Filename, ref.importx(), opt)
		if err != nil {
			return nil, err
		}
		res.Report, err = s.store.ImportInspectors(ctx, sess.Actor, rows, iopt)
		return &res, err
	case "catalog":
		rows, err := importx.ReadCatalog(f, u.Filename, ref.importx(), opt)
		if err != nil {
			return nil, err
		}
		res.Report, err = s.store.ImportCatalog(ctx, sess.Actor, rows, iopt)
		return &res, err
	case "lists":
		rows, err := importx.ReadJointLists(f, u.Filename, ref.importx(), opt)
		if err != nil {
			return nil, err
		}
		res.Lists, err = s.store.ImportJointLists(ctx, sess.Actor, rows, domain.ListImportOptions{Reason: u.Reason, DryRun: dryRun})
		return &res, err
	}
	return nil, domain.E("web.runImport", domain.KindNotFound, "err.not_found")
}

// rowErrors returns the row errors of a failed import, or nil when the
// failure is not about rows.
func rowErrors(err error) []domain.FieldError {
	var ve *domain.ValidationError
	if errors.As(err, &ve) {
		return ve.Errors
	}
	return nil
}

// importKind validates the {kind} path segment.
func importKind(kind string) error {
	switch kind {
	case "entities", "inspectors", "catalog", "lists":
		return nil
	}
	return domain.E("web.importKind", domain.KindNotFound, "err.not_found")
}
