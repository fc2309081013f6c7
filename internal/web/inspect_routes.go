package web

import "net/http"

// The pages of the inspection (检查, issue 6): the inspector's workbench,
// the visit with its joint checklist, the printable visit notice, and the
// office's settings.
const (
	pageInspectVisit  = "inspect_visit"
	pageInspectNotice = "inspect_notice"
	pageInspectBench  = "inspect_bench"
)

func init() {
	requiredPages = append(requiredPages, pageInspectVisit, pageInspectNotice, pageInspectBench)
}

// inspectRoutes registers the staff pages of the inspection. Every write
// goes through a store method that checks the actor's rights.
func (s *Server) inspectRoutes(mux *router) {
	staff := func(pattern string, h func(http.ResponseWriter, *http.Request, *session)) {
		mux.Handle(pattern, s.requireUser(h))
	}
	staff("GET /staff/inspect", s.showWorkbench)
	staff("POST /staff/inspect/settings", s.saveInspectSettings)
	staff("GET /staff/visits/{id}", s.showInspection)
	staff("GET /staff/visits/{id}/notice", s.showVisitNotice)
	staff("POST /staff/visits/{id}/close", s.closeVisit)
	staff("GET /staff/visits/{id}/archive", s.downloadArchive)
	staff("POST /staff/visits/{id}/archive", s.archiveVisit)
	staff("POST /staff/parts/{id}/results", s.saveResults)
	staff("POST /staff/parts/{id}/attachments", s.uploadAttachment)
	staff("POST /staff/parts/{id}/{action}", s.partAction)
	staff("GET /staff/attachments/{id}", s.downloadAttachment)
}
