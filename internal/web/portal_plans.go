package web

import (
	"net/http"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

type portalPlansData struct {
	Plans []domain.Plan
}

// showPortalPlans lists the published annual plans.
func (s *Server) showPortalPlans(w http.ResponseWriter, r *http.Request) {
	plans, err := s.store.PublishedPlans(r.Context())
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	pg := s.newPage(r, nil, "plan.portal.title", &portalPlansData{Plans: plans})
	pg.Nav = "plans"
	s.render(w, r, http.StatusOK, pagePortalPlans, pg)
}

type portalPlanData struct {
	Plan        *domain.Plan
	Rows        []planRow
	Adjustments []domain.Adjustment
	Burden      *domain.Burden
}

// publishedPlan reads the published plan of the {year} path segment with
// its public tasks; an unpublished or unknown year is not found.
func (s *Server) publishedPlan(r *http.Request) (*domain.Plan, []domain.Task, []domain.Adjustment, error) {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		return nil, nil, nil, domain.E("web.publishedPlan", domain.KindNotFound, "err.not_found")
	}
	plans, err := s.store.PublishedPlans(r.Context())
	if err != nil {
		return nil, nil, nil, err
	}
	for i := range plans {
		if plans[i].Year == year {
			p := &plans[i]
			tasks, err := s.store.PublishedTasks(r.Context(), p.ID)
			if err != nil {
				return nil, nil, nil, err
			}
			adjs, err := s.store.PublishedAdjustments(r.Context(), p.ID)
			return p, tasks, adjs, err
		}
	}
	return nil, nil, nil, domain.E("web.publishedPlan", domain.KindNotFound, "err.not_found")
}

// showPortalPlan is a published plan in the standard columns with the
// live base per risk class, and its adjustments as dated changes.
func (s *Server) showPortalPlan(w http.ResponseWriter, r *http.Request) {
	p, tasks, adjs, err := s.publishedPlan(r)
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	ref, err := s.reference(r.Context())
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	rows, err := s.planRows(r.Context(), printer(r), ref, tasks, true)
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	burden, err := s.store.PublicBurden(r.Context(), p.Year)
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	pg := s.newPage(r, nil, "", &portalPlanData{Plan: p, Rows: rows, Adjustments: adjs, Burden: burden})
	pg.Title = p.Title
	pg.Nav = "plans"
	s.render(w, r, http.StatusOK, pagePortalPlan, pg)
}

// exportPortalPlan downloads a published plan in the standard layout.
func (s *Server) exportPortalPlan(w http.ResponseWriter, r *http.Request) {
	p, tasks, adjs, err := s.publishedPlan(r)
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	s.writePlanXLSX(w, r, nil, p, tasks, adjs)
}
