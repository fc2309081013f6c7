package web

import (
	"net/http"
	"strings"
)

type tokensData struct {
	Name   string
	Token  string // shown once, right after creation
	Errors *fieldErrors
}

func (s *Server) showTokens(w http.ResponseWriter, r *http.Request, sess *session) {
	pg := s.newPage(r, sess, "web.tokens.title", &tokensData{})
	pg.Nav = "tokens"
	s.render(w, r, http.StatusOK, pageTokens, pg)
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
	pg := s.newPage(r, sess, "web.tokens.title", data)
	pg.Nav = "tokens"
	s.render(w, r, status, pageTokens, pg)
}
