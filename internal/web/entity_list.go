package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

type entityListData struct {
	Filter domain.EntityFilter
	List   *domain.List[domain.Entity]
	Pager  pager
	Sort   map[string]string
	Ref    *reference
	Export map[string]string // format -> URL with the current filters
}

// entityFilter reads the listing's search, filters and sort from the query.
func entityFilter(q url.Values) domain.EntityFilter {
	return domain.EntityFilter{
		Query:     strings.TrimSpace(q.Get("q")),
		Industry:  q.Get("industry"),
		Township:  q.Get("township"),
		RiskClass: domain.RiskClass(q.Get("risk")),
		Status:    domain.RegStatus(q.Get("status")),
		Sort:      q.Get("sort"),
	}
}

func (s *Server) listEntities(w http.ResponseWriter, r *http.Request, sess *session) {
	ref, err := s.reference(r.Context())
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	f := entityFilter(r.URL.Query())
	f.Page = pageParam(r, domain.DefaultPageSize)
	list, err := s.store.ListEntities(r.Context(), sess.Actor, f)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	exp := *r.URL
	exp.Path = "/staff/entities/export"
	data := &entityListData{Filter: f, List: list, Ref: ref,
		Pager: newPager(r.URL, f.Page, list.Total),
		Sort:  sortLinks(r.URL, f.Sort, "name", "code", "risk", "updated"),
		Export: map[string]string{
			"xlsx": withQuery(&exp, "format", "xlsx", "page", "", "size", ""),
			"csv":  withQuery(&exp, "format", "csv", "page", "", "size", ""),
		}}
	pg := s.newPage(r, sess, "web.entities.title", data)
	pg.Nav = "entities"
	s.render(w, r, http.StatusOK, pageEntityList, pg)
}
