// Package web is the server-rendered face of yiyeyicha: the public portal
// (home, about, search and business pages, no login) and the staff side
// (directories, imports, users, departments, audit) behind /login.
//
// Handlers sit on the standard ServeMux, one small file per action. The web
// layer checks no rights of its own beyond hiding links: every store method
// takes the actor and refuses what the actor may not do, and the error's
// kind decides the HTTP status (domain.Kind.HTTPStatus, and fail in render.go).
package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/translog"
)

// Options configure a Server.
type Options struct {
	Store         *store.Store
	Logger        *slog.Logger
	API           http.Handler // mounted at /api/v1/ if non-nil
	SecureCookies bool         // mark the session cookie Secure (behind HTTPS)
	// LogKey signs the transparency log's checkpoints; nil when the
	// deployment has no key here (then /log/checkpoint answers 409).
	LogKey *translog.Key
}

// Server holds the parsed templates, static files and in-memory state
// (login limiter, upload directory) of the web face.
type Server struct {
	store   *store.Store
	log     *slog.Logger
	api     http.Handler
	secure  bool
	logKey  *translog.Key
	pages   map[string]*template.Template
	chrome  sync.Map // chromeKey → template.HTML (render.go)
	static  *staticFiles
	limiter *loginLimiter
	now     func() time.Time

	uploadMu   sync.Mutex
	uploadDir  string   // created on the first upload
	uploadLock *os.File // held while the directory is in use (uploads_abandoned.go)
}

// New parses the templates and prepares the static files. A template that
// a handler needs but that is missing or broken is an error here, at
// start-up, rather than on the first request that needs it.
func New(o Options) (*Server, error) {
	if o.Store == nil {
		return nil, errors.New("web: Options.Store is nil")
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	st, err := loadStatic()
	if err != nil {
		return nil, err
	}
	s := &Server{
		store:   o.Store,
		log:     log,
		api:     o.API,
		secure:  o.SecureCookies,
		logKey:  o.LogKey,
		static:  st,
		limiter: newLoginLimiter(loginMaxFailures, loginWindow),
		now:     time.Now,
	}
	if s.pages, err = parsePages(s.funcs()); err != nil {
		return nil, err
	}
	s.sweepAbandonedUploads()
	return s, nil
}

// uploads returns the private directory where uploaded files wait between
// preview and confirmation, creating it on first use so that a server that
// never receives an upload (the public portal) leaves nothing behind.
func (s *Server) uploads() (string, error) {
	s.uploadMu.Lock()
	defer s.uploadMu.Unlock()
	if s.uploadDir == "" {
		dir, err := os.MkdirTemp("", "yiyeyicha-uploads-")
		if err != nil {
			return "", fmt.Errorf("web: upload directory: %w", err)
		}
		// MkdirTemp makes it 0700 already; say so explicitly, since the
		// files hold other departments' unpublished data.
		if err := os.Chmod(dir, 0o700); err != nil {
			return "", fmt.Errorf("web: upload directory: %w", err)
		}
		lock, err := holdUploadLock(dir)
		if err != nil && !errors.Is(err, errors.ErrUnsupported) {
			os.RemoveAll(dir)
			return "", fmt.Errorf("web: upload directory: %w", err)
		}
		s.uploadDir, s.uploadLock = dir, lock
	}
	return s.uploadDir, nil
}

// Close removes the uploads still waiting for confirmation. The handlers
// must not be used afterwards.
func (s *Server) Close() error {
	s.uploadMu.Lock()
	defer s.uploadMu.Unlock()
	if s.uploadDir == "" {
		return nil
	}
	err := os.RemoveAll(s.uploadDir)
	if s.uploadLock != nil {
		err = errors.Join(err, s.uploadLock.Close())
	}
	s.uploadDir, s.uploadLock = "", nil
	return err
}

// Handler serves everything: the portal at /, the staff side behind /login
// and /staff/, /healthz, /static/ and, when configured, /api/v1/.
func (s *Server) Handler() http.Handler {
	return s.wrap(s.routes())
}

// routes registers everything Handler serves, on a router that keeps the
// table of its patterns.
func (s *Server) routes() *router {
	mux := newRouter()
	s.portalRoutes(mux)
	s.staffRoutes(mux)
	if s.api != nil {
		mux.Handle("/api/v1/", s.api)
	}
	return mux
}

// PortalHandler serves only the public portal, /healthz and /static/, for a
// deployment that exposes the portal alone to the internet.
func (s *Server) PortalHandler() http.Handler {
	mux := newRouter()
	s.portalRoutes(mux)
	h := s.wrap(mux)
	// Pages served here must not link to a staff login that this address
	// does not have.
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), portalOnlyKey{}, true)))
	})
}

// router is a ServeMux that keeps the patterns registered on it, in
// order: the route table of the web face, which the role × action test
// (routes_test.go) checks has a row for every route.
type router struct {
	*http.ServeMux
	patterns []string
}

func newRouter() *router { return &router{ServeMux: http.NewServeMux()} }

// Handle registers h for pattern and records the pattern.
func (m *router) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, h)
}

// HandleFunc registers h for pattern and records the pattern.
func (m *router) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.Handle(pattern, http.HandlerFunc(h))
}

// portalOnlyKey marks requests served by PortalHandler.
type portalOnlyKey struct{}

func (s *Server) portalRoutes(mux *router) {
	mux.HandleFunc("GET /{$}", s.showPortalHome)
	mux.HandleFunc("GET /about", s.showAbout)
	mux.HandleFunc("GET /search", s.searchBusinesses)
	mux.HandleFunc("GET /entity/{code}", s.showBusiness)
	s.plansPortalRoutes(mux)
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /static/{sum}/{name}", s.serveStatic)
	s.evalPortalRoutes(mux)
	s.translogPortalRoutes(mux)
	s.drawPortalRoutes(mux)
	s.listsPortalRoutes(mux)
	mux.HandleFunc("/", s.notFound)
}

func (s *Server) staffRoutes(mux *router) {
	mux.HandleFunc("GET /login", s.showLogin)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)

	staff := func(pattern string, h func(http.ResponseWriter, *http.Request, *session)) {
		mux.Handle(pattern, s.requireUser(h))
	}
	mux.Handle("GET /staff", http.RedirectHandler("/staff/", http.StatusMovedPermanently))
	staff("GET /staff/{$}", s.showStaffHome)

	staff("GET /staff/entities", s.listEntities)
	staff("GET /staff/entities/new", s.showNewEntity)
	staff("POST /staff/entities", s.createEntity)
	staff("GET /staff/entities/export", s.exportEntities)
	staff("GET /staff/entities/{id}", s.showEntity)
	staff("GET /staff/entities/{id}/edit", s.showEditEntity)
	staff("POST /staff/entities/{id}", s.updateEntity)

	staff("GET /staff/inspectors", s.listInspectors)
	staff("GET /staff/inspectors/new", s.showNewInspector)
	staff("POST /staff/inspectors", s.createInspector)
	staff("GET /staff/inspectors/export", s.exportInspectors)
	staff("GET /staff/inspectors/{id}", s.showInspector)
	staff("GET /staff/inspectors/{id}/edit", s.showEditInspector)
	staff("POST /staff/inspectors/{id}", s.updateInspector)

	staff("GET /staff/import/{kind}", s.showImportUpload)
	staff("POST /staff/import/{kind}", s.previewImport)
	staff("POST /staff/import/{kind}/{id}", s.confirmImport)
	staff("GET /staff/import/{kind}/{id}/errors.xlsx", s.downloadImportErrors)

	staff("GET /staff/users", s.listUsers)
	staff("POST /staff/users", s.createUser)
	staff("POST /staff/users/{id}/disable", s.disableUser)
	staff("POST /staff/users/{id}/enable", s.enableUser)
	staff("POST /staff/users/{id}/password", s.resetUserPassword)
	staff("POST /staff/users/{id}/revoke", s.revokeUserSessions)

	staff("GET /staff/departments", s.listDepartments)
	staff("GET /staff/departments/{id}/edit", s.showEditDepartment)
	staff("POST /staff/departments/{id}", s.updateDepartment)

	staff("GET /staff/audit", s.listAudit)

	staff("GET /staff/password", s.showPasswordChange)
	staff("POST /staff/password", s.changePassword)
	staff("GET /staff/tokens", s.showTokens)
	staff("POST /staff/tokens", s.createToken)
	staff("POST /staff/tokens/{id}/revoke", s.revokeToken)

	s.plansRoutes(mux)
	s.inspectRoutes(mux)
	s.followUpRoutes(mux)
	s.drawStaffRoutes(mux)

	s.workdayRoutes(mux)
	s.listsRoutes(mux)
	s.evalRoutes(mux)
}
