package web

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/importx"
)

// exportCatalog downloads the catalogue items the catalogue page shows
// (?department, ?q; every department's when department is 0) in the
// import's columns, so that the file is also the template of an import.
func (s *Server) exportCatalog(w http.ResponseWriter, r *http.Request, sess *session) {
	ref, err := s.reference(r.Context())
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	f := catalogFilter(r)
	if !r.URL.Query().Has("department") {
		// The import page's template link: one's own catalogue.
		f.DepartmentID = sess.Actor.DepartmentID
	}
	items, err := s.store.ListCatalogItems(r.Context(), sess.Actor, f)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	format, ctype := exportFormat(r)
	var buf bytes.Buffer
	if err := importx.WriteCatalog(&buf, format, ref.importx(), items); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	day := s.now().Format("20060102")
	attachment(w, ctype, "catalog-"+day+"."+format, "检查事项清单-"+day+"."+format)
	_, _ = buf.WriteTo(w)
}

// catalogFilter reads the catalogue page's filters.
func catalogFilter(r *http.Request) domain.CatalogFilter {
	dept, _ := strconv.ParseInt(r.URL.Query().Get("department"), 10, 64)
	return domain.CatalogFilter{DepartmentID: dept, Query: r.URL.Query().Get("q")}
}
