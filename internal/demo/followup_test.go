package demo

import (
	"testing"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/i18n"
	"github.com/yiyeyicha/yiyeyicha/internal/metrics"
	"github.com/yiyeyicha/yiyeyicha/internal/report"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// TestDemoFollowUpStates checks the demo has referrals open, overdue,
// accepted with an outcome and returned; follow-ups open, overdue, closed
// by a re-check and escalated; a joint-punishment flag; and that the
// dashboard counts them.
func TestDemoFollowUpStates(t *testing.T) {
	s := storetest.New(t)
	o := Options{Entities: 700, Inspectors: 120, Seed: 11, Today: fixedToday, BatchSize: 700}
	if _, err := Generate(t.Context(), s, o); err != nil {
		t.Fatal(err)
	}
	ctx, sys := t.Context(), domain.System
	defer s.Backdate(time.Date(fixedToday.Year, fixedToday.Month, fixedToday.Day, 12, 0, 0, 0, cst))()
	refs, err := s.ListReferrals(ctx, sys, domain.ReferralFilter{Page: domain.Page{Size: domain.MaxPageSize}})
	if err != nil {
		t.Fatal(err)
	}
	states := map[domain.ReferralState]int{}
	overdue, openOnTime, withOutcome, kinds := 0, 0, 0, map[domain.ReferralKind]bool{}
	for _, r := range refs.Items {
		states[r.State]++
		kinds[r.Kind] = true
		switch {
		case r.Overdue:
			overdue++
		case !r.State.Closed():
			openOnTime++
		}
		if r.State == domain.RefDone && r.Outcome != "" {
			withOutcome++
		}
		if r.State == domain.RefReturned && r.ReturnReason == "" {
			t.Errorf("referral %d returned without a reason", r.ID)
		}
	}
	if overdue == 0 || openOnTime == 0 || withOutcome == 0 || states[domain.RefReturned] == 0 || states[domain.RefAccepted] == 0 || len(kinds) != 2 {
		t.Errorf("referrals: states %v, %d overdue, %d open on time, %d with outcome, kinds %v", states, overdue, openOnTime, withOutcome, kinds)
	}
	fus, err := s.ListFollowUps(ctx, sys, domain.FollowUpFilter{Page: domain.Page{Size: domain.MaxPageSize}})
	if err != nil {
		t.Fatal(err)
	}
	fstates := map[domain.FollowUpState]int{}
	fkinds := map[domain.FollowUpKind]bool{}
	fOverdue, fOpenOnTime, rechecked := 0, 0, 0
	for _, f := range fus.Items {
		fstates[f.State]++
		fkinds[f.Kind] = true
		switch {
		case f.Overdue:
			fOverdue++
		case f.State == domain.FUOpen:
			fOpenOnTime++
		}
		if f.Kind == domain.FURectify && f.Outcome != "" {
			rechecked++
		}
	}
	if fstates[domain.FUClosed] < 2 || fstates[domain.FUEscalated] == 0 || fOverdue == 0 || fOpenOnTime == 0 || rechecked < 2 || len(fkinds) != 2 {
		t.Errorf("follow-ups: states %v, kinds %v, %d overdue, %d open on time, %d re-checked", fstates, fkinds, fOverdue, fOpenOnTime, rechecked)
	}
	flagged := 0
	for _, f := range fus.Items {
		if f.State != domain.FUEscalated {
			continue
		}
		v, err := s.GetVisit(ctx, sys, f.VisitID)
		if err != nil {
			t.Fatal(err)
		}
		flags, err := s.PunishFlags(ctx, sys, v.EntityID)
		if err != nil {
			t.Fatal(err)
		}
		flagged += len(flags)
	}
	if flagged == 0 {
		t.Error("no joint-punishment flag on the business that did not rectify")
	}
	d, err := s.Dashboard(ctx, sys, fixedToday.Year, metrics.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	open, late := 0, 0
	for _, df := range d.Departments {
		open += df.ReferralsOpen
		late += df.ReferralsOverdue
	}
	if open == 0 || late == 0 || d.FollowUp.Closed.N != int64(len(fus.Items)) || d.FollowUp.Closed.K != int64(fstates[domain.FUClosed]+fstates[domain.FUEscalated]) || d.FollowUp.OverdueOpen != fOverdue {
		t.Errorf("dashboard: referrals open %d overdue %d, follow-ups %+v (listed %d, states %v, %d overdue)", open, late, d.FollowUp, len(fus.Items), fstates, fOverdue)
	}
	// The annual summary's overview has the same figures.
	an, err := report.Load(ctx, s, sys, fixedToday.Year, metrics.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	p := i18n.For(i18n.ZH)
	got := map[string]any{}
	for _, row := range report.Tables(p, an)[0].Rows {
		got[row[0].(string)] = row[1]
	}
	for key, want := range map[string]any{"follow_ups": d.FollowUp.Closed.N, "follow_ups_closed": d.FollowUp.Closed.K, "referrals_open": open, "referrals_overdue": late} {
		if v := got[p.T("eval.report.m."+key)]; v != want {
			t.Errorf("annual summary %s = %v, want %v", key, v, want)
		}
	}
}
