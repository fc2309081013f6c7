package demo

import (
	"testing"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// TestDemoInspectionStates checks the demo has visits in every state,
// results overdue for publication, results published on time and late,
// closed joint records of several categories, and archived visits.
func TestDemoInspectionStates(t *testing.T) {
	s := storetest.New(t)
	o := Options{Entities: 700, Inspectors: 120, Seed: 11, Today: fixedToday, BatchSize: 700}
	if _, err := Generate(t.Context(), s, o); err != nil {
		t.Fatal(err)
	}
	ctx, sys := t.Context(), domain.System
	vs, err := s.ListVisits(ctx, sys, domain.VisitFilter{Page: domain.Page{Size: domain.MaxPageSize}})
	if err != nil {
		t.Fatal(err)
	}
	states := map[domain.VisitState]int{}
	categories := map[domain.ResultCategory]bool{}
	onTime, late := 0, 0
	autoArchived, handArchived := 0, 0
	for _, v := range vs.Items {
		states[v.State]++
		if v.State != domain.VisitClosed {
			continue
		}
		in, err := s.Inspection(ctx, sys, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		categories[in.Record.Category] = true
		switch m := in.Archive; {
		case m != nil && m.Automatic:
			autoArchived++
		case m != nil:
			handArchived++
		}
		if domain.ArchivesAtClosure(in.Record.Category) != (in.Archive != nil && in.Archive.Automatic) {
			t.Errorf("demo visit %d closed %s: archive mark %+v", v.ID, in.Record.Category, in.Archive)
		}
		for _, p := range in.Parts {
			switch so := p.SignOff; {
			case !so.Published():
				t.Errorf("closed demo visit %d has an unpublished part", v.ID)
			case so.DueOn.Before(domain.DateOf(so.PublishedAt.In(cst))):
				late++
			default:
				onTime++
			}
		}
	}
	for _, st := range []domain.VisitState{domain.VisitDispatched, domain.VisitInProgress, domain.VisitResultsComplete, domain.VisitClosed} {
		if states[st] == 0 {
			t.Errorf("no visit %s (states %v)", st, states)
		}
	}
	// 立卷归档: at closure when no problem was found; by hand once rectified.
	if autoArchived == 0 || handArchived == 0 {
		t.Errorf("archived: %d at closure, %d by hand, want some of each", autoArchived, handArchived)
	}
	if len(categories) < 4 || onTime == 0 || late == 0 {
		t.Errorf("closed: categories %v, published on time %d, late %d", categories, onTime, late)
	}
	// Deadlines as of the demo's today.
	defer s.Backdate(time.Date(fixedToday.Year, fixedToday.Month, fixedToday.Day, 12, 0, 0, 0, cst))()
	due, err := s.PublicationsDue(ctx, sys, 0)
	if err != nil {
		t.Fatal(err)
	}
	overdue, warn := 0, 0
	for _, d := range due {
		if d.Overdue {
			overdue++
		}
		if d.Warn {
			warn++
		}
	}
	if overdue == 0 || warn == 0 {
		t.Errorf("publications due: %d overdue, %d warned, want some of each", overdue, warn)
	}
}
