package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

// demoInspections enters the results of the dispatched visits so that
// every inspection state is on the pages: visits not started, under way,
// with every part signed but not closed, closed and published on time,
// published late, and results waiting past their publication deadline
// (overdue) or close to it. Each department enters, signs and publishes
// its own part; the history is dated in the past (Store.Backdate).
func demoInspections(ctx context.Context, s *store.Store, o Options, tasks []*domain.Task) error {
	if len(tasks) < 5 {
		return nil
	}
	daysAgo := func(n int) time.Time {
		return time.Date(o.Today.Year, o.Today.Month, o.Today.Day-n, 10, 0, 0, 0, cst)
	}
	w := &inspector{ctx: ctx, s: s, daysAgo: daysAgo}
	visits := func(t *domain.Task) ([]domain.Visit, error) {
		l, err := s.ListVisits(ctx, domain.System, domain.VisitFilter{BatchID: t.Batches[0].ID, ByDate: true, Page: domain.Page{Size: domain.MaxPageSize}})
		if err != nil {
			return nil, err
		}
		return l.Items, nil
	}
	// Batch in progress: one visit with the lead's part half entered, one
	// signed by the lead only, one complete but unpublished past its
	// deadline; the rest not started.
	vs, err := visits(tasks[0])
	if err != nil {
		return err
	}
	for i, v := range vs {
		var err error
		switch i {
		case 0:
			err = w.enter(v.ID, 0, 1, false, 2)
		case 1:
			err = w.sign(v.ID, 0, true, 3)
		case 2:
			err = w.complete(v.ID, true, 45)
		}
		if err != nil {
			return err
		}
	}
	// Results complete: every part signed, the joint record not closed,
	// formed 6 to 36 days ago: some near the deadline, some past it.
	if vs, err = visits(tasks[2]); err != nil {
		return err
	}
	for i, v := range vs {
		if err := w.complete(v.ID, i%3 == 1, 6+6*i); err != nil {
			return err
		}
	}
	// Closed batches: closed and published, with the categories and
	// disposals of the national list; the last published late.
	closings := []struct {
		finding  bool
		category domain.ResultCategory
		disposal domain.Disposal
		text     string
	}{
		{false, domain.CatNoProblem, domain.DispNone, ""},
		{true, domain.CatRectified, domain.DispRectify, "责令十五日内改正，逾期复查"},
		{false, domain.CatUnreachable, domain.DispAbnormal, "通过登记的住所无法联系，拟列入经营异常名录"},
		{true, domain.CatPending, domain.DispReferral, "发现的问题属其他部门职责，已抄告相关部门"},
		{true, domain.CatOtherDept, domain.DispCaseReferral, "涉嫌违法，移送办案机构"},
	}
	for k, t := range []*domain.Task{tasks[3], tasks[4]} {
		if vs, err = visits(t); err != nil {
			return err
		}
		formed := 60 - 25*k
		for i, v := range vs {
			c := closings[i%len(closings)]
			if err := w.complete(v.ID, c.finding, formed); err != nil {
				return err
			}
			in := domain.CloseInput{Category: c.category, Disposal: c.disposal, DisposalText: c.text}
			if c.disposal == domain.DispRectify {
				in.RectifyDue = domain.DateOf(daysAgo(formed - 16))
			}
			if err := w.at(formed-1, func(a func(int64) domain.Actor, lead int64) error {
				return s.CloseVisit(ctx, a(lead), v.ID, in)
			}, v.LeadDepartmentID); err != nil {
				return fmt.Errorf("demo: close visit %d: %w", v.ID, err)
			}
			published := formed - 5
			if i == len(vs)-1 {
				published = max(formed-40, 0) // late: after the 20 working days
			}
			if err := w.publish(v.ID, published); err != nil {
				return err
			}
		}
	}
	return demoFollowUp(w, o)
}

// cst is China Standard Time, the zone of the county's days.
var cst = time.FixedZone("CST", 8*3600)

// inspector enters results as each department's staff, at a past time.
type inspector struct {
	ctx     context.Context
	s       *store.Store
	daysAgo func(int) time.Time
}

func staffOf(dept int64) domain.Actor {
	return domain.Actor{Name: "演示数据", Role: domain.RoleDepartment, DepartmentID: dept}
}

// at runs fn as of n days ago.
func (w *inspector) at(n int, fn func(func(int64) domain.Actor, int64) error, dept int64) error {
	restore := w.s.Backdate(w.daysAgo(n))
	defer restore()
	return fn(staffOf, dept)
}

// enter enters the first items of part p of a visit (all when items is
// 0): compliant, or for a finding the first item not (its rule broken).
func (w *inspector) enter(visit int64, p, items int, finding bool, daysAgo int) error {
	in, err := w.s.Inspection(w.ctx, domain.System, visit)
	if err != nil || p >= len(in.Parts) {
		return err
	}
	part := in.Parts[p]
	var rs []domain.ResultInput
	for j, it := range part.Items {
		if items > 0 && j >= items {
			break
		}
		r := domain.ResultInput{ItemID: it.ItemID, Result: it.Options[0]}
		if finding && j == 0 {
			r.Result, r.Rule, r.Note = "不符合", it.LegalBasis, "现场检查发现不符合要求，已当场指出"
		}
		rs = append(rs, r)
	}
	return w.at(daysAgo, func(a func(int64) domain.Actor, dept int64) error {
		if err := w.s.SaveResults(w.ctx, a(dept), part.ID, rs); err != nil {
			return fmt.Errorf("demo: results of visit %d: %w", visit, err)
		}
		return nil
	}, part.DepartmentID)
}

// sign enters and signs part p of a visit.
func (w *inspector) sign(visit int64, p int, finding bool, daysAgo int) error {
	if err := w.enter(visit, p, 0, finding, daysAgo); err != nil {
		return err
	}
	in, err := w.s.Inspection(w.ctx, domain.System, visit)
	if err != nil {
		return err
	}
	part := in.Parts[p]
	return w.at(daysAgo, func(a func(int64) domain.Actor, dept int64) error {
		if err := w.s.SignPart(w.ctx, a(dept), part.ID); err != nil {
			return fmt.Errorf("demo: sign visit %d: %w", visit, err)
		}
		return nil
	}, part.DepartmentID)
}

// complete enters and signs every part; the lead's finds a problem when
// finding is set.
func (w *inspector) complete(visit int64, finding bool, daysAgo int) error {
	in, err := w.s.Inspection(w.ctx, domain.System, visit)
	if err != nil {
		return err
	}
	for p := range in.Parts {
		if err := w.sign(visit, p, finding && p == 0, daysAgo); err != nil {
			return err
		}
	}
	return nil
}

// publish publishes every part of a visit.
func (w *inspector) publish(visit int64, daysAgo int) error {
	in, err := w.s.Inspection(w.ctx, domain.System, visit)
	if err != nil {
		return err
	}
	for _, part := range in.Parts {
		if err := w.at(daysAgo, func(a func(int64) domain.Actor, dept int64) error {
			_, err := w.s.PublishPart(w.ctx, a(dept), part.ID)
			return err
		}, part.DepartmentID); err != nil {
			return fmt.Errorf("demo: publish visit %d: %w", visit, err)
		}
	}
	return nil
}
