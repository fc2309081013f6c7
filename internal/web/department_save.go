package web

import (
	"net/http"
)

// updateDepartment saves a department's names and contacts.
func (s *Server) updateDepartment(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	d, err := s.store.GetDepartment(r.Context(), id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, sess, badForm(err))
		return
	}
	d.Name = r.PostFormValue("name")
	d.ShortName = r.PostFormValue("short_name")
	d.Liaison = r.PostFormValue("liaison")
	d.LiaisonPhone = r.PostFormValue("liaison_phone")
	d.Leader = r.PostFormValue("leader")
	d.LeaderPhone = r.PostFormValue("leader_phone")
	if err := s.store.SaveDepartment(r.Context(), sess.Actor, d); err != nil {
		fe, ok := formErrorsOf(printer(r), err, departmentFormFields...)
		if !ok {
			s.fail(w, r, sess, err)
			return
		}
		s.renderDepartmentForm(w, r, sess, formStatus(err), &departmentFormData{Department: d, Errors: fe})
		return
	}
	http.Redirect(w, r, "/staff/departments?done=saved", http.StatusSeeOther)
}
