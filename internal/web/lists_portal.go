package web

import (
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/importx"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

type listsSearchData struct {
	Query      string
	Industry   string
	Department int64
	Lists      []domain.JointList
	Industries []domain.Industry
	Depts      map[int64]string
	DeptList   []domain.Department
}

// searchLists finds published joint lists by industry, department and
// text (industry name or item name).
func (s *Server) searchLists(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	dept, _ := strconv.ParseInt(q.Get("department"), 10, 64)
	data := &listsSearchData{Query: strings.TrimSpace(q.Get("q")), Industry: q.Get("industry"), Department: dept}
	var err error
	if data.Depts, data.DeptList, err = s.deptNames(r); err != nil {
		s.fail(w, r, nil, err)
		return
	}
	if data.Industries, err = s.store.ListIndustries(r.Context()); err != nil {
		s.fail(w, r, nil, err)
		return
	}
	data.Lists, err = s.store.ListJointLists(r.Context(), domain.Actor{},
		domain.JointListFilter{Query: data.Query, Industry: data.Industry, DepartmentID: dept, Published: true})
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	pg := s.newPage(r, nil, "lists.portal.title", data)
	pg.Nav = "lists"
	s.render(w, r, http.StatusOK, pageListsPortal, pg)
}

type listsPublicData struct {
	List    *domain.JointList
	V       *domain.JointListVersion
	Current bool
	Depts   map[int64]string
	LogRef  *LogRef // the version's transparency-log entry
}

// showPublicList shows a published version of an industry's list (the
// current one, or ?number) with the list's history.
func (s *Server) showPublicList(w http.ResponseWriter, r *http.Request) {
	l, v, ok := s.publicVersion(w, r)
	if !ok {
		return
	}
	depts, _, err := s.deptNames(r)
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	pg := s.newPage(r, nil, "", &listsPublicData{List: l, V: v, Current: v.Number == l.Current, Depts: depts,
		LogRef: s.LookupLogRef(r.Context(), store.LogTypeListVersion, store.ListVersionLogKey(v))})
	pg.Title = pg.P.T("lists.doc.title", "industry", v.IndustryName)
	pg.Nav = "lists"
	s.render(w, r, http.StatusOK, pageListsPublic, pg)
}

// publicVersion reads the list of {industry} and its version {number}
// (the current one when the path has none), answering 404 itself.
func (s *Server) publicVersion(w http.ResponseWriter, r *http.Request) (*domain.JointList, *domain.JointListVersion, bool) {
	l, err := s.store.GetJointListByIndustry(r.Context(), domain.Actor{}, r.PathValue("industry"))
	if err != nil {
		s.fail(w, r, nil, err)
		return nil, nil, false
	}
	n := l.Current
	if p := r.PathValue("number"); p != "" {
		if n, err = strconv.Atoi(p); err != nil {
			s.notFound(w, r)
			return nil, nil, false
		}
	}
	v, err := s.store.GetJointListVersionByNumber(r.Context(), domain.Actor{}, l.ID, n)
	if err != nil {
		s.fail(w, r, nil, err)
		return nil, nil, false
	}
	return l, v, true
}

func (s *Server) downloadPublicVersion(w http.ResponseWriter, r *http.Request) {
	l, v, ok := s.publicVersion(w, r)
	if !ok {
		return
	}
	s.writeListFile(w, r, l.IndustryCode+"-v"+strconv.Itoa(v.Number), r.PathValue("format"), []*domain.JointListVersion{v}, v)
}

type listsSummaryData struct {
	Versions []*domain.JointListVersion
	Depts    map[int64]string
	Items    int
}

// showListsSummary is the county's summary list (一业一查清单): the current
// version of every joint list on one page.
func (s *Server) showListsSummary(w http.ResponseWriter, r *http.Request) {
	vs, err := s.store.CurrentJointListVersions(r.Context())
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	depts, _, err := s.deptNames(r)
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	data := &listsSummaryData{Versions: vs, Depts: depts}
	for _, v := range vs {
		data.Items += len(v.Items())
	}
	pg := s.newPage(r, nil, "lists.summary.title", data)
	pg.Nav = "lists"
	s.render(w, r, http.StatusOK, pageListsSummary, pg)
}

func (s *Server) downloadListsSummary(w http.ResponseWriter, r *http.Request) {
	vs, err := s.store.CurrentJointListVersions(r.Context())
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	s.writeListFile(w, r, "yiyeyicha-lists", r.PathValue("format"), vs, vs)
}

// writeListFile sends versions as an XLSX or CSV file in the import
// columns, or asJSON as JSON.
func (s *Server) writeListFile(w http.ResponseWriter, r *http.Request, name, format string, vs []*domain.JointListVersion, asJSON any) {
	if format == "json" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + ".json"}))
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		_ = enc.Encode(asJSON)
		return
	}
	if format != "xlsx" && format != "csv" {
		s.notFound(w, r)
		return
	}
	ds, err := s.store.ListDepartments(r.Context())
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	// Written to memory first: a list is small, and an error then still
	// becomes an error page instead of a truncated file.
	var buf strings.Builder
	if err := importx.WriteJointLists(&buf, format, importx.Reference{Departments: ds}, vs); err != nil {
		s.fail(w, r, nil, err)
		return
	}
	ct := "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	if format == "csv" {
		ct = "text/csv; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + "." + format}))
	_, _ = w.Write([]byte(buf.String()))
}

type listsDiffData struct {
	List     *domain.JointList
	From, To int
	Diff     *domain.VersionDiff
	Depts    map[int64]string
	Base     string // the page's path, for the version chooser
	Staff    bool
}

// showPublicDiff shows what changed between two published versions
// (?from, ?to; by default the current one and the one before).
func (s *Server) showPublicDiff(w http.ResponseWriter, r *http.Request) {
	l, err := s.store.GetJointListByIndustry(r.Context(), domain.Actor{}, r.PathValue("industry"))
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	s.renderDiff(w, r, nil, l, domain.Actor{}, "/lists/"+l.IndustryCode)
}

func (s *Server) renderDiff(w http.ResponseWriter, r *http.Request, sess *session, l *domain.JointList, a domain.Actor, base string) {
	q := r.URL.Query()
	to, _ := strconv.Atoi(q.Get("to"))
	from, _ := strconv.Atoi(q.Get("from"))
	if to == 0 {
		to = l.Current
		if l.DraftVersionID != 0 && len(l.Versions) > 0 {
			to = l.Versions[0].Number
		}
	}
	if from == 0 {
		from = to - 1
	}
	d, err := s.store.DiffJointListVersions(r.Context(), a, l.ID, from, to)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	depts, _, err := s.deptNames(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	pg := s.newPage(r, sess, "", &listsDiffData{List: l, From: from, To: to, Diff: d, Depts: depts, Base: base, Staff: sess != nil})
	pg.Title = pg.P.T("lists.diff.title", "industry", l.IndustryName, "from", from, "to", to)
	pg.Nav = "lists"
	s.render(w, r, http.StatusOK, pageListsDiff, pg)
}
