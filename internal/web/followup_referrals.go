package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/importx"
)

type referralListData struct {
	List    *domain.List[domain.Referral]
	Filter  domain.ReferralFilter
	Pager   pager
	Ref     *reference
	States  []domain.ReferralState
	Overdue int    // referrals the actor's department owes a step on, past the deadline
	Office  bool   // the office or the discipline office: every department's
	Tabs    [3]tab // all, received, sent
	Export  string
}

// tab is one tab of a listing: its label key, link and whether it is shown.
type tab struct {
	Key, URL string
	Current  bool
}

// listReferrals lists the referrals the actor may read, in tabs of those
// received and those sent, with filters by state, overdue, department and
// business.
func (s *Server) listReferrals(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	f := referralFilter(r.URL.Query())
	l, err := s.store.ListReferrals(ctx, sess.Actor, f)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	ref, err := s.reference(ctx)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	n, err := s.store.CountOverdueReferrals(ctx, sess.Actor)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	d := &referralListData{List: l, Filter: f, Ref: ref, States: domain.ReferralStates, Overdue: n,
		Office: sess.Actor.Role == domain.RoleOffice || sess.Actor.Role == domain.RoleDiscipline,
		Pager:  newPager(r.URL, domain.Page{Number: l.Page, Size: l.Size}, l.Total)}
	for i, box := range []string{"", "received", "sent"} {
		d.Tabs[i] = tab{Key: "followup.box." + box, URL: withQuery(r.URL, "box", box, "page", ""), Current: f.Box == box}
	}
	d.Tabs[0].Key = "followup.box.all"
	eu := *r.URL
	eu.Path = "/staff/referrals/export"
	d.Export = withQuery(&eu, "page", "")
	pg := s.newPage(r, sess, "followup.referrals.title", d)
	pg.Nav = "inspect"
	s.render(w, r, http.StatusOK, pageReferralList, pg)
}

// referralColumns are the export's columns, as i18n keys.
var referralColumns = []string{"followup.col.id", "field.code", "field.name", "followup.col.kind", "followup.col.from", "followup.col.to",
	"field.finding", "followup.col.state", "followup.col.sent_on", "followup.col.due", "followup.col.overdue", "field.return_reason", "field.outcome"}

// exportReferrals downloads the referrals matching the listing's filters
// as XLSX, every page of them.
func (s *Server) exportReferrals(w http.ResponseWriter, r *http.Request, sess *session) {
	pr := printer(r)
	f := referralFilter(r.URL.Query())
	f.Page = domain.Page{Number: 1, Size: domain.MaxPageSize}
	var rows [][]string
	for {
		l, err := s.store.ListReferrals(r.Context(), sess.Actor, f)
		if err != nil {
			s.fail(w, r, sess, err)
			return
		}
		for _, x := range l.Items {
			overdue := ""
			if x.Overdue {
				overdue = pr.T("followup.overdue")
			}
			rows = append(rows, []string{strconv.FormatInt(x.ID, 10), x.EntityCode, x.EntityName, pr.T(x.Kind.MsgKey()), x.FromDeptName, x.ToDeptName,
				x.ItemName + "：" + x.Result, pr.T(x.State.MsgKey()), x.SentOn.String(), x.DueNow().String(), overdue, x.ReturnReason, x.Outcome})
		}
		if f.Page.Number*f.Page.Size >= l.Total {
			break
		}
		f.Page.Number++
	}
	s.writeTable(w, r, sess, pr.T("followup.referrals.title"), referralColumns, rows, "referrals")
}

// writeTable sends rows under the translated header as an XLSX download.
func (s *Server) writeTable(w http.ResponseWriter, r *http.Request, sess *session, title string, cols []string, rows [][]string, name string) {
	pr := printer(r)
	header := make([]string, len(cols))
	for i, k := range cols {
		header[i] = pr.T(k)
	}
	var buf bytes.Buffer
	if err := importx.WriteTable(&buf, title, header, rows); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	day := s.now().In(chinaZone).Format("20060102")
	attachment(w, xlsxType, name+"-"+day+".xlsx", title+"-"+day+".xlsx")
	_, _ = buf.WriteTo(w)
}

// referralFinding is a finding of a visit the actor may refer.
type referralFinding struct {
	PartID, ItemID int64
	Department     string
	Name, Result   string
	Rule, Note     string
}

type referralFormData struct {
	In          *domain.Inspection
	Findings    []referralFinding
	Departments []domain.Department
	Kinds       []domain.ReferralKind
	Kind        domain.ReferralKind
	Checked     map[int64]bool // attachments linked by default: those of the findings' parts
}

// referralForm is the form referring a finding of a visit: the findings
// of the signed parts the actor's department may refer (its own part's,
// or every part's as the lead), the receiving department, the kind, the
// statement and the evidence to link.
func (s *Server) referralForm(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	visit, _ := strconv.ParseInt(r.URL.Query().Get("visit"), 10, 64)
	if visit <= 0 {
		s.notFound(w, r)
		return
	}
	in, err := s.store.Inspection(ctx, sess.Actor, visit)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	a := sess.Actor
	if err := domain.Require("web.referralForm", a, domain.ActRefer, a.DepartmentID); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	ref, err := s.reference(ctx)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	d := &referralFormData{In: in, Findings: referableFindings(in, a), Kinds: domain.ReferralKinds, Kind: domain.ReferralKind(r.URL.Query().Get("kind")), Checked: map[int64]bool{}}
	if d.Kind != domain.RefCase {
		d.Kind = domain.RefNotify
	}
	for _, dep := range ref.Departments {
		if dep.ID != a.DepartmentID {
			d.Departments = append(d.Departments, dep)
		}
	}
	for _, f := range d.Findings {
		for _, x := range in.Attachments {
			if x.PartID == f.PartID && (x.ItemID == 0 || x.ItemID == f.ItemID) {
				d.Checked[x.ID] = true
			}
		}
	}
	pg := s.newPage(r, sess, "followup.referral.new", d)
	pg.Nav = "inspect"
	s.render(w, r, http.StatusOK, pageReferralForm, pg)
}

// referableFindings are the findings of in's signed parts that a's
// department may refer.
func referableFindings(in *domain.Inspection, a domain.Actor) []referralFinding {
	var out []referralFinding
	lead := a.DepartmentID != 0 && a.DepartmentID == in.Visit.LeadDepartmentID
	for _, p := range in.Parts {
		if p.SignOff == nil || (!lead && p.DepartmentID != a.DepartmentID) {
			continue
		}
		for _, xs := range [][]domain.ChecklistItem{p.Items, p.Added} {
			for _, it := range xs {
				if it.Result != nil && it.Result.Finding {
					out = append(out, referralFinding{PartID: p.ID, ItemID: it.ItemID, Department: p.DepartmentName, Name: it.Name,
						Result: it.Result.Result, Rule: it.Result.Rule, Note: it.Result.Note})
				}
			}
		}
	}
	return out
}

// sendReferral sends the form's referral. The finding is one radio value
// "part:item".
func (s *Server) sendReferral(w http.ResponseWriter, r *http.Request, sess *session) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	f := r.PostForm
	in := domain.ReferralInput{Kind: domain.ReferralKind(f.Get("kind")), Text: f.Get("text")}
	in.ToDept, _ = strconv.ParseInt(f.Get("to"), 10, 64)
	part, item, _ := strings.Cut(f.Get("finding"), ":")
	in.PartID, _ = strconv.ParseInt(part, 10, 64)
	in.ItemID, _ = strconv.ParseInt(item, 10, 64)
	for _, v := range f["attachment"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			in.AttachmentIDs = append(in.AttachmentIDs, id)
		}
	}
	ref, err := s.store.SendReferral(r.Context(), sess.Actor, in)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, referralPath(ref.ID)+"?done=sent", http.StatusSeeOther)
}

func referralPath(id int64) string { return "/staff/referrals/" + idString(id) }

type referralShowData struct {
	R       *domain.Referral
	CanStep bool // the actor's department receives it
}

// showReferral is a referral with its finding, evidence, deadlines, state
// and history, and the receiver's next step.
func (s *Server) showReferral(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	x, err := s.store.GetReferral(r.Context(), sess.Actor, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	pg := s.newPage(r, sess, "", &referralShowData{R: x, CanStep: domain.Can(sess.Actor, domain.ActHandleRef, x.ToDeptID) && !x.State.Closed()})
	pg.Title = pg.P.T("followup.referral.title", "entity", x.EntityName)
	pg.Nav = "inspect"
	if d := r.URL.Query().Get("done"); d != "" {
		pg.Notice = pg.P.T("followup.done." + d)
	}
	s.render(w, r, http.StatusOK, pageReferralShow, pg)
}

// stepReferral is the receiver's step: receive, accept, return (with the
// reason) or outcome.
func (s *Server) stepReferral(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	step := domain.ReferralStep(r.PathValue("action"))
	switch step {
	case domain.StepReceive, domain.StepAccept, domain.StepReturn, domain.StepOutcome:
	default:
		s.notFound(w, r)
		return
	}
	if err := s.store.StepReferral(r.Context(), sess.Actor, id, step, r.PostFormValue("text")); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, referralPath(id)+"?done="+string(step), http.StatusSeeOther)
}
