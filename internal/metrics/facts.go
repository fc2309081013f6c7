// Package metrics computes the evaluation figures (监督评价) of one year —
// plan progress, coverage, joint share, visits avoided, publication
// timeliness, follow-up and referral closure, per-department scores and the
// risk calibration — from plain facts the store loads. It knows no
// database and no clock (today is a fact), so every figure is tested on a
// hand-made dataset with known answers, and the dashboard, the annual
// summary, the API and the CLI all show the same numbers.
package metrics

import "github.com/yiyeyicha/yiyeyicha/internal/domain"

// PublishWithinWorkingDays is the publication deadline (一公开): a result is
// public within 20 working days of being formed.
const PublishWithinWorkingDays = 20

// Facts is everything the figures of one year are computed from.
type Facts struct {
	Year        int
	Today       domain.Date
	Departments []Department
	Tasks       []Task
	Batches     []Batch
	Visits      []Visit
	// Scope counts the businesses the year's tasks cover (active, in an
	// industry with a task), by industry, township and risk class.
	Scope     []ScopeCount
	Referrals []Referral
	FollowUps []FollowUp
	// Revisits are the discipline office's revisits of completed visits.
	Revisits []Revisit
	Weights  Weights
}

// Department names a department.
type Department struct {
	ID        int64
	Name      string
	ShortName string
}

// Task is a plan task (抽查任务) with its state and departments.
type Task struct {
	ID          int64
	Industry    string
	LeadDept    int64
	Departments []int64 // lead first, then the co-departments
	State       string
}

// Batch is one drawing round of a task with its window.
type Batch struct {
	ID       int64
	TaskID   int64
	Start    domain.Date
	End      domain.Date
	State    string
	Done     bool // every visit of the batch is completed
	Selected int  // businesses drawn
}

// Visit is one joint visit (一次上门) with its parts.
type Visit struct {
	ID       int64
	EntityID int64
	Industry string
	Township string
	Risk     string
	LeadDept int64
	Done     bool // the joint record is closed
	// Separate is how many single-department visits the visit replaces:
	// for every batch it serves, the number of departments of the batch's
	// task. One visit made, Separate − 1 avoided.
	Separate   int
	Parts      []Part
	Inspectors []Assignment
}

// Part is one department's part of a visit (谁检查、谁录入、谁公开).
type Part struct {
	Dept    int64
	Done    bool
	Finding bool // a problem was found in this department's items
	// ResultOn is the day the result was formed (zero while pending);
	// PublishedOn the day it went public (zero while unpublished).
	ResultOn    domain.Date
	PublishedOn domain.Date
	// DueOn is the publication deadline stored when the result was formed
	// (the office's setting then); zero to count PublishWithinWorkingDays
	// from ResultOn.
	DueOn domain.Date
}

// Assignment is an inspector on a visit, for one department.
type Assignment struct {
	InspectorID int64
	Dept        int64
}

// ScopeCount is the number of businesses in scope in one cell.
type ScopeCount struct {
	Industry string
	Township string
	Risk     string
	N        int64
}

// Referral is a finding passed to the responsible department (抄告/移交).
type Referral struct {
	ID       int64
	FromDept int64
	ToDept   int64
	Industry string
	Township string
	SentOn   domain.Date
	DueOn    domain.Date // outcome deadline
	ClosedOn domain.Date // outcome reported; zero while open
}

// FollowUp is a rectification order or other follow-up (后续处置) owned by
// a department.
type FollowUp struct {
	ID       int64
	Dept     int64
	Industry string
	Township string
	OpenedOn domain.Date
	DueOn    domain.Date
	ClosedOn domain.Date
}

// Revisit is a discipline office revisit (回访) of a completed visit.
type Revisit struct {
	VisitID  int64
	Dept     int64 // lead department of the visit revisited
	Industry string
	Township string
	Done     bool
	Problem  bool // the revisit found a problem with how the visit was done
}

// Weights are the office's weights of the department score components.
type Weights struct {
	Progress  float64 `json:"progress"`  // parts done / parts due
	Timely    float64 `json:"timely"`    // results published on time
	FollowUp  float64 `json:"follow_up"` // follow-ups closed
	Referrals float64 `json:"referrals"` // referrals answered by their deadline
}

// DefaultWeights weighs the four components equally.
var DefaultWeights = Weights{Progress: 1, Timely: 1, FollowUp: 1, Referrals: 1}

// Valid reports whether the weights are usable: none negative, one positive.
func (w Weights) Valid() bool {
	for _, v := range []float64{w.Progress, w.Timely, w.FollowUp, w.Referrals} {
		if v < 0 || v != v || v > 1000 {
			return false
		}
	}
	return w.Progress+w.Timely+w.FollowUp+w.Referrals > 0
}

// Filter narrows the figures: industry and township codes, one department
// (0: all). The year is the Facts' year.
type Filter struct {
	Industry string
	Township string
	Dept     int64
}
