package web

import (
	"net/http"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

type planListData struct {
	Plans    []planListItem
	NextYear int
}

type planListItem struct {
	Plan     domain.Plan
	Deadline string // "", "soon", "overdue"
	Days     int
}

// listPlans shows every annual plan with its state against the 31 March
// deadline, and (office) the form that opens a year's plan.
func (s *Server) listPlans(w http.ResponseWriter, r *http.Request, sess *session) {
	plans, err := s.store.ListPlans(r.Context(), sess.Actor)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	today := domain.DateOf(s.now())
	data := &planListData{NextYear: today.Year}
	for _, p := range plans {
		st, days := p.DeadlineStatus(today)
		data.Plans = append(data.Plans, planListItem{Plan: p, Deadline: st, Days: days})
		if p.Year >= data.NextYear {
			data.NextYear = p.Year + 1
		}
	}
	pg := s.newPage(r, sess, "plan.list.title", data)
	pg.Nav = "plans"
	done(pg, r)
	s.render(w, r, http.StatusOK, pagePlanList, pg)
}

// createPlan opens a year's plan (the office).
func (s *Server) createPlan(w http.ResponseWriter, r *http.Request, sess *session) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	year, err := strconv.Atoi(r.PostFormValue("year"))
	if err != nil {
		s.fail(w, r, sess, domain.E("web.createPlan", domain.KindInvalid, "err.plan.year").WithField(domain.FieldPlanYear))
		return
	}
	p := &domain.Plan{Year: year, Title: r.PostFormValue("title")}
	if p.Title == "" {
		p.Title = printer(r).T("plan.default_title", "year", year)
	}
	if err := s.store.CreatePlan(r.Context(), sess.Actor, p); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/staff/plans/"+idString(p.ID)+"?done=created", http.StatusSeeOther)
}
