package web

import (
	"net/http"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

type inspectorShowData struct {
	Inspector  *domain.Inspector
	Ref        *reference
	History    []historyEntry
	HasHistory bool
	Today      domain.Date
	Private    bool // the user may see ID number, phone and conflicts
}

func (s *Server) showInspector(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	in, err := s.store.GetInspector(r.Context(), sess.Actor, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	ref, err := s.reference(r.Context())
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	hist, ok, err := s.history(r, sess, "inspector", in.Key())
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	data := &inspectorShowData{Inspector: in, Ref: ref, History: hist, HasHistory: ok,
		Today: domain.DateOf(s.now()), Private: domain.Can(sess.Actor, domain.ActViewPrivate, in.DepartmentID)}
	pg := s.newPage(r, sess, "", data)
	pg.Title = in.Name
	pg.Nav = "inspectors"
	if r.URL.Query().Get("saved") == "1" {
		pg.Notice = pg.P.T("web.notice.saved")
	}
	s.render(w, r, http.StatusOK, pageInspectorShow, pg)
}
