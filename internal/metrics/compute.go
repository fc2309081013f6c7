package metrics

import (
	"cmp"
	"slices"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/stats"
	"github.com/yiyeyicha/yiyeyicha/internal/workday"
)

// Dashboard is every figure of one year under one filter.
type Dashboard struct {
	Year   int
	Today  domain.Date
	Filter Filter

	Progress    Progress
	Coverage    []CoverageRow // by industry and risk class, then a total row (Industry "")
	Joint       stats.Proportion
	Avoided     Avoided
	Timeliness  Timeliness
	FollowUp    FollowUpFigures
	Revisits    RevisitFigures
	Departments []DeptFigures
	Calibration stats.Calibration
	Inspectors  []stats.InspectorRate
}

// Count is a number of things in one state.
type Count struct {
	State string `json:"state"`
	N     int    `json:"n"`
}

// Progress is how far the plan has got.
type Progress struct {
	Tasks       []Count `json:"tasks"`   // by state
	Batches     []Count `json:"batches"` // by state
	BatchesLate int     `json:"batches_late"`
	Visits      int     `json:"visits"`
	VisitsDone  int     `json:"visits_done"`
	Selected    int     `json:"selected"` // businesses drawn
}

// CoverageRow is businesses inspected against businesses in scope.
type CoverageRow struct {
	Industry  string           `json:"industry"`
	Risk      string           `json:"risk"`
	Inspected stats.Proportion `json:"inspected"` // K inspected of N in scope
}

// Avoided is what joining departments and merging tasks saved
// (进一次门、查多项事).
type Avoided struct {
	Separate int `json:"separate"` // single-department visits that would have happened
	Made     int `json:"made"`
	Avoided  int `json:"avoided"`
}

// Timeliness is publication on time (一公开, 20 working days).
type Timeliness struct {
	OnTime     stats.Proportion `json:"on_time"`     // published within the deadline / published
	Pending    int              `json:"pending"`     // formed, not yet published
	OverdueNow int              `json:"overdue_now"` // pending past the deadline today
	Unknown    int              `json:"unknown"`     // no working-day calendar for the year
}

// FollowUpFigures is the closure of follow-ups (闭环).
type FollowUpFigures struct {
	Closed        stats.Proportion `json:"closed"`
	OverdueOpen   int              `json:"overdue_open"`
	OpenMeanDays  float64          `json:"open_mean_days"` // age of the open ones today
	OpenMaxDays   int              `json:"open_max_days"`
	CloseMeanDays float64          `json:"close_mean_days"` // days from opening to closing
}

// RevisitFigures is the discipline office's revisits.
type RevisitFigures struct {
	Drawn    int              `json:"drawn"`
	Problems stats.Proportion `json:"problems"` // revisits with a problem / revisits done
}

// DeptFigures is one department's figures and score.
type DeptFigures struct {
	Dept       Department       `json:"department"`
	Parts      stats.Proportion `json:"parts"` // parts done / parts dispatched
	Timely     stats.Proportion `json:"timely"`
	OverdueNow int              `json:"overdue_now"`
	FollowUp   stats.Proportion `json:"follow_up"`
	// FollowUpOverdue counts open follow-ups past their deadline.
	FollowUpOverdue int `json:"follow_up_overdue"`
	// Referrals is referrals to the department answered by their deadline
	// out of those answered or past their deadline.
	Referrals        stats.Proportion `json:"referrals"`
	ReferralsOpen    int              `json:"referrals_open"`
	ReferralsOverdue int              `json:"referrals_overdue"`
	BatchesLate      int              `json:"batches_late"` // batches it leads past their window
	Score            float64          `json:"score"`
	ScoreDefined     bool             `json:"score_defined"`
}

// Late reports whether the department has something overdue today: a
// publication, a referral, a follow-up or a batch it leads. A bulletin
// (通报) names these departments.
func (d DeptFigures) Late() bool {
	return d.OverdueNow > 0 || d.ReferralsOverdue > 0 || d.FollowUpOverdue > 0 || d.BatchesLate > 0
}

// Compute works out the figures of f under filter, judging publication
// deadlines with cal.
func Compute(f *Facts, filter Filter, cal *workday.Calendar) *Dashboard {
	d := &Dashboard{Year: f.Year, Today: f.Today, Filter: filter}
	place := func(industry, township string) bool {
		return (filter.Industry == "" || industry == filter.Industry) && (filter.Township == "" || township == filter.Township)
	}
	// Tasks and batches: an industry filter keeps its tasks; a department
	// filter keeps the tasks it takes part in.
	tasks := map[int64]Task{}
	deptIndustries := map[string]bool{}
	taskCount := map[string]int{}
	for _, t := range f.Tasks {
		if filter.Industry != "" && t.Industry != filter.Industry {
			continue
		}
		if filter.Dept != 0 && !slices.Contains(t.Departments, filter.Dept) {
			continue
		}
		tasks[t.ID] = t
		deptIndustries[t.Industry] = true
		taskCount[t.State]++
	}
	d.Progress.Tasks = counts(taskCount)
	batchCount := map[string]int{}
	lateByLead := map[int64]int{}
	for _, b := range f.Batches {
		t, ok := tasks[b.TaskID]
		if !ok {
			continue
		}
		batchCount[b.State]++
		d.Progress.Selected += b.Selected
		if b.late(f.Today) {
			d.Progress.BatchesLate++
			lateByLead[t.LeadDept]++
		}
	}
	d.Progress.Batches = counts(batchCount)

	due := dueDates{cal: cal, memo: map[domain.Date]dueDate{}}
	depts := map[int64]*DeptFigures{}
	dept := func(id int64) *DeptFigures {
		if depts[id] == nil {
			depts[id] = &DeptFigures{Dept: Department{ID: id}}
		}
		return depts[id]
	}
	inspected := map[string]map[int64]bool{} // risk|industry → entities
	classes := map[string]*stats.Proportion{}
	inspectors := map[int64]map[string]stats.Proportion{}
	for i := range f.Visits {
		v := &f.Visits[i]
		if !place(v.Industry, v.Township) {
			continue
		}
		if filter.Dept != 0 && !v.hasPart(filter.Dept) {
			continue
		}
		d.Progress.Visits++
		d.Avoided.Made++
		d.Avoided.Separate += max(v.Separate, 1)
		d.Joint.N++
		if len(v.Parts) >= 2 {
			d.Joint.K++
		}
		for _, p := range v.Parts {
			if filter.Dept != 0 && p.Dept != filter.Dept {
				continue
			}
			df := dept(p.Dept)
			df.Parts.N++
			if p.Done {
				df.Parts.K++
			}
			if p.ResultOn.IsZero() {
				continue
			}
			dd, ok := p.DueOn, !p.DueOn.IsZero()
			if !ok {
				dd, ok = due.of(p.ResultOn)
			}
			switch {
			case !ok:
				d.Timeliness.Unknown++
			case !p.PublishedOn.IsZero():
				d.Timeliness.OnTime.N++
				df.Timely.N++
				if !dd.Before(p.PublishedOn) {
					d.Timeliness.OnTime.K++
					df.Timely.K++
				}
			default:
				d.Timeliness.Pending++
				if dd.Before(f.Today) {
					d.Timeliness.OverdueNow++
					df.OverdueNow++
				}
			}
		}
		if !v.Done {
			continue
		}
		d.Progress.VisitsDone++
		key := v.Industry + "|" + v.Risk
		if inspected[key] == nil {
			inspected[key] = map[int64]bool{}
		}
		inspected[key][v.EntityID] = true
		found := false
		for _, p := range v.Parts {
			if p.Finding && (filter.Dept == 0 || p.Dept == filter.Dept) {
				found = true
			}
		}
		if classes[v.Risk] == nil {
			classes[v.Risk] = &stats.Proportion{}
		}
		*classes[v.Risk] = classes[v.Risk].Add(stats.Proportion{K: b2i(found), N: 1})
		for _, a := range v.Inspectors {
			if filter.Dept != 0 && a.Dept != filter.Dept {
				continue
			}
			if inspectors[a.InspectorID] == nil {
				inspectors[a.InspectorID] = map[string]stats.Proportion{}
			}
			m := inspectors[a.InspectorID]
			m[v.Risk] = m[v.Risk].Add(stats.Proportion{K: b2i(v.partFinding(a.Dept)), N: 1})
		}
	}
	d.Avoided.Avoided = d.Avoided.Separate - d.Avoided.Made

	d.Coverage = coverage(f.Scope, inspected, func(sc ScopeCount) bool {
		return place(sc.Industry, sc.Township) && (filter.Dept == 0 || deptIndustries[sc.Industry])
	})

	var ccs []stats.ClassCount
	for _, c := range domain.RiskClasses {
		p := classes[string(c)]
		if p == nil {
			p = &stats.Proportion{}
		}
		ccs = append(ccs, stats.ClassCount{Class: string(c), Visits: *p})
	}
	d.Calibration = stats.Calibrate(ccs)
	ids := make([]int64, 0, len(inspectors))
	for id := range inspectors {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	ics := make([]stats.InspectorCount, len(ids))
	for i, id := range ids {
		ics[i] = stats.InspectorCount{ID: id, ByClass: inspectors[id]}
	}
	d.Inspectors = stats.AdjustInspectors(d.Calibration, ics)

	d.followUps(f, filter, place, dept)
	d.referrals(f, filter, place, dept)
	for _, r := range f.Revisits {
		if !place(r.Industry, r.Township) || filter.Dept != 0 && r.Dept != filter.Dept {
			continue
		}
		d.Revisits.Drawn++
		if r.Done {
			d.Revisits.Problems.N++
			if r.Problem {
				d.Revisits.Problems.K++
			}
		}
	}
	for id, n := range lateByLead {
		if filter.Dept == 0 || id == filter.Dept {
			dept(id).BatchesLate = n
		}
	}

	w := f.Weights
	if !w.Valid() {
		w = DefaultWeights
	}
	for _, dp := range f.Departments {
		df, ok := depts[dp.ID]
		if !ok {
			if filter.Dept != 0 && dp.ID != filter.Dept {
				continue
			}
			df = dept(dp.ID)
		}
		df.Dept = dp
		df.Score, df.ScoreDefined = stats.Score([]stats.Component{
			{Key: "progress", Value: df.Parts.Rate(), Defined: df.Parts.Defined(), Weight: w.Progress},
			{Key: "timely", Value: df.Timely.Rate(), Defined: df.Timely.Defined(), Weight: w.Timely},
			{Key: "follow_up", Value: df.FollowUp.Rate(), Defined: df.FollowUp.Defined(), Weight: w.FollowUp},
			{Key: "referrals", Value: df.Referrals.Rate(), Defined: df.Referrals.Defined(), Weight: w.Referrals},
		})
		d.Departments = append(d.Departments, *df)
	}
	return d
}

func (d *Dashboard) followUps(f *Facts, filter Filter, place func(string, string) bool, dept func(int64) *DeptFigures) {
	var openDays, closeDays, open, closed int
	for _, u := range f.FollowUps {
		if !place(u.Industry, u.Township) || filter.Dept != 0 && u.Dept != filter.Dept {
			continue
		}
		df := dept(u.Dept)
		d.FollowUp.Closed.N++
		df.FollowUp.N++
		if !u.ClosedOn.IsZero() {
			d.FollowUp.Closed.K++
			df.FollowUp.K++
			closed++
			closeDays += days(u.OpenedOn, u.ClosedOn)
			continue
		}
		open++
		age := days(u.OpenedOn, f.Today)
		openDays += age
		d.FollowUp.OpenMaxDays = max(d.FollowUp.OpenMaxDays, age)
		if !u.DueOn.IsZero() && u.DueOn.Before(f.Today) {
			d.FollowUp.OverdueOpen++
			df.FollowUpOverdue++
		}
	}
	if open > 0 {
		d.FollowUp.OpenMeanDays = float64(openDays) / float64(open)
	}
	if closed > 0 {
		d.FollowUp.CloseMeanDays = float64(closeDays) / float64(closed)
	}
}

func (d *Dashboard) referrals(f *Facts, filter Filter, place func(string, string) bool, dept func(int64) *DeptFigures) {
	for _, r := range f.Referrals {
		if !place(r.Industry, r.Township) || filter.Dept != 0 && r.ToDept != filter.Dept {
			continue
		}
		df := dept(r.ToDept)
		switch {
		case !r.ClosedOn.IsZero():
			df.Referrals.N++
			if r.DueOn.IsZero() || !r.DueOn.Before(r.ClosedOn) {
				df.Referrals.K++
			}
		case !r.DueOn.IsZero() && r.DueOn.Before(f.Today):
			df.ReferralsOpen++
			df.ReferralsOverdue++
			df.Referrals.N++
		default:
			df.ReferralsOpen++
		}
	}
}

// coverage joins the scope counts with the inspected businesses.
func coverage(scope []ScopeCount, inspected map[string]map[int64]bool, keep func(ScopeCount) bool) []CoverageRow {
	byKey := map[string]*CoverageRow{}
	var keys []string
	var total stats.Proportion
	for _, sc := range scope {
		if !keep(sc) {
			continue
		}
		k := sc.Industry + "|" + sc.Risk
		if byKey[k] == nil {
			byKey[k] = &CoverageRow{Industry: sc.Industry, Risk: sc.Risk}
			keys = append(keys, k)
		}
		byKey[k].Inspected.N += sc.N
		total.N += sc.N
	}
	for k, set := range inspected {
		r := byKey[k]
		if r == nil {
			// Inspected but not in today's scope (closed since, or moved
			// industry): counted in the total only.
			total.K += int64(len(set))
			continue
		}
		r.Inspected.K += int64(len(set))
		total.K += int64(len(set))
	}
	slices.Sort(keys)
	out := make([]CoverageRow, 0, len(keys)+1)
	for _, k := range keys {
		out = append(out, *byKey[k])
	}
	return append(out, CoverageRow{Inspected: total})
}

func (b Batch) late(today domain.Date) bool {
	return !b.Done && b.State != "cancelled" && !b.End.IsZero() && b.End.Before(today)
}

func (v *Visit) hasPart(dept int64) bool {
	for _, p := range v.Parts {
		if p.Dept == dept {
			return true
		}
	}
	return false
}

func (v *Visit) partFinding(dept int64) bool {
	for _, p := range v.Parts {
		if p.Dept == dept {
			return p.Finding
		}
	}
	return false
}

// dueDates memoises the publication deadline per formation day: a year has
// a few hundred distinct days and a hundred thousand results.
type dueDates struct {
	cal  *workday.Calendar
	memo map[domain.Date]dueDate
}

type dueDate struct {
	d  domain.Date
	ok bool
}

func (u dueDates) of(formed domain.Date) (domain.Date, bool) {
	if r, hit := u.memo[formed]; hit {
		return r.d, r.ok
	}
	d, err := u.cal.AddWorkingDays(formed, PublishWithinWorkingDays)
	u.memo[formed] = dueDate{d, err == nil}
	return d, err == nil
}

func counts(m map[string]int) []Count {
	out := make([]Count, 0, len(m))
	for s, n := range m {
		out = append(out, Count{s, n})
	}
	slices.SortFunc(out, func(a, b Count) int { return cmp.Compare(a.State, b.State) })
	return out
}

func days(from, to domain.Date) int { return int(to.Time().Sub(from.Time()).Hours() / 24) }

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
