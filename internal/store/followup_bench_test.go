package store_test

import (
	"testing"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// BenchmarkListReferrals is a department's received tab with 5,000
// referrals in the county, 1,000 of them to the department: the first
// page of all received, and of the overdue ones (half of them).
func BenchmarkListReferrals(b *testing.B) {
	s := storetest.New(b)
	w := storetest.SeedVisits(b, s, 1)
	ctx := b.Context()
	store.SetClock(s, func() time.Time { return time.Date(2026, 5, 11, 10, 0, 0, 0, cst) })
	in := w.Complete(b, s, 0, true)
	lead := in.Parts[0]
	r, err := s.SendReferral(ctx, w.F.DeptStaff, domain.ReferralInput{PartID: lead.ID, ItemID: lead.Items[0].ItemID, Kind: domain.RefNotify, ToDept: w.F.OtherDept.ID, Text: "请处理"})
	if err != nil {
		b.Fatal(err)
	}
	// Copies of the referral: every fifth to the co-department, the rest
	// sent back to the sender's own department by a stand-in row (the
	// rules do not matter to the reads); half already past their answer
	// deadline.
	if err := store.ExecRaw(ctx, s, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4999)
INSERT INTO referrals (visit_id, part_id, item_id, kind, state, from_department_id, to_department_id, text, sent_by, sent_at, sent_on, answer_due, outcome_due)
SELECT visit_id, part_id, item_id, kind, state, from_department_id, CASE WHEN i % 5 = 0 THEN to_department_id ELSE from_department_id END,
text, sent_by, sent_at, sent_on, CASE WHEN i % 2 = 0 THEN '2026-05-01' ELSE answer_due END, outcome_due FROM referrals, n WHERE id = $1`, r.ID); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		f    domain.ReferralFilter
	}{
		{"received", domain.ReferralFilter{Box: "received"}},
		{"overdue", domain.ReferralFilter{Box: "received", Overdue: true}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				l, err := s.ListReferrals(ctx, w.F.OtherStaff, c.f)
				if err != nil || len(l.Items) != domain.DefaultPageSize {
					b.Fatalf("%d referrals, %v", len(l.Items), err)
				}
			}
		})
	}
}
