package store_test

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/attach"
	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/metrics"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// followWorld is a visit world with a third department (the receiver of
// referrals, party to no visit) and its staff.
type followWorld struct {
	*storetest.VisitWorld
	Third      domain.Department
	ThirdStaff domain.Actor
}

func seedFollow(t *testing.T, s *store.Store, n int) *followWorld {
	t.Helper()
	w := &followWorld{VisitWorld: storetest.SeedVisits(t, s, n)}
	w.Third = domain.Department{Code: "ZHZF", Name: "垣曲县综合行政执法局", ShortName: "综合执法局"}
	if err := s.SaveDepartment(t.Context(), domain.System, &w.Third); err != nil {
		t.Fatal(err)
	}
	u := &domain.User{Username: "zhzf", DisplayName: "综合执法局", Role: domain.RoleDepartment, DepartmentID: w.Third.ID}
	if err := s.CreateUser(t.Context(), domain.System, u, storetest.Password); err != nil {
		t.Fatal(err)
	}
	w.ThirdStaff = domain.ActorOf(u)
	return w
}

// closeWith completes visit i with a finding on the lead's first item and
// closes it with category, disposal and the rectification deadline.
func (w *followWorld) closeWith(t *testing.T, s *store.Store, i int, c domain.ResultCategory, d domain.Disposal, due domain.Date) *domain.Inspection {
	t.Helper()
	w.Complete(t, s, i, true)
	if err := s.CloseVisit(t.Context(), w.InspActors[0], w.Visits[i].ID, domain.CloseInput{Category: c, Disposal: d, DisposalText: "责令限期整改", RectifyDue: due}); err != nil {
		t.Fatal(err)
	}
	in, err := s.Inspection(t.Context(), w.F.Office, w.Visits[i].ID)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func day(y int, m time.Month, d int) domain.Date { return domain.Date{Year: y, Month: m, Day: d} }

func TestReferralLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := seedFollow(t, s, 2)
		blobs, err := attach.NewDisk(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		s.SetBlobs(blobs)
		// Friday 13 February 2026, the last working day before the Spring
		// Festival (15–23 February off; Saturday 14 and 28 February worked).
		at(s, 2026, time.February, 13, 10)
		in0, err := s.Inspection(ctx, w.F.Office, w.Visits[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		up, err := attach.Receive(t.TempDir(), "后厨.png", bytes.NewReader(pngBytes(t)), attach.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { up.Close() })
		photo, err := s.AddAttachment(ctx, w.InspActors[0], in0.Parts[0].ID, in0.Parts[0].Items[0].ItemID, up)
		if err != nil {
			t.Fatal(err)
		}
		in := w.closeWith(t, s, 0, domain.CatRectified, domain.DispRectify, day(2026, time.March, 13))
		lead := in.Parts[0]
		finding := domain.ReferralInput{PartID: lead.ID, ItemID: lead.Items[0].ItemID, Kind: domain.RefNotify, ToDept: w.Third.ID,
			Text: "后厨防鼠设施缺失，涉及贵部门职责，请依法处理", AttachmentIDs: []int64{photo.ID}}

		// Who may send: the part's department or the visit's lead, not the
		// office, not a department with nothing to do with the finding.
		_, err = s.SendReferral(ctx, w.F.Office, finding)
		wantKind(t, err, domain.KindForbidden)
		_, err = s.SendReferral(ctx, w.ThirdStaff, finding)
		wantKind(t, err, domain.KindForbidden)
		_, err = s.SendReferral(ctx, w.F.OtherStaff, finding)
		wantKind(t, err, domain.KindForbidden)
		// Bad input names every field, writes nothing.
		bad := finding
		bad.ItemID, bad.ToDept, bad.AttachmentIDs = lead.Items[1].ItemID, w.F.Dept.ID, []int64{photo.ID + 99}
		_, err = s.SendReferral(ctx, w.F.DeptStaff, bad)
		wantKind(t, err, domain.KindInvalid)
		if got := strings.Join(fieldKeys(err), " "); got != "0:finding:err.referral.not_finding 0:to_department:err.referral.same_dept 0:attachments:err.referral.bad_attachment" {
			t.Errorf("errors = %s", got)
		}
		if msg := zhErr(err); !strings.Contains(msg, "不是发现问题") {
			t.Errorf("message %q does not say the item is no finding", msg)
		}
		if n := count(t, s, "referrals"); n != 0 {
			t.Fatalf("refused referral wrote %d rows", n)
		}

		r, err := s.SendReferral(ctx, w.F.DeptStaff, finding)
		if err != nil {
			t.Fatal(err)
		}
		// Five working days from Friday 13 February across the Spring
		// Festival: Sat 14, Tue 24, Wed 25, Thu 26, Fri 27 February.
		if r.State != domain.RefSent || r.AnswerDue != day(2026, time.February, 27) || r.SentOn != day(2026, time.February, 13) {
			t.Errorf("sent referral = state %s, sent %s, answer due %s", r.State, r.SentOn, r.AnswerDue)
		}
		// Thirty working days: 27 Feb is the 5th; 28 Feb (Saturday, worked)
		// the 6th; the 22 weekdays of March make 28; 1 and 2 April.
		if r.OutcomeDue != day(2026, time.April, 2) {
			t.Errorf("outcome due %s, want 2026-04-02", r.OutcomeDue)
		}
		if len(r.Attachments) != 1 || r.Attachments[0].SHA256 != photo.SHA256 || r.ItemName == "" || r.Rule == "" {
			t.Errorf("referral evidence = %+v, item %q rule %q", r.Attachments, r.ItemName, r.Rule)
		}
		if n := count(t, s, "attachments"); n != 1 {
			t.Errorf("the evidence was copied: %d attachments", n)
		}
		_, err = s.SendReferral(ctx, w.F.DeptStaff, finding)
		wantKind(t, err, domain.KindConflict)

		// The receiver reads it and its evidence without being party to
		// the visit; a department party to neither side does not.
		if _, err := s.Inspection(ctx, w.ThirdStaff, w.Visits[0].ID); domain.ErrorKind(err) != domain.KindNotFound {
			t.Fatalf("third department reads the visit: %v", err)
		}
		_, rc, err := s.OpenAttachment(ctx, w.ThirdStaff, photo.ID)
		if err != nil {
			t.Fatalf("receiver opens the evidence: %v", err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(b, pngBytes(t)) {
			t.Error("evidence bytes differ")
		}
		box, err := s.ListReferrals(ctx, w.ThirdStaff, domain.ReferralFilter{Box: "received"})
		if err != nil || box.Total != 1 || box.Items[0].ID != r.ID {
			t.Fatalf("receiver's box = %+v, %v", box, err)
		}
		if l, err := s.ListReferrals(ctx, w.F.OtherStaff, domain.ReferralFilter{}); err != nil || l.Total != 0 {
			t.Errorf("uninvolved department sees %+v, %v", l, err)
		}
		_, err = s.GetReferral(ctx, w.F.OtherStaff, r.ID)
		wantKind(t, err, domain.KindNotFound)
		if ns, _ := s.ListNotices(ctx, w.ThirdStaff, true, domain.Page{}); ns.Total != 1 || ns.Items[0].Kind != "referral_sent" {
			t.Errorf("receiver's inbox = %+v", ns)
		}

		// Steps: only the receiver, in order; out of order refused with
		// what is expected.
		wantKind(t, s.StepReferral(ctx, w.F.DeptStaff, r.ID, domain.StepReceive, ""), domain.KindForbidden)
		wantKind(t, s.StepReferral(ctx, w.F.Office, r.ID, domain.StepReceive, ""), domain.KindForbidden)
		err = s.StepReferral(ctx, w.ThirdStaff, r.ID, domain.StepAccept, "")
		wantKind(t, err, domain.KindConflict)
		if msg := zhErr(err); !strings.Contains(msg, "签收") {
			t.Errorf("accepting before receipt: %q does not say to acknowledge first", msg)
		}
		at(s, 2026, time.February, 24, 9)
		if err := s.StepReferral(ctx, w.ThirdStaff, r.ID, domain.StepReceive, ""); err != nil {
			t.Fatal(err)
		}
		wantKind(t, s.StepReferral(ctx, w.ThirdStaff, r.ID, domain.StepReceive, ""), domain.KindConflict)
		wantKind(t, s.StepReferral(ctx, w.ThirdStaff, r.ID, domain.StepOutcome, "已处理"), domain.KindConflict)
		// Overdue the day after the answer deadline, flagged and in the
		// receiver's inbox once.
		at(s, 2026, time.March, 2, 9)
		if got, _ := s.GetReferral(ctx, w.F.DeptStaff, r.ID); !got.Overdue {
			t.Error("received, unanswered after its deadline: not overdue")
		}
		if n, _ := s.CountOverdueReferrals(ctx, w.ThirdStaff); n != 1 {
			t.Errorf("receiver's overdue count = %d", n)
		}
		if n, _ := s.CountOverdueReferrals(ctx, w.F.DeptStaff); n != 0 {
			t.Errorf("sender's overdue (owed by it) count = %d", n)
		}
		for range 2 {
			if err := s.NotifyOverdue(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if ns, _ := s.ListNotices(ctx, w.ThirdStaff, true, domain.Page{}); ns.Total != 2 || ns.Items[0].Kind != "referral_overdue" {
			t.Errorf("receiver's inbox after the deadline = %+v", ns)
		}
		if err := s.StepReferral(ctx, w.ThirdStaff, r.ID, domain.StepAccept, ""); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.GetReferral(ctx, w.F.DeptStaff, r.ID); got.State != domain.RefAccepted || got.Overdue || got.DecidedBy != "zhzf" {
			t.Errorf("accepted referral as the sender sees it = %+v", got)
		}
		if ns, _ := s.ListNotices(ctx, w.F.DeptStaff, true, domain.Page{}); ns.Total == 0 || ns.Items[0].Kind != "referral_accepted" {
			t.Errorf("sender's inbox = %+v", ns)
		}
		err = s.StepReferral(ctx, w.ThirdStaff, r.ID, domain.StepOutcome, " ")
		wantKind(t, err, domain.KindInvalid)
		if err := s.StepReferral(ctx, w.ThirdStaff, r.ID, domain.StepOutcome, "已立案调查，责令停业整顿"); err != nil {
			t.Fatal(err)
		}
		wantKind(t, s.StepReferral(ctx, w.ThirdStaff, r.ID, domain.StepReturn, "不属于本部门职责"), domain.KindConflict)

		// A returned referral: reason required; the finding may then go
		// to the same department again.
		case2 := finding
		case2.Kind, case2.ToDept, case2.AttachmentIDs = domain.RefCase, w.F.OtherDept.ID, nil
		r2, err := s.SendReferral(ctx, w.F.DeptStaff, case2)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.StepReferral(ctx, w.F.OtherStaff, r2.ID, domain.StepReceive, ""); err != nil {
			t.Fatal(err)
		}
		err = s.StepReferral(ctx, w.F.OtherStaff, r2.ID, domain.StepReturn, "")
		wantKind(t, err, domain.KindInvalid)
		if err := s.StepReferral(ctx, w.F.OtherStaff, r2.ID, domain.StepReturn, "不属于本部门职责"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SendReferral(ctx, w.F.DeptStaff, case2); err != nil {
			t.Fatalf("resending a returned referral: %v", err)
		}
		l, err := s.ListReferrals(ctx, w.F.DeptStaff, domain.ReferralFilter{Box: "sent", State: domain.RefReturned})
		if err != nil || l.Total != 1 || l.Items[0].ReturnReason != "不属于本部门职责" {
			t.Errorf("returned filter = %+v, %v", l, err)
		}
		if l, _ := s.ListReferrals(ctx, w.F.Office, domain.ReferralFilter{Query: w.Entities[0].Code}); l.Total != 3 {
			t.Errorf("search by code: %d referrals", l.Total)
		}
		if l, _ := s.ListReferrals(ctx, w.F.Office, domain.ReferralFilter{Query: "没有这家"}); l.Total != 0 {
			t.Errorf("search by a name that is not there: %d referrals", l.Total)
		}

		// Every step left its audit row.
		var steps []string
		audit, err := s.ListAudit(ctx, w.F.Office, domain.AuditFilter{ObjectType: "referral"})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range audit.Items {
			steps = append(steps, e.Action)
		}
		if got := strings.Join(steps, " "); got != "referral.send referral.return referral.receive referral.send referral.outcome referral.accept referral.receive referral.send" {
			t.Errorf("audit = %s", got)
		}

		// The public page shows where the findings went and where they are.
		pub, err := s.PublicInspections(ctx, w.Entities[0].Code)
		if err != nil {
			t.Fatal(err)
		}
		if len(pub) != 0 {
			t.Fatalf("nothing published yet, public page shows %d", len(pub))
		}
		if _, err := s.PublishPart(ctx, w.F.DeptStaff, lead.ID); err != nil {
			t.Fatal(err)
		}
		pub, err = s.PublicInspections(ctx, w.Entities[0].Code)
		if err != nil || len(pub) != 1 {
			t.Fatalf("public = %+v, %v", pub, err)
		}
		if pub[0].FollowUp != "followup.public.rectify.open" || len(pub[0].Referrals) != 3 || pub[0].Referrals[0].State != domain.RefDone ||
			pub[0].Referrals[0].ToDept != w.Third.Name || pub[0].Referrals[1].State != domain.RefReturned {
			t.Errorf("public follow-up = %q, referrals %+v", pub[0].FollowUp, pub[0].Referrals)
		}
	})
}

func TestFollowUpRecheck(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := seedFollow(t, s, 3)
		at(s, 2026, time.May, 11, 10)
		w.closeWith(t, s, 0, domain.CatRectified, domain.DispRectify, day(2026, time.May, 25))
		w.closeWith(t, s, 1, domain.CatRectified, domain.DispRectify, day(2026, time.June, 1))
		// 无法联系 → 拟列入经营异常名录: due ten working days later, across
		// nothing (11 May is a Monday): 25 May.
		w.Complete(t, s, 2, false)
		if err := s.CloseVisit(ctx, w.InspActors[0], w.Visits[2].ID, domain.CloseInput{Category: domain.CatUnreachable, Disposal: domain.DispAbnormal,
			DisposalText: "通过登记的住所无法联系，拟列入经营异常名录"}); err != nil {
			t.Fatal(err)
		}
		l, err := s.ListFollowUps(ctx, w.F.DeptStaff, domain.FollowUpFilter{})
		if err != nil || l.Total != 3 {
			t.Fatalf("follow-ups = %+v, %v", l, err)
		}
		fu := map[int64]domain.FollowUp{}
		for _, f := range l.Items {
			fu[f.VisitID] = f
		}
		rect, rect2, abn := fu[w.Visits[0].ID], fu[w.Visits[1].ID], fu[w.Visits[2].ID]
		if rect.Kind != domain.FURectify || rect.DueOn != day(2026, time.May, 25) || rect.State != domain.FUOpen || rect.DeptID != w.F.Dept.ID {
			t.Errorf("rectification follow-up = %+v", rect)
		}
		if abn.Kind != domain.FUAbnormal || abn.DueOn != day(2026, time.May, 25) {
			t.Errorf("abnormal-list follow-up = %+v", abn)
		}
		// Only the owning department records; the co-department does not
		// even see it; the office reads.
		ok := domain.RecheckInput{CheckedOn: day(2026, time.May, 20), Outcome: domain.OutRectified, Note: "复查：已安装防鼠设施"}
		wantKind(t, s.RecordRecheck(ctx, w.F.OtherStaff, rect.ID, ok), domain.KindForbidden)
		wantKind(t, s.RecordRecheck(ctx, w.F.Office, rect.ID, ok), domain.KindForbidden)
		if l, _ := s.ListFollowUps(ctx, w.F.OtherStaff, domain.FollowUpFilter{}); l.Total != 0 {
			t.Errorf("co-department sees %d follow-ups", l.Total)
		}
		// Bad re-checks: in the future, before opening, wrong outcome for
		// the kind, escalation without a reason.
		at(s, 2026, time.May, 26, 10)
		for _, c := range []struct {
			in   domain.RecheckInput
			want string
		}{
			{domain.RecheckInput{CheckedOn: day(2026, time.May, 27), Outcome: domain.OutRectified}, "0:checked_on:err.followup.checked_future"},
			{domain.RecheckInput{CheckedOn: day(2026, time.May, 1), Outcome: domain.OutRectified}, "0:checked_on:err.followup.checked_before"},
			{domain.RecheckInput{CheckedOn: day(2026, time.May, 20), Outcome: domain.OutListed}, "0:followup_outcome:err.bad_choice"},
			{domain.RecheckInput{CheckedOn: day(2026, time.May, 20), Outcome: domain.OutNotRectified}, "0:escalation_reason:err.required"},
		} {
			err := s.RecordRecheck(ctx, w.F.DeptStaff, rect.ID, c.in)
			if got := strings.Join(fieldKeys(err), " "); got != c.want {
				t.Errorf("%+v: errors %s, want %s", c.in, got, c.want)
			}
		}
		// 26 May: both due 25 May are overdue, the one due 1 June is not.
		od, err := s.ListFollowUps(ctx, w.F.DeptStaff, domain.FollowUpFilter{Overdue: true})
		if err != nil || od.Total != 2 || !od.Items[0].Overdue {
			t.Errorf("overdue follow-ups = %+v, %v", od, err)
		}
		if got, _ := s.GetFollowUp(ctx, w.F.DeptStaff, rect2.ID); got.Overdue {
			t.Error("follow-up due 1 June overdue on 26 May")
		}
		if err := s.RecordRecheck(ctx, w.F.DeptStaff, rect.ID, ok); err != nil {
			t.Fatal(err)
		}
		wantKind(t, s.RecordRecheck(ctx, w.F.DeptStaff, rect.ID, ok), domain.KindConflict)
		// Escalated with a case referral (移送立案) to the third department:
		// not to the department itself.
		esc := domain.RecheckInput{CheckedOn: day(2026, time.May, 26), Outcome: domain.OutNotRectified, Reason: "逾期未整改，移送立案", CaseDept: w.F.Dept.ID}
		if got := strings.Join(fieldKeys(s.RecordRecheck(ctx, w.F.DeptStaff, rect2.ID, esc)), " "); got != "0:to_department:err.referral.same_dept" {
			t.Errorf("escalation to itself: %s", got)
		}
		esc.CaseDept = w.Third.ID
		if err := s.RecordRecheck(ctx, w.F.DeptStaff, rect2.ID, esc); err != nil {
			t.Fatal(err)
		}
		cases, err := s.ListReferrals(ctx, w.ThirdStaff, domain.ReferralFilter{Box: "received"})
		if err != nil || cases.Total != 1 || cases.Items[0].Kind != domain.RefCase || cases.Items[0].VisitID != w.Visits[1].ID ||
			cases.Items[0].Text != "逾期未整改，移送立案" || cases.Items[0].FromDeptID != w.F.Dept.ID || cases.Items[0].AnswerDue != day(2026, time.June, 2) {
			t.Errorf("case referral of the escalation = %+v, %v", cases, err)
		}
		if err := s.RecordRecheck(ctx, w.F.DeptStaff, abn.ID, domain.RecheckInput{CheckedOn: day(2026, time.May, 26), Outcome: domain.OutListed}); err != nil {
			t.Fatal(err)
		}
		for id, want := range map[int64]domain.FollowUpState{rect.ID: domain.FUClosed, rect2.ID: domain.FUEscalated, abn.ID: domain.FUClosed} {
			if got, _ := s.GetFollowUp(ctx, w.F.Office, id); got.State != want || got.Overdue {
				t.Errorf("follow-up %d = %s (overdue %v), want %s", id, got.State, got.Overdue, want)
			}
		}
		if ns, _ := s.ListNotices(ctx, w.F.Office, true, domain.Page{}); ns.Total == 0 || ns.Items[0].Kind != "followup_escalated" {
			t.Errorf("office inbox = %+v", ns)
		}
	})
}

func TestPunishFlags(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := seedFollow(t, s, 1)
		e := w.Entities[0].ID
		_, err := s.SetPunishFlag(ctx, w.F.Office, e, "严重违法失信")
		wantKind(t, err, domain.KindForbidden)
		_, err = s.SetPunishFlag(ctx, w.F.DeptStaff, e, " ")
		wantKind(t, err, domain.KindInvalid)
		f, err := s.SetPunishFlag(ctx, w.F.DeptStaff, e, "逾期未整改，列入严重违法失信名单")
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.SetPunishFlag(ctx, w.F.DeptStaff, e, "再次")
		wantKind(t, err, domain.KindConflict)
		// Every department sees it (互认互用); another department may add
		// its own but not clear this one.
		if got, err := s.PunishFlags(ctx, w.ThirdStaff, e); err != nil || len(got) != 1 || got[0].DeptName != w.F.Dept.Name || !got[0].Active() {
			t.Fatalf("flags seen by another department = %+v, %v", got, err)
		}
		wantKind(t, s.ClearPunishFlag(ctx, w.F.OtherStaff, f.ID, "信用修复"), domain.KindForbidden)
		wantKind(t, s.ClearPunishFlag(ctx, w.F.DeptStaff, f.ID, ""), domain.KindInvalid)
		if err := s.ClearPunishFlag(ctx, w.F.DeptStaff, f.ID, "已完成信用修复"); err != nil {
			t.Fatal(err)
		}
		wantKind(t, s.ClearPunishFlag(ctx, w.F.DeptStaff, f.ID, "已完成信用修复"), domain.KindConflict)
		got, _ := s.PunishFlags(ctx, w.F.Inspector, e)
		if len(got) != 1 || got[0].Active() || got[0].ClearReason != "已完成信用修复" {
			t.Errorf("cleared flag = %+v", got)
		}
		audit, err := s.ListAudit(ctx, w.F.Office, domain.AuditFilter{ObjectType: "punish_flag"})
		if err != nil {
			t.Fatal(err)
		}
		var acts []string
		for _, a := range audit.Items {
			if strings.HasPrefix(a.Action, "punish.") {
				acts = append(acts, a.Action)
			}
		}
		if strings.Join(acts, " ") != "punish.clear punish.set" {
			t.Errorf("audit = %v", acts)
		}
	})
}

// TestFollowUpEvalFigures checks the dashboard's referral and follow-up
// figures on a hand-made dataset: one referral answered on time, one
// overdue unanswered, one follow-up closed and one open past its deadline.
func TestFollowUpEvalFigures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := seedFollow(t, s, 2)
		at(s, 2026, time.May, 11, 10)
		in := w.closeWith(t, s, 0, domain.CatRectified, domain.DispRectify, day(2026, time.May, 20))
		w.closeWith(t, s, 1, domain.CatRectified, domain.DispRectify, day(2026, time.May, 20))
		lead := in.Parts[0]
		send := func(to int64) *domain.Referral {
			r, err := s.SendReferral(ctx, w.F.DeptStaff, domain.ReferralInput{PartID: lead.ID, ItemID: lead.Items[0].ItemID, Kind: domain.RefNotify, ToDept: to, Text: "请处理"})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		onTime := send(w.Third.ID)
		send(w.F.OtherDept.ID)
		before, err := s.Dashboard(ctx, w.F.Office, 2026, metrics.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if third := deptFigures(before, w.Third.ID); third == nil || third.ReferralsOpen != 1 || third.ReferralsOverdue != 0 {
			t.Fatalf("third department's figures before = %+v", third)
		}
		at(s, 2026, time.May, 12, 10)
		for _, step := range []domain.ReferralStep{domain.StepReceive, domain.StepAccept} {
			if err := s.StepReferral(ctx, w.ThirdStaff, onTime.ID, step, ""); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.StepReferral(ctx, w.ThirdStaff, onTime.ID, domain.StepOutcome, "已处理"); err != nil {
			t.Fatal(err)
		}
		fus, _ := s.ListFollowUps(ctx, w.F.DeptStaff, domain.FollowUpFilter{VisitID: w.Visits[0].ID})
		if err := s.RecordRecheck(ctx, w.F.DeptStaff, fus.Items[0].ID, domain.RecheckInput{CheckedOn: day(2026, time.May, 12), Outcome: domain.OutRectified}); err != nil {
			t.Fatal(err)
		}
		// 11 May + 5 working days = 18 May: on the 19th the unanswered
		// referral is overdue; the open follow-up (due 20 May) is overdue
		// from the 21st.
		at(s, 2026, time.May, 21, 10)
		d, err := s.Dashboard(ctx, w.F.Office, 2026, metrics.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		third, other := deptFigures(d, w.Third.ID), deptFigures(d, w.F.OtherDept.ID)
		if third == nil || third.ReferralsOpen != 0 || third.Referrals.N != 1 || third.Referrals.K != 1 {
			t.Errorf("third department (answered on time) = %+v", third)
		}
		if other == nil || other.ReferralsOpen != 1 || other.ReferralsOverdue != 1 || other.Referrals.N != 1 || other.Referrals.K != 0 {
			t.Errorf("co-department (overdue) = %+v", other)
		}
		if d.FollowUp.Closed.N != 2 || d.FollowUp.Closed.K != 1 || d.FollowUp.OverdueOpen != 1 {
			t.Errorf("follow-up figures = %+v", d.FollowUp)
		}
		if lead := deptFigures(d, w.F.Dept.ID); lead == nil || lead.FollowUpOverdue != 1 || lead.FollowUp.N != 2 || lead.FollowUp.K != 1 {
			t.Errorf("lead department's follow-up = %+v", lead)
		}
	})
}

func deptFigures(d *metrics.Dashboard, dept int64) *metrics.DeptFigures {
	for i := range d.Departments {
		if d.Departments[i].Dept.ID == dept {
			return &d.Departments[i]
		}
	}
	return nil
}

// TestReferralDueBeyondTheCalendar sends a referral in December 2026, when
// the 2027 schedule is not there yet: the outcome's deadline falls in 2027
// and is unset (nothing overdue, nothing guessed) until the office adds
// the 2027 holidays, then counted from the day it was sent.
func TestReferralDueBeyondTheCalendar(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := seedFollow(t, s, 1)
		at(s, 2026, time.December, 14, 10)
		in := w.closeWith(t, s, 0, domain.CatRectified, domain.DispRectify, day(2026, time.December, 31))
		lead := in.Parts[0]
		r, err := s.SendReferral(ctx, w.F.DeptStaff, domain.ReferralInput{PartID: lead.ID, ItemID: lead.Items[0].ItemID, Kind: domain.RefNotify, ToDept: w.Third.ID, Text: "请处理"})
		if err != nil {
			t.Fatal(err)
		}
		if r.AnswerDue != day(2026, time.December, 21) || !r.OutcomeDue.IsZero() {
			t.Fatalf("deadlines = %s, %s; want 2026-12-21 and none yet", r.AnswerDue, r.OutcomeDue)
		}
		ss, err := store.ParseWorkdaySchedules("2027-01-01 off 元旦\n2027-02-05..2027-02-11 off 春节\n2027-02-14 work 春节调休\n")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SaveWorkdaySchedules(ctx, w.F.Office, "2027年部分节假日安排的通知", ss); err != nil {
			t.Fatal(err)
		}
		// 15–31 December: 13 weekdays; 1 January off; then 17 more
		// working days from 4 January: 26 January.
		got, err := s.GetReferral(ctx, w.ThirdStaff, r.ID)
		if err != nil || got.OutcomeDue != day(2027, time.January, 26) {
			t.Errorf("outcome due after the 2027 schedule = %s, %v; want 2027-01-26", got.OutcomeDue, err)
		}
	})
}
