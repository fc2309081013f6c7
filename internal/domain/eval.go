package domain

import "time"

// AnnualSummary is a department's annual summary (年度工作总结) filed with
// the office by 30 November: its own words beside the figures the platform
// computed when it was filed.
type AnnualSummary struct {
	Year         int       `json:"year"`
	DepartmentID int64     `json:"department_id"`
	Text         string    `json:"text"`    // 经验、问题和不足
	Figures      string    `json:"figures"` // JSON of the department's figures when filed
	FiledAt      time.Time `json:"filed_at"`
	FiledBy      string    `json:"filed_by"`
}

// SummaryDueMonth and SummaryDueDay are the summary deadline (每年度11月30日前).
const (
	SummaryDueMonth = time.November
	SummaryDueDay   = 30
)

// SummaryReminder reports whether the summary reminder shows on day d:
// from 1 October until the summary of d's year is due.
func SummaryReminder(d Date) bool {
	return d.Month == time.October || d.Month == SummaryDueMonth && d.Day <= SummaryDueDay
}

// Bulletin is the office's progress bulletin (通报) to the departments,
// naming those that are late with a rectification deadline (限期整改).
type Bulletin struct {
	ID          int64                `json:"id"`
	Year        int                  `json:"year"`
	Title       string               `json:"title"`
	Body        string               `json:"body"`
	Deadline    Date                 `json:"deadline"`
	IssuedAt    time.Time            `json:"issued_at"`
	IssuedBy    string               `json:"issued_by"`
	Departments []BulletinDepartment `json:"departments"`
}

// BulletinDepartment is one department a bulletin names, why, and its
// response (整改情况).
type BulletinDepartment struct {
	DepartmentID int64     `json:"department_id"`
	Name         string    `json:"name"`
	Reasons      string    `json:"reasons"` // what was late, as figures ("逾期未公示 3 …")
	Response     string    `json:"response"`
	RespondedAt  time.Time `json:"responded_at"`
	RespondedBy  string    `json:"responded_by"`
}

// Responded reports whether the department has answered.
func (b BulletinDepartment) Responded() bool { return !b.RespondedAt.IsZero() }

// CaseState is where a typical case stands.
type CaseState string

// The states of a typical case: a department submits, the office publishes
// it on the portal or returns it.
const (
	CaseSubmitted CaseState = "submitted"
	CasePublished CaseState = "published"
	CaseReturned  CaseState = "returned"
)

// TypicalCase is a typical case (典型案例) a department submits and the
// office may publish on the portal.
type TypicalCase struct {
	ID           int64     `json:"id"`
	Year         int       `json:"year"`
	DepartmentID int64     `json:"department_id"`
	Department   string    `json:"department"`
	IndustryCode string    `json:"industry,omitempty"`
	Title        string    `json:"title"`
	Body         string    `json:"body"`
	State        CaseState `json:"state"`
	Note         string    `json:"note,omitempty"` // the office's reason when returned
	SubmittedAt  time.Time `json:"submitted_at"`
	SubmittedBy  string    `json:"submitted_by"`
	PublishedAt  time.Time `json:"published_at"`
}
