package web

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/chart"
	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/metrics"
	"github.com/yiyeyicha/yiyeyicha/internal/stats"
)

type calibrationData struct {
	Q          evalQuery
	Ref        *reference
	D          *metrics.Dashboard
	Chart      template.HTML
	Inspectors []inspectorRow
}

type inspectorRow struct {
	stats.InspectorRate
	Name string
	Dept string
}

// showCalibration is the risk calibration (利剑高悬、无事不扰): the finding
// rate of each risk class with its 95% interval and lift, the verdict, and
// the per-inspector standardised finding ratios. Office only.
func (s *Server) showCalibration(w http.ResponseWriter, r *http.Request, sess *session) {
	if err := domain.Require("web.showCalibration", sess.Actor, domain.ActViewCalibration, 0); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	eq := s.evalQueryOf(r, sess)
	d, err := s.store.Dashboard(r.Context(), sess.Actor, eq.Year, eq.Filter)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	ref, err := s.reference(r.Context())
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := printer(r)
	c := chart.BarChart{ID: "calibration", Title: p.T("eval.chart.calibration"), Desc: p.T("eval.chart.calibration_desc"),
		Empty: p.T("eval.no_data"), HasReference: d.Calibration.Pooled.Defined(), Reference: d.Calibration.Pooled.Rate(),
		ReferenceLabel: p.T("eval.pooled") + " " + d.Calibration.Pooled.Percent()}
	for _, cl := range d.Calibration.Classes {
		if !cl.Visits.Defined() {
			continue
		}
		c.Bars = append(c.Bars, chart.Bar{Label: p.T("web.risk." + cl.Class), Value: cl.Visits.Rate(), Lo: cl.Interval.Lo, Hi: cl.Interval.Hi, HasInterval: true,
			Text: cl.Visits.Percent() + " (" + ratio(cl.Visits) + ")"})
	}
	data := &calibrationData{Q: eq, Ref: ref, D: d, Chart: c.SVG()}
	names, err := s.store.InspectorNames(r.Context(), sess.Actor)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	for _, ir := range d.Inspectors {
		n := names[ir.ID]
		row := inspectorRow{InspectorRate: ir, Name: n.Name, Dept: ref.Department[n.DepartmentID]}
		if row.Name == "" {
			row.Name = "#" + strconv.FormatInt(ir.ID, 10)
		}
		data.Inspectors = append(data.Inspectors, row)
	}
	pg := s.newPage(r, sess, "eval.calibration.title", data)
	pg.Nav = "dashboard"
	s.render(w, r, http.StatusOK, pageEvalCalibration, pg)
}
