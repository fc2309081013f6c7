package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

type passwordData struct {
	Errors *fieldErrors
}

func (s *Server) showPasswordChange(w http.ResponseWriter, r *http.Request, sess *session) {
	pg := s.newPage(r, sess, "web.password.title", &passwordData{})
	pg.Nav = "password"
	if r.URL.Query().Get("done") == "1" {
		pg.Notice = pg.P.T("web.notice.password")
	}
	s.render(w, r, http.StatusOK, pagePassword, pg)
}

// changePassword sets the user's own password after the store has checked
// the current one, so that a session left open on a shared computer cannot
// be turned into a stolen account; wrong guesses count against the login
// limit. The store ends every session of the account, this one included;
// a fresh session is opened with the new password so the user stays in.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, sess *session) {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, sess, badForm(err))
		return
	}
	p := printer(r)
	show := func(status int, fe *fieldErrors) {
		pg := s.newPage(r, sess, "web.password.title", &passwordData{Errors: fe})
		pg.Nav = "password"
		s.render(w, r, status, pagePassword, pg)
	}
	now := s.now()
	userKey := "user:" + strings.ToLower(sess.User.Username)
	if s.limiter.Blocked(now, userKey) {
		show(http.StatusTooManyRequests, &fieldErrors{ByField: map[string][]string{"current": {p.T("web.login.too_many")}}})
		return
	}
	pw := r.PostFormValue("password")
	if pw != r.PostFormValue("confirm") {
		show(http.StatusUnprocessableEntity, &fieldErrors{ByField: map[string][]string{"confirm": {p.T("web.password.mismatch")}}})
		return
	}
	err := s.store.ChangeOwnPassword(r.Context(), sess.Actor, r.PostFormValue("current"), pw)
	var de *domain.Error
	if errors.As(err, &de) && de.Field == store.FieldCurrentPassword {
		s.limiter.Fail(now, userKey)
		show(http.StatusUnprocessableEntity, &fieldErrors{ByField: map[string][]string{"current": {p.T("web.password.wrong")}}})
		return
	}
	if err != nil {
		fe, ok := formErrorsOf(p, err, domain.FieldPassword)
		if !ok {
			s.fail(w, r, sess, err)
			return
		}
		show(formStatus(err), fe)
		return
	}
	s.limiter.Reset(userKey)
	token, _, err := s.store.Login(r.Context(), sess.User.Username, pw)
	if err != nil {
		// The password is changed; only the fresh session failed.
		s.log.Warn("new session after password change", "user", sess.User.Username, "err", err)
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	s.setSessionCookie(w, token)
	http.Redirect(w, r, "/staff/password?done=1", http.StatusSeeOther)
}
