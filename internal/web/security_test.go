package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// TestCrossOriginEveryPostRefused sends every POST of the role × action
// matrix as the office, from another site (the fetch metadata of a
// browser, or only a foreign Origin from an older one): each is refused
// with the localised page before its handler runs, and nothing is written.
func TestCrossOriginEveryPostRefused(t *testing.T) {
	m := newMatrixWorld(t)
	e := m.e
	office := e.login(t, "office")
	before := sums(t, e.store)
	n := 0
	for _, rt := range m.rows(t) {
		if rt.method != http.MethodPost {
			continue
		}
		for _, hdr := range [][]string{
			{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"},
			{"Origin", "https://evil.example"},
		} {
			n++
			r := e.post(office, rt.path, rt.form, hdr...)
			if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "拒绝来自其他网站") {
				t.Errorf("%s (POST %s) with %v: %d, want 403 and the cross-origin message", rt.name, rt.path, hdr, r.Status)
			}
			if sc := r.Header.Get("Set-Cookie"); sc != "" {
				t.Errorf("%s from another site set a cookie: %s", rt.name, sc)
			}
		}
	}
	if n < 100 {
		t.Fatalf("only %d cross-origin posts sent", n)
	}
	if diff := cmp.Diff(before, sums(t, e.store)); diff != "" {
		t.Errorf("cross-origin posts wrote to the store:\n%s", diff)
	}
	// The office is still logged in: the refused logout did not end it.
	if r := e.get(office, "/staff/"); r.Status != http.StatusOK {
		t.Errorf("after the refused posts the office's session: %d", r.Status)
	}
}

// TestPasswordResetEndsSessions: when the office resets a user's password,
// every session of that user ends and only the new password logs in.
func TestPasswordResetEndsSessions(t *testing.T) {
	e := newEnv(t)
	office := e.login(t, "office")
	a, b := e.login(t, "scjg"), e.login(t, "scjg")
	if r := e.post(office, "/staff/users/"+itoa(e.fx.DeptStaff.UserID)+"/password", url.Values{"password": {"a-new-password-9"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("reset: %d %s", r.Status, pageMessages(r.Body))
	}
	for i, c := range []*http.Client{a, b} {
		if r := e.get(c, "/staff/"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
			t.Errorf("session %d after the reset: %d %q, want the login page", i, r.Status, r.Header.Get("Location"))
		}
	}
	if r := e.post(e.client(), "/login", url.Values{"username": {"scjg"}, "password": {storetest.Password}}); r.Status != http.StatusUnauthorized {
		t.Errorf("old password after the reset: %d, want 401", r.Status)
	}
	if r := e.post(e.client(), "/login", url.Values{"username": {"scjg"}, "password": {"a-new-password-9"}}); r.Status != http.StatusSeeOther {
		t.Errorf("new password: %d, want 303", r.Status)
	}
	// The office's own session is untouched.
	if r := e.get(office, "/staff/users"); r.Status != http.StatusOK {
		t.Errorf("office after the reset: %d", r.Status)
	}
}

// TestSessionExpires: a session ends when its lifetime is over, however
// recently it was used.
func TestSessionExpires(t *testing.T) {
	e := newEnv(t)
	c := e.login(t, "scjg")
	if r := e.get(c, "/staff/"); r.Status != http.StatusOK {
		t.Fatalf("fresh session: %d", r.Status)
	}
	restore := e.store.Backdate(time.Now().Add(e.store.SessionTTL - time.Minute))
	if r := e.get(c, "/staff/"); r.Status != http.StatusOK {
		t.Errorf("a minute before the end of its lifetime: %d, want 200", r.Status)
	}
	restore()
	defer e.store.Backdate(time.Now().Add(e.store.SessionTTL + time.Minute))()
	if r := e.get(c, "/staff/"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Errorf("after its lifetime: %d %q, want the login page", r.Status, r.Header.Get("Location"))
	}
}

// TestLoginRateLimitIgnoresForwardedFor: the per-address limit counts the
// connection's address; a client cannot get a fresh allowance by sending
// another X-Forwarded-For with each attempt.
func TestLoginRateLimitIgnoresForwardedFor(t *testing.T) {
	e := newEnv(t)
	for i := range loginMaxFailures {
		e.post(e.client(), "/login", url.Values{"username": {"nobody" + itoa(int64(i))}, "password": {"wrong"}},
			"X-Forwarded-For", "203.0.113."+itoa(int64(i)), "X-Real-IP", "198.51.100."+itoa(int64(i)))
	}
	r := e.post(e.client(), "/login", url.Values{"username": {"scjg"}, "password": {storetest.Password}}, "X-Forwarded-For", "192.0.2.200")
	if r.Status != http.StatusTooManyRequests || !strings.Contains(r.Body, "登录失败次数过多") {
		t.Errorf("after %d failures with changing forwarded addresses: %d, want 429", loginMaxFailures, r.Status)
	}
}
