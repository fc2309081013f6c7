package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// sessionCookie holds the session token; the store keeps only its hash,
// so that revoking a session is deleting a row.
const sessionCookie = "yyyc_session"

// session is the logged-in user of a staff request.
type session struct {
	User  *domain.User
	Actor domain.Actor
	token string
}

// currentSession returns the request's session, or nil when the visitor is
// not logged in or the session was revoked, expired or its user disabled.
func (s *Server) currentSession(r *http.Request) *session {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	u, err := s.store.SessionUser(r.Context(), c.Value)
	if err != nil {
		if domain.ErrorKind(err) == domain.KindInternal {
			s.log.Error("session lookup", "err", err)
		}
		return nil
	}
	return &session{User: u, Actor: domain.ActorOf(u), token: c.Value}
}

// requireUser runs h with the session, or sends an anonymous visitor to the
// login page with the page they wanted to come back to.
func (s *Server) requireUser(h func(http.ResponseWriter, *http.Request, *session)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess := s.currentSession(r)
		if sess == nil {
			s.redirectToLogin(w, r)
			return
		}
		// Staff pages carry personal data: keep them out of shared caches.
		w.Header().Set("Cache-Control", "no-store")
		h(w, r, sess)
	})
}

func (s *Server) redirectToLogin(w http.ResponseWriter, r *http.Request) {
	target := "/login"
	if r.Method == http.MethodGet {
		target += "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

func (s *Server) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure})
}

// safeNext keeps a post-login redirect on this site: only a local path,
// never "//host" or a scheme, so the login form cannot be used as an open
// redirect.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/staff/"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/staff/"
	}
	return next
}
