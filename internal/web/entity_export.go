package web

import (
	"net/http"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/importx"
)

// exportEntities downloads the entities matching the listing's current
// filters, in the import's columns, streamed from the store.
func (s *Server) exportEntities(w http.ResponseWriter, r *http.Request, sess *session) {
	ref, err := s.reference(r.Context())
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	f := entityFilter(r.URL.Query())
	format, ctype := exportFormat(r)
	name := "entities-" + s.now().Format("20060102") + "." + format
	ew := &exportWriter{w: w, header: func() { attachment(w, ctype, name, "检查对象名录-"+s.now().Format("20060102")+"."+format) }}
	err = importx.WriteEntities(ew, format, ref.importx(), func(fn func(*domain.Entity) error) error {
		return s.store.EachEntity(r.Context(), sess.Actor, f, fn)
	})
	if err == nil {
		err = ew.commit()
	}
	if err != nil {
		if ew.committed {
			s.log.Error("export entities interrupted", "err", err)
			return
		}
		s.fail(w, r, sess, err)
	}
}
