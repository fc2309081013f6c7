package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/i18n"
)

// The pages of annual plans, tasks, adjustments, visits and the inbox.
const (
	pagePlanList       = "plan_list"
	pagePlanShow       = "plan_show"
	pageTaskForm       = "task_form"
	pageTaskShow       = "task_show"
	pageAdjustmentList = "adjustment_list"
	pageVisitList      = "visit_list"
	pageInbox          = "inbox"
	pagePortalPlans    = "portal_plans"
	pagePortalPlan     = "portal_plan"
)

// plansRoutes registers the staff pages of issue 4.
func (s *Server) plansRoutes(mux *router) {
	staff := func(pattern string, h func(http.ResponseWriter, *http.Request, *session)) {
		mux.Handle(pattern, s.requireUser(h))
	}
	staff("GET /staff/plans", s.listPlans)
	staff("POST /staff/plans", s.createPlan)
	staff("GET /staff/plans/{id}", s.showPlan)
	staff("GET /staff/plans/{id}/plan.xlsx", s.exportPlan)
	staff("POST /staff/plans/{id}/settings", s.savePlanSettings)
	staff("POST /staff/plans/{id}/{action}", s.planAction)
	staff("GET /staff/plans/{id}/tasks/new", s.showNewTask)
	staff("POST /staff/plans/{id}/tasks", s.createTask)
	staff("GET /staff/plans/{id}/adjustments", s.listAdjustments)
	staff("GET /staff/tasks/{id}", s.showTask)
	staff("GET /staff/tasks/{id}/edit", s.showEditTask)
	staff("POST /staff/tasks/{id}", s.updateTask)
	staff("POST /staff/tasks/{id}/adjustments", s.fileAdjustment)
	staff("POST /staff/tasks/{id}/{action}", s.taskAction)
	staff("POST /staff/adjustments/{id}/{action}", s.adjustmentAction)
	staff("POST /staff/batches/{id}/{action}", s.batchAction)
	staff("GET /staff/visits", s.listVisits)
	staff("GET /staff/inbox", s.showInbox)
	staff("POST /staff/inbox/read", s.markNoticesRead)
}

// plansPortalRoutes registers the public pages of the published plans.
func (s *Server) plansPortalRoutes(mux *router) {
	mux.HandleFunc("GET /plans", s.showPortalPlans)
	mux.HandleFunc("GET /plans/{year}", s.showPortalPlan)
	mux.HandleFunc("GET /plans/{year}/plan.xlsx", s.exportPortalPlan)
}

// unreadCount is the actor's unread notices for the navigation badge; a
// failure only hides the badge.
func (s *Server) unreadCount(sess *session) int {
	if sess == nil {
		return 0
	}
	n, err := s.store.UnreadNotices(context.Background(), sess.Actor)
	if err != nil {
		s.log.Error("unread notices", "err", err)
	}
	return n
}

// parseForm reads a small POSTed form.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	return nil
}

// done sets the page's notice from ?done=<key> (plan.done.<key>).
func done(pg *page, r *http.Request) {
	if k := r.URL.Query().Get("done"); k != "" {
		if msg := pg.P.T("plan.done." + k); msg != "plan.done."+k {
			pg.Notice = msg
		}
	}
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

// plansFuncs are the template helpers of the plan pages.
func (s *Server) plansFuncs() template.FuncMap {
	return template.FuncMap{
		"unread": s.unreadCount,
		// nextState is the step after a dispatched batch's state, "" when
		// there is none to offer.
		"nextState": func(st domain.State) domain.State {
			switch st {
			case domain.StateDispatched:
				return domain.StateInProgress
			case domain.StateInProgress:
				return domain.StateResultsComplete
			case domain.StateResultsComplete:
				return domain.StateResultsPublished
			case domain.StateResultsPublished:
				return domain.StateClosed
			}
			return ""
		},
		// noticeText is a notice in the reader's language.
		"noticeText": func(p *i18n.Printer, n domain.Notice) string {
			args := make([]any, 0, 2*len(n.Args))
			for k, v := range n.Args {
				args = append(args, k, v)
			}
			return p.T("plan.notice."+n.Kind, args...)
		},
		"ratioPct": func(r domain.Ratio) string { return strings.TrimSuffix(r.String(), "%") },
		// hasItem reports whether a task department (nil: not in the task)
		// checks item id.
		"hasItem": func(d *domain.TaskDepartment, id int64) bool { return d != nil && slices.Contains(d.ItemIDs, id) },
		// hasStr reports whether a list of codes holds v.
		"hasStr": func(xs any, v any) bool {
			want := fmt.Sprint(v)
			rv := reflect.ValueOf(xs)
			for i := 0; rv.Kind() == reflect.Slice && i < rv.Len(); i++ {
				if fmt.Sprint(rv.Index(i).Interface()) == want {
					return true
				}
			}
			return false
		},
	}
}
