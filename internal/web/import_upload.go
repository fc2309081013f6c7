package web

import (
	"net/http"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/i18n"
)

// importData is the upload, preview and result page of an import.
type importData struct {
	Kind      string
	Upload    *upload
	Report    *domain.ImportReport
	Lists     *domain.ListImportReport // joint lists: what happens to each industry's list
	Changes   []domain.Change          // what the preview shows: creations and updates, capped
	More      int                      // changes not shown
	RowErrors []errorRow
	MoreErrs  int // bad rows not listed on the page (all are in the download)
	MaxMiB    int
	CanFlag   bool   // may accept codes with a wrong check character (office)
	ListTitle string // i18n key of the page the records are listed on
}

// errorRow is one line of the error table: row, column, value, reason.
type errorRow struct {
	Row    int
	Column string
	Value  string
	Reason string
}

// The page lists at most this many changes and errors; the rest are
// counted, and the error report download has every one.
const (
	maxChangesShown = 500
	maxErrorsShown  = 1000
)

func errorRows(p *i18n.Printer, errs []domain.FieldError) []errorRow {
	out := make([]errorRow, 0, len(errs))
	for _, fe := range errs {
		args := make([]any, 0, 2*len(fe.Args))
		for k, v := range fe.Args {
			args = append(args, k, v)
		}
		out = append(out, errorRow{Row: fe.Row, Column: p.Field(fe.Field), Value: fe.Value, Reason: p.T(fe.Key, args...)})
	}
	return out
}

func importTitle(kind string) string {
	switch kind {
	case "inspectors":
		return "web.import.inspectors.title"
	case "catalog":
		return "lists.import.catalog.title"
	case "lists":
		return "lists.import.lists.title"
	}
	return "web.import.entities.title"
}

// importListTitle is the title of the page the imported records are
// listed on, /staff/{kind}.
func importListTitle(kind string) string {
	switch kind {
	case "inspectors":
		return "web.inspectors.title"
	case "catalog":
		return "lists.catalog.title"
	case "lists":
		return "lists.staff.title"
	}
	return "web.entities.title"
}

func importNav(kind string) string {
	if kind == "inspectors" || kind == "catalog" || kind == "lists" {
		return kind
	}
	return "entities"
}

func (s *Server) showImportUpload(w http.ResponseWriter, r *http.Request, sess *session) {
	kind := r.PathValue("kind")
	if err := importKind(kind); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if !mayImport(sess, kind) {
		s.fail(w, r, sess, domain.E("web.showImportUpload", domain.KindForbidden, "err.forbidden"))
		return
	}
	s.renderImport(w, r, sess, http.StatusOK, pageImportUpload, &importData{Kind: kind}, "")
}

func (s *Server) renderImport(w http.ResponseWriter, r *http.Request, sess *session, status int, name string, data *importData, errMsg string) {
	data.MaxMiB = uploadLimit >> 20
	data.ListTitle = importListTitle(data.Kind)
	data.CanFlag = data.Kind == "entities" && domain.Can(sess.Actor, domain.ActEditEntity, 0)
	pg := s.newPage(r, sess, importTitle(data.Kind), data)
	pg.Nav = importNav(data.Kind)
	pg.Error = errMsg
	s.render(w, r, status, name, pg)
}

// mayImport reports whether the upload form is of use to the user: the
// store decides for each row, this only spares others a form they cannot
// submit.
func mayImport(sess *session, kind string) bool {
	switch kind {
	case "inspectors":
		return editableDepartment(sess) != 0
	case "catalog":
		return domain.Can(sess.Actor, domain.ActEditCatalogue, sess.Actor.DepartmentID)
	case "lists":
		return domain.Can(sess.Actor, domain.ActDraftList, sess.Actor.DepartmentID)
	}
	return domain.Can(sess.Actor, domain.ActEditEntity, 0)
}
