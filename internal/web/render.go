package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/i18n"
)

//go:embed templates
var templateFS embed.FS

// The pages handlers render. New fails when one of them is missing, so a
// typo in a template name is a start-up error, not a 500 in production.
const (
	pagePortalHome     = "portal_home"
	pageAbout          = "about"
	pageSearch         = "search"
	pageBusiness       = "business"
	pageError          = "error"
	pageLogin          = "login"
	pageStaffHome      = "staff_home"
	pageEntityList     = "entity_list"
	pageEntityShow     = "entity_show"
	pageEntityForm     = "entity_form"
	pageInspectorList  = "inspector_list"
	pageInspectorShow  = "inspector_show"
	pageInspectorForm  = "inspector_form"
	pageImportUpload   = "import_upload"
	pageImportPreview  = "import_preview"
	pageImportDone     = "import_done"
	pageUserList       = "user_list"
	pageDepartmentList = "department_list"
	pageDepartmentForm = "department_form"
	pageAuditList      = "audit_list"
	pagePassword       = "password"
	pageTokens         = "tokens"
	pageDrawList       = "draw_list"
	pageDrawShow       = "draw_show"
)

var requiredPages = []string{
	pagePortalHome, pageAbout, pageSearch, pageBusiness, pageError, pageLogin, pageStaffHome,
	pageEntityList, pageEntityShow, pageEntityForm, pageInspectorList, pageInspectorShow, pageInspectorForm,
	pageImportUpload, pageImportPreview, pageImportDone, pageUserList, pageDepartmentList, pageDepartmentForm,
	pageAuditList, pagePassword, pageTokens, pageDrawList, pageDrawShow, pageDrawStaffList, pageDrawAnnounce, pageDrawStaff,
	pagePlanList, pagePlanShow, pageTaskForm, pageTaskShow, pageAdjustmentList, pageVisitList, pageInbox, pagePortalPlans, pagePortalPlan,
}

// parsePages parses every page under templates/pages together with the
// layout and the shared partials, once.
func parsePages(funcs template.FuncMap) (map[string]*template.Template, error) {
	base, err := template.New("base").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	files, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		t, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("web: templates: %w", err)
		}
		if _, err := t.ParseFS(templateFS, f); err != nil {
			return nil, fmt.Errorf("web: template %s: %w", f, err)
		}
		pages[strings.TrimSuffix(path.Base(f), ".html")] = t
	}
	for _, name := range requiredPages {
		t, ok := pages[name]
		if !ok || t.Lookup("content") == nil {
			return nil, fmt.Errorf("web: template %q is missing", name)
		}
	}
	return pages, nil
}

// page is what every template receives. The Printer travels in the data,
// never in the shared FuncMap, so concurrent requests in different
// languages cannot mix.
type page struct {
	P         *i18n.Printer
	Lang      string
	Title     string
	Sess      *session
	Staff     bool // staff layout (navigation of the staff side)
	Nav       string
	LangLinks []langLink
	Path      string
	Public    bool   // served by PortalHandler: no staff side to link to
	Notice    string // a success message
	Error     string // a general error message above the content
	Data      any
}

type langLink struct {
	Label  string
	URL    string
	Active bool
}

// newPage fills the common part of the page data.
func (s *Server) newPage(r *http.Request, sess *session, titleKey string, data any) *page {
	p := printer(r)
	pg := &page{P: p, Lang: string(p.Lang()), Sess: sess, Staff: sess != nil, Path: r.URL.Path, Data: data}
	pg.Public, _ = r.Context().Value(portalOnlyKey{}).(bool)
	if titleKey != "" {
		pg.Title = p.T(titleKey)
	}
	for _, l := range []struct {
		lang  i18n.Lang
		label string
	}{{i18n.ZH, "中文"}, {i18n.EN, "English"}} {
		q := r.URL.Query()
		q.Set("lang", string(l.lang))
		pg.LangLinks = append(pg.LangLinks, langLink{Label: l.label, URL: r.URL.Path + "?" + q.Encode(), Active: p.Lang() == l.lang})
	}
	return pg
}

// render executes a page into a buffer first, so a template error becomes
// a clean 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, pg *page) {
	t, ok := s.pages[name]
	if !ok {
		s.log.Error("unknown page", "page", name)
		http.Error(w, pg.P.T("err.internal"), http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", pg); err != nil {
		s.log.Error("render", "page", name, "path", r.URL.Path, "err", err)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintln(w, pg.P.T("err.internal"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// chromeKey names one rendering of a part of the layout that depends
// only on the language, the side and the current section (layout.html:
// the masthead's brand, the portal's navigation, the footer).
type chromeKey struct {
	name, lang, nav string
	staff           bool
}

// renderChrome renders the part name of the layout for pg once per
// language, side and section and reuses it: executing these few dozen
// translated links cost about a third of the portal's business page.
func (s *Server) renderChrome(name string, pg *page) (template.HTML, error) {
	k := chromeKey{name: name, lang: pg.Lang, nav: pg.Nav, staff: pg.Staff}
	if h, ok := s.chrome.Load(k); ok {
		return h.(template.HTML), nil
	}
	var b bytes.Buffer
	if err := s.pages[pageError].ExecuteTemplate(&b, name, &page{P: pg.P, Lang: pg.Lang, Nav: pg.Nav, Staff: pg.Staff}); err != nil {
		return "", err
	}
	h := template.HTML(b.String()) //nolint:gosec // the output of an html/template
	s.chrome.Store(k, h)
	return h, nil
}

// renderStatus shows the error page with one translated message.
func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, sess *session, status int, key string) {
	pg := s.newPage(r, sess, "web.error.title", nil)
	pg.Error = pg.P.T(key)
	s.render(w, r, status, pageError, pg)
}

// fail answers a request whose work failed with err. Bad input, missing
// records, refusals and conflicts are shown translated with their status;
// an unauthorized visitor is sent to log in; anything else is logged with
// its detail and shown only as "internal error".
func (s *Server) fail(w http.ResponseWriter, r *http.Request, sess *session, err error) {
	if clientGone(r, err) {
		// Nobody is waiting for an answer, and nothing is wrong with the
		// server: not an error to page anyone about.
		s.log.Info("request abandoned by the client", "method", r.Method, "path", r.URL.Path)
		return
	}
	kind := domain.ErrorKind(err)
	if kind == domain.KindUnauthorized {
		s.redirectToLogin(w, r)
		return
	}
	status := kind.HTTPStatus()
	pg := s.newPage(r, sess, "web.error.title", nil)
	if status == http.StatusInternalServerError {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		pg.Error = pg.P.T("err.internal")
	} else {
		pg.Error = pg.P.Err(err)
	}
	s.render(w, r, status, pageError, pg)
}

// clientGone reports whether err is only the request's own context ending:
// the visitor closed the connection or navigated away.
func clientGone(r *http.Request, err error) bool {
	return r.Context().Err() != nil && errors.Is(err, r.Context().Err())
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.renderStatus(w, r, nil, http.StatusNotFound, "web.err.page_not_found")
}

// funcs are the template helpers. None of them depends on the request.
func (s *Server) funcs() template.FuncMap {
	m := template.FuncMap{
		"static": s.staticPath,
		"add":    func(a, b int) int { return a + b },
		"date":   func(d domain.Date) string { return d.String() },
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.Local().Format("2006-01-02 15:04")
		},
		"join":   strings.Join,
		"chrome": s.renderChrome,
		"can": func(sess *session, act string, dept int64) bool {
			return sess != nil && domain.Can(sess.Actor, domain.Action(act), dept)
		},
		"role": func(sess *session) string {
			if sess == nil {
				return ""
			}
			return string(sess.User.Role)
		},
		"str": func(v any) string { return fmt.Sprint(v) },
		"riskCount": func(st *domain.Stats, class string) int {
			if st == nil {
				return 0
			}
			return st.ByRisk[domain.RiskClass(class)]
		},
		"selected": func(a, b any) bool { return fmt.Sprint(a) == fmt.Sprint(b) },
		"list":     func(xs ...string) []string { return xs },
		// tr translates prefix+key when the catalogue knows it and shows
		// the raw value otherwise, for open sets such as audit actions.
		"tr": func(p *i18n.Printer, prefix, key string) string {
			if v := p.T(prefix + key); v != prefix+key {
				return v
			}
			return key
		},
	}
	maps.Copy(m, s.plansFuncs())
	return m
}

// withQuery returns the URL path?query of r with the given key set (or
// removed when value is empty), for pagination and sort links that keep
// the current filters.
func withQuery(u *url.URL, kv ...string) string {
	q := u.Query()
	q.Del("lang")
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			q.Del(kv[i])
		} else {
			q.Set(kv[i], kv[i+1])
		}
	}
	if len(q) == 0 {
		return u.Path
	}
	return u.Path + "?" + q.Encode()
}
