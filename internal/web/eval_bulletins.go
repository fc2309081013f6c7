package web

import (
	"net/http"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/report"
)

type bulletinsData struct {
	Q         evalQuery
	Bulletins []bulletinView
	Title     string
	Body      string
	Deadline  string
	Errors    *fieldErrors
}

type bulletinView struct {
	domain.Bulletin
	Reasons []string // translated, one per department line
}

// listBulletins lists the year's bulletins (通报) with the departments named
// and their responses; the office issues a new one from the figures.
func (s *Server) listBulletins(w http.ResponseWriter, r *http.Request, sess *session) {
	s.renderBulletins(w, r, sess, http.StatusOK, &bulletinsData{})
}

func (s *Server) renderBulletins(w http.ResponseWriter, r *http.Request, sess *session, status int, data *bulletinsData) {
	data.Q = s.evalQueryOf(r, sess)
	bs, err := s.store.ListBulletins(r.Context(), sess.Actor, data.Q.Year)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := printer(r)
	for _, b := range bs {
		v := bulletinView{Bulletin: b}
		for _, bd := range b.Departments {
			v.Reasons = append(v.Reasons, report.Reasons(p, bd.Reasons))
		}
		data.Bulletins = append(data.Bulletins, v)
	}
	pg := s.newPage(r, sess, "eval.bulletins.title", data)
	pg.Nav = "dashboard"
	switch r.URL.Query().Get("done") {
	case "issued":
		pg.Notice = p.T("eval.bulletins.issued")
	case "responded":
		pg.Notice = p.T("eval.bulletins.responded")
	}
	if data.Errors != nil && len(data.Errors.General) > 0 {
		pg.Error = data.Errors.General[0]
	}
	s.render(w, r, status, pageEvalBulletins, pg)
}

// issueBulletin issues a bulletin naming the late departments.
func (s *Server) issueBulletin(w http.ResponseWriter, r *http.Request, sess *session) {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, sess, badForm(err))
		return
	}
	year, _ := strconv.Atoi(r.PostFormValue("year"))
	data := &bulletinsData{Title: r.PostFormValue("title"), Body: r.PostFormValue("body"), Deadline: r.PostFormValue("deadline")}
	deadline, err := domain.ParseDate(data.Deadline)
	if err != nil {
		deadline = domain.Date{}
	}
	if _, err := s.store.IssueBulletin(r.Context(), sess.Actor, year, data.Title, data.Body, deadline); err != nil {
		fe, ok := formErrorsOf(printer(r), err, "title", "body", "deadline", "year")
		if !ok {
			s.fail(w, r, sess, err)
			return
		}
		data.Errors = fe
		s.renderBulletins(w, r, sess, formStatus(err), data)
		return
	}
	http.Redirect(w, r, "/staff/bulletins?done=issued&year="+strconv.Itoa(year), http.StatusSeeOther)
}

// respondBulletin records the user's department's response to a bulletin.
func (s *Server) respondBulletin(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, sess, badForm(err))
		return
	}
	if err := s.store.RespondBulletin(r.Context(), sess.Actor, id, sess.Actor.DepartmentID, r.PostFormValue("response")); err != nil {
		fe, ok := formErrorsOf(printer(r), err)
		if !ok {
			s.fail(w, r, sess, err)
			return
		}
		s.renderBulletins(w, r, sess, formStatus(err), &bulletinsData{Errors: fe})
		return
	}
	http.Redirect(w, r, "/staff/bulletins?done=responded&year="+r.PostFormValue("year"), http.StatusSeeOther)
}
