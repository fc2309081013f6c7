package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
	"github.com/yiyeyicha/yiyeyicha/internal/validate"
)

// env is a running web server over a real, seeded SQLite store.
type env struct {
	t     *testing.T
	store *store.Store
	fx    *storetest.Fixture
	srv   *Server
	ts    *httptest.Server
	logs  *strings.Builder
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, storetest.New(t))
}

// newEnvWith is newEnv over a given store (e.g. PostgreSQL).
func newEnvWith(t *testing.T, st *store.Store) *env {
	t.Helper()
	fx := storetest.Seed(t, st)
	logs := &strings.Builder{}
	srv, err := New(Options{Store: st, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ts.Close()
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return &env{t: t, store: st, fx: fx, srv: srv, ts: ts, logs: logs}
}

// client is a browser-like HTTP client that keeps cookies and does not
// follow redirects, so tests see the 303s.
func (e *env) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// login returns a client logged in as username (password of storetest).
func (e *env) login(t testing.TB, username string) *http.Client {
	t.Helper()
	c := e.client()
	resp, err := c.PostForm(e.ts.URL+"/login", url.Values{"username": {username}, "password": {storetest.Password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: status %d", username, resp.StatusCode)
	}
	return c
}

// addUser creates an extra account through the store.
func (e *env) addUser(username string, role domain.Role, dept int64) *domain.User {
	e.t.Helper()
	u := &domain.User{Username: username, DisplayName: username, Role: role, DepartmentID: dept}
	if err := e.store.CreateUser(context.Background(), domain.System, u, storetest.Password); err != nil {
		e.t.Fatalf("add user: %v", err)
	}
	return u
}

type response struct {
	Status int
	Header http.Header
	Body   string
}

func (e *env) do(c *http.Client, method, path string, form url.Values, hdr ...string) response {
	e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(e.t.Context(), method, e.ts.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

func (e *env) get(c *http.Client, path string, hdr ...string) response {
	e.t.Helper()
	return e.do(c, http.MethodGet, path, nil, hdr...)
}

func (e *env) post(c *http.Client, path string, form url.Values, hdr ...string) response {
	e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	return e.do(c, http.MethodPost, path, form, hdr...)
}

// code makes a valid credit code from a number, for seeding.
func code(t testing.TB, n int) string {
	t.Helper()
	body := strings.Repeat("0", 8)
	s := []byte(body)
	for i := 7; i >= 0 && n > 0; i-- {
		s[i] = byte('0' + n%10)
		n /= 10
	}
	c, ok := validate.MakeCreditCode("91", "140827", "MA"+string(s[2:]))
	if !ok {
		t.Fatalf("MakeCreditCode failed for %d", n)
	}
	return c
}

// seedEntity saves an entity through the store as the system.
func (e *env) seedEntity(name string, n int) *domain.Entity {
	e.t.Helper()
	ent := &domain.Entity{Code: code(e.t, n), Name: name, IndustryCode: "catering", TownshipCode: "140827100",
		Address: "新城镇中心街 1 号", LegalRep: "张三", RiskClass: domain.RiskB}
	if err := e.store.SaveEntity(context.Background(), domain.System, ent); err != nil {
		e.t.Fatalf("seed entity: %v", err)
	}
	return ent
}

// seedInspector saves an inspector of dept.
func (e *env) seedInspector(name, cert string, dept int64) *domain.Inspector {
	e.t.Helper()
	in := &domain.Inspector{DepartmentID: dept, Name: name, CertNo: cert, CertExpiry: domain.Date{Year: 2030, Month: 12, Day: 31},
		Status: domain.InspectorOnDuty, Phone: "13800000000", Labels: []string{"食品"}}
	if err := e.store.SaveInspector(context.Background(), domain.System, in); err != nil {
		e.t.Fatalf("seed inspector: %v", err)
	}
	return in
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

func httpGet(path string) *http.Request { return httptest.NewRequest(http.MethodGet, path, nil) }
