package web

import (
	"fmt"
	"html/template"
	"net/http"

	"github.com/yiyeyicha/yiyeyicha/internal/chart"
	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/draw"
	"github.com/yiyeyicha/yiyeyicha/internal/translog"
)

// typeDrawAbort is the log record type of an aborted draw.
const typeDrawAbort = "draw.abort"

// showDraws lists every draw with its state.
func (s *Server) showDraws(w http.ResponseWriter, r *http.Request) {
	ds, err := s.store.ListDraws(r.Context())
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	pg := s.newPage(r, nil, "draw.page.list_title", ds)
	pg.Nav = "draws"
	s.render(w, r, http.StatusOK, pageDrawList, pg)
}

// drawView is what the public page of a draw shows.
type drawView struct {
	Draw            *domain.Draw
	Bundle          *draw.Bundle // executed draws only
	Names           map[string]string
	Inspectors      map[string]string
	Chart           template.HTML
	AnnouncementLog *LogRef
	ResultLog       *LogRef
	AbortLog        *LogRef
	Rows            []visitRow
	Unstaffed       int
	PoolTotal       int
}

// visitRow is one visit of the selection table, numbered from 1.
type visitRow struct {
	N     int
	Visit draw.Visit
}

// showDraw is the public page of one draw: the announcement and when it was
// made, the pool and roster per stratum and department with exclusions by
// reason, the commitments, then the reveals, the public value, the seed, the
// selection with keys and teams, the skips, and how to verify.
func (s *Server) showDraw(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	key := r.PathValue("key")
	d, err := s.store.GetDraw(ctx, key)
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	p := printer(r)
	v := &drawView{Draw: d, Names: map[string]string{}, Inspectors: map[string]string{},
		AnnouncementLog: s.LookupLogRef(ctx, translog.TypeDrawAnnouncement, key)}
	for _, st := range d.Announcement.Strata {
		v.PoolTotal += st.Pool
	}
	if d.State == domain.DrawExecuted {
		b, err := s.store.DrawBundle(ctx, key)
		if err != nil {
			s.fail(w, r, nil, err)
			return
		}
		v.Bundle = b
		for _, x := range b.Pool.Businesses {
			v.Names[x.Code] = x.Name
		}
		for _, in := range b.Roster.Inspectors {
			v.Inspectors[in.ID] = in.Name
		}
		v.Unstaffed = len(b.Result.Unstaffed())
		for i, vis := range b.Result.Visits {
			v.Rows = append(v.Rows, visitRow{N: i + 1, Visit: vis})
		}
		v.ResultLog = s.LookupLogRef(ctx, translog.TypeDrawResult, key)
		c := chart.BarChart{ID: "draw-strata", Title: p.T("draw.page.chart_title"), Desc: p.T("draw.page.chart_desc"), Empty: p.T("draw.page.chart_empty")}
		for _, st := range b.Result.Strata {
			bar := chart.Bar{Label: p.T("draw.page.stratum", "name", st.Name), Text: fmt.Sprintf("%d / %d", st.Quota, st.Pool)}
			if st.Pool > 0 {
				bar.Value = float64(st.Quota) / float64(st.Pool)
			}
			c.Bars = append(c.Bars, bar)
		}
		v.Chart = c.SVG()
	}
	if d.State == domain.DrawAborted {
		v.AbortLog = s.LookupLogRef(ctx, typeDrawAbort, key)
	}
	pg := s.newPage(r, nil, "", v)
	pg.Title = p.T("draw.page.title", "draw", d.Key)
	pg.Nav = "draws"
	s.render(w, r, http.StatusOK, pageDrawShow, pg)
}

// downloadDrawBundle serves an executed draw's bundle, with the proofs that
// its announcement and result are in the transparency log when the server
// holds the log's key.
func (s *Server) downloadDrawBundle(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	key := r.PathValue("key")
	b, err := s.store.DrawBundle(ctx, key)
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	if s.logKey != nil {
		proofs, err := s.store.LogProofs(ctx, s.logKey, map[string][2]string{
			"announcement": {translog.TypeDrawAnnouncement, key}, "result": {translog.TypeDrawResult, key}})
		if err != nil {
			s.fail(w, r, nil, err)
			return
		}
		b.Log = proofs
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", "draw-"+key+".json"))
	if err := b.Write(w); err != nil {
		s.log.Error("draw bundle", "draw", key, "err", err)
	}
}
