package api

import (
	"net/http"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

func (s *server) listPlans(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	ps, err := s.store.ListPlans(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ps)
	return nil
}

func (s *server) createPlan(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	var p domain.Plan
	if err := decodeJSON(w, r, &p); err != nil {
		return err
	}
	if err := s.store.CreatePlan(r.Context(), a, &p); err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"plans/"+strconv.FormatInt(p.ID, 10))
	writeJSON(w, http.StatusCreated, p)
	return nil
}

// PlanWithTasks is GET /plans/{id}: the plan and the tasks the caller may see.
type PlanWithTasks struct {
	domain.Plan
	Tasks []domain.Task `json:"tasks"`
}

func (s *server) getPlan(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.store.GetPlan(r.Context(), a, id)
	if err != nil {
		return err
	}
	ts, err := s.store.ListTasks(r.Context(), a, store.TaskFilter{PlanID: id})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, PlanWithTasks{Plan: *p, Tasks: ts})
	return nil
}

func (s *server) planAction(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	switch r.PathValue("action") {
	case "file":
		err = s.store.FilePlan(ctx, a, id)
	case "reopen":
		err = s.store.ReopenPlan(ctx, a, id)
	case "publish":
		err = s.store.PublishPlan(ctx, a, id)
	default:
		return domain.E("api.planAction", domain.KindNotFound, "err.not_found")
	}
	if err != nil {
		return err
	}
	p, err := s.store.GetPlan(ctx, a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *server) listAdjustments(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	as, err := s.store.ListAdjustments(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, as)
	return nil
}

func (s *server) burden(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.store.GetPlan(r.Context(), a, id)
	if err != nil {
		return err
	}
	b, err := s.store.Burden(r.Context(), a, p.Year)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

func (s *server) createTask(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	var t domain.Task
	if err := decodeJSON(w, r, &t); err != nil {
		return err
	}
	t.ID = 0
	if err := s.store.SaveTask(r.Context(), a, &t); err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"tasks/"+strconv.FormatInt(t.ID, 10))
	writeJSON(w, http.StatusCreated, t)
	return nil
}

func (s *server) getTask(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := s.store.GetTask(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *server) updateTask(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var t domain.Task
	if err := decodeJSON(w, r, &t); err != nil {
		return err
	}
	t.ID = id
	if err := s.store.SaveTask(r.Context(), a, &t); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

// remarkBody is the body of the actions that take the office's remark.
type remarkBody struct {
	Remark string `json:"remark"`
}

func (s *server) taskAction(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	switch r.PathValue("action") {
	case "submit":
		err = s.store.SubmitTask(ctx, a, id)
	case "withdraw":
		err = s.store.WithdrawTask(ctx, a, id)
	case "return":
		var b remarkBody
		if err := decodeJSON(w, r, &b); err != nil {
			return err
		}
		err = s.store.ReturnTask(ctx, a, id, b.Remark)
	default:
		return domain.E("api.taskAction", domain.KindNotFound, "err.not_found")
	}
	if err != nil {
		return err
	}
	t, err := s.store.GetTask(ctx, a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *server) fileAdjustment(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	var adj domain.Adjustment
	if err := decodeJSON(w, r, &adj); err != nil {
		return err
	}
	adj.ID = 0
	if err := s.store.FileAdjustment(r.Context(), a, &adj); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, adj)
	return nil
}

func (s *server) adjustmentAction(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	switch r.PathValue("action") {
	case "accept":
		err = s.store.AcceptAdjustment(ctx, a, id)
	case "return":
		var b remarkBody
		if err := decodeJSON(w, r, &b); err != nil {
			return err
		}
		err = s.store.ReturnAdjustment(ctx, a, id, b.Remark)
	default:
		return domain.E("api.adjustmentAction", domain.KindNotFound, "err.not_found")
	}
	if err != nil {
		return err
	}
	adj, err := s.store.GetAdjustment(ctx, a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, adj)
	return nil
}

func (s *server) setSelection(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var sel []domain.Selected
	if err := decodeJSON(w, r, &sel); err != nil {
		return err
	}
	if err := s.store.SetBatchSelection(r.Context(), a, id, sel); err != nil {
		return err
	}
	return s.getSelection(w, r, a)
}

func (s *server) getSelection(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sel, err := s.store.BatchSelection(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sel)
	return nil
}

func (s *server) dispatch(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rep, err := s.store.Dispatch(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

// advanceBody names the state a batch moves to.
type advanceBody struct {
	To domain.State `json:"to"`
}

func (s *server) advanceBatch(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var b advanceBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	if err := s.store.AdvanceBatch(r.Context(), a, id, b.To); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) listVisits(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	q := newQuery(r)
	f := domain.VisitFilter{Year: int(q.int("year")), BatchID: q.int("batch_id"), EntityID: q.int("entity_id"), Page: q.page()}
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

func (s *server) getVisit(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := s.store.GetVisit(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// Inbox is GET /notices: a page of notices and the unread count.
type Inbox struct {
	domain.List[domain.Notice]
	Unread int `json:"unread"`
}

func (s *server) listNotices(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	q := newQuery(r)
	unread := q.bool("unread")
	p := q.page()
	if q.err != nil {
		return q.err
	}
	ns, err := s.store.ListNotices(r.Context(), a, unread != nil && *unread, p)
	if err != nil {
		return err
	}
	n, err := s.store.UnreadNotices(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, Inbox{List: *ns, Unread: n})
	return nil
}

func (s *server) readNotices(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	q := newQuery(r)
	id := q.int("id")
	if q.err != nil {
		return q.err
	}
	if err := s.store.MarkNoticesRead(r.Context(), a, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) publicPlans(w http.ResponseWriter, r *http.Request, _ domain.Actor) error {
	ps, err := s.store.PublishedPlans(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ps)
	return nil
}

// PublicPlan is a published plan as the portal shows it.
type PublicPlan struct {
	domain.Plan
	Tasks       []domain.Task       `json:"tasks"`
	Adjustments []domain.Adjustment `json:"adjustments"`
}

func (s *server) publicPlan(w http.ResponseWriter, r *http.Request, _ domain.Actor) error {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		return domain.E("api.publicPlan", domain.KindNotFound, "err.not_found")
	}
	ps, err := s.store.PublishedPlans(r.Context())
	if err != nil {
		return err
	}
	for _, p := range ps {
		if p.Year != year {
			continue
		}
		ts, err := s.store.PublishedTasks(r.Context(), p.ID)
		if err != nil {
			return err
		}
		for i := range ts {
			if ts[i].Base, err = s.store.TaskBase(r.Context(), &ts[i]); err != nil {
				return err
			}
		}
		adjs, err := s.store.PublishedAdjustments(r.Context(), p.ID)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, PublicPlan{Plan: p, Tasks: ts, Adjustments: adjs})
		return nil
	}
	return domain.E("api.publicPlan", domain.KindNotFound, "err.not_found")
}
