package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

type followUpListData struct {
	List     *domain.List[domain.FollowUp]
	Filter   domain.FollowUpFilter
	Pager    pager
	Ref      *reference
	States   []domain.FollowUpState
	Kinds    []domain.FollowUpKind
	Office   bool
	Settings *domain.FollowUpSettings // the office's form; nil for the others
	Export   string
}

// listFollowUps lists the follow-ups the actor may read, with filters by
// kind, state, overdue, department and business; the office also sets the
// follow-up deadlines here.
func (s *Server) listFollowUps(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	f := followUpFilter(r.URL.Query())
	l, err := s.store.ListFollowUps(ctx, sess.Actor, f)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	ref, err := s.reference(ctx)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	d := &followUpListData{List: l, Filter: f, Ref: ref, States: domain.FollowUpStates, Kinds: []domain.FollowUpKind{domain.FURectify, domain.FUAbnormal},
		Office: sess.Actor.Role == domain.RoleOffice || sess.Actor.Role == domain.RoleDiscipline,
		Pager:  newPager(r.URL, domain.Page{Number: l.Page, Size: l.Size}, l.Total)}
	if domain.Can(sess.Actor, domain.ActEditInspectConf, 0) {
		set, err := s.store.FollowUpSettings(ctx)
		if err != nil {
			s.fail(w, r, sess, err)
			return
		}
		d.Settings = &set
	}
	eu := *r.URL
	eu.Path = "/staff/followups/export"
	d.Export = withQuery(&eu, "page", "")
	pg := s.newPage(r, sess, "followup.followups.title", d)
	pg.Nav = "inspect"
	if done := r.URL.Query().Get("done"); done != "" {
		pg.Notice = pg.P.T("followup.done." + done)
	}
	s.render(w, r, http.StatusOK, pageFollowUpList, pg)
}

var followUpColumns = []string{"followup.col.id", "field.code", "field.name", "followup.col.kind", "field.department", "followup.col.opened_on",
	"followup.col.due", "followup.col.state", "followup.col.overdue", "field.checked_on", "field.followup_outcome", "field.followup_note", "field.escalation_reason"}

// exportFollowUps downloads the follow-ups matching the listing's filters
// as XLSX.
func (s *Server) exportFollowUps(w http.ResponseWriter, r *http.Request, sess *session) {
	pr := printer(r)
	f := followUpFilter(r.URL.Query())
	f.Page = domain.Page{Number: 1, Size: domain.MaxPageSize}
	var rows [][]string
	for {
		l, err := s.store.ListFollowUps(r.Context(), sess.Actor, f)
		if err != nil {
			s.fail(w, r, sess, err)
			return
		}
		for _, x := range l.Items {
			overdue, outcome := "", ""
			if x.Overdue {
				overdue = pr.T("followup.overdue")
			}
			if x.Outcome != "" {
				outcome = pr.T(x.Outcome.MsgKey())
			}
			rows = append(rows, []string{strconv.FormatInt(x.ID, 10), x.EntityCode, x.EntityName, pr.T(x.Kind.MsgKey()), x.DeptName, x.OpenedOn.String(),
				x.DueOn.String(), pr.T(x.State.MsgKey()), overdue, x.CheckedOn.String(), outcome, x.Note, x.Reason})
		}
		if f.Page.Number*f.Page.Size >= l.Total {
			break
		}
		f.Page.Number++
	}
	s.writeTable(w, r, sess, pr.T("followup.followups.title"), followUpColumns, rows, "followups")
}

// saveFollowUpSettings sets the follow-up deadlines (the office).
func (s *Server) saveFollowUpSettings(w http.ResponseWriter, r *http.Request, sess *session) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	num := func(k string) int {
		n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue(k)))
		if err != nil {
			return -1
		}
		return n
	}
	set := domain.FollowUpSettings{AnswerDays: num("answer_days"), OutcomeDays: num("outcome_days"), AbnormalDays: num("abnormal_days")}
	if err := s.store.SaveFollowUpSettings(r.Context(), sess.Actor, set); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/staff/followups?done=settings", http.StatusSeeOther)
}

type followUpShowData struct {
	F        *domain.FollowUp
	Outcomes []domain.FollowUpOutcome
	CanCheck bool
	Today    domain.Date
	// Departments a not-rectified case may be referred to (移送立案).
	Departments []domain.Department
}

// showFollowUp is a follow-up with its deadline, state and re-check, and
// the form recording the re-check (复查) for its department.
func (s *Server) showFollowUp(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	f, err := s.store.GetFollowUp(r.Context(), sess.Actor, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	d := &followUpShowData{F: f, Outcomes: f.Kind.Outcomes(), CanCheck: f.State == domain.FUOpen && domain.Can(sess.Actor, domain.ActFollowUp, f.DeptID),
		Today: domain.DateOf(s.now().In(chinaZone))}
	if d.CanCheck && f.Kind == domain.FURectify {
		ref, err := s.reference(r.Context())
		if err != nil {
			s.fail(w, r, sess, err)
			return
		}
		for _, dep := range ref.Departments {
			if dep.ID != f.DeptID {
				d.Departments = append(d.Departments, dep)
			}
		}
	}
	pg := s.newPage(r, sess, "", d)
	pg.Title = pg.P.T("followup.followup.title", "entity", f.EntityName)
	pg.Nav = "inspect"
	if done := r.URL.Query().Get("done"); done != "" {
		pg.Notice = pg.P.T("followup.done." + done)
	}
	s.render(w, r, http.StatusOK, pageFollowUpShow, pg)
}

// recheckFollowUp records the re-check of a follow-up.
func (s *Server) recheckFollowUp(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	in := domain.RecheckInput{Outcome: domain.FollowUpOutcome(r.PostFormValue("outcome")), Note: r.PostFormValue("note"), Reason: r.PostFormValue("reason")}
	in.CaseDept, _ = strconv.ParseInt(r.PostFormValue("case_department"), 10, 64)
	if in.CheckedOn, err = domain.ParseDate(strings.TrimSpace(r.PostFormValue("checked_on"))); err != nil {
		s.fail(w, r, sess, &domain.ValidationError{Op: "web.recheckFollowUp", Errors: []domain.FieldError{domain.FieldErr(domain.FieldCheckedOn, r.PostFormValue("checked_on"), "err.bad_date")}})
		return
	}
	if err := s.store.RecordRecheck(r.Context(), sess.Actor, id, in); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/staff/followups/"+idString(id)+"?done=recheck", http.StatusSeeOther)
}

// setPunishFlag flags a business for joint punishment on behalf of the
// actor's department, then goes back to the page it came from.
func (s *Server) setPunishFlag(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if _, err := s.store.SetPunishFlag(r.Context(), sess.Actor, id, strings.TrimSpace(r.PostFormValue("reason"))); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, withDone(localNext(r, "/staff/entities/"+idString(id)), "punish_set")+"#punish", http.StatusSeeOther)
}

// clearPunishFlag clears the department's flag with the reason.
func (s *Server) clearPunishFlag(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := s.store.ClearPunishFlag(r.Context(), sess.Actor, id, strings.TrimSpace(r.PostFormValue("reason"))); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, withDone(localNext(r, "/staff/entities"), "punish_clear")+"#punish", http.StatusSeeOther)
}

// punishData is the joint-punishment block of the business and visit
// pages: the flags in force and cleared, and whether the actor's
// department may flag (it has none in force) or clear its own.
type punishData struct {
	EntityID int64
	Flags    []domain.PunishFlag
	CanSet   bool
	Dept     int64 // the actor's department, whose flag it may clear
	Next     string
}

func (s *Server) punishData(ctx context.Context, a domain.Actor, entity int64, next string) (*punishData, error) {
	flags, err := s.store.PunishFlags(ctx, a, entity)
	if err != nil {
		return nil, err
	}
	d := &punishData{EntityID: entity, Flags: flags, Next: next}
	if domain.Can(a, domain.ActFlagPunish, a.DepartmentID) {
		d.Dept, d.CanSet = a.DepartmentID, true
		for _, f := range flags {
			if f.Active() && f.DeptID == a.DepartmentID {
				d.CanSet = false
			}
		}
	}
	return d, nil
}

// followUpData fills what follows the visit into its page.
func (s *Server) followUpData(ctx context.Context, a domain.Actor, in *domain.Inspection, d *inspectData) error {
	v := in.Visit
	refs, err := s.store.ListReferrals(ctx, a, domain.ReferralFilter{VisitID: v.ID, Page: domain.Page{Size: domain.MaxPageSize}})
	if err != nil {
		return err
	}
	fus, err := s.store.ListFollowUps(ctx, a, domain.FollowUpFilter{VisitID: v.ID, Page: domain.Page{Size: domain.MaxPageSize}})
	if err != nil {
		return err
	}
	d.Referrals, d.FollowUps = refs.Items, fus.Items
	d.CanRefer = domain.Can(a, domain.ActRefer, a.DepartmentID) && len(referableFindings(in, a)) > 0
	if rec := in.Record; rec != nil && d.CanRefer && len(d.Referrals) == 0 {
		switch rec.Disposal {
		case domain.DispReferral:
			d.OfferRefer = domain.RefNotify
		case domain.DispCaseReferral:
			d.OfferRefer = domain.RefCase
		}
	}
	d.Punish, err = s.punishData(ctx, a, v.EntityID, "/staff/visits/"+idString(v.ID))
	return err
}
