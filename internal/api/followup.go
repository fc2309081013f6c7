package api

import (
	"net/http"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// What follows a visit (闭环, issue 6): referrals (抄告/移交) and their
// steps, follow-ups (后续处置) and their re-check, joint-punishment flags
// (联合惩戒). Its routes join the table here.
func init() {
	routes = append(routes,
		route{"GET", "/api/v1/referrals", true, "Referrals sent or received, newest first", concat([]string{"box", "department_id", "state", "overdue", "q", "visit_id"}, pageQuery), (*server).listReferrals},
		route{"POST", "/api/v1/referrals", true, "Refer a finding to another department or a case-handling body", nil, (*server).sendReferral},
		route{"GET", "/api/v1/referrals/{id}", true, "A referral with its finding, evidence, deadlines and state", nil, (*server).getReferral},
		route{"POST", "/api/v1/referrals/{id}/{action}", true, "Acknowledge, accept, return or report the outcome of a referral (receiving department)", nil, (*server).stepReferral},
		route{"GET", "/api/v1/followups", true, "Follow-ups of closed visits, newest first", concat([]string{"department_id", "kind", "state", "overdue", "q", "visit_id"}, pageQuery), (*server).listFollowUps},
		route{"GET", "/api/v1/followups/{id}", true, "A follow-up with its deadline, state and re-check", nil, (*server).getFollowUp},
		route{"POST", "/api/v1/followups/{id}/recheck", true, "Record the re-check of a follow-up (owning department)", nil, (*server).recheckFollowUp},
		route{"GET", "/api/v1/followups/settings", true, "The referral and follow-up deadlines", nil, (*server).getFollowUpSettings},
		route{"PUT", "/api/v1/followups/settings", true, "Set the referral and follow-up deadlines (office)", nil, (*server).putFollowUpSettings},
		route{"GET", "/api/v1/entities/{code}/punish-flags", true, "A business's joint-punishment flags, in force and cleared", nil, (*server).punishFlags},
		route{"POST", "/api/v1/entities/{code}/punish-flags", true, "Flag a business for joint punishment (the caller's department)", nil, (*server).setPunishFlag},
		route{"POST", "/api/v1/punish-flags/{id}/clear", true, "Clear the caller's department's joint-punishment flag", nil, (*server).clearPunishFlag},
	)
}

func (s *server) listReferrals(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	q := newQuery(r)
	f := domain.ReferralFilter{Box: string(choice(q, "box", []string{"sent", "received"})), Dept: q.int("department_id"),
		State: choice(q, "state", domain.ReferralStates), Query: q.str("q"), VisitID: q.int("visit_id"), Page: q.page()}
	if o := q.bool("overdue"); o != nil {
		f.Overdue = *o
	}
	if q.err != nil {
		return q.err
	}
	l, err := s.store.ListReferrals(r.Context(), a, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (s *server) sendReferral(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	var in domain.ReferralInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	x, err := s.store.SendReferral(r.Context(), a, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"referrals/"+strconv.FormatInt(x.ID, 10))
	writeJSON(w, http.StatusCreated, x)
	return nil
}

func (s *server) getReferral(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	x, err := s.store.GetReferral(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}

// StepBody is POST /referrals/{id}/{action}: the reason of a return, the
// outcome reported; empty for receipt and acceptance.
type StepBody struct {
	Text string `json:"text"`
}

func (s *server) stepReferral(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	step := domain.ReferralStep(r.PathValue("action"))
	switch step {
	case domain.StepReceive, domain.StepAccept, domain.StepReturn, domain.StepOutcome:
	default:
		return domain.E("api.stepReferral", domain.KindNotFound, "err.not_found")
	}
	var b StepBody
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, &b); err != nil {
			return err
		}
	}
	if err := s.store.StepReferral(r.Context(), a, id, step, b.Text); err != nil {
		return err
	}
	x, err := s.store.GetReferral(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}

func (s *server) listFollowUps(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	q := newQuery(r)
	f := domain.FollowUpFilter{Dept: q.int("department_id"), Kind: choice(q, "kind", []domain.FollowUpKind{domain.FURectify, domain.FUAbnormal}),
		State: choice(q, "state", domain.FollowUpStates), Query: q.str("q"), VisitID: q.int("visit_id"), Page: q.page()}
	if o := q.bool("overdue"); o != nil {
		f.Overdue = *o
	}
	if q.err != nil {
		return q.err
	}
	l, err := s.store.ListFollowUps(r.Context(), a, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (s *server) getFollowUp(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f, err := s.store.GetFollowUp(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (s *server) recheckFollowUp(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in domain.RecheckInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.store.RecordRecheck(r.Context(), a, id, in); err != nil {
		return err
	}
	f, err := s.store.GetFollowUp(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (s *server) getFollowUpSettings(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	set, err := s.store.FollowUpSettings(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, set)
	return nil
}

func (s *server) putFollowUpSettings(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	var set domain.FollowUpSettings
	if err := decodeJSON(w, r, &set); err != nil {
		return err
	}
	if err := s.store.SaveFollowUpSettings(r.Context(), a, set); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, set)
	return nil
}

func (s *server) punishFlags(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	e, err := s.store.GetEntityByCode(r.Context(), a, pathCode(r))
	if err != nil {
		return err
	}
	flags, err := s.store.PunishFlags(r.Context(), a, e.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, flags)
	return nil
}

func (s *server) setPunishFlag(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	var b ReasonBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	e, err := s.store.GetEntityByCode(r.Context(), a, pathCode(r))
	if err != nil {
		return err
	}
	f, err := s.store.SetPunishFlag(r.Context(), a, e.ID, b.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, f)
	return nil
}

func (s *server) clearPunishFlag(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var b ReasonBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	if err := s.store.ClearPunishFlag(r.Context(), a, id, b.Reason); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
