package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/chart"
	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/i18n"
	"github.com/yiyeyicha/yiyeyicha/internal/metrics"
	"github.com/yiyeyicha/yiyeyicha/internal/stats"
)

// evalQuery is the year and filter of an evaluation page, read from the
// query string. A department user is held to their own department.
type evalQuery struct {
	Year   int
	Years  []int
	Filter metrics.Filter
	Locked bool // the department filter is fixed to the user's department
	Query  string
}

// chinaZone is the county's time zone: the year and the reminder follow it.
var chinaZone = time.FixedZone("CST", 8*3600)

func (s *Server) evalQueryOf(r *http.Request, sess *session) evalQuery {
	q := r.URL.Query()
	today := domain.DateOf(s.now().In(chinaZone))
	eq := evalQuery{Year: today.Year}
	if y, err := strconv.Atoi(q.Get("year")); err == nil && y >= 2000 && y <= 2100 {
		eq.Year = y
	}
	for y := today.Year; y >= today.Year-4; y-- {
		eq.Years = append(eq.Years, y)
	}
	eq.Filter.Industry = strings.TrimSpace(q.Get("industry"))
	eq.Filter.Township = strings.TrimSpace(q.Get("township"))
	eq.Filter.Dept, _ = strconv.ParseInt(q.Get("dept"), 10, 64)
	if !domain.Can(sess.Actor, domain.ActViewDashboard, 0) {
		eq.Filter.Dept, eq.Locked = sess.Actor.DepartmentID, true
	}
	v := url.Values{"year": {strconv.Itoa(eq.Year)}}
	if eq.Filter.Industry != "" {
		v.Set("industry", eq.Filter.Industry)
	}
	if eq.Filter.Township != "" {
		v.Set("township", eq.Filter.Township)
	}
	if eq.Filter.Dept != 0 && !eq.Locked {
		v.Set("dept", strconv.FormatInt(eq.Filter.Dept, 10))
	}
	eq.Query = v.Encode()
	return eq
}

// URL is path with the query's year and filter.
func (q evalQuery) URL(path string) string { return path + "?" + q.Query }

type dashboardData struct {
	Q        evalQuery
	Ref      *reference
	D        *metrics.Dashboard
	Weights  metrics.Weights
	Reminder bool
	Charts   []evalChart
}

// evalChart is a chart with its visible caption.
type evalChart struct {
	Title string
	SVG   template.HTML
}

// showDashboard is the dashboard: the office's county view with filters,
// or a department's own.
func (s *Server) showDashboard(w http.ResponseWriter, r *http.Request, sess *session) {
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
	weights, err := s.store.EvalWeights(r.Context())
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := printer(r)
	data := &dashboardData{Q: eq, Ref: ref, D: d, Weights: weights, Reminder: domain.SummaryReminder(d.Today) && d.Today.Year == eq.Year}
	data.Charts = dashboardCharts(p, d, ref)
	pg := s.newPage(r, sess, "eval.dashboard.title", data)
	pg.Nav = "dashboard"
	if r.URL.Query().Get("done") == "weights" {
		pg.Notice = p.T("eval.weights.saved")
	}
	s.render(w, r, http.StatusOK, pageEvalDashboard, pg)
}

// dashboardCharts draws the charts of the dashboard.
func dashboardCharts(p *i18n.Printer, d *metrics.Dashboard, ref *reference) []evalChart {
	parts := chart.StackedChart{ID: "parts", Title: p.T("eval.chart.parts"), Desc: p.T("eval.chart.parts_desc"),
		Series: []string{p.T("eval.done"), p.T("eval.parts_pending")}, Empty: p.T("eval.no_data")}
	score := chart.BarChart{ID: "score", Title: p.T("eval.chart.score"), Desc: p.T("eval.chart.score_desc"), Max: 100, Empty: p.T("eval.no_data")}
	timely := chart.BarChart{ID: "timely", Title: p.T("eval.chart.timely"), Desc: p.T("eval.chart.timely_desc"), Max: 1, Empty: p.T("eval.no_data")}
	for _, df := range d.Departments {
		name := df.Dept.ShortName
		if name == "" {
			name = df.Dept.Name
		}
		if df.Parts.N > 0 {
			parts.Rows = append(parts.Rows, chart.StackedRow{Label: name, Values: []float64{float64(df.Parts.K), float64(df.Parts.N - df.Parts.K)}})
		}
		if df.ScoreDefined {
			score.Bars = append(score.Bars, chart.Bar{Label: name, Value: df.Score, Text: fmt.Sprintf("%.1f", df.Score), Mark: df.Late()})
		}
		if df.Timely.Defined() {
			timely.Bars = append(timely.Bars, chart.Bar{Label: name, Value: df.Timely.Rate(), Text: df.Timely.Percent() + " (" + ratio(df.Timely) + ")", Mark: df.OverdueNow > 0})
		}
	}
	cov := chart.BarChart{ID: "coverage", Title: p.T("eval.chart.coverage"), Desc: p.T("eval.chart.coverage_desc"), Max: 1, Empty: p.T("eval.no_data")}
	for _, c := range d.Coverage {
		if c.Industry == "" {
			continue
		}
		name := ref.Industry[c.Industry]
		if name == "" {
			name = c.Industry
		}
		cov.Bars = append(cov.Bars, chart.Bar{Label: name + " · " + c.Risk, Value: c.Inspected.Rate(), Text: c.Inspected.Percent() + " (" + ratio(c.Inspected) + ")"})
	}
	return []evalChart{{parts.Title, parts.SVG()}, {timely.Title, timely.SVG()}, {cov.Title, cov.SVG()}, {score.Title, score.SVG()}}
}

// ratio formats a proportion as "k/n".
func ratio(p stats.Proportion) string {
	return strconv.FormatInt(p.K, 10) + "/" + strconv.FormatInt(p.N, 10)
}

// saveEvalWeights saves the office's score weights.
func (s *Server) saveEvalWeights(w http.ResponseWriter, r *http.Request, sess *session) {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, sess, badForm(err))
		return
	}
	num := func(name string) float64 {
		v, err := strconv.ParseFloat(strings.TrimSpace(r.PostFormValue(name)), 64)
		if err != nil {
			return -1
		}
		return v
	}
	wt := metrics.Weights{Progress: num("progress"), Timely: num("timely"), FollowUp: num("follow_up"), Referrals: num("referrals")}
	if err := s.store.SaveEvalWeights(r.Context(), sess.Actor, wt); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/staff/dashboard?done=weights", http.StatusSeeOther)
}
