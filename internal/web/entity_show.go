package web

import (
	"net/http"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

type entityShowData struct {
	Entity     *domain.Entity
	Ref        *reference
	History    []historyEntry
	HasHistory bool
	Burden     *store.EntityBurden
	Punish     *punishData
}

// pathID reads the {id} path segment; a non-number is "not found", not a
// server error.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.E("web.pathID", domain.KindNotFound, "err.not_found")
	}
	return id, nil
}

func (s *Server) showEntity(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	e, err := s.store.GetEntity(r.Context(), sess.Actor, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	ref, err := s.reference(r.Context())
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	hist, ok, err := s.history(r, sess, "entity", e.Code)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	burden, err := s.store.BusinessBurden(r.Context(), sess.Actor, e.Code, domain.DateOf(s.now().In(chinaZone)).Year)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	punish, err := s.punishData(r.Context(), sess.Actor, e.ID, r.URL.Path)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	pg := s.newPage(r, sess, "", &entityShowData{Entity: e, Ref: ref, History: hist, HasHistory: ok, Burden: burden, Punish: punish})
	pg.Title = e.Name
	pg.Nav = "entities"
	if r.URL.Query().Get("saved") == "1" {
		pg.Notice = pg.P.T("web.notice.saved")
	}
	if d := r.URL.Query().Get("done"); d != "" {
		pg.Notice = pg.P.T("followup.done." + d)
	}
	s.render(w, r, http.StatusOK, pageEntityShow, pg)
}
