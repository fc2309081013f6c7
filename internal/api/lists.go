package api

import (
	"net/http"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/importx"
)

// ListCreate is the body of POST /api/v1/lists.
type ListCreate struct {
	Industry         string  `json:"industry"`
	LeadDepartmentID int64   `json:"lead_department_id"`
	CoDepartments    []int64 `json:"co_departments"`
	domain.ListHeader
}

// PartBody is the body of PUT /api/v1/versions/{id}/parts/{department_id}.
type PartBody struct {
	Division string  `json:"division"`
	Items    []int64 `json:"items"` // catalogue item IDs of the department, in order
}

// DepartmentsBody is the body of PUT /api/v1/versions/{id}/departments.
type DepartmentsBody struct {
	CoDepartments []int64 `json:"co_departments"`
}

// ReasonBody is the body of POST /api/v1/lists/{id}/versions.
type ReasonBody struct {
	Reason string `json:"reason"`
}

func (s *server) listCatalog(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	q := newQuery(r)
	f := domain.CatalogFilter{Query: q.str("q"), DepartmentID: q.int("department_id"), Status: choice(q, "status", domain.ItemStatuses)}
	if q.err != nil {
		return q.err
	}
	items, err := s.store.ListCatalogItems(r.Context(), a, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, nonNil(items))
	return nil
}

func (s *server) getCatalogItem(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	it, err := s.store.GetCatalogItem(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, it)
	return nil
}

func (s *server) createCatalogItem(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	var it domain.CatalogItem
	if err := decodeJSON(w, r, &it); err != nil {
		return err
	}
	it.ID = 0
	if err := s.store.SaveCatalogItem(r.Context(), a, &it); err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"catalog/"+strconv.FormatInt(it.ID, 10))
	writeJSON(w, http.StatusCreated, it)
	return nil
}

// updateCatalogItem replaces the item named by the path; its department
// stays (an item never moves).
func (s *server) updateCatalogItem(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	old, err := s.store.GetCatalogItem(r.Context(), a, id)
	if err != nil {
		return err
	}
	var it domain.CatalogItem
	if err := decodeJSON(w, r, &it); err != nil {
		return err
	}
	it.ID = id
	if it.DepartmentID == 0 {
		it.DepartmentID = old.DepartmentID
	}
	if err := s.store.SaveCatalogItem(r.Context(), a, &it); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, it)
	return nil
}

// listQuery are the filters of the joint-list searches.
var listQuery = []string{"q", "industry", "department_id"}

func listFilter(q *query, published bool) domain.JointListFilter {
	return domain.JointListFilter{Query: q.str("q"), Industry: q.str("industry"), DepartmentID: q.int("department_id"), Published: published}
}

func (s *server) listJointLists(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	q := newQuery(r)
	f := listFilter(q, false)
	if q.err != nil {
		return q.err
	}
	ls, err := s.store.ListJointLists(r.Context(), a, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, nonNil(ls))
	return nil
}

func (s *server) createJointList(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	var body ListCreate
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	if body.LeadDepartmentID == 0 {
		body.LeadDepartmentID = a.DepartmentID
	}
	v, err := s.store.CreateJointList(r.Context(), a, body.Industry, body.LeadDepartmentID, body.ListHeader, body.CoDepartments)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"versions/"+strconv.FormatInt(v.ID, 10))
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *server) getJointList(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	l, err := s.store.GetJointList(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (s *server) openDraft(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var body ReasonBody
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	v, err := s.store.OpenDraft(r.Context(), a, id, body.Reason)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"versions/"+strconv.FormatInt(v.ID, 10))
	writeJSON(w, http.StatusCreated, v)
	return nil
}

// version answers with the version of the path, as a's eyes see it now.
func (s *server) version(w http.ResponseWriter, r *http.Request, a domain.Actor, id int64, status int) error {
	v, err := s.store.GetJointListVersion(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, status, v)
	return nil
}

func (s *server) getVersion(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.version(w, r, a, id, http.StatusOK)
}

func (s *server) discardDraft(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.store.DiscardDraft(r.Context(), a, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) updateHeader(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var h domain.ListHeader
	if err := decodeJSON(w, r, &h); err != nil {
		return err
	}
	if err := s.store.UpdateDraftHeader(r.Context(), a, id, h); err != nil {
		return err
	}
	return s.version(w, r, a, id, http.StatusOK)
}

func (s *server) setDepartments(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var body DepartmentsBody
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	if err := s.store.SetDraftDepartments(r.Context(), a, id, body.CoDepartments); err != nil {
		return err
	}
	return s.version(w, r, a, id, http.StatusOK)
}

// pathDept reads the {department_id} of the path.
func pathDept(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("department_id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.E("api.pathDept", domain.KindNotFound, "err.not_found")
	}
	return id, nil
}

func (s *server) setPart(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	dept, err := pathDept(r)
	if err != nil {
		return err
	}
	var body PartBody
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	if err := s.store.SetDraftPart(r.Context(), a, id, dept, body.Division, body.Items); err != nil {
		return err
	}
	return s.version(w, r, a, id, http.StatusOK)
}

func (s *server) confirmPart(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	dept, err := pathDept(r)
	if err != nil {
		return err
	}
	if err := s.store.ConfirmPart(r.Context(), a, id, dept); err != nil {
		return err
	}
	return s.version(w, r, a, id, http.StatusOK)
}

func (s *server) publishVersion(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := s.store.PublishVersion(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *server) importLists(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	// As the store checks; asking first spares a caller who may import
	// nothing the parse of the file.
	if !domain.Can(a, domain.ActDraftList, a.DepartmentID) {
		return domain.Require("api.importLists", a, domain.ActDraftList, a.DepartmentID)
	}
	reason := newQuery(r).str("reason")
	file, name, opt, err := importSource(w, r)
	if err != nil {
		return err
	}
	ref, err := s.reference(r.Context())
	if err != nil {
		return err
	}
	rows, err := importx.ReadJointLists(file, name, ref, importx.Options{MaxBytes: MaxImportBytes})
	if err != nil {
		return importError(err, err)
	}
	rep, err := s.store.ImportJointLists(r.Context(), a, rows, domain.ListImportOptions{Reason: reason, DryRun: opt.DryRun})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (s *server) publicLists(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	q := newQuery(r)
	f := listFilter(q, true)
	if q.err != nil {
		return q.err
	}
	ls, err := s.store.ListJointLists(r.Context(), a, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, nonNil(ls))
	return nil
}

func (s *server) publicList(w http.ResponseWriter, r *http.Request, _ domain.Actor) error {
	// The public sees published versions only, whoever asks.
	l, err := s.store.GetJointListByIndustry(r.Context(), domain.Actor{}, r.PathValue("industry"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (s *server) publicVersion(w http.ResponseWriter, r *http.Request, _ domain.Actor) error {
	q := newQuery(r)
	format := choice(q, "format", []string{"json", "xlsx", "csv"})
	if q.err != nil {
		return q.err
	}
	n, err := strconv.Atoi(r.PathValue("number"))
	if err != nil || n <= 0 {
		return domain.E("api.publicVersion", domain.KindNotFound, "err.not_found")
	}
	l, err := s.store.GetJointListByIndustry(r.Context(), domain.Actor{}, r.PathValue("industry"))
	if err != nil {
		return err
	}
	v, err := s.store.GetJointListVersionByNumber(r.Context(), domain.Actor{}, l.ID, n)
	if err != nil {
		return err
	}
	if format == "" || format == "json" {
		writeJSON(w, http.StatusOK, v)
		return nil
	}
	return s.writeVersions(w, r, format, l.IndustryCode+"-v"+strconv.Itoa(n), []*domain.JointListVersion{v})
}

// writeVersions answers versions as a file download in the import
// columns (format xlsx or csv).
func (s *server) writeVersions(w http.ResponseWriter, r *http.Request, format, name string, vs []*domain.JointListVersion) error {
	ref, err := s.reference(r.Context())
	if err != nil {
		return err
	}
	out := s.download(w, r, name, format)
	return out.finish(importx.WriteJointLists(out, format, ref, vs))
}

func (s *server) publicListsExport(w http.ResponseWriter, r *http.Request, _ domain.Actor) error {
	q := newQuery(r)
	format := choice(q, "format", []string{"json", "xlsx", "csv"})
	if q.err != nil {
		return q.err
	}
	vs, err := s.store.CurrentJointListVersions(r.Context())
	if err != nil {
		return err
	}
	if format == "" || format == "json" {
		writeJSON(w, http.StatusOK, nonNil(vs))
		return nil
	}
	return s.writeVersions(w, r, format, "lists", vs)
}

func (s *server) publicDiff(w http.ResponseWriter, r *http.Request, _ domain.Actor) error {
	q := newQuery(r)
	from, to := int(q.int("from")), int(q.int("to"))
	if q.err != nil {
		return q.err
	}
	l, err := s.store.GetJointListByIndustry(r.Context(), domain.Actor{}, r.PathValue("industry"))
	if err != nil {
		return err
	}
	if to == 0 {
		to = l.Current
	}
	if from == 0 {
		from = to - 1
	}
	d, err := s.store.DiffJointListVersions(r.Context(), domain.Actor{}, l.ID, from, to)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *server) importCatalog(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	// As the store checks; asking first spares a caller who may import
	// nothing the parse of the file.
	if err := domain.Require("api.importCatalog", a, domain.ActEditCatalogue, a.DepartmentID); err != nil {
		return err
	}
	file, name, opt, err := importSource(w, r)
	if err != nil {
		return err
	}
	ref, err := s.reference(r.Context())
	if err != nil {
		return err
	}
	rows, err := importx.ReadCatalog(file, name, ref, importx.Options{MaxBytes: MaxImportBytes})
	if err != nil {
		return importError(err, err)
	}
	rep, err := s.store.ImportCatalog(r.Context(), a, rows, domain.ImportOptions{DryRun: opt.DryRun})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, fixReport(rep))
	return nil
}

func (s *server) exportCatalog(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	q := newQuery(r)
	format := exportFormat(q)
	f := domain.CatalogFilter{Query: q.str("q"), DepartmentID: q.int("department_id"), Status: choice(q, "status", domain.ItemStatuses)}
	if q.err != nil {
		return q.err
	}
	items, err := s.store.ListCatalogItems(r.Context(), a, f)
	if err != nil {
		return err
	}
	ref, err := s.reference(r.Context())
	if err != nil {
		return err
	}
	out := s.download(w, r, "catalog", format)
	return out.finish(importx.WriteCatalog(out, format, ref, items))
}
