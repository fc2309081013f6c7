package web

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

type revisitsData struct {
	Q      evalQuery
	Draws  []*store.RevisitDraw
	Secret string // a fresh secret offered for a new announcement
	Errors *fieldErrors
}

// listRevisits shows the year's revisit draws (回访): the discipline office
// announces a sample, draws it once the public value exists, and records
// each revisit's outcome. The office reads along.
func (s *Server) listRevisits(w http.ResponseWriter, r *http.Request, sess *session) {
	s.renderRevisits(w, r, sess, http.StatusOK, nil)
}

func (s *Server) renderRevisits(w http.ResponseWriter, r *http.Request, sess *session, status int, fe *fieldErrors) {
	eq := s.evalQueryOf(r, sess)
	draws, err := s.store.ListRevisitDraws(r.Context(), sess.Actor, eq.Year)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	data := &revisitsData{Q: eq, Draws: draws, Secret: hex.EncodeToString(b), Errors: fe}
	pg := s.newPage(r, sess, "eval.revisits.title", data)
	pg.Nav = "dashboard"
	if d := r.URL.Query().Get("done"); d != "" {
		pg.Notice = pg.P.T("eval.revisits.done." + d)
	}
	if fe != nil && len(fe.General) > 0 {
		pg.Error = fe.General[0]
	}
	s.render(w, r, status, pageEvalRevisits, pg)
}

// revisitForm parses a small form and reports whether it may go on.
func (s *Server) revisitForm(w http.ResponseWriter, r *http.Request, sess *session) bool {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, sess, badForm(err))
		return false
	}
	return true
}

// revisitDone redirects back to the list, or shows the form errors of err.
func (s *Server) revisitDone(w http.ResponseWriter, r *http.Request, sess *session, err error, done string) {
	if err != nil {
		fe, ok := formErrorsOf(printer(r), err, "count", "public_value", "secret", "outcome", "note")
		if !ok {
			s.fail(w, r, sess, err)
			return
		}
		s.renderRevisits(w, r, sess, formStatus(err), fe)
		return
	}
	http.Redirect(w, r, "/staff/revisits?done="+done+"&year="+r.PostFormValue("year"), http.StatusSeeOther)
}

func (s *Server) announceRevisits(w http.ResponseWriter, r *http.Request, sess *session) {
	if !s.revisitForm(w, r, sess) {
		return
	}
	year, _ := strconv.Atoi(r.PostFormValue("year"))
	count, _ := strconv.Atoi(r.PostFormValue("count"))
	_, err := s.store.AnnounceRevisits(r.Context(), sess.Actor, year, count, r.PostFormValue("public_value"), r.PostFormValue("secret"))
	s.revisitDone(w, r, sess, err, "announced")
}

func (s *Server) drawRevisits(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if !s.revisitForm(w, r, sess) {
		return
	}
	_, err = s.store.DrawRevisits(r.Context(), sess.Actor, id, r.PostFormValue("secret"), r.PostFormValue("public_value"))
	s.revisitDone(w, r, sess, err, "drawn")
}

func (s *Server) recordRevisit(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if !s.revisitForm(w, r, sess) {
		return
	}
	visit, _ := strconv.ParseInt(r.PostFormValue("visit"), 10, 64)
	err = s.store.RecordRevisit(r.Context(), sess.Actor, id, visit, r.PostFormValue("outcome"), r.PostFormValue("note"))
	s.revisitDone(w, r, sess, err, "recorded")
}

// downloadRevisitBundle sends a revisit draw as JSON: announcement, pool,
// commitment and, once drawn, secret, public value, seed and sample — all
// revisit.Draw needs to recompute it.
func (s *Server) downloadRevisitBundle(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	d, err := s.store.GetRevisitDraw(r.Context(), sess.Actor, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="revisit-`+strconv.FormatInt(id, 10)+`.json"`)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(d)
}
