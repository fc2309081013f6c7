package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

type auditListData struct {
	Filter  domain.AuditFilter
	Entries []auditRow
	Pager   pager
}

type auditRow struct {
	domain.AuditEntry
	Changes []fieldChange
}

// listAudit is the audit log: who changed what, when, before and after.
func (s *Server) listAudit(w http.ResponseWriter, r *http.Request, sess *session) {
	q := r.URL.Query()
	f := domain.AuditFilter{ObjectType: strings.TrimSpace(q.Get("type")), ObjectKey: strings.TrimSpace(q.Get("key"))}
	f.ActorID, _ = strconv.ParseInt(q.Get("actor"), 10, 64)
	f.Page = pageParam(r, domain.DefaultPageSize)
	list, err := s.store.ListAudit(r.Context(), sess.Actor, f)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	ref, err := s.reference(r.Context())
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	data := &auditListData{Filter: f, Pager: newPager(r.URL, f.Page, list.Total)}
	for _, a := range list.Items {
		data.Entries = append(data.Entries, auditRow{AuditEntry: a, Changes: diffJSON(printer(r), ref, a.Before, a.After)})
	}
	pg := s.newPage(r, sess, "web.audit.title", data)
	pg.Nav = "audit"
	s.render(w, r, http.StatusOK, pageAuditList, pg)
}
