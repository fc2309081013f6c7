package web

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/archive"
)

// downloadArchive sends the archive file of a closed visit (立卷归档): the
// JSON record, the printable page and the attachments, to whoever may read
// the visit. It is built whole, every attachment verified, before the
// first byte goes out: a tampered file is refused with a message, never
// shipped.
func (s *Server) downloadArchive(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	dir, err := s.uploads()
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	f, err := archive.Build(r.Context(), dir, s.store, sess.Actor, id, printer(r))
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Length", strconv.FormatInt(f.Size, 10))
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": archive.FileName(f.Record)}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
	if _, err := io.Copy(w, f); err != nil {
		s.log.Info("archive download interrupted", "visit", id, "err", fmt.Sprint(err))
	}
}

// archiveVisit marks a closed visit archived by hand (its lead department).
func (s *Server) archiveVisit(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := s.store.ArchiveVisit(r.Context(), sess.Actor, id); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	visitBack(w, r, id, "archived", "archive")
}
