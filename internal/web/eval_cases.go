package web

import (
	"net/http"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

type casesData struct {
	Q      evalQuery
	Ref    *reference
	Cases  []domain.TypicalCase
	Form   domain.TypicalCase
	Errors *fieldErrors
}

// listCases lists the year's typical cases (典型案例): a department's own,
// or all for the office, who publishes or returns them.
func (s *Server) listCases(w http.ResponseWriter, r *http.Request, sess *session) {
	s.renderCases(w, r, sess, http.StatusOK, &casesData{})
}

func (s *Server) renderCases(w http.ResponseWriter, r *http.Request, sess *session, status int, data *casesData) {
	data.Q = s.evalQueryOf(r, sess)
	cs, err := s.store.ListCases(r.Context(), sess.Actor, data.Q.Year, false)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if data.Ref, err = s.reference(r.Context()); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	data.Cases = cs
	pg := s.newPage(r, sess, "eval.cases.title", data)
	pg.Nav = "dashboard"
	if d := r.URL.Query().Get("done"); d != "" {
		pg.Notice = pg.P.T("eval.cases.done." + d)
	}
	if data.Errors != nil && len(data.Errors.General) > 0 {
		pg.Error = data.Errors.General[0]
	}
	s.render(w, r, status, pageEvalCases, pg)
}

// submitCase submits a typical case of the user's department.
func (s *Server) submitCase(w http.ResponseWriter, r *http.Request, sess *session) {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, sess, badForm(err))
		return
	}
	year, _ := strconv.Atoi(r.PostFormValue("year"))
	c := domain.TypicalCase{Year: year, DepartmentID: sess.Actor.DepartmentID, IndustryCode: r.PostFormValue("industry"),
		Title: r.PostFormValue("title"), Body: r.PostFormValue("body")}
	if err := s.store.SubmitCase(r.Context(), sess.Actor, &c); err != nil {
		fe, ok := formErrorsOf(printer(r), err, "title", "body", "industry")
		if !ok {
			s.fail(w, r, sess, err)
			return
		}
		s.renderCases(w, r, sess, formStatus(err), &casesData{Form: c, Errors: fe})
		return
	}
	http.Redirect(w, r, "/staff/cases?done=submitted&year="+strconv.Itoa(year), http.StatusSeeOther)
}

// decideCase publishes a case on the portal or returns it. Office only.
func (s *Server) decideCase(w http.ResponseWriter, r *http.Request, sess *session) {
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
	publish := r.PostFormValue("decision") == "publish"
	if err := s.store.DecideCase(r.Context(), sess.Actor, id, publish, r.PostFormValue("note")); err != nil {
		fe, ok := formErrorsOf(printer(r), err)
		if !ok {
			s.fail(w, r, sess, err)
			return
		}
		s.renderCases(w, r, sess, formStatus(err), &casesData{Errors: fe})
		return
	}
	done := "returned"
	if publish {
		done = "published"
	}
	http.Redirect(w, r, "/staff/cases?done="+done+"&year="+r.PostFormValue("year"), http.StatusSeeOther)
}

type portalCasesData struct {
	Year  int
	Years []int
	Cases []domain.TypicalCase
	Ref   *reference
}

// showPortalCases lists the published typical cases on the portal.
func (s *Server) showPortalCases(w http.ResponseWriter, r *http.Request) {
	today := domain.DateOf(s.now().In(chinaZone))
	data := &portalCasesData{Year: today.Year}
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 2000 && y <= 2100 {
		data.Year = y
	}
	for y := today.Year; y >= today.Year-4; y-- {
		data.Years = append(data.Years, y)
	}
	cs, err := s.store.ListCases(r.Context(), domain.Actor{}, data.Year, true)
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	if data.Ref, err = s.reference(r.Context()); err != nil {
		s.fail(w, r, nil, err)
		return
	}
	data.Cases = cs
	pg := s.newPage(r, nil, "eval.cases.portal_title", data)
	pg.Nav = "cases"
	s.render(w, r, http.StatusOK, pagePortalCases, pg)
}
