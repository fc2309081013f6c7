package web

import "net/http"

// confirmImport imports a previewed upload for real, in one transaction.
func (s *Server) confirmImport(w http.ResponseWriter, r *http.Request, sess *session) {
	kind := r.PathValue("kind")
	if err := importKind(kind); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	u, err := s.loadUpload(r.PathValue("id"), kind, sess.User.ID)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	s.showImportOutcome(w, r, sess, &importData{Kind: kind, Upload: u}, false)
}
