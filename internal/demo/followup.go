package demo

import (
	"fmt"
	"slices"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// demoFollowUp fills what follows the closed demo visits (闭环): referrals
// of their findings to other departments in every state (one unanswered
// past its deadline, one answered with its outcome, one returned, one
// accepted and awaiting its outcome, one just sent), re-checks of
// rectification orders (one rectified, one not and escalated, the rest
// open past their deadline; the escalated one referred as a case), a
// verification of an unreachable business, one rectification still open
// within its deadline, and a joint-punishment flag on the business that
// did not rectify.
func demoFollowUp(w *inspector, o Options) error {
	ctx, s, sys := w.ctx, w.s, domain.System
	ago := func(d domain.Date) int { return int(o.Today.Time().Sub(d.Time()).Hours() / 24) }
	closed, err := s.ListVisits(ctx, sys, domain.VisitFilter{State: domain.VisitClosed, Page: domain.Page{Size: domain.MaxPageSize}})
	if err != nil {
		return err
	}
	deps, err := s.ListDepartments(ctx)
	if err != nil {
		return err
	}
	// The referrals, in the order of the steps each takes.
	steps := [][]domain.ReferralStep{
		nil, // sent after closing, never answered: overdue
		{domain.StepReceive, domain.StepAccept, domain.StepOutcome},
		{domain.StepReceive, domain.StepReturn},
		{domain.StepReceive, domain.StepAccept},
	}
	texts := map[domain.ReferralStep]string{domain.StepReturn: "经核查不属于本部门职责，请转相关部门", domain.StepOutcome: "已立案调查，责令停业整顿并处罚款"}
	k := 0
	var last *domain.Inspection
	for _, v := range closed.Items {
		in, err := s.Inspection(ctx, sys, v.ID)
		if err != nil {
			return err
		}
		kind := domain.RefNotify
		switch {
		case in.Record == nil || in.Findings() == 0:
			continue
		case in.Record.Disposal == domain.DispCaseReferral:
			kind = domain.RefCase
		case in.Record.Disposal != domain.DispReferral:
			continue
		}
		last = in
		lead := in.Parts[0]
		var item int64
		for _, it := range lead.Items {
			if it.Result != nil && it.Result.Finding {
				item = it.ItemID
				break
			}
		}
		var atts []int64
		for _, x := range in.Attachments {
			atts = append(atts, x.ID)
		}
		sent := ago(domain.DateOf(in.Record.ClosedAt.In(cst))) - 1
		// Two departments per finding, so that both kinds have some.
		for _, to := range receivers(deps, in)[:2] {
			if k >= len(steps) {
				break
			}
			var ref *domain.Referral
			text := "检查发现的问题属贵部门职责，现将有关情况和证据抄告，请依法处理并反馈结果"
			if kind == domain.RefCase {
				text = "检查发现涉嫌违法行为，现移送办案机构依法查处"
			}
			if err := w.at(sent, func(a func(int64) domain.Actor, dept int64) error {
				var err error
				ref, err = s.SendReferral(ctx, a(dept), domain.ReferralInput{PartID: lead.ID, ItemID: item, Kind: kind, ToDept: to, Text: text, AttachmentIDs: atts})
				return err
			}, in.Visit.LeadDepartmentID); err != nil {
				return fmt.Errorf("demo: referral of visit %d: %w", v.ID, err)
			}
			for i, step := range steps[k] {
				day := max(sent-1-2*i, 0)
				if err := w.at(day, func(a func(int64) domain.Actor, dept int64) error {
					return s.StepReferral(ctx, a(dept), ref.ID, step, texts[step])
				}, to); err != nil {
					return fmt.Errorf("demo: referral %d %s: %w", ref.ID, step, err)
				}
			}
			k++
		}
	}
	if last != nil {
		// One more, sent yesterday: open within its deadline.
		lead := last.Parts[0]
		for _, it := range lead.Items {
			if it.Result == nil || !it.Result.Finding {
				continue
			}
			tos := receivers(deps, last)
			if err := w.at(1, func(a func(int64) domain.Actor, dept int64) error {
				_, err := s.SendReferral(ctx, a(dept), domain.ReferralInput{PartID: lead.ID, ItemID: it.ItemID, Kind: domain.RefNotify, ToDept: tos[len(tos)-1],
					Text: "补充抄告：请核查该经营者相关许可情况"})
				return err
			}, last.Visit.LeadDepartmentID); err != nil {
				return fmt.Errorf("demo: late referral: %w", err)
			}
			break
		}
	}

	// One rectification order still running: a results-complete visit
	// with a finding closed today, due in a fortnight, and published.
	pending, err := s.ListVisits(ctx, sys, domain.VisitFilter{State: domain.VisitResultsComplete, Page: domain.Page{Size: domain.MaxPageSize}})
	if err != nil {
		return err
	}
	// The one formed longest ago: those near their publication deadline
	// stay for the inbox's warning.
	var oldest *domain.Inspection
	for _, v := range pending.Items {
		in, err := s.Inspection(ctx, sys, v.ID)
		if err != nil {
			return err
		}
		if in.Findings() > 0 && (oldest == nil || in.Parts[0].SignOff.FormedOn.Before(oldest.Parts[0].SignOff.FormedOn)) {
			oldest = in
		}
	}
	if v := oldest; v != nil {
		rec := domain.CloseInput{Category: domain.CatRectified, Disposal: domain.DispRectify, DisposalText: "责令十五日内改正，逾期复查", RectifyDue: o.Today.AddDays(15)}
		if err := w.at(0, func(a func(int64) domain.Actor, dept int64) error { return s.CloseVisit(ctx, a(dept), v.Visit.ID, rec) }, v.Visit.LeadDepartmentID); err != nil {
			return fmt.Errorf("demo: close visit %d: %w", v.Visit.ID, err)
		}
		if err := w.publish(v.Visit.ID, 0); err != nil {
			return err
		}
	}

	// Re-checks: the first rectification rectified before its deadline,
	// the second not (escalated, and its business flagged); the first
	// unreachable business listed.
	fus, err := s.ListFollowUps(ctx, sys, domain.FollowUpFilter{Page: domain.Page{Size: domain.MaxPageSize}})
	if err != nil {
		return err
	}
	slices.Reverse(fus.Items) // oldest first
	rectified, escalated, listed := false, false, false
	for _, f := range fus.Items {
		var in domain.RecheckInput
		switch {
		case f.Kind == domain.FURectify && !rectified && f.DueOn.Before(o.Today):
			rectified = true
			in = domain.RecheckInput{CheckedOn: f.DueOn.AddDays(-2), Outcome: domain.OutRectified, Note: "复查：已按要求设置防蝇防鼠设施，问题已整改"}
		case f.Kind == domain.FURectify && !escalated && f.DueOn.Before(o.Today):
			escalated = true
			in = domain.RecheckInput{CheckedOn: f.DueOn.AddDays(1), Outcome: domain.OutNotRectified, Note: "复查：问题仍未整改", Reason: "逾期拒不改正，移送立案查处"}
			// Referred as a case to a department not on the visit.
			vin, err := s.Inspection(ctx, sys, f.VisitID)
			if err != nil {
				return err
			}
			in.CaseDept = receivers(deps, vin)[0]
		case f.Kind == domain.FUAbnormal && !listed && f.DueOn.Before(o.Today):
			listed = true
			in = domain.RecheckInput{CheckedOn: f.DueOn.AddDays(-1), Outcome: domain.OutListed, Note: "经核查仍无法联系，已列入经营异常名录"}
		default:
			continue
		}
		if f.OpenedOn.Time().After(in.CheckedOn.Time()) {
			in.CheckedOn = f.OpenedOn
		}
		if err := w.at(ago(in.CheckedOn), func(a func(int64) domain.Actor, dept int64) error {
			return s.RecordRecheck(ctx, a(dept), f.ID, in)
		}, f.DeptID); err != nil {
			return fmt.Errorf("demo: re-check of follow-up %d: %w", f.ID, err)
		}
		if in.Outcome == domain.OutRectified {
			// Rectified: the lead department archives the visit by hand (立卷归档).
			if err := w.at(ago(in.CheckedOn), func(a func(int64) domain.Actor, dept int64) error {
				return s.ArchiveVisit(ctx, a(dept), f.VisitID)
			}, f.DeptID); err != nil {
				return fmt.Errorf("demo: archive of visit %d: %w", f.VisitID, err)
			}
		}
		if in.Outcome != domain.OutNotRectified {
			continue
		}
		v, err := s.GetVisit(ctx, sys, f.VisitID)
		if err != nil {
			return err
		}
		if err := w.at(ago(in.CheckedOn), func(a func(int64) domain.Actor, dept int64) error {
			_, err := s.SetPunishFlag(ctx, a(dept), v.EntityID, "逾期拒不改正，已移送立案，列入联合惩戒对象")
			return err
		}, f.DeptID); err != nil {
			return fmt.Errorf("demo: joint-punishment flag: %w", err)
		}
	}
	return nil
}

// receivers are the departments a visit's finding may be referred to:
// those without a part in it first, then the co-departments.
func receivers(deps []domain.Department, in *domain.Inspection) []int64 {
	var out, co []int64
	for _, d := range deps {
		switch p := in.Part(d.ID); {
		case d.ID == in.Visit.LeadDepartmentID:
		case p == nil:
			out = append(out, d.ID)
		default:
			co = append(co, d.ID)
		}
	}
	return append(out, co...)
}
