package api

import (
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/archive"
	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// The archive (立卷归档, issue 6): a closed visit's archive file, and its
// lead department's archive mark.
func init() {
	routes = append(routes,
		route{"GET", "/api/v1/visits/{id}/archive", true, "Download a closed visit's archive (zip: record.json, record.html, attachments)", nil, (*server).getArchive},
		route{"POST", "/api/v1/visits/{id}/archive", true, "Mark a closed visit archived (lead department)", nil, (*server).archiveVisit},
	)
}

// getArchive builds the archive whole, every attachment verified against
// its SHA-256, before sending a byte: a tampered file is an error answer,
// never a bad archive.
func (s *server) getArchive(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f, err := archive.Build(r.Context(), "", s.store, a, id, printer(r))
	if err != nil {
		return err
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Length", strconv.FormatInt(f.Size, 10))
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": archive.FileName(f.Record)}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if _, err := io.Copy(w, f); err != nil {
		s.log.Info("archive download interrupted", "visit", id, "err", err)
	}
	return nil
}

func (s *server) archiveVisit(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.store.ArchiveVisit(r.Context(), a, id); err != nil {
		return err
	}
	in, err := s.store.Inspection(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in.Archive)
	return nil
}
