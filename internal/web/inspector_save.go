package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

func (s *Server) createInspector(w http.ResponseWriter, r *http.Request, sess *session) {
	s.saveInspector(w, r, sess, &domain.Inspector{}, true)
}

func (s *Server) updateInspector(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	in, err := s.store.GetInspector(r.Context(), sess.Actor, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	s.saveInspector(w, r, sess, in, false)
}

func (s *Server) saveInspector(w http.ResponseWriter, r *http.Request, sess *session, in *domain.Inspector, isNew bool) {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, sess, badForm(err))
		return
	}
	ferr := &domain.ValidationError{Op: "web.inspectorFromForm"}
	values := map[string]string{
		domain.FieldCertExpiry: strings.TrimSpace(r.PostFormValue("cert_expiry")),
		domain.FieldLabels:     r.PostFormValue("labels"),
		domain.FieldConflicts:  r.PostFormValue("conflicts"),
	}
	if v := r.PostFormValue("department"); v != "" {
		in.DepartmentID, _ = strconv.ParseInt(v, 10, 64)
	} else if isNew {
		in.DepartmentID = sess.Actor.DepartmentID
	}
	in.Name = r.PostFormValue("name")
	in.CertNo = r.PostFormValue("cert_no")
	if d, err := domain.ParseDate(values[domain.FieldCertExpiry]); err != nil {
		ferr.Add(domain.FieldError{Field: domain.FieldCertExpiry, Value: values[domain.FieldCertExpiry], Key: "err.bad_date"})
	} else {
		in.CertExpiry = d
	}
	in.Labels = splitLabels(values[domain.FieldLabels])
	in.Expertise = r.PostFormValue("expertise")
	in.Expert = r.PostFormValue("expert") == "1"
	in.Status = domain.InspectorStatus(r.PostFormValue("status"))
	// Private fields are on the form only for users who may see them; a
	// form without them leaves the stored values alone.
	if _, ok := r.PostForm["id_number"]; ok {
		in.IDNumber = r.PostFormValue("id_number")
	}
	if _, ok := r.PostForm["phone"]; ok {
		in.Phone = r.PostFormValue("phone")
	}
	if _, ok := r.PostForm["conflicts"]; ok {
		in.Conflicts = parseConflicts(values[domain.FieldConflicts], in.Conflicts, domain.DateOf(s.now()))
	}

	var err error
	if ferr.Err() != nil && domain.Can(sess.Actor, domain.ActEditInspector, in.DepartmentID) {
		check := *in
		domain.NormalizeInspector(&check)
		for _, fe := range domain.ValidateInspector(&check, 0).Errors {
			if fe.Field != domain.FieldCertExpiry {
				ferr.Add(fe)
			}
		}
		err = ferr
	} else {
		err = s.store.SaveInspector(r.Context(), sess.Actor, in)
	}
	if err != nil {
		fe, ok := formErrorsOf(printer(r), err, inspectorFormFields...)
		if !ok {
			s.fail(w, r, sess, err)
			return
		}
		action := "/staff/inspectors"
		if !isNew {
			action += "/" + strconv.FormatInt(in.ID, 10)
		}
		s.renderInspectorForm(w, r, sess, formStatus(err), &inspectorFormData{Inspector: in, New: isNew, Action: action, Errors: fe, Values: values})
		return
	}
	http.Redirect(w, r, "/staff/inspectors/"+strconv.FormatInt(in.ID, 10)+"?saved=1", http.StatusSeeOther)
}
