package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// previewImport keeps the uploaded file and shows what importing it would
// do, or the table of every bad row. Nothing is written to the directory.
func (s *Server) previewImport(w http.ResponseWriter, r *http.Request, sess *session) {
	kind := r.PathValue("kind")
	if err := importKind(kind); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := printer(r)
	data := &importData{Kind: kind}
	r.Body = http.MaxBytesReader(w, r.Body, uploadLimit+64<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.renderImport(w, r, sess, http.StatusRequestEntityTooLarge, pageImportUpload, data, p.T("web.err.too_large", "max", uploadLimit>>20))
			return
		}
		s.renderImport(w, r, sess, http.StatusBadRequest, pageImportUpload, data, p.T("web.err.bad_form"))
		return
	}
	defer r.MultipartForm.RemoveAll()
	file, header, err := r.FormFile("file")
	if err != nil {
		s.renderImport(w, r, sess, http.StatusUnprocessableEntity, pageImportUpload, data, p.T("web.import.no_file"))
		return
	}
	defer file.Close()
	s.sweepUploads()
	u := &upload{Kind: kind, Filename: header.Filename, UserID: sess.User.ID,
		AcceptBadCodes: kind == "entities" && r.PostFormValue("accept_bad_codes") == "1", Created: s.now()}
	if kind == "lists" {
		u.Reason = strings.TrimSpace(r.PostFormValue("reason"))
	}
	if err := s.saveUpload(u, file); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	data.Upload = u
	s.showImportOutcome(w, r, sess, data, true)
}

// showImportOutcome runs the import (preview or real) and shows its report,
// the error table of bad rows, or the upload form with a file-level error.
func (s *Server) showImportOutcome(w http.ResponseWriter, r *http.Request, sess *session, data *importData, dryRun bool) {
	p := printer(r)
	rep, err := s.runImport(r.Context(), sess, data.Upload, dryRun)
	if err != nil {
		if rows := rowErrors(err); rows != nil {
			if len(rows) > maxErrorsShown {
				data.MoreErrs = len(rows) - maxErrorsShown
				rows = rows[:maxErrorsShown]
			}
			data.RowErrors = errorRows(p, rows)
			s.renderImport(w, r, sess, http.StatusUnprocessableEntity, pageImportPreview, data, p.T("web.import.has_errors", "n", len(rows)+data.MoreErrs))
			return
		}
		// Without row errors there is nothing to download or confirm.
		s.removeUpload(data.Upload.ID)
		switch domain.ErrorKind(err) {
		case domain.KindInvalid, domain.KindConflict:
			s.renderImport(w, r, sess, domain.ErrorKind(err).HTTPStatus(), pageImportUpload, &importData{Kind: data.Kind}, p.Err(err))
			return
		}
		s.fail(w, r, sess, err)
		return
	}
	data.Report, data.Lists = rep.Report, rep.Lists
	for _, c := range changesOf(rep.Report) {
		if c.Op == "unchanged" {
			continue
		}
		if len(data.Changes) == maxChangesShown {
			data.More++
			continue
		}
		data.Changes = append(data.Changes, c)
	}
	name := pageImportPreview
	if !dryRun {
		s.removeUpload(data.Upload.ID)
		name = pageImportDone
	}
	s.renderImport(w, r, sess, http.StatusOK, name, data, "")
}

// changesOf is the changes of a report; none for a joint-list import.
func changesOf(rep *domain.ImportReport) []domain.Change {
	if rep == nil {
		return nil
	}
	return rep.Changes
}
