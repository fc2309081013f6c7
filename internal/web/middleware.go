package web

import (
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yiyeyicha/yiyeyicha/internal/i18n"
)

// langCookie remembers the visitor's explicit language choice.
const langCookie = "lang"

// wrap puts the layers every response goes through around a mux: panic
// recovery and request logging outermost, then security headers, the
// language choice and cross-origin protection of unsafe methods.
func (s *Server) wrap(h http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(s.crossOriginDenied))
	h = cop.Handler(h)
	h = cleanQuery(h)
	h = s.rememberLang(h)
	h = securityHeaders(h)
	return s.logRequests(h)
}

// crossOriginDenied answers a refused cross-origin write with a localised
// page instead of the bare text of the default handler.
func (s *Server) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	s.log.Warn("cross-origin request refused", "method", r.Method, "path", r.URL.Path,
		"origin", r.Header.Get("Origin"), "sec_fetch_site", r.Header.Get("Sec-Fetch-Site"))
	s.renderStatus(w, r, nil, http.StatusForbidden, "web.err.cross_origin")
}

func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		// No inline script or style anywhere, so 'self' suffices; pages
		// may not be framed (clickjacking on the staff forms).
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.ServeHTTP(w, r)
	})
}

// rememberLang stores an explicit ?lang= choice in a cookie, so that the
// switch in the header keeps its effect on the following pages.
func (s *Server) rememberLang(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Pages differ by language, so no shared cache may hand one
		// visitor's language to another.
		w.Header().Add("Vary", "Accept-Language, Cookie")
		if q := r.URL.Query().Get("lang"); q != "" {
			for _, l := range i18n.Langs {
				if q == string(l) {
					http.SetCookie(w, &http.Cookie{Name: langCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600,
						HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure})
				}
			}
		}
		h.ServeHTTP(w, r)
	})
}

// printer picks the request's language: ?lang=, then the cookie, then
// Accept-Language, then Chinese.
func printer(r *http.Request) *i18n.Printer {
	choice := r.URL.Query().Get("lang")
	if choice == "" {
		if c, err := r.Cookie(langCookie); err == nil {
			choice = c.Value
		}
	}
	return i18n.For(i18n.Match(choice, r.Header.Get("Accept-Language")))
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) logRequests(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", v)
				if sw.status == 0 {
					s.renderStatus(sw, r, nil, http.StatusInternalServerError, "err.internal")
				}
			}
			level := slog.LevelInfo
			if sw.status >= 500 {
				level = slog.LevelError
			}
			s.log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path,
				"status", sw.status, "bytes", sw.bytes, "duration", time.Since(start))
		}()
		h.ServeHTTP(sw, r)
	})
}

// cleanQuery drops NUL and other control characters and invalid UTF-8 from
// the query string, so that a search pasted with a stray tab or byte still
// finds what it names instead of showing an error page. (The store refuses
// text a database cannot hold by itself; this is for the user's comfort.)
func cleanQuery(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RawQuery != "" {
			q := r.URL.Query()
			dirty := false
			for k, vs := range q {
				for i, v := range vs {
					if c := cleanText(v); c != v {
						vs[i], dirty = c, true
					}
				}
				if c := cleanText(k); c != k {
					delete(q, k)
					q[c], dirty = vs, true
				}
			}
			if dirty {
				r2 := r.Clone(r.Context())
				r2.URL.RawQuery = q.Encode()
				r = r2
			}
		}
		h.ServeHTTP(w, r)
	})
}

// cleanText returns s as valid UTF-8 without control characters.
func cleanText(s string) string {
	ok := utf8.ValidString(s)
	if ok {
		for i := 0; i < len(s); i++ {
			if s[i] < 0x20 || s[i] == 0x7f {
				ok = false
				break
			}
		}
	}
	if ok {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}
