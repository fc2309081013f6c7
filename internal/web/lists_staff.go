package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// listFormLimit bounds the forms of the list pages.
const listFormLimit = 1 << 20

// parseListForm reads a POSTed form of at most listFormLimit bytes.
func parseListForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, listFormLimit)
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	return nil
}

// formIDs reads the IDs of a multi-valued field, ignoring blanks.
func formIDs(r *http.Request, name string) ([]int64, error) {
	var out []int64
	for _, v := range r.PostForm[name] {
		if strings.TrimSpace(v) == "" {
			continue
		}
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || id <= 0 {
			return nil, domain.E("web.formIDs", domain.KindInvalid, "web.err.bad_form").WithField(name)
		}
		out = append(out, id)
	}
	return out, nil
}

// formHeader reads the header fields of a list form.
func formHeader(r *http.Request) (domain.ListHeader, error) {
	h := domain.ListHeader{Reason: r.PostFormValue("reason"), Subject: r.PostFormValue("subject"), Notes: r.PostFormValue("notes")}
	v := &domain.ValidationError{Op: "web.formHeader"}
	if f := r.PostFormValue("frequency"); f != "" {
		n, ok := domain.ParseFrequency(f)
		if !ok {
			v.Add(domain.FieldError{Field: domain.FieldListFrequency, Value: f, Key: "err.lists.frequency"})
		}
		h.Frequency = n
	}
	h.Ratios = domain.Ratios{}
	for _, c := range domain.RiskClasses {
		s := r.PostFormValue("ratio_" + string(c))
		ratio, ok := domain.ParseRatio(s)
		if !ok {
			v.Add(domain.FieldError{Field: domain.FieldListRatios, Value: string(c) + ":" + s, Key: "err.lists.ratios"})
			continue
		}
		h.Ratios[c] = ratio
	}
	return h, v.Err()
}

func pathInt(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id
}

type staffListsData struct {
	Lists      []domain.JointList
	Free       []domain.Industry // industries without a list
	Depts      map[int64]string
	DeptList   []domain.Department
	CanCreate  bool
	IsOffice   bool
	Industries map[string]string
}

// listStaffLists shows every joint list, drafts included, and the form to
// open one.
func (s *Server) listStaffLists(w http.ResponseWriter, r *http.Request, sess *session) {
	s.renderStaffLists(w, r, sess, http.StatusOK, "")
}

func (s *Server) renderStaffLists(w http.ResponseWriter, r *http.Request, sess *session, status int, errMsg string) {
	ls, err := s.store.ListJointLists(r.Context(), sess.Actor, domain.JointListFilter{})
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	data := &staffListsData{Lists: ls, Industries: map[string]string{},
		CanCreate: domain.Can(sess.Actor, domain.ActDraftList, sess.Actor.DepartmentID),
		IsOffice:  domain.Can(sess.Actor, domain.ActPublishList, 0)}
	if data.Depts, data.DeptList, err = s.deptNames(r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	inds, err := s.store.ListIndustries(r.Context())
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	taken := map[string]bool{}
	for _, l := range ls {
		taken[l.IndustryCode] = true
	}
	for _, in := range inds {
		data.Industries[in.Code] = in.Name
		if !taken[in.Code] {
			data.Free = append(data.Free, in)
		}
	}
	pg := s.newPage(r, sess, "lists.staff.title", data)
	pg.Nav = "lists"
	pg.Error = errMsg
	s.render(w, r, status, pageListsStaff, pg)
}

// createJointList opens an industry's list with its first draft.
func (s *Server) createJointList(w http.ResponseWriter, r *http.Request, sess *session) {
	if err := parseListForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	lead := sess.Actor.DepartmentID
	if l, err := strconv.ParseInt(r.PostFormValue("lead"), 10, 64); err == nil && l > 0 {
		lead = l
	}
	co, err := formIDs(r, "co")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	h, err := formHeader(r)
	var v *domain.JointListVersion
	if err == nil {
		v, err = s.store.CreateJointList(r.Context(), sess.Actor, r.PostFormValue("industry"), lead, h, co)
	}
	if err != nil {
		s.formFailed(w, r, sess, err, func(msg string) { s.renderStaffLists(w, r, sess, formStatus(err), msg) })
		return
	}
	http.Redirect(w, r, "/staff/versions/"+strconv.FormatInt(v.ID, 10), http.StatusSeeOther)
}

// formFailed shows bad input and conflicts on the form's page again, and
// anything else (refusals, missing records) on the error page.
func (s *Server) formFailed(w http.ResponseWriter, r *http.Request, sess *session, err error, again func(msg string)) {
	switch domain.ErrorKind(err) {
	case domain.KindInvalid, domain.KindConflict:
		again(printer(r).Err(err))
	default:
		s.fail(w, r, sess, err)
	}
}

type staffListData struct {
	List     *domain.JointList
	Depts    map[int64]string
	CanDraft bool
}

// showStaffList shows a list's versions, drafts included, and the form to
// open a new version.
func (s *Server) showStaffList(w http.ResponseWriter, r *http.Request, sess *session) {
	s.renderStaffList(w, r, sess, http.StatusOK, "")
}

func (s *Server) renderStaffList(w http.ResponseWriter, r *http.Request, sess *session, status int, errMsg string) {
	l, err := s.store.GetJointList(r.Context(), sess.Actor, pathInt(r, "id"))
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	depts, _, err := s.deptNames(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	pg := s.newPage(r, sess, "", &staffListData{List: l, Depts: depts, CanDraft: domain.Can(sess.Actor, domain.ActDraftList, l.LeadDepartmentID)})
	pg.Title = pg.P.T("lists.doc.title", "industry", l.IndustryName)
	pg.Nav = "lists"
	pg.Error = errMsg
	s.render(w, r, status, pageListsList, pg)
}

// openListDraft opens a new version of a published list, with a reason.
func (s *Server) openListDraft(w http.ResponseWriter, r *http.Request, sess *session) {
	if err := parseListForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	v, err := s.store.OpenDraft(r.Context(), sess.Actor, pathInt(r, "id"), r.PostFormValue("reason"))
	if err != nil {
		s.formFailed(w, r, sess, err, func(msg string) { s.renderStaffList(w, r, sess, formStatus(err), msg) })
		return
	}
	http.Redirect(w, r, "/staff/versions/"+strconv.FormatInt(v.ID, 10), http.StatusSeeOther)
}

// showStaffDiff compares two versions of a list, drafts included.
func (s *Server) showStaffDiff(w http.ResponseWriter, r *http.Request, sess *session) {
	l, err := s.store.GetJointList(r.Context(), sess.Actor, pathInt(r, "id"))
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	s.renderDiff(w, r, sess, l, sess.Actor, "/staff/lists/"+strconv.FormatInt(l.ID, 10))
}

type versionData struct {
	V          *domain.JointListVersion
	Depts      map[int64]string
	DeptList   []domain.Department
	Catalog    map[int64][]domain.CatalogItem // active items of each department of the version
	InVersion  map[int64]bool                 // catalogue item IDs in the version
	IsCo       map[int64]bool                 // co-departments
	CanDraft   bool
	CanEdit    map[int64]bool
	CanConfirm map[int64]bool
	CanPublish bool
	Draft      bool
}

// showVersion shows a version; on a draft, the forms of whoever may act.
func (s *Server) showVersion(w http.ResponseWriter, r *http.Request, sess *session) {
	s.renderVersion(w, r, sess, http.StatusOK, "")
}

func (s *Server) renderVersion(w http.ResponseWriter, r *http.Request, sess *session, status int, errMsg string) {
	a := sess.Actor
	v, err := s.store.GetJointListVersion(r.Context(), a, pathInt(r, "id"))
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	data := &versionData{V: v, Catalog: map[int64][]domain.CatalogItem{}, InVersion: map[int64]bool{}, IsCo: map[int64]bool{},
		CanEdit: map[int64]bool{}, CanConfirm: map[int64]bool{}, Draft: v.Status == domain.ListDraft}
	if data.Depts, data.DeptList, err = s.deptNames(r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	data.CanDraft = data.Draft && domain.Can(a, domain.ActDraftList, v.LeadDepartmentID)
	data.CanPublish = data.Draft && domain.Can(a, domain.ActPublishList, 0)
	for _, it := range v.Items() {
		data.InVersion[it.ItemID] = true
	}
	for _, p := range v.Parts {
		data.IsCo[p.DepartmentID] = !p.Lead
		data.CanEdit[p.DepartmentID] = data.Draft && (data.CanDraft || domain.Can(a, domain.ActEditListPart, p.DepartmentID))
		data.CanConfirm[p.DepartmentID] = data.Draft && !p.Lead && domain.Can(a, domain.ActConfirmPart, p.DepartmentID)
		if data.CanEdit[p.DepartmentID] {
			items, err := s.store.ListCatalogItems(r.Context(), a, domain.CatalogFilter{DepartmentID: p.DepartmentID})
			if err != nil {
				s.fail(w, r, sess, err)
				return
			}
			for _, it := range items {
				if it.Status == domain.ItemActive || data.InVersion[it.ID] {
					data.Catalog[p.DepartmentID] = append(data.Catalog[p.DepartmentID], it)
				}
			}
		}
	}
	pg := s.newPage(r, sess, "", data)
	pg.Title = pg.P.T("lists.version.title", "industry", v.IndustryName, "number", v.Number)
	pg.Nav = "lists"
	pg.Error = errMsg
	switch r.URL.Query().Get("done") {
	case "saved", "confirmed", "published":
		pg.Notice = pg.P.T("lists.done." + r.URL.Query().Get("done"))
	}
	s.render(w, r, status, pageListsVersion, pg)
}

// versionAction runs one change to a version from a form and shows the
// version again: after a redirect on success, with the error otherwise.
func (s *Server) versionAction(w http.ResponseWriter, r *http.Request, sess *session, done string, do func(id int64) error) {
	if err := parseListForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	id := pathInt(r, "id")
	if err := do(id); err != nil {
		s.formFailed(w, r, sess, err, func(msg string) { s.renderVersion(w, r, sess, formStatus(err), msg) })
		return
	}
	http.Redirect(w, r, "/staff/versions/"+strconv.FormatInt(id, 10)+"?done="+done, http.StatusSeeOther)
}

func (s *Server) saveVersionHeader(w http.ResponseWriter, r *http.Request, sess *session) {
	s.versionAction(w, r, sess, "saved", func(id int64) error {
		h, err := formHeader(r)
		if err != nil {
			return err
		}
		return s.store.UpdateDraftHeader(r.Context(), sess.Actor, id, h)
	})
}

func (s *Server) saveVersionDepartments(w http.ResponseWriter, r *http.Request, sess *session) {
	s.versionAction(w, r, sess, "saved", func(id int64) error {
		co, err := formIDs(r, "co")
		if err != nil {
			return err
		}
		return s.store.SetDraftDepartments(r.Context(), sess.Actor, id, co)
	})
}

func (s *Server) saveVersionPart(w http.ResponseWriter, r *http.Request, sess *session) {
	s.versionAction(w, r, sess, "saved", func(id int64) error {
		items, err := formIDs(r, "item")
		if err != nil {
			return err
		}
		return s.store.SetDraftPart(r.Context(), sess.Actor, id, pathInt(r, "dept"), r.PostFormValue("division"), items)
	})
}

func (s *Server) confirmVersionPart(w http.ResponseWriter, r *http.Request, sess *session) {
	s.versionAction(w, r, sess, "confirmed", func(id int64) error {
		return s.store.ConfirmPart(r.Context(), sess.Actor, id, pathInt(r, "dept"))
	})
}

func (s *Server) publishListVersion(w http.ResponseWriter, r *http.Request, sess *session) {
	s.versionAction(w, r, sess, "published", func(id int64) error {
		_, err := s.store.PublishVersion(r.Context(), sess.Actor, id)
		return err
	})
}

// discardListDraft removes a draft and goes back to the lists.
func (s *Server) discardListDraft(w http.ResponseWriter, r *http.Request, sess *session) {
	if err := parseListForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := s.store.DiscardDraft(r.Context(), sess.Actor, pathInt(r, "id")); err != nil {
		s.formFailed(w, r, sess, err, func(msg string) { s.renderVersion(w, r, sess, formStatus(err), msg) })
		return
	}
	http.Redirect(w, r, "/staff/lists", http.StatusSeeOther)
}

// exportStaffLists downloads every industry's current published list in
// the departments' columns: the import page's template, and a clerk's copy.
func (s *Server) exportStaffLists(w http.ResponseWriter, r *http.Request, sess *session) {
	vs, err := s.store.CurrentJointListVersions(r.Context())
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	format, _ := exportFormat(r)
	s.writeListFile(w, r, "lists-"+s.now().Format("20060102"), format, vs, vs)
}
