// Package api is the JSON API v1 of yiyeyicha: the two directories, the
// reference data, imports and exports, the audit log and the public search,
// for programs instead of browsers. It is a thin face over the store: every
// right is checked there (domain.Can); this package authenticates the bearer
// token, decodes and checks the request's shape, and renders results and
// errors as JSON in the caller's language.
//
// All routes are listed once, in routes; the same table registers them on
// the ServeMux and is checked against the OpenAPI document served at
// /api/v1/openapi.json.
package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

// Prefix is the path under which every route of the API lives.
const Prefix = "/api/v1/"

// Body size limits. JSON bodies are records of a few hundred bytes; 1 MiB
// leaves room for an inspector with many conflicts and stops a client from
// making the server buffer arbitrary amounts. Imports are directory files.
const (
	MaxJSONBytes   = 1 << 20
	MaxImportBytes = 20 << 20
)

// handlerFunc serves one route. It returns an error instead of writing one
// so that every failure goes through writeError and has the same body. The
// actor is the token's owner, or the zero Actor on public routes.
type handlerFunc func(s *server, w http.ResponseWriter, r *http.Request, a domain.Actor) error

// route is one row of the route table.
type route struct {
	Method  string
	Path    string // ServeMux path pattern, also the OpenAPI path
	Auth    bool   // a bearer token is required
	Summary string // also the operation's summary in the OpenAPI document
	Query   []string
	Handle  handlerFunc
}

var (
	entityFilterQuery    = []string{"q", "industry", "township", "risk_class", "status", "sort"}
	inspectorFilterQuery = []string{"q", "department_id", "status", "expert", "label", "sort"}
	pageQuery            = []string{"page", "size"}
)

func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// routes is the one table of the API: registration, the query parameters
// each route accepts (others are rejected, so that a misspelt filter is an
// error instead of an unfiltered answer) and the OpenAPI check all use it.
var routes = []route{
	{"GET", "/api/v1/openapi.json", false, "OpenAPI document of this API", nil, (*server).openAPI},
	{"GET", "/api/v1/me", true, "The token's user and what they may do", nil, (*server).me},
	{"GET", "/api/v1/departments", true, "List departments", nil, (*server).departments},
	{"GET", "/api/v1/industries", true, "List industries", nil, (*server).industries},
	{"GET", "/api/v1/townships", true, "List townships", nil, (*server).townships},
	{"GET", "/api/v1/entities", true, "Search market entities", concat(entityFilterQuery, pageQuery), (*server).listEntities},
	{"POST", "/api/v1/entities", true, "Create a market entity", nil, (*server).createEntity},
	{"GET", "/api/v1/entities/{code}", true, "Get a market entity by credit code", nil, (*server).getEntity},
	{"PUT", "/api/v1/entities/{code}", true, "Update a market entity", nil, (*server).updateEntity},
	{"GET", "/api/v1/inspectors", true, "Search inspectors", concat(inspectorFilterQuery, pageQuery), (*server).listInspectors},
	{"POST", "/api/v1/inspectors", true, "Create an inspector", nil, (*server).createInspector},
	{"GET", "/api/v1/inspectors/{id}", true, "Get an inspector", nil, (*server).getInspector},
	{"PUT", "/api/v1/inspectors/{id}", true, "Update an inspector", nil, (*server).updateInspector},
	{"POST", "/api/v1/import/entities", true, "Import market entities from an XLSX or CSV file", []string{"filename", "format", "dry_run", "accept_bad_codes"}, (*server).importEntities},
	{"POST", "/api/v1/import/inspectors", true, "Import inspectors from an XLSX or CSV file", []string{"filename", "format", "dry_run", "accept_bad_codes"}, (*server).importInspectors},
	{"GET", "/api/v1/export/entities", true, "Export market entities as XLSX or CSV", concat([]string{"format"}, entityFilterQuery), (*server).exportEntities},
	{"GET", "/api/v1/export/inspectors", true, "Export inspectors as XLSX or CSV", concat([]string{"format"}, inspectorFilterQuery), (*server).exportInspectors},
	{"GET", "/api/v1/audit", true, "Read the audit log", concat([]string{"object_type", "object_key", "actor_id"}, pageQuery), (*server).audit},
	{"GET", "/api/v1/public/entities", false, "Public search of market entities", concat([]string{"q"}, pageQuery), (*server).publicSearch},
	{"GET", "/api/v1/public/entities/{code}", false, "Public view of one market entity", nil, (*server).publicEntity},
	{"GET", "/api/v1/catalog", true, "List catalogue items", []string{"q", "department_id", "status"}, (*server).listCatalog},
	{"POST", "/api/v1/catalog", true, "Create a catalogue item", nil, (*server).createCatalogItem},
	{"GET", "/api/v1/catalog/{id}", true, "Get a catalogue item", nil, (*server).getCatalogItem},
	{"PUT", "/api/v1/catalog/{id}", true, "Update a catalogue item", nil, (*server).updateCatalogItem},
	{"GET", "/api/v1/lists", true, "List joint lists, drafts included", listQuery, (*server).listJointLists},
	{"POST", "/api/v1/lists", true, "Open a joint list with its first draft", nil, (*server).createJointList},
	{"GET", "/api/v1/lists/{id}", true, "Get a joint list with its versions", nil, (*server).getJointList},
	{"POST", "/api/v1/lists/{id}/versions", true, "Open a new version of a published joint list", nil, (*server).openDraft},
	{"GET", "/api/v1/versions/{id}", true, "Get a joint-list version", nil, (*server).getVersion},
	{"DELETE", "/api/v1/versions/{id}", true, "Discard a draft", nil, (*server).discardDraft},
	{"PUT", "/api/v1/versions/{id}/header", true, "Change the header of a draft", nil, (*server).updateHeader},
	{"PUT", "/api/v1/versions/{id}/departments", true, "Set the co-departments of a draft", nil, (*server).setDepartments},
	{"PUT", "/api/v1/versions/{id}/parts/{department_id}", true, "Set a department's part of a draft", nil, (*server).setPart},
	{"POST", "/api/v1/versions/{id}/parts/{department_id}/confirm", true, "Confirm a co-department's part", nil, (*server).confirmPart},
	{"POST", "/api/v1/versions/{id}/publish", true, "Publish a draft (office)", nil, (*server).publishVersion},
	{"POST", "/api/v1/import/catalog", true, "Import catalogue items from an XLSX or CSV file", []string{"filename", "format", "dry_run"}, (*server).importCatalog},
	{"GET", "/api/v1/export/catalog", true, "Export catalogue items as XLSX or CSV", []string{"format", "q", "department_id", "status"}, (*server).exportCatalog},
	{"POST", "/api/v1/import/lists", true, "Import joint lists from an XLSX or CSV file", []string{"filename", "format", "dry_run", "reason"}, (*server).importLists},
	{"GET", "/api/v1/public/lists", false, "Public search of published joint lists", listQuery, (*server).publicLists},
	{"GET", "/api/v1/public/lists/export", false, "The county summary list: every current joint list as XLSX, CSV or JSON", []string{"format"}, (*server).publicListsExport},
	{"GET", "/api/v1/public/lists/{industry}", false, "Public view of a joint list and its published versions", nil, (*server).publicList},
	{"GET", "/api/v1/public/lists/{industry}/versions/{number}", false, "A published version of a joint list", []string{"format"}, (*server).publicVersion},
	{"GET", "/api/v1/public/lists/{industry}/diff", false, "What changed between two published versions", []string{"from", "to"}, (*server).publicDiff},
	// Annual plans, tasks, adjustments, selection, dispatch, visits, inbox (issue 4).
	{"GET", "/api/v1/plans", true, "List annual plans", nil, (*server).listPlans},
	{"POST", "/api/v1/plans", true, "Open a year's annual plan (office)", nil, (*server).createPlan},
	{"GET", "/api/v1/plans/{id}", true, "Get an annual plan with its tasks", nil, (*server).getPlan},
	{"POST", "/api/v1/plans/{id}/{action}", true, "File, reopen or publish a plan (office)", nil, (*server).planAction},
	{"GET", "/api/v1/plans/{id}/adjustments", true, "List a plan's adjustments", nil, (*server).listAdjustments},
	{"GET", "/api/v1/plans/{id}/burden", true, "The year's visit burden ledger (无事不扰)", nil, (*server).burden},
	{"POST", "/api/v1/tasks", true, "Draft a task", nil, (*server).createTask},
	{"GET", "/api/v1/tasks/{id}", true, "Get a task with its live base", nil, (*server).getTask},
	{"PUT", "/api/v1/tasks/{id}", true, "Update a draft task", nil, (*server).updateTask},
	{"POST", "/api/v1/tasks/{id}/{action}", true, "Lodge (submit), return or withdraw a task", nil, (*server).taskAction},
	{"POST", "/api/v1/adjustments", true, "File an adjustment of a published plan", nil, (*server).fileAdjustment},
	{"POST", "/api/v1/adjustments/{id}/{action}", true, "Accept or return an adjustment (office)", nil, (*server).adjustmentAction},
	{"PUT", "/api/v1/batches/{id}/selection", true, "Record a batch's drawn selection", nil, (*server).setSelection},
	{"GET", "/api/v1/batches/{id}/selection", true, "Read a batch's selection", nil, (*server).getSelection},
	{"POST", "/api/v1/batches/{id}/dispatch", true, "One-click dispatch of a drawn batch (idempotent)", nil, (*server).dispatch},
	{"POST", "/api/v1/batches/{id}/advance", true, "Move a dispatched batch to its next state", nil, (*server).advanceBatch},
	{"GET", "/api/v1/visits", true, "List joint visits", concat([]string{"year", "batch_id", "entity_id"}, pageQuery), (*server).listVisits},
	{"GET", "/api/v1/visits/{id}", true, "Get a joint visit with its parts and team", nil, (*server).getVisit},
	{"GET", "/api/v1/notices", true, "The caller's inbox", concat([]string{"unread"}, pageQuery), (*server).listNotices},
	{"POST", "/api/v1/notices/read", true, "Mark one notice (id) or all read", []string{"id"}, (*server).readNotices},
	// The draw (issue 5): announce from a batch, commit, reveal, public value, execute, abort; reading is public.
	{"GET", "/api/v1/draws", false, "List every draw, newest first", nil, (*server).listDraws},
	{"GET", "/api/v1/draws/{key}", false, "Get a draw: announcement, parties, public value, result or abort", nil, (*server).getDraw},
	{"GET", "/api/v1/draws/{key}/bundle", false, "The bundle of an executed draw, for yiyeyicha verify", nil, (*server).drawBundle},
	{"POST", "/api/v1/batches/{id}/draw", true, "Freeze the pool and roster of a batch and announce its draw", nil, (*server).announceDraw},
	{"POST", "/api/v1/draws/{key}/commit", true, "Commit a party's secret (the party department's staff)", nil, (*server).commitDraw},
	{"POST", "/api/v1/draws/{key}/reveal", true, "Reveal a party's secret, checked against its commitment", nil, (*server).revealDraw},
	{"POST", "/api/v1/draws/{key}/public-value", true, "Enter the public value (two different users)", nil, (*server).drawPublicValue},
	{"POST", "/api/v1/draws/{key}/execute", true, "Execute the draw; the result becomes the batch's selection", nil, (*server).executeDraw},
	{"POST", "/api/v1/draws/{key}/abort", true, "Abort a draw in public, with the reason", nil, (*server).abortDraw},
	{"GET", "/api/v1/public/plans", false, "Published annual plans", nil, (*server).publicPlans},
	{"GET", "/api/v1/public/plans/{year}", false, "A published plan with its tasks and adjustments", nil, (*server).publicPlan},
}

type server struct {
	store *store.Store
	log   *slog.Logger
	mux   *http.ServeMux
}

// New returns the handler of the API. It serves full paths under
// /api/v1/, so it can be mounted as is at that prefix. Unknown paths and
// methods get the same JSON error body as everything else.
func New(s *store.Store, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	srv := &server{store: s, log: log, mux: http.NewServeMux()}
	for _, rt := range routes {
		srv.mux.Handle(rt.Method+" "+rt.Path, srv.wrap(rt))
	}
	srv.mux.HandleFunc(Prefix, srv.notFound)
	return srv
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	// The API answers JSON or files; a browser must never render it as a
	// page, and no other site may frame it.
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("api: panic", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
			s.writeError(w, r, fmt.Errorf("panic: %v", v))
		}
	}()
	s.mux.ServeHTTP(w, r)
}

// wrap turns a route into an http.Handler: it checks the query parameters,
// authenticates when the route needs it and renders a returned error.
func (s *server) wrap(rt route) http.Handler {
	allowed := map[string]bool{}
	for _, q := range rt.Query {
		allowed[q] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Authentication first: without a valid token a caller learns
		// nothing, not even which parameters a route takes.
		var a domain.Actor
		if rt.Auth {
			u, err := s.authenticate(r.Context(), r)
			if err != nil {
				s.writeError(w, r, err)
				return
			}
			a = domain.ActorOf(u)
			r = r.WithContext(context.WithValue(r.Context(), userKey{}, u))
		}
		for name := range r.URL.Query() {
			if !allowed[name] {
				s.writeError(w, r, invalidParam(name, "err.api.unknown_param"))
				return
			}
		}
		if err := rt.Handle(s, w, r, a); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// userKey is the context key of the authenticated *domain.User.
type userKey struct{}

// authenticate resolves the bearer token of r to its user. Cookies
// are ignored on purpose: a browser session must not be usable against the
// API, so cross-site requests carry no ambient authority here.
func (s *server) authenticate(ctx context.Context, r *http.Request) (*domain.User, error) {
	const op = "api.authenticate"
	if r.Header.Get("Authorization") == "" {
		return nil, domain.E(op, domain.KindUnauthorized, "err.api.token_missing")
	}
	token, ok := bearer(r)
	if !ok {
		return nil, &authError{"invalid_request", domain.E(op, domain.KindUnauthorized, "err.api.token_scheme")}
	}
	u, err := s.store.TokenUser(ctx, token)
	if err != nil {
		switch domain.ErrorKind(err) {
		case domain.KindUnauthorized, domain.KindNotFound, domain.KindForbidden:
			return nil, &authError{"invalid_token", domain.E(op, domain.KindUnauthorized, "err.api.token_invalid").Wrap(err)}
		}
		return nil, err
	}
	if u == nil || u.Disabled {
		return nil, &authError{"invalid_token", domain.E(op, domain.KindUnauthorized, "err.api.token_invalid")}
	}
	return u, nil
}

// authError marks credentials that were presented but refused, so that
// the WWW-Authenticate header can say why (RFC 6750: invalid_token for an
// unknown, revoked or disabled user's token, invalid_request for a
// malformed header).
type authError struct {
	code string
	err  *domain.Error
}

func (e *authError) Error() string { return e.err.Error() }
func (e *authError) Unwrap() error { return e.err }

// notFound answers paths under the prefix that no route serves: 405 with an
// Allow header when the path exists for other methods, 404 otherwise.
func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{"GET", "POST", "PUT", "DELETE", "PATCH"} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != Prefix {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		s.writeError(w, r, &statusError{http.StatusMethodNotAllowed,
			domain.E("api.route", domain.KindInvalid, "err.api.method", "method", r.Method, "allow", strings.Join(allow, ", "))})
		return
	}
	s.writeError(w, r, domain.E("api.route", domain.KindNotFound, "err.api.no_route", "path", r.URL.Path))
}
