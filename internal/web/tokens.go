package web

import (
	"net/http"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

type tokensData struct {
	Name   string
	Token  string // shown once, right after creation
	Tokens []domain.APIToken
	Errors *fieldErrors
}

// tokensPage renders the tokens page with the user's live tokens.
func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request, sess *session, status int, data *tokensData, notice string) {
	list, err := s.store.ListTokens(r.Context(), sess.Actor)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	data.Tokens = list
	pg := s.newPage(r, sess, "web.tokens.title", data)
	pg.Nav = "tokens"
	if notice != "" {
		pg.Notice = pg.P.T(notice)
	}
	s.render(w, r, status, pageTokens, pg)
}

func (s *Server) showTokens(w http.ResponseWriter, r *http.Request, sess *session) {
	notice := ""
	if r.URL.Query().Get("done") == "revoked" {
		notice = "web.tokens.revoked"
	}
	s.tokensPage(w, r, sess, http.StatusOK, &tokensData{}, notice)
}

// createToken makes an API token for the user. The store keeps only its
// hash, so this response is the one chance to copy it.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request, sess *session) {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, sess, badForm(err))
		return
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	token, err := s.store.CreateToken(r.Context(), sess.Actor, name)
	data := &tokensData{Name: name}
	status := http.StatusOK
	if err != nil {
		fe, ok := formErrorsOf(printer(r), err, "name")
		if !ok {
			s.fail(w, r, sess, err)
			return
		}
		data.Errors, status = fe, formStatus(err)
	} else {
		data.Token = token
	}
	s.tokensPage(w, r, sess, status, data, "")
}

// revokeToken ends one of the user's API tokens, e.g. when a system that
// used it is retired or the token leaked.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := s.store.RevokeToken(r.Context(), sess.Actor, id); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/staff/tokens?done=revoked", http.StatusSeeOther)
}
