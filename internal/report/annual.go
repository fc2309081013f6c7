// Package report builds the annual summary (年度工作总结, due 30
// November) from the evaluation figures: the same tables for the XLSX
// workbook (one sheet per table), the printable page and the CLI.
package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/i18n"
	"github.com/yiyeyicha/yiyeyicha/internal/importx"
	"github.com/yiyeyicha/yiyeyicha/internal/metrics"
	"github.com/yiyeyicha/yiyeyicha/internal/stats"
)

// Annual is everything the annual summary of one year shows.
type Annual struct {
	Dashboard  *metrics.Dashboard // the county's figures (calibration included for the office)
	Industries map[string]string  // code → name
	Filings    []Filing
	Bulletins  []domain.Bulletin
	Cases      []domain.TypicalCase
}

// Filing is one department's summary filing state.
type Filing struct {
	Department string
	Summary    *domain.AnnualSummary // nil: not filed
}

// Table is one table of the summary: a sheet of the workbook, a table of
// the printable page.
type Table struct {
	Key    string // stable: overview, departments, coverage, calibration, filings, bulletins, cases
	Title  string
	Header []string
	Rows   [][]any
}

// Tables builds the summary's tables with headers in p's language. Rates
// are fractions (0.3 for 30%) so that a spreadsheet can compute with them.
func Tables(p *i18n.Printer, a *Annual) []Table {
	d := a.Dashboard
	t := func(k string) string { return p.T("eval.report." + k) }
	var ts []Table

	filed := 0
	for _, f := range a.Filings {
		if f.Summary != nil {
			filed++
		}
	}
	published := 0
	for _, c := range a.Cases {
		if c.State == domain.CasePublished {
			published++
		}
	}
	openRef, overdueRef := 0, 0
	for _, df := range d.Departments {
		openRef += df.ReferralsOpen
		overdueRef += df.ReferralsOverdue
	}
	tasks, batches := 0, 0
	for _, c := range d.Progress.Tasks {
		tasks += c.N
	}
	for _, c := range d.Progress.Batches {
		batches += c.N
	}
	overview := Table{Key: "overview", Title: t("overview"), Header: []string{t("metric"), t("value")}}
	add := func(key string, v any) { overview.Rows = append(overview.Rows, []any{t("m." + key), v}) }
	add("year", d.Year)
	add("tasks", tasks)
	add("batches", batches)
	add("batches_late", d.Progress.BatchesLate)
	add("selected", d.Progress.Selected)
	add("visits", d.Progress.Visits)
	add("visits_done", d.Progress.VisitsDone)
	add("joint_visits", d.Joint.K)
	add("joint_share", rate(d.Joint))
	add("separate", d.Avoided.Separate)
	add("avoided", d.Avoided.Avoided)
	add("published", d.Timeliness.OnTime.N)
	add("published_on_time", d.Timeliness.OnTime.K)
	add("on_time_share", rate(d.Timeliness.OnTime))
	add("pending", d.Timeliness.Pending)
	add("overdue_now", d.Timeliness.OverdueNow)
	add("follow_ups", d.FollowUp.Closed.N)
	add("follow_ups_closed", d.FollowUp.Closed.K)
	add("follow_up_closure", rate(d.FollowUp.Closed))
	add("referrals_open", openRef)
	add("referrals_overdue", overdueRef)
	add("revisits", d.Revisits.Drawn)
	add("revisit_problems", d.Revisits.Problems.K)
	add("cases_published", published)
	add("filed", filed)
	add("departments", len(a.Filings))
	ts = append(ts, overview)

	depts := Table{Key: "departments", Title: t("departments"), Header: []string{
		t("department"), t("parts"), t("parts_done"), t("published"), t("published_on_time"), t("overdue_now"),
		t("follow_ups"), t("follow_ups_closed"), t("referrals_open"), t("referrals_overdue"), t("batches_late"), t("score"),
	}}
	var tot [10]int64
	for _, df := range d.Departments {
		vals := [10]int64{df.Parts.N, df.Parts.K, df.Timely.N, df.Timely.K, int64(df.OverdueNow), df.FollowUp.N, df.FollowUp.K,
			int64(df.ReferralsOpen), int64(df.ReferralsOverdue), int64(df.BatchesLate)}
		row := []any{df.Dept.Name}
		for i, v := range vals {
			row = append(row, v)
			tot[i] += v
		}
		if df.ScoreDefined {
			row = append(row, round1(df.Score))
		} else {
			row = append(row, "")
		}
		depts.Rows = append(depts.Rows, row)
	}
	total := []any{t("total")}
	for _, v := range tot {
		total = append(total, v)
	}
	depts.Rows = append(depts.Rows, append(total, ""))
	ts = append(ts, depts)

	cov := Table{Key: "coverage", Title: t("coverage"), Header: []string{t("industry"), t("risk"), t("in_scope"), t("inspected"), t("coverage_rate")}}
	for _, c := range d.Coverage {
		name := a.Industries[c.Industry]
		if name == "" {
			name = c.Industry
		}
		risk := c.Risk
		if c.Industry == "" {
			name, risk = t("total"), ""
		}
		cov.Rows = append(cov.Rows, []any{name, risk, c.Inspected.N, c.Inspected.K, rate(c.Inspected)})
	}
	ts = append(ts, cov)

	if len(d.Calibration.Classes) > 0 {
		cal := Table{Key: "calibration", Title: t("calibration"), Header: []string{t("risk"), t("visits_done"), t("with_finding"), t("finding_rate"), t("ci_lo"), t("ci_hi"), t("lift")}}
		for _, c := range d.Calibration.Classes {
			lift := any("")
			if c.LiftDefined {
				lift = round3(c.Lift)
			}
			cal.Rows = append(cal.Rows, []any{c.Class, c.Visits.N, c.Visits.K, rate(c.Visits), round3(c.Interval.Lo), round3(c.Interval.Hi), lift})
		}
		pc := d.Calibration
		cal.Rows = append(cal.Rows, []any{t("pooled"), pc.Pooled.N, pc.Pooled.K, rate(pc.Pooled), round3(pc.PooledCI.Lo), round3(pc.PooledCI.Hi), ""})
		cal.Rows = append(cal.Rows, []any{t("verdict"), p.T("eval.verdict." + string(pc.Verdict)), "", "", "", "", ""})
		ts = append(ts, cal)
	}

	fil := Table{Key: "filings", Title: t("filings"), Header: []string{t("department"), t("filed_at"), t("filed_by"), t("summary_text")}}
	for _, f := range a.Filings {
		if f.Summary == nil {
			fil.Rows = append(fil.Rows, []any{f.Department, t("not_filed"), "", ""})
			continue
		}
		fil.Rows = append(fil.Rows, []any{f.Department, f.Summary.FiledAt.In(china).Format("2006-01-02 15:04"), f.Summary.FiledBy, f.Summary.Text})
	}
	ts = append(ts, fil)

	bul := Table{Key: "bulletins", Title: t("bulletins"), Header: []string{t("bulletin"), t("issued_at"), t("deadline"), t("department"), t("reasons"), t("response")}}
	for _, b := range a.Bulletins {
		if len(b.Departments) == 0 {
			bul.Rows = append(bul.Rows, []any{b.Title, b.IssuedAt.In(china).Format("2006-01-02"), b.Deadline.String(), "", "", ""})
		}
		for _, bd := range b.Departments {
			bul.Rows = append(bul.Rows, []any{b.Title, b.IssuedAt.In(china).Format("2006-01-02"), b.Deadline.String(), bd.Name, Reasons(p, bd.Reasons), bd.Response})
		}
	}
	ts = append(ts, bul)

	cs := Table{Key: "cases", Title: t("cases"), Header: []string{t("case_title"), t("department"), t("industry"), t("state")}}
	for _, c := range a.Cases {
		cs.Rows = append(cs.Rows, []any{c.Title, c.Department, a.Industries[c.IndustryCode], p.T("eval.case.state." + string(c.State))})
	}
	ts = append(ts, cs)
	return ts
}

// Sheets turns the tables into workbook sheets.
func Sheets(ts []Table) []importx.Sheet {
	out := make([]importx.Sheet, len(ts))
	for i, t := range ts {
		out[i] = importx.Sheet{Name: t.Title, Header: t.Header, Rows: t.Rows}
	}
	return out
}

// Reasons translates a bulletin's stored reasons ("overdue_publications=3;…").
func Reasons(p *i18n.Printer, s string) string {
	if s == "" {
		return ""
	}
	var out []string
	for part := range strings.SplitSeq(s, ";") {
		k, n, _ := strings.Cut(part, "=")
		out = append(out, p.T("eval.reason."+k, "n", n))
	}
	return strings.Join(out, p.T("list.separator"))
}

func rate(p stats.Proportion) any {
	if !p.Defined() {
		return ""
	}
	return round3(p.Rate())
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }
func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// china is the zone the county's dates are read in.
var china = time.FixedZone("CST", 8*3600)

// Cells returns the rows as text for a page: numbers as Excel would show
// them.
func (t Table) Cells() [][]string {
	out := make([][]string, len(t.Rows))
	for i, row := range t.Rows {
		out[i] = make([]string, len(row))
		for j, v := range row {
			switch x := v.(type) {
			case float64:
				out[i][j] = strconv.FormatFloat(x, 'f', -1, 64)
			default:
				out[i][j] = fmt.Sprint(x)
			}
		}
	}
	return out
}
