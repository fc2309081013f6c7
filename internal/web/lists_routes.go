package web

import (
	"net/http"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// The pages of item catalogues and joint lists, checked at start-up.
const (
	pageListsPortal  = "lists_portal"
	pageListsPublic  = "lists_public"
	pageListsSummary = "lists_summary"
	pageListsDiff    = "lists_diff"
	pageListsStaff   = "lists_staff"
	pageListsList    = "lists_list"
	pageListsVersion = "lists_version"
	pageCatalog      = "lists_catalog"
)

func init() {
	requiredPages = append(requiredPages, pageListsPortal, pageListsPublic, pageListsSummary, pageListsDiff,
		pageListsStaff, pageListsList, pageListsVersion, pageCatalog)
}

// listsPortalRoutes serves the published joint lists to the public: the
// search, each list with its history, printable, downloadable, the diff
// between two versions, and the county summary list.
func (s *Server) listsPortalRoutes(mux *router) {
	mux.HandleFunc("GET /lists", s.searchLists)
	mux.HandleFunc("GET /lists/summary", s.showListsSummary)
	mux.HandleFunc("GET /lists/summary/download/{format}", s.downloadListsSummary)
	mux.HandleFunc("GET /lists/{industry}", s.showPublicList)
	mux.HandleFunc("GET /lists/{industry}/versions/{number}", s.showPublicList)
	mux.HandleFunc("GET /lists/{industry}/versions/{number}/{format}", s.downloadPublicVersion)
	mux.HandleFunc("GET /lists/{industry}/diff", s.showPublicDiff)
}

// listsRoutes serves the staff side: catalogues, drafts, sign-off,
// publication, new versions.
func (s *Server) listsRoutes(mux *router) {
	staff := func(pattern string, h func(http.ResponseWriter, *http.Request, *session)) {
		mux.Handle(pattern, s.requireUser(h))
	}
	staff("GET /staff/catalog", s.listCatalog)
	staff("POST /staff/catalog", s.createCatalogItem)
	staff("GET /staff/catalog/export", s.exportCatalog)
	staff("GET /staff/catalog/{id}/edit", s.showEditCatalogItem)
	staff("POST /staff/catalog/{id}", s.updateCatalogItem)
	staff("GET /staff/lists", s.listStaffLists)
	staff("GET /staff/lists/export", s.exportStaffLists)
	staff("POST /staff/lists", s.createJointList)
	staff("GET /staff/lists/{id}", s.showStaffList)
	staff("POST /staff/lists/{id}/versions", s.openListDraft)
	staff("GET /staff/lists/{id}/diff", s.showStaffDiff)
	staff("GET /staff/versions/{id}", s.showVersion)
	staff("POST /staff/versions/{id}/header", s.saveVersionHeader)
	staff("POST /staff/versions/{id}/departments", s.saveVersionDepartments)
	staff("POST /staff/versions/{id}/parts/{dept}", s.saveVersionPart)
	staff("POST /staff/versions/{id}/parts/{dept}/confirm", s.confirmVersionPart)
	staff("POST /staff/versions/{id}/publish", s.publishListVersion)
	staff("POST /staff/versions/{id}/discard", s.discardListDraft)
}

// deptNames maps department IDs to their short names (full names when
// there is none), for the list pages.
func (s *Server) deptNames(r *http.Request) (map[int64]string, []domain.Department, error) {
	ds, err := s.store.ListDepartments(r.Context())
	if err != nil {
		return nil, nil, err
	}
	m := make(map[int64]string, len(ds))
	for _, d := range ds {
		m[d.ID] = d.ShortName
		if d.ShortName == "" {
			m[d.ID] = d.Name
		}
	}
	return m, ds, nil
}
