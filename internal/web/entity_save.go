package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// formLimit bounds an ordinary (non-upload) form body.
const formLimit = 1 << 20

// entityFromForm reads the entity form. A date that does not parse is a
// field error of its own, reported together with the store's validation.
func entityFromForm(r *http.Request, e *domain.Entity) (values map[string]string, ferr *domain.ValidationError) {
	ferr = &domain.ValidationError{Op: "web.entityFromForm"}
	if code, ok := r.PostForm["code"]; ok && e.ID == 0 {
		e.Code = strings.Join(code, "")
	}
	// Everything is passed as typed: the store's validation names a bad
	// character or choice.
	e.Name = r.PostFormValue("name")
	e.Kind = domain.EntityKind(r.PostFormValue("kind"))
	e.IndustryCode = r.PostFormValue("industry")
	e.TownshipCode = r.PostFormValue("township")
	e.Address = r.PostFormValue("address")
	e.LegalRep = r.PostFormValue("legal_rep")
	e.Status = domain.RegStatus(r.PostFormValue("status"))
	e.RiskClass = domain.RiskClass(r.PostFormValue("risk_class"))
	raw := strings.TrimSpace(r.PostFormValue("risk_set_on"))
	d, err := domain.ParseDate(raw)
	if err != nil {
		ferr.Add(domain.FieldError{Field: domain.FieldRiskSetOn, Value: raw, Key: "err.bad_date"})
		return map[string]string{domain.FieldRiskSetOn: raw}, ferr
	}
	e.RiskSetOn = d
	return nil, ferr
}

func (s *Server) createEntity(w http.ResponseWriter, r *http.Request, sess *session) {
	s.saveEntity(w, r, sess, &domain.Entity{}, true)
}

func (s *Server) updateEntity(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	e, err := s.store.GetEntity(r.Context(), sess.Actor, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	s.saveEntity(w, r, sess, e, false)
}

func (s *Server) saveEntity(w http.ResponseWriter, r *http.Request, sess *session, e *domain.Entity, isNew bool) {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, sess, badForm(err))
		return
	}
	values, ferr := entityFromForm(r, e)
	action := "/staff/entities"
	if !isNew {
		action += "/" + strconv.FormatInt(e.ID, 10)
	}
	var err error
	if ferr.Err() != nil && domain.Can(sess.Actor, domain.ActEditEntity, 0) {
		// Run the domain rules too, so every problem is shown at once.
		check := *e
		domain.NormalizeEntity(&check)
		for _, fe := range domain.ValidateEntity(&check, 0, false).Errors {
			ferr.Add(fe)
		}
		err = ferr
	} else {
		err = s.store.SaveEntity(r.Context(), sess.Actor, e)
	}
	if err != nil {
		p := printer(r)
		fe, ok := formErrorsOf(p, err, entityFormFields...)
		if !ok {
			s.fail(w, r, sess, err)
			return
		}
		s.renderEntityForm(w, r, sess, formStatus(err), &entityFormData{Entity: e, New: isNew, Action: action, Errors: fe, Values: values})
		return
	}
	http.Redirect(w, r, "/staff/entities/"+strconv.FormatInt(e.ID, 10)+"?saved=1", http.StatusSeeOther)
}
