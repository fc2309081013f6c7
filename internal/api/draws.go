package api

import (
	"net/http"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// The draw (抽取) over the API: a batch's draw is announced, each party
// commits and reveals, the public value is entered twice, the lead
// department executes (the result becomes the batch's selection) or
// aborts in public. Reading draws and bundles is public.

// AnnounceBody is POST /batches/{id}/draw: the public future value the
// draw will use, "" for none.
type AnnounceBody struct {
	PublicValue string `json:"public_value"`
}

// PartyBody is a party's commitment or reveal.
type PartyBody struct {
	Party      string `json:"party"`
	Commitment string `json:"commitment,omitempty"` // commit: 64 hex digits
	Secret     string `json:"secret,omitempty"`     // reveal: the secret in lowercase hex
}

// PublicValueBody is one entry of the public value: one source a line.
type PublicValueBody struct {
	Value string `json:"value"`
}

// PublicValueEntry answers an entry: whether the value is now confirmed
// (the second agreeing entry), and the draw.
type PublicValueEntry struct {
	Confirmed bool        `json:"confirmed"`
	Draw      domain.Draw `json:"draw"`
}

func (s *server) listDraws(w http.ResponseWriter, r *http.Request, _ domain.Actor) error {
	ds, err := s.store.ListDraws(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ds)
	return nil
}

func (s *server) getDraw(w http.ResponseWriter, r *http.Request, _ domain.Actor) error {
	d, err := s.store.GetDraw(r.Context(), r.PathValue("key"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *server) drawBundle(w http.ResponseWriter, r *http.Request, _ domain.Actor) error {
	key := r.PathValue("key")
	b, err := s.store.DrawBundle(r.Context(), key)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="draw-`+key+`.json"`)
	w.WriteHeader(http.StatusOK)
	if err := b.Write(w); err != nil {
		s.log.Error("api: draw bundle", "draw", key, "err", err)
	}
	return nil
}

func (s *server) announceDraw(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var body AnnounceBody
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	p, err := s.store.BatchDrawParams(r.Context(), a, id, body.PublicValue)
	if err != nil {
		return err
	}
	d, err := s.store.AnnounceDraw(r.Context(), a, p)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"draws/"+d.Key)
	writeJSON(w, http.StatusCreated, d)
	return nil
}

// drawStep runs one step of a draw and answers the draw as it stands.
func (s *server) drawStep(w http.ResponseWriter, r *http.Request, step func(key string) error) error {
	key := r.PathValue("key")
	if err := step(key); err != nil {
		return err
	}
	d, err := s.store.GetDraw(r.Context(), key)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *server) commitDraw(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	var body PartyBody
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	return s.drawStep(w, r, func(key string) error { return s.store.CommitDraw(r.Context(), a, key, body.Party, body.Commitment) })
}

func (s *server) revealDraw(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	var body PartyBody
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	return s.drawStep(w, r, func(key string) error { return s.store.RevealDraw(r.Context(), a, key, body.Party, body.Secret) })
}

func (s *server) drawPublicValue(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	var body PublicValueBody
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	key := r.PathValue("key")
	ok, err := s.store.EnterPublicValue(r.Context(), a, key, body.Value)
	if err != nil {
		return err
	}
	d, err := s.store.GetDraw(r.Context(), key)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, PublicValueEntry{Confirmed: ok, Draw: *d})
	return nil
}

func (s *server) executeDraw(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	return s.drawStep(w, r, func(key string) error {
		_, err := s.store.ExecuteDraw(r.Context(), a, key)
		return err
	})
}

func (s *server) abortDraw(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	var body ReasonBody
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	return s.drawStep(w, r, func(key string) error { return s.store.AbortDraw(r.Context(), a, key, body.Reason) })
}
