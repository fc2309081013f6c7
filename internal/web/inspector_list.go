package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

type inspectorListData struct {
	Filter     domain.InspectorFilter
	Expert     string // "", "1", "0"
	List       *domain.List[domain.Inspector]
	Pager      pager
	Sort       map[string]string
	Ref        *reference
	Export     map[string]string
	Today      domain.Date
	CanAddDept int64 // a department the user may add inspectors to; 0 = none
}

func inspectorFilter(q url.Values) (domain.InspectorFilter, string) {
	f := domain.InspectorFilter{
		Query:  strings.TrimSpace(q.Get("q")),
		Status: domain.InspectorStatus(q.Get("status")),
		Label:  strings.TrimSpace(q.Get("label")),
		Sort:   q.Get("sort"),
	}
	f.DepartmentID, _ = strconv.ParseInt(q.Get("department"), 10, 64)
	expert := q.Get("expert")
	switch expert {
	case "1":
		t := true
		f.Expert = &t
	case "0":
		fl := false
		f.Expert = &fl
	default:
		expert = ""
	}
	return f, expert
}

func (s *Server) listInspectors(w http.ResponseWriter, r *http.Request, sess *session) {
	ref, err := s.reference(r.Context())
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	f, expert := inspectorFilter(r.URL.Query())
	f.Page = pageParam(r, domain.DefaultPageSize)
	list, err := s.store.ListInspectors(r.Context(), sess.Actor, f)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	exp := *r.URL
	exp.Path = "/staff/inspectors/export"
	data := &inspectorListData{Filter: f, Expert: expert, List: list, Ref: ref,
		Pager: newPager(r.URL, f.Page, list.Total),
		Sort:  sortLinks(r.URL, f.Sort, "name", "cert", "expiry", "department"),
		Export: map[string]string{
			"xlsx": withQuery(&exp, "format", "xlsx", "page", "", "size", ""),
			"csv":  withQuery(&exp, "format", "csv", "page", "", "size", ""),
		},
		Today:      domain.DateOf(s.now()),
		CanAddDept: editableDepartment(sess),
	}
	pg := s.newPage(r, sess, "web.inspectors.title", data)
	pg.Nav = "inspectors"
	s.render(w, r, http.StatusOK, pageInspectorList, pg)
}

// editableDepartment is the department whose inspectors the user may add,
// for showing the "add" link: the office any (-1), department staff their
// own.
func editableDepartment(sess *session) int64 {
	switch {
	case domain.Can(sess.Actor, domain.ActEditInspector, -1):
		return -1
	case sess.Actor.DepartmentID != 0 && domain.Can(sess.Actor, domain.ActEditInspector, sess.Actor.DepartmentID):
		return sess.Actor.DepartmentID
	}
	return 0
}
