package store_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/attach"
	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

var cst = time.FixedZone("CST", 8*3600)

// at fixes the store's clock at a moment of a China Standard Time day.
func at(s *store.Store, y int, m time.Month, d, hour int) {
	store.SetClock(s, func() time.Time { return time.Date(y, m, d, hour, 0, 0, 0, cst) })
}

func TestInspectionLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := storetest.SeedVisits(t, s, 2)
		f := w.F
		at(s, 2026, time.May, 11, 10)
		v := w.Visits[0]
		in, err := s.Inspection(ctx, w.InspActors[0], v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(in.Parts) != 2 || in.Parts[0].DepartmentID != f.Dept.ID || len(in.Parts[0].Items) != 2 || len(in.Team) != 2 {
			t.Fatalf("inspection = %+v", in)
		}
		lead, co := in.Parts[0], in.Parts[1]
		if it := lead.Items[0]; it.LegalBasis == "" || it.Name == "" || len(it.Options) != 3 {
			t.Errorf("checklist item = %+v, want its text, legal basis and options", it)
		}
		if in.Team[0].CertNo == "" || in.Team[0].DepartmentName == "" {
			t.Errorf("team = %+v, want certificate number and department", in.Team)
		}

		// Who may enter: the part's own department, not another's, not the office.
		ok := []domain.ResultInput{{ItemID: lead.Items[0].ItemID, Result: "符合"}}
		wantKind(t, s.SaveResults(ctx, w.InspActors[1], lead.ID, ok), domain.KindForbidden)
		wantKind(t, s.SaveResults(ctx, f.Office, lead.ID, ok), domain.KindForbidden)
		wantKind(t, s.SaveResults(ctx, f.OtherStaff, lead.ID, ok), domain.KindForbidden)
		// An inspector of the department not on the team may not either.
		wantKind(t, s.SaveResults(ctx, f.Inspector, lead.ID, ok), domain.KindForbidden)

		// Bad input names the row and field, writes nothing.
		auditBefore := count(t, s, "audit_log")
		err = s.SaveResults(ctx, w.InspActors[0], lead.ID, []domain.ResultInput{
			{ItemID: lead.Items[0].ItemID, Result: "合格"},
			{ItemID: lead.Items[1].ItemID, Result: "不符合"},
			{ItemID: co.Items[0].ItemID, Result: "符合"},
		})
		wantKind(t, err, domain.KindInvalid)
		if got := strings.Join(fieldKeys(err), " "); got != "1:result:err.inspect.bad_result 2:result_rule:err.inspect.rule_required 3:result_item:err.inspect.outside_scope" {
			t.Errorf("errors = %s", got)
		}
		if msg := zhErr(err); !strings.Contains(msg, "第 1 行") && !strings.Contains(msg, "符合 / 不符合 / 不涉及") {
			t.Errorf("message %q names neither the row nor the options", msg)
		}
		if n := count(t, s, "visit_results"); n != 0 || count(t, s, "audit_log") != auditBefore {
			t.Fatalf("refused results wrote %d rows", n)
		}

		// A reasoned addition outside the published list (scope lock).
		extra := &domain.CatalogItem{DepartmentID: f.Dept.ID, Code: "SCJG-X-9", Name: "从业人员健康证明", Content: "是否持有效健康证明", LegalBasis: "《中华人民共和国食品安全法》第四十五条"}
		if err := s.SaveCatalogItem(ctx, domain.System, extra); err != nil {
			t.Fatal(err)
		}
		wantKind(t, s.SaveResults(ctx, w.InspActors[0], lead.ID, []domain.ResultInput{{ItemID: extra.ID, Result: "符合", Added: true}}), domain.KindInvalid)
		if err := s.SaveResults(ctx, w.InspActors[0], lead.ID, []domain.ResultInput{
			{ItemID: lead.Items[0].ItemID, Result: "不符合", Rule: "《中华人民共和国食品安全法》第三十三条", Note: "后厨无防蝇设施"},
			{ItemID: extra.ID, Result: "符合", Added: true, Reason: "现场发现从业人员较多"},
		}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.GetVisit(ctx, f.Office, v.ID); got.State != domain.VisitInProgress {
			t.Errorf("visit state after first results = %s, want in_progress", got.State)
		}
		// Signing needs every item.
		err = s.SignPart(ctx, w.InspActors[0], lead.ID)
		wantKind(t, err, domain.KindConflict)
		if msg := zhErr(err); !strings.Contains(msg, "1") {
			t.Errorf("incomplete sign-off reads %q, want the count of items missing", msg)
		}
		if err := s.SaveResults(ctx, w.InspActors[0], lead.ID, []domain.ResultInput{{ItemID: lead.Items[1].ItemID, Result: "不涉及"}}); err != nil {
			t.Fatal(err)
		}
		if err := s.SignPart(ctx, w.InspActors[0], lead.ID); err != nil {
			t.Fatal(err)
		}
		wantKind(t, s.SaveResults(ctx, w.InspActors[0], lead.ID, ok), domain.KindConflict)
		// Closing before every part is signed is refused.
		wantKind(t, s.CloseVisit(ctx, f.DeptStaff, v.ID, domain.CloseInput{Category: domain.CatRectified, Disposal: domain.DispNone}), domain.KindConflict)

		if err := s.SaveResults(ctx, w.InspActors[1], co.ID, []domain.ResultInput{{ItemID: co.Items[0].ItemID, Result: "符合"}, {ItemID: co.Items[1].ItemID, Result: "符合"}}); err != nil {
			t.Fatal(err)
		}
		if err := s.SignPart(ctx, w.InspActors[1], co.ID); err != nil {
			t.Fatal(err)
		}
		in, err = s.Inspection(ctx, f.DeptStaff, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if in.Visit.State != domain.VisitResultsComplete || !in.AllSigned() || in.Findings() != 1 || len(in.Parts[0].Added) != 1 {
			t.Fatalf("after both sign-offs: state %s, findings %d, added %d", in.Visit.State, in.Findings(), len(in.Parts[0].Added))
		}
		so := in.Parts[0].SignOff
		if so.FormedOn.String() != "2026-05-11" || so.DueOn.String() != "2026-06-08" || !so.Finding {
			t.Errorf("sign-off = %+v, want formed 2026-05-11, due 20 working days later (2026-06-08, over the Dragon Boat holiday not yet)", so)
		}
		if n, _ := s.UnreadNotices(ctx, f.DeptStaff); n == 0 {
			t.Error("the lead department got no notice that the results are complete")
		}

		// Closing: the lead only; no "未发现问题" with findings; 责令改正 needs its deadline.
		wantKind(t, s.CloseVisit(ctx, f.OtherStaff, v.ID, domain.CloseInput{Category: domain.CatRectified, Disposal: domain.DispNone}), domain.KindForbidden)
		wantKind(t, s.CloseVisit(ctx, w.InspActors[1], v.ID, domain.CloseInput{Category: domain.CatRectified, Disposal: domain.DispNone}), domain.KindForbidden)
		err = s.CloseVisit(ctx, f.DeptStaff, v.ID, domain.CloseInput{Category: domain.CatNoProblem, Disposal: domain.DispRectify, DisposalText: "限期整改"})
		wantKind(t, err, domain.KindInvalid)
		if got := strings.Join(fieldKeys(err), " "); got != "0:category:err.inspect.category_findings 0:rectify_due:err.required" {
			t.Errorf("close errors = %s", got)
		}
		if err := s.CloseVisit(ctx, f.DeptStaff, v.ID, domain.CloseInput{Category: domain.CatRectified, Disposal: domain.DispRectify,
			DisposalText: "责令十五日内整改防蝇设施", RectifyDue: domain.Date{Year: 2026, Month: 5, Day: 26}}); err != nil {
			t.Fatal(err)
		}
		in, _ = s.Inspection(ctx, f.Discipline, v.ID)
		if in.Visit.State != domain.VisitClosed || in.Record == nil || in.Record.Category != domain.CatRectified || in.Record.RectifyDue.String() != "2026-05-26" {
			t.Fatalf("closed visit = %s, record %+v", in.Visit.State, in.Record)
		}
		wantKind(t, s.ReopenPart(ctx, w.InspActors[1], co.ID), domain.KindConflict)

		// Publication: the department's staff, once, logged in the same transaction.
		_, err = s.PublishPart(ctx, w.InspActors[0], lead.ID)
		wantKind(t, err, domain.KindForbidden)
		_, err = s.PublishPart(ctx, f.OtherStaff, lead.ID)
		wantKind(t, err, domain.KindForbidden)
		idx, err := s.PublishPart(ctx, f.DeptStaff, lead.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := s.LogIndexOf(ctx, store.LogTypeResult, strconv.FormatInt(lead.ID, 10)); err != nil || got != idx {
			t.Errorf("log index = %d, %v, want %d", got, err, idx)
		}
		_, err = s.PublishPart(ctx, f.DeptStaff, lead.ID)
		wantKind(t, err, domain.KindConflict)
		rep, err := s.LogMonitor(ctx)
		if err != nil || len(rep.Problems) != 0 {
			t.Fatalf("log monitor = %+v, %v", rep, err)
		}
		due, err := s.PublicationsDue(ctx, f.Office, 0)
		if err != nil || len(due) != 1 || due[0].PartID != co.ID {
			t.Fatalf("publications due = %+v, %v, want the co-department's part", due, err)
		}
		if mine, _ := s.PublicationsDue(ctx, f.DeptStaff, 0); len(mine) != 0 {
			t.Errorf("lead department's due list = %+v, want empty", mine)
		}
	})
}

// TestPublicationDeadlineAcrossHoliday forms a result the day before the
// 2026 Mid-Autumn break (25–27 Sep) followed by the National Day week (1–7
// Oct) with its make-up Saturday (10 Oct): 20 working days later is 29
// October, not 22 October as weekdays alone would give.
func TestPublicationDeadlineAcrossHoliday(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := storetest.SeedVisits(t, s, 1)
		at(s, 2026, time.September, 24, 23) // 23:00 CST is still the 24th
		in := w.Complete(t, s, 0, false)
		for _, p := range in.Parts {
			if p.SignOff.FormedOn.String() != "2026-09-24" || p.SignOff.DueOn.String() != "2026-10-29" {
				t.Fatalf("formed %s due %s, want 2026-09-24 and 2026-10-29", p.SignOff.FormedOn, p.SignOff.DueOn)
			}
		}
		for _, tc := range []struct {
			day           int
			month         time.Month
			left          int
			warn, overdue bool
		}{
			{9, time.October, 15, false, false}, // the make-up Saturday after is a working day
			{23, time.October, 4, true, false},
			{29, time.October, 0, true, false},
			{30, time.October, -1, false, true},
		} {
			at(s, 2026, tc.month, tc.day, 9)
			due, err := s.PublicationsDue(ctx, w.F.Office, 0)
			if err != nil || len(due) != 2 {
				t.Fatalf("due = %+v, %v", due, err)
			}
			if d := due[0]; d.DaysLeft != tc.left || d.Warn != tc.warn || d.Overdue != tc.overdue {
				t.Errorf("%s %d: days left %d warn %v overdue %v, want %d %v %v", tc.month, tc.day, d.DaysLeft, d.Warn, d.Overdue, tc.left, tc.warn, tc.overdue)
			}
		}
		// The office's setting applies to results formed afterwards.
		wantKind(t, s.SaveInspectSettings(ctx, w.F.DeptStaff, domain.InspectSettings{PublishDays: 10, WarnDays: 3}), domain.KindForbidden)
		wantKind(t, s.SaveInspectSettings(ctx, w.F.Office, domain.InspectSettings{PublishDays: 10, WarnDays: 10}), domain.KindInvalid)
		if err := s.SaveInspectSettings(ctx, w.F.Office, domain.InspectSettings{PublishDays: 10, WarnDays: 3}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.InspectSettings(ctx); got.PublishDays != 10 {
			t.Errorf("settings = %+v", got)
		}
	})
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func blobCount(t *testing.T, b attach.Blobs) int {
	t.Helper()
	n := 0
	if err := b.Walk(context.Background(), func(string, time.Time) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAttachments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := storetest.SeedVisits(t, s, 1)
		in, err := s.Inspection(ctx, w.F.Office, w.Visits[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		lead := in.Parts[0]
		receive := func(name string, data []byte) *attach.Upload {
			up, err := attach.Receive(t.TempDir(), name, bytes.NewReader(data), attach.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { up.Close() })
			return up
		}
		photo := receive("后厨.png", pngBytes(t))
		// No blob store configured: refused, nothing written.
		_, err = s.AddAttachment(ctx, w.InspActors[0], lead.ID, 0, photo)
		wantKind(t, err, domain.KindConflict)
		blobs, err := attach.NewDisk(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		s.SetBlobs(blobs)
		// Another department's inspector: refused before anything is stored.
		_, err = s.AddAttachment(ctx, w.InspActors[1], lead.ID, 0, photo)
		wantKind(t, err, domain.KindForbidden)
		if n := blobCount(t, blobs); n != 0 || count(t, s, "attachments") != 0 {
			t.Fatalf("refused attachment left %d blobs", n)
		}
		x, err := s.AddAttachment(ctx, w.InspActors[0], lead.ID, lead.Items[0].ItemID, photo)
		if err != nil {
			t.Fatal(err)
		}
		if x.SHA256 != photo.SHA256 || x.MediaType != "image/png" || x.DepartmentID != w.F.Dept.ID {
			t.Errorf("attachment = %+v", x)
		}
		got, rc, err := s.OpenAttachment(ctx, w.F.OtherStaff, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		b.ReadFrom(rc)
		rc.Close()
		if got.Name != "后厨.png" || !bytes.Equal(b.Bytes(), pngBytes(t)) {
			t.Errorf("opened %q, %d bytes", got.Name, b.Len())
		}
		// A crash between storing the bytes and writing the row leaves a
		// blob no row refers to: the sweep removes it and keeps the others.
		orphan := receive("orphan.png", append(pngBytes(t), 0))
		r, _ := orphan.Reader()
		if err := blobs.Put(ctx, orphan.SHA256, r); err != nil {
			t.Fatal(err)
		}
		if n, err := s.SweepAttachments(ctx, time.Hour); err != nil || n != 0 {
			t.Errorf("sweep within the grace period deleted %d, %v", n, err)
		}
		if n, err := s.SweepAttachments(ctx, -time.Minute); err != nil || n != 1 {
			t.Errorf("sweep deleted %d, %v, want the orphan", n, err)
		}
		if n := blobCount(t, blobs); n != 1 {
			t.Errorf("%d blobs after the sweep, want the attached one", n)
		}
		in, _ = s.Inspection(ctx, w.F.DeptStaff, w.Visits[0].ID)
		if len(in.Attachments) != 1 {
			t.Errorf("inspection lists %d attachments", len(in.Attachments))
		}
		// A signed part takes no more evidence.
		w.Complete(t, s, 0, false)
		_, err = s.AddAttachment(ctx, w.InspActors[0], lead.ID, 0, photo)
		wantKind(t, err, domain.KindConflict)
	})
}
