package web

import (
	"context"
	"net/http"
	"slices"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

// inspectData is a joint visit as its inspectors and departments work on
// it: each department's checklist with the legal basis beside every item,
// the results, sign-offs and publication, the evidence, and the joint
// record (联合总表) the lead department closes.
type inspectData struct {
	In         *domain.Inspection
	Ref        *reference
	Categories []domain.ResultCategory
	Disposals  []domain.Disposal
	// Per part ID: whether the actor may enter its results (own
	// department, on the team, not yet signed), reopen it, publish it; and
	// the department's catalogue items off the list, for a reasoned
	// addition.
	CanEnter   map[int64]bool
	CanReopen  map[int64]bool
	CanPublish map[int64]bool
	Extra      map[int64][]domain.CatalogItem
	LogRefs    map[int64]*LogRef
	CanClose   bool
	CanArchive bool  // the lead department's staff may archive the closed visit by hand (立卷归档)
	Limit      int64 // attachment size limit in MiB
	// What follows the visit: its referrals and follow-ups, whether the
	// actor may refer one of its findings, whether the closure's disposal
	// calls for a referral not yet sent, and the business's
	// joint-punishment flags.
	Referrals  []domain.Referral
	FollowUps  []domain.FollowUp
	CanRefer   bool
	OfferRefer domain.ReferralKind
	Punish     *punishData
}

// showInspection is a joint visit: the business, the tasks it serves, the
// team, each department's checklist (grouped by department, lead first)
// and the joint record.
func (s *Server) showInspection(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	in, err := s.store.Inspection(ctx, sess.Actor, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	data, err := s.inspectData(ctx, sess.Actor, in)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	pg := s.newPage(r, sess, "", data)
	pg.Title = in.Visit.EntityName
	pg.Nav = "visits"
	switch d := r.URL.Query().Get("done"); d {
	case "":
	case "archived":
		pg.Notice = pg.P.T("archive.done.archived")
	default:
		pg.Notice = pg.P.T("inspect.done." + d)
	}
	s.render(w, r, http.StatusOK, pageInspectVisit, pg)
}

func (s *Server) inspectData(ctx context.Context, a domain.Actor, in *domain.Inspection) (*inspectData, error) {
	d := &inspectData{In: in, Categories: domain.ResultCategories, Disposals: domain.Disposals,
		CanEnter: map[int64]bool{}, CanReopen: map[int64]bool{}, CanPublish: map[int64]bool{}, Extra: map[int64][]domain.CatalogItem{}, LogRefs: map[int64]*LogRef{},
		Limit: attachLimits.MaxBytes >> 20}
	var err error
	if d.Ref, err = s.reference(ctx); err != nil {
		return nil, err
	}
	v := in.Visit
	open := v.State != domain.VisitClosed && v.State != domain.VisitCancelled
	onTeam := a.Role != domain.RoleInspector || slices.ContainsFunc(in.Team, func(t domain.NoticeInspector) bool { return t.InspectorID == a.InspectorID })
	for _, p := range in.Parts {
		enter := onTeam && domain.Can(a, domain.ActEnterResult, p.DepartmentID)
		d.CanEnter[p.ID] = enter && open && p.SignOff == nil
		d.CanReopen[p.ID] = enter && open && p.SignOff != nil && !p.SignOff.Published()
		d.CanPublish[p.ID] = domain.Can(a, domain.ActPublishResult, p.DepartmentID) && p.SignOff != nil && !p.SignOff.Published()
		if p.SignOff.Published() {
			d.LogRefs[p.ID] = s.LookupLogRef(ctx, store.LogTypeResult, idString(p.ID))
		}
		if !d.CanEnter[p.ID] {
			continue
		}
		items, err := s.store.ListCatalogItems(ctx, a, domain.CatalogFilter{DepartmentID: p.DepartmentID, Status: domain.ItemActive})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			listed := slices.ContainsFunc(p.Items, func(c domain.ChecklistItem) bool { return c.ItemID == it.ID }) ||
				slices.ContainsFunc(p.Added, func(c domain.ChecklistItem) bool { return c.ItemID == it.ID })
			if !listed {
				d.Extra[p.ID] = append(d.Extra[p.ID], it)
			}
		}
	}
	d.CanClose = onTeam && v.State == domain.VisitResultsComplete && domain.Can(a, domain.ActCloseVisit, v.LeadDepartmentID)
	d.CanArchive = v.State == domain.VisitClosed && in.Archive == nil && domain.Can(a, domain.ActArchiveVisit, v.LeadDepartmentID)
	return d, s.followUpData(ctx, a, in, d)
}

// showVisitNotice is the printable visit notice (检查通知书) for the
// business: every item to be checked with its legal basis, every
// inspector's name, department and certificate number. Nothing outside
// it is checked without a flagged, reasoned addition (scope lock).
func (s *Server) showVisitNotice(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	in, err := s.store.Inspection(ctx, sess.Actor, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	pg := s.newPage(r, sess, "inspect.notice.title", &inspectData{In: in})
	pg.Nav = "visits"
	s.render(w, r, http.StatusOK, pageInspectNotice, pg)
}
