package web

import (
	"net/http"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// benchData is the inspector's workbench (检查工作台): the visits to do,
// soonest first, grouped by day and township; and the department's
// results waiting to be published with their deadlines.
type benchData struct {
	Groups      []benchGroup
	Visits      *domain.List[domain.Visit]
	Pager       pager
	Due         []domain.PublicationDue
	Ref         *reference
	Township    string
	State       string
	States      []domain.VisitState
	Settings    domain.InspectSettings
	CanSettings bool
}

// benchGroup is the visits of one window start and township.
type benchGroup struct {
	Start    domain.Date
	Township string
	Visits   []domain.Visit
}

// showWorkbench lists the actor's visits (an inspector's own, a
// department's with a part of it, all for the office) by date and
// township, with filters, and the publications due.
func (s *Server) showWorkbench(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	q := r.URL.Query()
	f := domain.VisitFilter{ByDate: true, Township: q.Get("township"), State: domain.VisitState(q.Get("state"))}
	f.Page.Number, _ = strconv.Atoi(q.Get("page"))
	vs, err := s.store.ListVisits(ctx, sess.Actor, f)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	d := &benchData{Visits: vs, Township: f.Township, State: q.Get("state"), CanSettings: domain.Can(sess.Actor, domain.ActEditInspectConf, 0),
		States: []domain.VisitState{domain.VisitDispatched, domain.VisitInProgress, domain.VisitResultsComplete, domain.VisitClosed},
		Pager:  newPager(r.URL, domain.Page{Number: vs.Page, Size: vs.Size}, vs.Total)}
	if d.Ref, err = s.reference(ctx); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	for _, v := range vs.Items {
		if n := len(d.Groups); n == 0 || d.Groups[n-1].Start != v.Window.Start || d.Groups[n-1].Township != v.TownshipCode {
			d.Groups = append(d.Groups, benchGroup{Start: v.Window.Start, Township: v.TownshipCode})
		}
		g := &d.Groups[len(d.Groups)-1]
		g.Visits = append(g.Visits, v)
	}
	if d.Due, err = s.store.PublicationsDue(ctx, sess.Actor, 0); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if d.Settings, err = s.store.InspectSettings(ctx); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	pg := s.newPage(r, sess, "inspect.bench.title", d)
	pg.Nav = "inspect"
	if done := q.Get("done"); done != "" {
		pg.Notice = pg.P.T("inspect.done." + done)
	}
	s.render(w, r, http.StatusOK, pageInspectBench, pg)
}

// saveInspectSettings sets the publication deadline and warning lead (the
// office).
func (s *Server) saveInspectSettings(w http.ResponseWriter, r *http.Request, sess *session) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	var set domain.InspectSettings
	var err1, err2 error
	set.PublishDays, err1 = strconv.Atoi(r.PostFormValue("publish_days"))
	set.WarnDays, err2 = strconv.Atoi(r.PostFormValue("warn_days"))
	if err1 != nil || err2 != nil {
		set = domain.InspectSettings{PublishDays: -1, WarnDays: -1}
	}
	if err := s.store.SaveInspectSettings(r.Context(), sess.Actor, set); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/staff/inspect?done=settings", http.StatusSeeOther)
}
