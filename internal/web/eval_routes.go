package web

import "net/http"

// The pages of the evaluation (监督评价).
const (
	pageEvalDashboard   = "eval_dashboard"
	pageEvalCalibration = "eval_calibration"
	pageEvalSummary     = "eval_summary"
	pageEvalBulletins   = "eval_bulletins"
	pageEvalCases       = "eval_cases"
	pagePortalCases     = "portal_cases"
	pageEvalRevisits    = "eval_revisits"
)

func init() {
	requiredPages = append(requiredPages, pageEvalDashboard, pageEvalCalibration, pageEvalSummary, pageEvalBulletins, pageEvalCases, pagePortalCases, pageEvalRevisits)
}

// evalRoutes serves the dashboard, the risk calibration, the annual
// summary, bulletins and typical cases to staff. The store decides who
// sees what; the handlers only pick the department a user is limited to.
func (s *Server) evalRoutes(mux *router) {
	staff := func(pattern string, h func(http.ResponseWriter, *http.Request, *session)) {
		mux.Handle(pattern, s.requireUser(h))
	}
	staff("GET /staff/dashboard", s.showDashboard)
	staff("POST /staff/dashboard/weights", s.saveEvalWeights)
	staff("GET /staff/calibration", s.showCalibration)
	staff("GET /staff/summary", s.showAnnualSummary)
	staff("GET /staff/summary/annual.xlsx", s.downloadAnnualSummary)
	staff("POST /staff/summary", s.fileAnnualSummary)
	staff("GET /staff/bulletins", s.listBulletins)
	staff("POST /staff/bulletins", s.issueBulletin)
	staff("POST /staff/bulletins/{id}/respond", s.respondBulletin)
	staff("GET /staff/cases", s.listCases)
	staff("POST /staff/cases", s.submitCase)
	staff("POST /staff/cases/{id}/decide", s.decideCase)
	staff("GET /staff/revisits", s.listRevisits)
	staff("POST /staff/revisits", s.announceRevisits)
	staff("POST /staff/revisits/{id}/draw", s.drawRevisits)
	staff("POST /staff/revisits/{id}/record", s.recordRevisit)
	staff("GET /staff/revisits/{id}/bundle.json", s.downloadRevisitBundle)
}

// evalPortalRoutes serves the published typical cases to the public.
func (s *Server) evalPortalRoutes(mux *router) {
	mux.HandleFunc("GET /cases", s.showPortalCases)
}
