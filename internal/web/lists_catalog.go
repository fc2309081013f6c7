package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

type catalogData struct {
	Department int64
	Query      string
	Depts      map[int64]string
	DeptList   []domain.Department
	Items      []domain.CatalogItem
	CanEdit    bool
	CanImport  bool                // may import a catalogue file (own department's; the office any)
	Form       *domain.CatalogItem // the item being entered or edited
	Editing    bool                // the page shows Form alone, to edit an existing item
	Errors     *fieldErrors
}

var catalogFields = []string{domain.FieldItemCode, domain.FieldItemName, domain.FieldItemContent, domain.FieldItemBasis,
	domain.FieldItemMethod, domain.FieldItemKind, domain.FieldItemResults, domain.FieldItemStatus}

// listCatalog shows one department's catalogue (?department, one's own by
// default) and, to who may edit it, the form for a new item.
func (s *Server) listCatalog(w http.ResponseWriter, r *http.Request, sess *session) {
	f := catalogFilter(r)
	s.renderCatalog(w, r, sess, http.StatusOK, &catalogData{Department: f.DepartmentID, Query: f.Query})
}

func (s *Server) renderCatalog(w http.ResponseWriter, r *http.Request, sess *session, status int, data *catalogData) {
	var err error
	if data.Depts, data.DeptList, err = s.deptNames(r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if data.Department == 0 {
		data.Department = sess.Actor.DepartmentID
	}
	if data.Department == 0 && len(data.DeptList) > 0 {
		data.Department = data.DeptList[0].ID
	}
	if data.Items, err = s.store.ListCatalogItems(r.Context(), sess.Actor, domain.CatalogFilter{DepartmentID: data.Department, Query: data.Query}); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	data.CanEdit = domain.Can(sess.Actor, domain.ActEditCatalogue, data.Department)
	data.CanImport = domain.Can(sess.Actor, domain.ActEditCatalogue, sess.Actor.DepartmentID)
	if data.Form == nil {
		data.Form = &domain.CatalogItem{DepartmentID: data.Department, Method: domain.MethodOnSite, Kind: domain.ItemGeneral, Status: domain.ItemActive}
	}
	pg := s.newPage(r, sess, "lists.catalog.title", data)
	pg.Nav = "catalog"
	if r.URL.Query().Get("done") == "saved" {
		pg.Notice = pg.P.T("lists.done.saved")
	}
	if data.Errors != nil && len(data.Errors.General) > 0 {
		pg.Error = data.Errors.General[0]
	}
	s.render(w, r, status, pageCatalog, pg)
}

// catalogItemFromForm reads an item from a POSTed form.
func catalogItemFromForm(r *http.Request) *domain.CatalogItem {
	it := &domain.CatalogItem{
		Code: r.PostFormValue("code"), Name: r.PostFormValue("name"), Content: r.PostFormValue("content"),
		LegalBasis: r.PostFormValue("legal_basis"), Method: domain.ItemMethod(r.PostFormValue("method")),
		Kind: domain.ItemKind(r.PostFormValue("kind")), Status: domain.ItemStatus(r.PostFormValue("status")),
	}
	it.DepartmentID, _ = strconv.ParseInt(r.PostFormValue("department"), 10, 64)
	for _, line := range strings.Split(r.PostFormValue("results"), "\n") {
		it.Results = append(it.Results, strings.TrimSpace(line))
	}
	return it
}

func (s *Server) createCatalogItem(w http.ResponseWriter, r *http.Request, sess *session) {
	if err := parseListForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	it := catalogItemFromForm(r)
	if err := s.store.SaveCatalogItem(r.Context(), sess.Actor, it); err != nil {
		fe, ok := formErrorsOf(printer(r), err, catalogFields...)
		if !ok {
			s.fail(w, r, sess, err)
			return
		}
		s.renderCatalog(w, r, sess, formStatus(err), &catalogData{Department: it.DepartmentID, Form: it, Errors: fe})
		return
	}
	http.Redirect(w, r, "/staff/catalog?done=saved&department="+strconv.FormatInt(it.DepartmentID, 10), http.StatusSeeOther)
}

func (s *Server) showEditCatalogItem(w http.ResponseWriter, r *http.Request, sess *session) {
	it, err := s.store.GetCatalogItem(r.Context(), sess.Actor, pathInt(r, "id"))
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	s.renderCatalogForm(w, r, sess, http.StatusOK, it, nil)
}

func (s *Server) renderCatalogForm(w http.ResponseWriter, r *http.Request, sess *session, status int, it *domain.CatalogItem, fe *fieldErrors) {
	depts, list, err := s.deptNames(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if !domain.Can(sess.Actor, domain.ActEditCatalogue, it.DepartmentID) {
		s.fail(w, r, sess, domain.Require("web.editCatalogItem", sess.Actor, domain.ActEditCatalogue, it.DepartmentID))
		return
	}
	data := &catalogData{Department: it.DepartmentID, Depts: depts, DeptList: list, Form: it, Errors: fe, CanEdit: true, Editing: true}
	pg := s.newPage(r, sess, "lists.catalog.edit", data)
	pg.Nav = "catalog"
	if fe != nil && len(fe.General) > 0 {
		pg.Error = fe.General[0]
	}
	s.render(w, r, status, pageCatalog, pg)
}

func (s *Server) updateCatalogItem(w http.ResponseWriter, r *http.Request, sess *session) {
	if err := parseListForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	old, err := s.store.GetCatalogItem(r.Context(), sess.Actor, pathInt(r, "id"))
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	it := catalogItemFromForm(r)
	it.ID, it.DepartmentID = old.ID, old.DepartmentID
	if err := s.store.SaveCatalogItem(r.Context(), sess.Actor, it); err != nil {
		fe, ok := formErrorsOf(printer(r), err, catalogFields...)
		if !ok {
			s.fail(w, r, sess, err)
			return
		}
		s.renderCatalogForm(w, r, sess, formStatus(err), it, fe)
		return
	}
	http.Redirect(w, r, "/staff/catalog?done=saved&department="+strconv.FormatInt(it.DepartmentID, 10), http.StatusSeeOther)
}
