package web

import (
	"net/http"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

type searchData struct {
	Query string
	List  *domain.List[domain.PublicEntity]
	Pager pager
}

// searchBusinesses finds businesses by name or credit code for the public.
// An empty query shows the form only.
func (s *Server) searchBusinesses(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	data := &searchData{Query: q}
	if q != "" {
		p := pageParam(r, 20)
		list, err := s.store.PublicSearch(r.Context(), q, p)
		if err != nil {
			s.fail(w, r, nil, err)
			return
		}
		data.List = list
		data.Pager = newPager(r.URL, p, list.Total)
	}
	pg := s.newPage(r, nil, "web.search.title", data)
	pg.Nav = "search"
	s.render(w, r, http.StatusOK, pageSearch, pg)
}
