package domain

import (
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/draw"
)

// DrawState is where a draw (抽取) stands in its protocol (see
// docs/draw-spec.md): announced with commitments open, revealing once every
// party has committed, executed, or aborted in public.
type DrawState string

// The states of a draw.
const (
	DrawCommitting DrawState = "committing" // announced; liaisons commit (承诺)
	DrawRevealing  DrawState = "revealing"  // every party committed; reveals (揭示) and the public value
	DrawExecuted   DrawState = "executed"   // drawn and published
	DrawAborted    DrawState = "aborted"    // aborted in public; a redraw is a new draw
)

// DrawDept is how many officers a joint department contributes to a visit.
type DrawDept struct {
	DepartmentID int64 `json:"department_id"`
	Count        int   `json:"count"`
}

// DrawParams is what an announcement is made from: the task batch, the
// scope (one industry, optionally some townships), the window, the ratios
// per risk class and the team rules. The entropy parties are the team's
// departments.
type DrawParams struct {
	Task        string               `json:"task"`
	Batch       string               `json:"batch"`
	Title       string               `json:"title"`
	Industry    string               `json:"industry"`
	Townships   []string             `json:"townships,omitempty"`
	WindowStart Date                 `json:"window_start"`
	WindowEnd   Date                 `json:"window_end"`
	Lead        int64                `json:"lead_department_id"`
	Departments []DrawDept           `json:"departments"`
	Ratios      map[RiskClass]string `json:"ratios"` // "1%", "1/20", "0.05"
	Minimum     map[RiskClass]int    `json:"minimum,omitempty"`
	Rounding    draw.Rounding        `json:"rounding"` // default ceil
	Officers    int                  `json:"officers"` // default 2
	Cap         int                  `json:"cap"`      // 0: no cap
	Expert      bool                 `json:"expert"`
	PublicValue string               `json:"public_value"` // e.g. 福彩双色球第2026025期开奖号码; "" for none
	Supersedes  string               `json:"supersedes,omitempty"`
	// BatchID is the task batch the draw is for (0 for a draw run from the
	// CLI without a plan). Its executed result becomes the batch's
	// selection; Kinds and Statuses are the task's scope (联查对象).
	BatchID  int64    `json:"batch_id,omitempty"`
	Kinds    []string `json:"kinds,omitempty"`
	Statuses []string `json:"statuses,omitempty"` // default: active only
}

// DrawParty is one entropy party of a draw: a department, its commitment
// and whether its secret was revealed.
type DrawParty struct {
	Party        string    `json:"party"` // department code
	DepartmentID int64     `json:"department_id"`
	Commitment   string    `json:"commitment,omitempty"`
	CommittedAt  time.Time `json:"committed_at,omitzero"`
	Secret       string    `json:"secret,omitempty"` // hex, once revealed
	RevealedAt   time.Time `json:"revealed_at,omitzero"`
}

// Draw is a draw as the public sees it: the announcement, the parties, the
// public value, the result, or why it was aborted.
type Draw struct {
	ID               int64             `json:"id"`
	Key              string            `json:"key"` // the draw id of the bundle
	State            DrawState         `json:"state"`
	LeadDepartmentID int64             `json:"lead_department_id"`
	Industry         string            `json:"industry"`
	BatchID          int64             `json:"batch_id,omitempty"` // the task batch it draws for, 0 for none
	Announcement     draw.Announcement `json:"announcement"`
	AnnouncementHash string            `json:"announcement_hash"`
	Parties          []DrawParty       `json:"parties"`
	PublicValue      *draw.PublicValue `json:"public_value,omitempty"`
	PublicPending    bool              `json:"public_value_pending"` // a first entry awaits its second
	Result           *draw.Result      `json:"result,omitempty"`
	AbortReason      string            `json:"abort_reason,omitempty"`
	SupersededBy     string            `json:"superseded_by,omitempty"`
	CreatedAt        time.Time         `json:"created_at"`
	ExecutedAt       time.Time         `json:"executed_at,omitzero"`
	AbortedAt        time.Time         `json:"aborted_at,omitzero"`
	PoolStrata       map[string]int    `json:"pool_strata"`
	RosterDepts      map[string]int    `json:"roster_departments"`
	Exclusions       map[string]int    `json:"exclusions"` // pool exclusions per reason
	RosterExclusions map[string]int    `json:"roster_exclusions"`
}
