package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// pager is the pagination bar of a listing: links keep the current
// filters and sort.
type pager struct {
	Page, Pages, Total int
	First, Last        int // 1-based positions of the items shown
	Prev, Next         string
}

// pageParam reads ?page= and ?size=; bad values fall back to defaults
// instead of failing, since they come from hand-edited URLs.
func pageParam(r *http.Request, size int) domain.Page {
	n, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if sz, err := strconv.Atoi(r.URL.Query().Get("size")); err == nil && sz > 0 {
		size = sz
	}
	return domain.Page{Number: n, Size: size}.Norm()
}

func newPager(u *url.URL, p domain.Page, total int) pager {
	p = p.Norm()
	pg := pager{Page: p.Number, Total: total, Pages: (total + p.Size - 1) / p.Size}
	if pg.Pages == 0 {
		pg.Pages = 1
	}
	if total > 0 {
		pg.First = p.Offset() + 1
		pg.Last = min(p.Offset()+p.Size, total)
	}
	if p.Number > 1 {
		pg.Prev = withQuery(u, "page", strconv.Itoa(min(p.Number-1, pg.Pages)))
	}
	if p.Number < pg.Pages {
		pg.Next = withQuery(u, "page", strconv.Itoa(p.Number+1))
	}
	return pg
}

// sortLinks builds the column-header links of a sortable table: clicking
// the current column reverses the order.
func sortLinks(u *url.URL, current string, cols ...string) map[string]string {
	m := make(map[string]string, len(cols))
	for _, c := range cols {
		v := c
		if current == c {
			v = "-" + c
		}
		m[c] = withQuery(u, "sort", v, "page", "")
	}
	return m
}
