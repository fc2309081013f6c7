package web

import (
	"net/http"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/importx"
)

// exportInspectors downloads the inspectors matching the current filters.
// Private columns are filled only where the store returns them.
func (s *Server) exportInspectors(w http.ResponseWriter, r *http.Request, sess *session) {
	ref, err := s.reference(r.Context())
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	f, _ := inspectorFilter(r.URL.Query())
	format, ctype := exportFormat(r)
	name := "inspectors-" + s.now().Format("20060102") + "." + format
	ew := &exportWriter{w: w, header: func() { attachment(w, ctype, name, "执法检查人员名录-"+s.now().Format("20060102")+"."+format) }}
	err = importx.WriteInspectors(ew, format, ref.importx(), func(fn func(*domain.Inspector) error) error {
		return s.store.EachInspector(r.Context(), sess.Actor, f, fn)
	})
	if err == nil {
		err = ew.commit()
	}
	if err != nil {
		if ew.committed {
			s.log.Error("export inspectors interrupted", "err", err)
			return
		}
		s.fail(w, r, sess, err)
	}
}
