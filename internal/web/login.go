package web

import (
	"net"
	"net/http"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// login checks the credentials, subject to the per-address and
// per-username failure limit, and opens a session.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	username := strings.TrimSpace(r.PostFormValue("username"))
	pw := r.PostFormValue("password")
	next := r.PostFormValue("next")
	data := &loginData{Username: username, Next: next}

	now := s.now()
	ipKey, userKey := "ip:"+clientIP(r), "user:"+strings.ToLower(username)
	if s.limiter.Blocked(now, ipKey, userKey) {
		s.log.Warn("login rate limited", "ip", clientIP(r), "username", username)
		pg := s.newPage(r, nil, "web.login.title", data)
		pg.Error = pg.P.T("web.login.too_many")
		s.render(w, r, http.StatusTooManyRequests, pageLogin, pg)
		return
	}
	// The store refuses a username that is not text (KindInvalid); like a
	// wrong password, that is a failed login here.
	token, u, err := s.store.Login(r.Context(), username, pw)
	if err != nil {
		kind := domain.ErrorKind(err)
		if kind == domain.KindInternal {
			s.fail(w, r, nil, err)
			return
		}
		s.limiter.Fail(now, ipKey, userKey)
		s.log.Info("login failed", "ip", clientIP(r), "username", username, "kind", kind)
		pg := s.newPage(r, nil, "web.login.title", data)
		pg.Error = pg.P.T("web.login.failed")
		status := http.StatusUnauthorized
		if kind == domain.KindTooMany {
			status = http.StatusTooManyRequests
			pg.Error = pg.P.T("web.login.too_many")
		}
		s.render(w, r, status, pageLogin, pg)
		return
	}
	s.limiter.Reset(userKey)
	// A session the browser carried in (planted by someone else, or the
	// previous user's at a shared desk) ends here: after a login, only the
	// new token opens anything.
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := s.store.Logout(r.Context(), c.Value); err != nil && domain.ErrorKind(err) == domain.KindInternal {
			s.log.Error("end the previous session", "err", err)
		}
	}
	s.setSessionCookie(w, token)
	s.log.Info("login", "user", u.Username, "role", u.Role)
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
