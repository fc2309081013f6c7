package web

import (
	"net/http"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

type entityFormData struct {
	Entity *domain.Entity
	Ref    *reference
	New    bool
	Action string
	Errors *fieldErrors
	Values map[string]string // raw inputs that did not parse (dates)
}

var entityFormFields = []string{domain.FieldCode, domain.FieldName, domain.FieldKind, domain.FieldIndustry,
	domain.FieldTownship, domain.FieldAddress, domain.FieldLegalRep, domain.FieldStatus, domain.FieldRiskClass, domain.FieldRiskSetOn}

func (s *Server) showNewEntity(w http.ResponseWriter, r *http.Request, sess *session) {
	if !domain.Can(sess.Actor, domain.ActEditEntity, 0) {
		s.fail(w, r, sess, domain.E("web.showNewEntity", domain.KindForbidden, "err.forbidden"))
		return
	}
	e := &domain.Entity{Status: domain.StatusActive, RiskClass: domain.RiskB, Kind: domain.KindEnterprise}
	s.renderEntityForm(w, r, sess, http.StatusOK, &entityFormData{Entity: e, New: true, Action: "/staff/entities"})
}

func (s *Server) showEditEntity(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if !domain.Can(sess.Actor, domain.ActEditEntity, 0) {
		s.fail(w, r, sess, domain.E("web.showEditEntity", domain.KindForbidden, "err.forbidden"))
		return
	}
	e, err := s.store.GetEntity(r.Context(), sess.Actor, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	s.renderEntityForm(w, r, sess, http.StatusOK, &entityFormData{Entity: e, Action: r.URL.Path[:len(r.URL.Path)-len("/edit")]})
}

func (s *Server) renderEntityForm(w http.ResponseWriter, r *http.Request, sess *session, status int, data *entityFormData) {
	ref, err := s.reference(r.Context())
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	data.Ref = ref
	title := "web.entity.edit.title"
	if data.New {
		title = "web.entity.new.title"
	}
	pg := s.newPage(r, sess, title, data)
	pg.Nav = "entities"
	if data.Errors != nil && len(data.Errors.General) > 0 {
		pg.Error = data.Errors.General[0]
	}
	s.render(w, r, status, pageEntityForm, pg)
}
