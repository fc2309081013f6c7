package web

import (
	"net/http"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
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

// changePassword sets the user's own password after checking the current
// one, so that a session left open on a shared computer cannot be turned
// into a stolen account. The current password is checked by logging in
// with it (the store has no separate check), and that extra session is
// closed at once; failures count against the login limit.
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
	userKey := "user:" + sess.User.Username
	if s.limiter.Blocked(now, userKey) {
		show(http.StatusTooManyRequests, &fieldErrors{ByField: map[string][]string{"current": {p.T("web.login.too_many")}}})
		return
	}
	token, _, err := s.store.Login(r.Context(), sess.User.Username, r.PostFormValue("current"))
	if err != nil {
		if domain.ErrorKind(err) == domain.KindInternal {
			s.fail(w, r, sess, err)
			return
		}
		s.limiter.Fail(now, userKey)
		show(http.StatusUnprocessableEntity, &fieldErrors{ByField: map[string][]string{"current": {p.T("web.password.wrong")}}})
		return
	}
	if err := s.store.Logout(r.Context(), token); err != nil {
		s.log.Warn("closing password-check session", "err", err)
	}
	pw := r.PostFormValue("password")
	if pw != r.PostFormValue("confirm") {
		show(http.StatusUnprocessableEntity, &fieldErrors{ByField: map[string][]string{"confirm": {p.T("web.password.mismatch")}}})
		return
	}
	if err := s.store.SetPassword(r.Context(), sess.Actor, sess.User.ID, pw); err != nil {
		fe, ok := formErrorsOf(p, err, domain.FieldPassword)
		if !ok {
			s.fail(w, r, sess, err)
			return
		}
		show(formStatus(err), fe)
		return
	}
	http.Redirect(w, r, "/staff/password?done=1", http.StatusSeeOther)
}
