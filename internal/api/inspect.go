package api

import (
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/attach"
	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// The inspection (检查, issue 6): workbench, checklist, results, sign-off,
// joint record, evidence, publication. Its routes join the table here.
func init() {
	routes = append(routes,
		route{"GET", "/api/v1/inspect/visits", true, "The caller's visits, soonest window first (inspector's workbench)", concat([]string{"township", "state"}, pageQuery), (*server).workbench},
		route{"GET", "/api/v1/visits/{id}/inspection", true, "A visit's checklist per department, results, sign-offs, team, attachments and joint record", nil, (*server).getInspection},
		route{"PUT", "/api/v1/parts/{id}/results", true, "Enter results of a department's part", nil, (*server).saveResults},
		route{"POST", "/api/v1/parts/{id}/attachments", true, "Attach evidence (photo or PDF) to a part", []string{"filename", "item_id"}, (*server).addAttachment},
		route{"POST", "/api/v1/parts/{id}/{action}", true, "Sign off, reopen or publish a part", nil, (*server).partAction},
		route{"POST", "/api/v1/visits/{id}/close", true, "Close the joint record (lead department)", nil, (*server).closeVisit},
		route{"GET", "/api/v1/attachments/{id}", true, "Download an attachment", nil, (*server).getAttachment},
		route{"GET", "/api/v1/publications/due", true, "Signed results not yet published, with their deadlines", []string{"department_id"}, (*server).publicationsDue},
		route{"GET", "/api/v1/inspect/settings", true, "The publication deadline and warning lead", nil, (*server).getInspectSettings},
		route{"PUT", "/api/v1/inspect/settings", true, "Set the publication deadline and warning lead (office)", nil, (*server).putInspectSettings},
		route{"GET", "/api/v1/public/entities/{code}/inspections", false, "Published inspection results of a business", nil, (*server).publicInspections},
	)
}

func (s *server) workbench(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	q := newQuery(r)
	f := domain.VisitFilter{ByDate: true, Township: r.URL.Query().Get("township"), State: domain.VisitState(r.URL.Query().Get("state")), Page: q.page()}
	if q.err != nil {
		return q.err
	}
	vs, err := s.store.ListVisits(r.Context(), a, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, vs)
	return nil
}

func (s *server) getInspection(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in, err := s.store.Inspection(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

// ResultsBody is PUT /parts/{id}/results.
type ResultsBody struct {
	Results []domain.ResultInput `json:"results"`
}

func (s *server) saveResults(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var b ResultsBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	if err := s.store.SaveResults(r.Context(), a, id, b.Results); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// PublishResult is what publishing a part answers: its transparency-log
// index.
type PublishResult struct {
	LogIndex int64 `json:"log_index"`
}

func (s *server) partAction(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	switch r.PathValue("action") {
	case "sign":
		err = s.store.SignPart(ctx, a, id)
	case "reopen":
		err = s.store.ReopenPart(ctx, a, id)
	case "publish":
		var idx int64
		if idx, err = s.store.PublishPart(ctx, a, id); err == nil {
			writeJSON(w, http.StatusOK, PublishResult{LogIndex: idx})
			return nil
		}
	default:
		return domain.E("api.partAction", domain.KindNotFound, "err.not_found")
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) closeVisit(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in domain.CloseInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.store.CloseVisit(r.Context(), a, id, in); err != nil {
		return err
	}
	out, err := s.store.Inspection(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// addAttachment takes the file as the raw request body (its type is read
// from the content, not from any header), named by ?filename=.
func (s *server) addAttachment(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var item int64
	if v := r.URL.Query().Get("item_id"); v != "" {
		if item, err = strconv.ParseInt(v, 10, 64); err != nil {
			return domain.E("api.addAttachment", domain.KindInvalid, "err.inspect.unknown_item").WithField(domain.FieldResultItem)
		}
	}
	body := http.MaxBytesReader(w, r.Body, attach.DefaultLimits.MaxBytes+1)
	up, err := attach.Receive("", r.URL.Query().Get("filename"), body, attach.DefaultLimits)
	if err != nil {
		return err
	}
	defer up.Close()
	x, err := s.store.AddAttachment(r.Context(), a, id, item, up)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"attachments/"+strconv.FormatInt(x.ID, 10))
	writeJSON(w, http.StatusCreated, x)
	return nil
}

func (s *server) getAttachment(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	x, rc, err := s.store.OpenAttachment(r.Context(), a, id)
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("Content-Type", x.MediaType)
	w.Header().Set("Content-Length", strconv.FormatInt(x.Size, 10))
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": x.Name}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("X-Content-SHA256", x.SHA256)
	_, err = io.Copy(w, rc)
	if err != nil {
		s.log.Info("attachment download interrupted", "id", id, "err", err)
	}
	return nil
}

func (s *server) publicationsDue(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	q := newQuery(r)
	dept := q.int("department_id")
	if q.err != nil {
		return q.err
	}
	due, err := s.store.PublicationsDue(r.Context(), a, dept)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, due)
	return nil
}

func (s *server) getInspectSettings(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	set, err := s.store.InspectSettings(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, set)
	return nil
}

func (s *server) putInspectSettings(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	var set domain.InspectSettings
	if err := decodeJSON(w, r, &set); err != nil {
		return err
	}
	if err := s.store.SaveInspectSettings(r.Context(), a, set); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, set)
	return nil
}

func (s *server) publicInspections(w http.ResponseWriter, r *http.Request, _ domain.Actor) error {
	code := pathCode(r)
	if _, err := s.store.PublicEntity(r.Context(), code); err != nil {
		return err
	}
	ins, err := s.store.PublicInspections(r.Context(), code)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ins)
	return nil
}
