package api

import (
	"context"
	_ "embed"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/importx"
	"github.com/yiyeyicha/yiyeyicha/internal/validate"
)

//go:embed openapi.json
var openAPIDoc []byte

func (s *server) openAPI(w http.ResponseWriter, r *http.Request, _ domain.Actor) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Access-Control-Allow-Origin", "*") // so that API viewers elsewhere can load it; it holds no secret
	_, _ = w.Write(openAPIDoc)
	return nil
}

// Me is the answer of GET /api/v1/me: the token's user and the actions
// they may perform on their own department's records (on everything, for
// roles without a department), so that a client can hide what would fail.
type Me struct {
	domain.User
	Actions []domain.Action `json:"actions"`
}

func (s *server) me(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	u, _ := r.Context().Value(userKey{}).(*domain.User)
	if u == nil {
		return domain.E("api.me", domain.KindInternal, "err.internal") // only reachable if the route lost its Auth flag
	}
	me := Me{User: *u, Actions: []domain.Action{}}
	for _, act := range domain.Actions {
		if domain.Can(a, act, a.DepartmentID) {
			me.Actions = append(me.Actions, act)
		}
	}
	writeJSON(w, http.StatusOK, me)
	return nil
}

func (s *server) departments(w http.ResponseWriter, r *http.Request, _ domain.Actor) error {
	ds, err := s.store.ListDepartments(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, nonNil(ds))
	return nil
}

func (s *server) industries(w http.ResponseWriter, r *http.Request, _ domain.Actor) error {
	is, err := s.store.ListIndustries(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, nonNil(is))
	return nil
}

func (s *server) townships(w http.ResponseWriter, r *http.Request, _ domain.Actor) error {
	ts, err := s.store.ListTownships(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, nonNil(ts))
	return nil
}

// --- entities ---

func (s *server) listEntities(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	q := newQuery(r)
	f := q.entityFilter()
	f.Page = q.page()
	if q.err != nil {
		return q.err
	}
	l, err := s.store.ListEntities(r.Context(), a, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, fixList(l, f.Page))
	return nil
}

func (s *server) getEntity(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	e, err := s.store.GetEntityByCode(r.Context(), a, pathCode(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (s *server) createEntity(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	var e domain.Entity
	if err := decodeJSON(w, r, &e); err != nil {
		return err
	}
	e.ID = 0
	if err := s.store.SaveEntity(r.Context(), a, &e); err != nil {
		return err
	}
	saved, err := s.store.GetEntityByCode(r.Context(), a, validate.NormalizeCode(e.Code))
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"entities/"+url.PathEscape(saved.Code))
	writeJSON(w, http.StatusCreated, saved)
	return nil
}

// updateEntity replaces the entity named by the path with the body. The
// code is the entity's identity: a body may repeat it or leave it out, but
// not change it.
func (s *server) updateEntity(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	code := pathCode(r)
	old, err := s.store.GetEntityByCode(r.Context(), a, code)
	if err != nil {
		return err
	}
	var e domain.Entity
	if err := decodeJSON(w, r, &e); err != nil {
		return err
	}
	if e.Code != "" && validate.NormalizeCode(e.Code) != old.Code {
		return domain.E("api.updateEntity", domain.KindInvalid, "err.api.code_mismatch", "path", old.Code, "body", e.Code).WithField(domain.FieldCode)
	}
	e.ID, e.Code = old.ID, old.Code
	if err := s.store.SaveEntity(r.Context(), a, &e); err != nil {
		return err
	}
	saved, err := s.store.GetEntityByCode(r.Context(), a, old.Code)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, saved)
	return nil
}

// --- inspectors ---

func (s *server) listInspectors(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	q := newQuery(r)
	f := q.inspectorFilter()
	f.Page = q.page()
	if q.err != nil {
		return q.err
	}
	l, err := s.store.ListInspectors(r.Context(), a, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, fixList(l, f.Page))
	return nil
}

func (s *server) getInspector(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in, err := s.store.GetInspector(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

func (s *server) createInspector(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	var in domain.Inspector
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	in.ID = 0
	if in.DepartmentID == 0 && a.Role.NeedsDepartment() {
		in.DepartmentID = a.DepartmentID // department staff add to their own department
	}
	if err := s.store.SaveInspector(r.Context(), a, &in); err != nil {
		return err
	}
	saved, err := s.store.GetInspector(r.Context(), a, in.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"inspectors/"+strconv.FormatInt(saved.ID, 10))
	writeJSON(w, http.StatusCreated, saved)
	return nil
}

// updateInspector replaces the inspector named by the path with the body.
func (s *server) updateInspector(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := s.store.GetInspector(r.Context(), a, id); err != nil {
		return err
	}
	var in domain.Inspector
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	in.ID = id
	if err := s.store.SaveInspector(r.Context(), a, &in); err != nil {
		return err
	}
	saved, err := s.store.GetInspector(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, saved)
	return nil
}

// --- audit and public ---

func (s *server) audit(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	q := newQuery(r)
	f := domain.AuditFilter{ObjectType: q.str("object_type"), ObjectKey: q.str("object_key"), ActorID: q.int("actor_id"), Page: q.page()}
	if q.err != nil {
		return q.err
	}
	l, err := s.store.ListAudit(r.Context(), a, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, fixList(l, f.Page))
	return nil
}

func (s *server) publicSearch(w http.ResponseWriter, r *http.Request, _ domain.Actor) error {
	q := newQuery(r)
	text, p := q.str("q"), q.page()
	if q.err != nil {
		return q.err
	}
	l, err := s.store.PublicSearch(r.Context(), text, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, fixList(l, p))
	return nil
}

func (s *server) publicEntity(w http.ResponseWriter, r *http.Request, _ domain.Actor) error {
	e, err := s.store.PublicEntity(r.Context(), pathCode(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

// --- helpers ---

// bearer returns the token of an "Authorization: Bearer <token>" header,
// and whether the header had that form.
func bearer(r *http.Request) (token string, ok bool) {
	scheme, token, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	token = strings.TrimSpace(token)
	return token, strings.EqualFold(scheme, "Bearer") && token != ""
}

func pathCode(r *http.Request) string { return validate.NormalizeCode(r.PathValue("code")) }

// pathID reads the {id} of the path. A malformed id names no record.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.E("api.pathID", domain.KindNotFound, "err.not_found")
	}
	return id, nil
}

// nonNil makes an empty result encode as [] rather than null.
func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// fixList makes a list answer complete whatever the store filled in: items
// never null, page and size as asked (after clamping).
func fixList[T any](l *domain.List[T], p domain.Page) *domain.List[T] {
	if l == nil {
		l = &domain.List[T]{}
	}
	l.Items = nonNil(l.Items)
	if l.Page == 0 {
		l.Page = p.Number
	}
	if l.Size == 0 {
		l.Size = p.Size
	}
	return l
}

// reference gathers what the importer and exporter need to translate
// department, industry and township names to codes and back.
func (s *server) reference(ctx context.Context) (ref importx.Reference, err error) {
	if ref.Departments, err = s.store.ListDepartments(ctx); err != nil {
		return ref, err
	}
	if ref.Industries, err = s.store.ListIndustries(ctx); err != nil {
		return ref, err
	}
	ref.Townships, err = s.store.ListTownships(ctx)
	return ref, err
}
