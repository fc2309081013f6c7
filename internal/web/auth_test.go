package web

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

func TestLoginSetsSafeCookieAndLogoutEndsSession(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	r := e.post(c, "/login", url.Values{"username": {"office"}, "password": {storetest.Password}, "next": {"/staff/entities?q=x"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/staff/entities?q=x" {
		t.Fatalf("login: %d to %q", r.Status, r.Header.Get("Location"))
	}
	sc := r.Header.Get("Set-Cookie")
	for _, want := range []string{sessionCookie + "=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(sc, want) {
			t.Errorf("session cookie %q lacks %q", sc, want)
		}
	}
	if strings.Contains(sc, "Secure") {
		t.Errorf("cookie is Secure without SecureCookies: %q", sc)
	}
	u, _ := url.Parse(e.ts.URL)
	token := c.Jar.Cookies(u)[0].Value
	if r := e.get(c, "/staff/"); r.Status != http.StatusOK {
		t.Fatalf("staff home after login: %d", r.Status)
	}
	if r := e.post(c, "/logout", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.Status)
	}
	if r := e.get(c, "/staff/"); r.Status != http.StatusSeeOther {
		t.Errorf("staff home after logout: %d, want redirect", r.Status)
	}
	// The old cookie, replayed, no longer works: the session is gone from
	// the store, not only from the browser.
	replay := e.client()
	replay.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: token}})
	if r := e.get(replay, "/staff/"); r.Status != http.StatusSeeOther {
		t.Errorf("replayed cookie after logout: %d, want redirect to login", r.Status)
	}
}

func TestSecureCookiesOption(t *testing.T) {
	e := newEnv(t)
	srv, err := New(Options{Store: e.store, SecureCookies: true})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", "/login", strings.NewReader(url.Values{"username": {"office"}, "password": {storetest.Password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := newRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if sc := rec.Header().Get("Set-Cookie"); !strings.Contains(sc, "Secure") {
		t.Errorf("SecureCookies: cookie %q is not Secure", sc)
	}
}

func TestRevokedAndDisabledSessionsStopWorking(t *testing.T) {
	e := newEnv(t)
	office := e.login(t, "office")
	a, b := e.login(t, "scjg"), e.login(t, "scjg")
	for _, c := range []*http.Client{a, b} {
		if r := e.get(c, "/staff/"); r.Status != http.StatusOK {
			t.Fatalf("before revocation: %d", r.Status)
		}
	}
	r := e.post(office, "/staff/users/"+itoa(e.fx.DeptStaff.UserID)+"/revoke", nil)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d\n%s", r.Status, r.Body)
	}
	for i, c := range []*http.Client{a, b} {
		if r := e.get(c, "/staff/"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
			t.Errorf("session %d after revocation: %d %q, want redirect to /login", i, r.Status, r.Header.Get("Location"))
		}
	}
	// Disabling ends sessions too, and the account can no longer log in.
	c := e.login(t, "xfjy")
	if r := e.post(office, "/staff/users/"+itoa(e.fx.OtherStaff.UserID)+"/disable", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("disable: %d", r.Status)
	}
	if r := e.get(c, "/staff/"); r.Status != http.StatusSeeOther {
		t.Errorf("disabled user's session still works: %d", r.Status)
	}
	if r := e.post(e.client(), "/login", url.Values{"username": {"xfjy"}, "password": {storetest.Password}}); r.Status != http.StatusUnauthorized {
		t.Errorf("disabled user login: %d, want 401", r.Status)
	}
}

func TestLoginFailureIsLocalisedAndOpenRedirectRefused(t *testing.T) {
	e := newEnv(t)
	r := e.post(e.client(), "/login", url.Values{"username": {"office"}, "password": {"wrong-password"}})
	if r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, "用户名或密码错误") {
		t.Errorf("wrong password: %d, body lacks the Chinese message", r.Status)
	}
	for _, next := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example"} {
		r := e.post(e.client(), "/login", url.Values{"username": {"office"}, "password": {storetest.Password}, "next": {next}})
		if loc := r.Header.Get("Location"); loc != "/staff/" {
			t.Errorf("next=%q redirected to %q, want /staff/", next, loc)
		}
	}
}

func TestLoginRateLimit(t *testing.T) {
	t.Run("per username", func(t *testing.T) {
		e := newEnv(t)
		for i := range loginMaxFailures {
			if r := e.post(e.client(), "/login", url.Values{"username": {"office"}, "password": {"wrong"}}); r.Status != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d", i+1, r.Status)
			}
		}
		// Now even the right password is refused, with a localised message.
		r := e.post(e.client(), "/login", url.Values{"username": {"office"}, "password": {storetest.Password}}, "Accept-Language", "en")
		if r.Status != http.StatusTooManyRequests || !strings.Contains(r.Body, "Too many failed attempts") {
			t.Errorf("after %d failures: %d, want 429 with English message", loginMaxFailures, r.Status)
		}
	})
	t.Run("per address", func(t *testing.T) {
		e := newEnv(t)
		for i := range loginMaxFailures {
			e.post(e.client(), "/login", url.Values{"username": {"nobody" + itoa(int64(i))}, "password": {"wrong"}})
		}
		r := e.post(e.client(), "/login", url.Values{"username": {"scjg"}, "password": {storetest.Password}})
		if r.Status != http.StatusTooManyRequests || !strings.Contains(r.Body, "登录失败次数过多") {
			t.Errorf("after %d failures from one address: %d, want 429", loginMaxFailures, r.Status)
		}
	})
}

func TestLoginLimiterWindow(t *testing.T) {
	l := newLoginLimiter(2, time.Minute)
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	l.Fail(t0, "user:a")
	if l.Blocked(t0, "user:a") {
		t.Fatal("blocked after one failure of two")
	}
	l.Fail(t0.Add(10*time.Second), "user:a")
	if !l.Blocked(t0.Add(20*time.Second), "user:a", "ip:x") {
		t.Fatal("not blocked after two failures")
	}
	if l.Blocked(t0.Add(20*time.Second), "user:b") {
		t.Fatal("another user is blocked")
	}
	if l.Blocked(t0.Add(61*time.Second), "user:a") {
		t.Error("still blocked after the first failure left the window")
	}
	l.Fail(t0.Add(62*time.Second), "user:a")
	l.Reset("user:a")
	if l.Blocked(t0.Add(63*time.Second), "user:a") {
		t.Error("blocked after Reset")
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	e := newEnv(t)
	office := e.login(t, "office")
	target := e.addUser("victim", "department", e.fx.Dept.ID)
	for _, tc := range []struct {
		name string
		hdr  []string
		want int
	}{
		{"fetch metadata cross-site", []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"foreign Origin", []string{"Origin", "https://evil.example"}, http.StatusForbidden},
		{"same origin", []string{"Sec-Fetch-Site", "same-origin"}, http.StatusSeeOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.post(office, "/staff/users/"+itoa(target.ID)+"/revoke", nil, tc.hdr...)
			if r.Status != tc.want {
				t.Errorf("status %d, want %d", r.Status, tc.want)
			}
		})
	}
	// A cross-site login attempt is refused too (login CSRF).
	r := e.post(e.client(), "/login", url.Values{"username": {"office"}, "password": {storetest.Password}}, "Sec-Fetch-Site", "cross-site")
	if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "拒绝来自其他网站") {
		t.Errorf("cross-site login: %d", r.Status)
	}
	if r.Header.Get("Set-Cookie") != "" {
		t.Errorf("cross-site login set a cookie")
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{"/", "/login", "/no-such-page"} {
		r := e.get(e.client(), p)
		for h, want := range map[string]string{
			"Content-Security-Policy": "default-src 'self'",
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "same-origin",
			"X-Frame-Options":         "DENY",
		} {
			if got := r.Header.Get(h); !strings.Contains(got, want) {
				t.Errorf("%s: %s = %q, want %q", p, h, got, want)
			}
		}
		if !strings.Contains(r.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("%s: CSP lacks frame-ancestors", p)
		}
	}
	if r := e.get(e.login(t, "office"), "/staff/"); r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("staff page Cache-Control = %q", r.Header.Get("Cache-Control"))
	}
}

func TestHealthz(t *testing.T) {
	e := newEnv(t)
	r := e.get(e.client(), "/healthz")
	if r.Status != http.StatusOK || r.Body != "ok" {
		t.Errorf("healthz: %d %q", r.Status, r.Body)
	}
}

func TestPortalHandlerHasNoStaffSide(t *testing.T) {
	e := newEnv(t)
	srv, err := New(Options{Store: e.store, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.PortalHandler()
	rec := newRecorder()
	h.ServeHTTP(rec, httpGet("/"))
	if strings.Contains(rec.Body.String(), `href="/login"`) {
		t.Errorf("public portal links to the staff login it does not serve")
	}
	for path, want := range map[string]int{"/": 200, "/about": 200, "/search?q=x": 200, "/healthz": 200, "/login": 404, "/staff/": 404} {
		rec := newRecorder()
		h.ServeHTTP(rec, httpGet(path))
		if rec.Code != want {
			t.Errorf("portal %s: %d, want %d", path, rec.Code, want)
		}
	}
}
