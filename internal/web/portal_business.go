package web

import (
	"net/http"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/validate"
)

// businessData is a business's public page: its facts and its visit count
// this year (the burden ledger, 无事不扰).
type businessData struct {
	*domain.PublicEntity
	Burden      *store.EntityBurden
	Inspections []domain.PublicInspection // published results (一公开), newest first
}

// showBusiness is a business's public page: registration facts only, never
// its risk class; and every inspection with a published result.
func (s *Server) showBusiness(w http.ResponseWriter, r *http.Request) {
	code := validate.NormalizeCode(r.PathValue("code"))
	if !plausibleCode(code) {
		s.fail(w, r, nil, domain.E("web.showBusiness", domain.KindNotFound, "err.not_found"))
		return
	}
	e, err := s.store.PublicEntity(r.Context(), code)
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	year := domain.DateOf(s.now().In(chinaZone)).Year
	burden, err := s.store.BusinessBurden(r.Context(), domain.Actor{}, e.Code, year)
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	ins, err := s.store.PublicInspections(r.Context(), e.Code)
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	pg := s.newPage(r, nil, "", &businessData{PublicEntity: e, Burden: burden, Inspections: ins})
	pg.Title = e.Name
	pg.Nav = "search"
	s.render(w, r, http.StatusOK, pageBusiness, pg)
}

// plausibleCode reports whether s can be a stored credit code: 18 digits
// or capital letters. Anything else cannot match, so the visitor gets "not
// found" at once, without a database query.
func plausibleCode(s string) bool {
	if len(s) != 18 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
