package web

import (
	"net/http"

	"github.com/yiyeyicha/yiyeyicha/internal/validate"
)

// showBusiness is a business's public page: registration facts only, never
// its risk class.
func (s *Server) showBusiness(w http.ResponseWriter, r *http.Request) {
	code := validate.NormalizeCode(r.PathValue("code"))
	e, err := s.store.PublicEntity(r.Context(), code)
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	pg := s.newPage(r, nil, "", e)
	pg.Title = e.Name
	pg.Nav = "search"
	s.render(w, r, http.StatusOK, pageBusiness, pg)
}
