package web

import (
	"bytes"
	"net/http"

	"github.com/yiyeyicha/yiyeyicha/internal/importx"
)

// downloadImportErrors serves the error table of an upload as XLSX, in the
// user's language, for the department to fix its spreadsheet.
func (s *Server) downloadImportErrors(w http.ResponseWriter, r *http.Request, sess *session) {
	kind := r.PathValue("kind")
	if err := importKind(kind); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	u, err := s.loadUpload(r.PathValue("id"), kind, sess.User.ID)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	_, err = s.runImport(r.Context(), sess, u, true)
	rows := rowErrors(err)
	if rows == nil {
		if err == nil {
			http.Redirect(w, r, "/staff/import/"+kind, http.StatusSeeOther)
			return
		}
		s.fail(w, r, sess, err)
		return
	}
	var buf bytes.Buffer
	if err := importx.WriteErrorReport(&buf, rows, printer(r)); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	attachment(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "import-errors.xlsx", "导入错误-"+u.Filename+".xlsx")
	_, _ = buf.WriteTo(w)
}
