package domain

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file holds the annual plans (年度抽查计划), their tasks (抽查任务)
// and batches (批次), the adjustments made during the year (调整), the one
// lifecycle they all follow, and the joint visits (联合检查, 一次上门) that
// one-click dispatch (一键分发) creates from a drawn batch.
//
// # Visits: what the inspection work (issue 6) builds on
//
// A Visit is one joint visit of one business. It is created by Dispatch
// for a batch and may cover the batches of several tasks whose windows
// overlap (无事不扰: the later batch joins the visit instead of knocking
// again). It has:
//
//   - one VisitPart per department taking part (lead and co-departments),
//     each with the items that department checks (PartItem.ItemID is the
//     catalogue item ID of the joint list, issue 3; PartItem.TaskID says
//     which task asked for it), and a PartState the department advances as
//     it enters its results ("谁检查、谁录入");
//   - one Assignment per inspector on the team, with the inspector's
//     department;
//   - a VisitState: dispatched → in_progress → results_complete → closed
//     (or cancelled).
//
// Store methods (internal/store/plans*.go): ListVisits and GetVisit read
// them; SetBatchSelection is what the draw (issue 5) calls with its
// selection; Dispatch creates visits, parts, assignments and inbox notices
// (idempotent); AdvanceBatch moves a batch along the lifecycle.

// State is where a plan, a task or a batch stands in its lifecycle. The
// three share one set of states and one transition table (Transitions), so
// that the rule "what may follow what" is written once.
type State string

// The states. A plan uses draft, filed, published; a task draft, filed,
// published, cancelled, closed; a batch every state from draft to closed,
// plus delayed and cancelled.
const (
	StateDraft            State = "draft"             // 草稿
	StateFiled            State = "filed"             // 已报备 (lodged with the office)
	StatePublished        State = "published"         // 已发布
	StateDrawn            State = "drawn"             // 已抽取
	StateDispatched       State = "dispatched"        // 已分发
	StateInProgress       State = "in_progress"       // 检查中
	StateResultsComplete  State = "results_complete"  // 结果已录齐
	StateResultsPublished State = "results_published" // 结果已公示
	StateClosed           State = "closed"            // 已办结
	StateCancelled        State = "cancelled"         // 已取消
	StateDelayed          State = "delayed"           // 已延期
)

// States lists every state in lifecycle order.
var States = []State{StateDraft, StateFiled, StatePublished, StateDrawn, StateDispatched, StateInProgress,
	StateResultsComplete, StateResultsPublished, StateClosed, StateCancelled, StateDelayed}

// MsgKey is the i18n key of the state's name, so that an error naming a
// state is shown in the reader's language.
func (s State) MsgKey() string { return "plan.state." + string(s) }

// Lifecycle names what a transition applies to.
type Lifecycle string

// The three things with a lifecycle.
const (
	OfPlan  Lifecycle = "plan"
	OfTask  Lifecycle = "task"
	OfBatch Lifecycle = "batch"
)

// MsgKey is the i18n key of the thing's name.
func (l Lifecycle) MsgKey() string { return "plan.of." + string(l) }

// Transition is one allowed change of state, with the right it needs. The
// department the right is checked against is the task's lead department
// (0 for a plan).
type Transition struct {
	Of       Lifecycle
	From, To State
	Act      Action
}

// Transitions is the one table of the lifecycle. Anything not listed is
// refused by CheckTransition.
//
// A lead department drafts a task and lodges it with the office (filed);
// the office returns it (back to draft) or publishes it with the plan.
// After publication a task changes only through adjustments the office
// accepts: cancelled, or its batches delayed. Each batch is then drawn,
// dispatched, inspected, its results completed and published, and closed;
// the task closes when no batch is open.
var Transitions = []Transition{
	{OfPlan, StateDraft, StateFiled, ActFilePlan},
	{OfPlan, StateFiled, StateDraft, ActFilePlan},
	{OfPlan, StateFiled, StatePublished, ActFilePlan},

	{OfTask, StateDraft, StateFiled, ActDraftTask},
	{OfTask, StateFiled, StateDraft, ActFilePlan},
	{OfTask, StateFiled, StatePublished, ActFilePlan},
	{OfTask, StateDraft, StateCancelled, ActDraftTask},
	{OfTask, StatePublished, StateCancelled, ActFilePlan},
	{OfTask, StatePublished, StateClosed, ActDispatch},

	{OfBatch, StateDraft, StatePublished, ActFilePlan},
	{OfBatch, StateDraft, StateCancelled, ActDraftTask},
	{OfBatch, StatePublished, StateDrawn, ActDrawBatch},
	{OfBatch, StatePublished, StateDelayed, ActFilePlan},
	{OfBatch, StateDelayed, StateDelayed, ActFilePlan},
	{OfBatch, StateDelayed, StateDrawn, ActDrawBatch},
	{OfBatch, StateDrawn, StateDispatched, ActDispatch},
	{OfBatch, StateDispatched, StateInProgress, ActDispatch},
	{OfBatch, StateInProgress, StateResultsComplete, ActDispatch},
	{OfBatch, StateResultsComplete, StateResultsPublished, ActDispatch},
	{OfBatch, StateResultsPublished, StateClosed, ActDispatch},
	{OfBatch, StatePublished, StateCancelled, ActFilePlan},
	{OfBatch, StateDelayed, StateCancelled, ActFilePlan},
	{OfBatch, StateDrawn, StateCancelled, ActFilePlan},
}

// RequireTransition checks that a may move a thing of l (owned by
// department dept) to state to at all, from whichever state: the rights
// of the table's transitions into to. It comes before CheckTransition, so
// that whoever may not make the change is refused as forbidden without
// learning why else it would fail.
func RequireTransition(op string, a Actor, l Lifecycle, to State, dept int64) error {
	var act Action
	for _, t := range Transitions {
		if t.Of == l && t.To == to {
			if Can(a, t.Act, dept) {
				return nil
			}
			act = t.Act
		}
	}
	if act == "" {
		return E(op, KindConflict, "err.plan.transition", "of", l, "from", to, "to", to)
	}
	return Require(op, a, act, dept)
}

// CheckTransition returns the transition from → to of l, or a KindConflict
// error naming the thing and both states in the reader's language.
func CheckTransition(op string, l Lifecycle, from, to State) (Transition, error) {
	for _, t := range Transitions {
		if t.Of == l && t.From == from && t.To == to {
			return t, nil
		}
	}
	return Transition{}, E(op, KindConflict, "err.plan.transition", "of", l, "from", from, "to", to)
}

// Field names of plans, tasks, batches and adjustments, for forms, errors
// and spreadsheet columns ("field.<name>" in the catalogues).
const (
	FieldPlanYear      = "plan_year"
	FieldPlanTitle     = "plan_title"
	FieldPlanCaps      = "plan_caps"
	FieldPlanMerge     = "plan_merge_policy"
	FieldTaskName      = "task_name"
	FieldTaskIndustry  = "task_industry"
	FieldTaskLead      = "task_lead"
	FieldTaskList      = "task_list_version"
	FieldTaskDepts     = "task_departments"
	FieldTaskItems     = "task_items"
	FieldTaskDivision  = "task_division"
	FieldTaskScope     = "task_scope"
	FieldTaskBody      = "task_implementer"
	FieldTaskRatios    = "task_ratios"
	FieldTaskBatches   = "task_batches"
	FieldTaskNote      = "task_note"
	FieldAdjKind       = "adjustment_kind"
	FieldAdjReason     = "adjustment_reason"
	FieldAdjBatch      = "adjustment_batch"
	FieldAdjWindow     = "adjustment_window"
	FieldAdjRemark     = "adjustment_remark"
	FieldSelection     = "selection"
	FieldSelectionTeam = "selection_team"
)

// MergePolicy is what dispatch does with a business that another task's
// visit already covers in an overlapping window (无事不扰).
type MergePolicy string

// The policies; the office chooses one per plan.
const (
	MergeJoin    MergePolicy = "merge"   // the batch joins the existing visit: one visit, both tasks' items
	MergeExclude MergePolicy = "exclude" // the batch leaves the business out, with the reason recorded
)

// MergePolicies lists the policies in display order.
var MergePolicies = []MergePolicy{MergeJoin, MergeExclude}

// Plan is a year's annual plan (年度抽查计划) of the county, assembled by
// the office from the tasks the lead departments draft.
type Plan struct {
	ID    int64  `json:"id"`
	Year  int    `json:"year"`
	Title string `json:"title"`
	State State  `json:"state"`
	// Caps is the most visits a business of each risk class may receive in
	// the year across all tasks; 0 or absent means no cap.
	Caps        map[RiskClass]int `json:"caps"`
	MergePolicy MergePolicy       `json:"merge_policy"`
	FiledAt     time.Time         `json:"filed_at,omitzero"`
	FiledBy     string            `json:"filed_by,omitempty"`
	PublishedAt time.Time         `json:"published_at,omitzero"`
	PublishedBy string            `json:"published_by,omitempty"`
	UpdatedAt   time.Time         `json:"updated_at"`
}

// PlanDeadline is the day the year's plan must be published by (每年3月底前).
func PlanDeadline(year int) Date { return Date{year, time.March, 31} }

// DeadlineWarningDays is how long before the deadline an unpublished plan
// is flagged.
const DeadlineWarningDays = 30

// DeadlineStatus says how an unpublished plan stands against its deadline
// on day today: "" when published or far off, "soon" within
// DeadlineWarningDays, "overdue" after it. Days is the number of days left
// (negative when overdue).
func (p *Plan) DeadlineStatus(today Date) (status string, days int) {
	dl := PlanDeadline(p.Year)
	days = int(dl.Time().Sub(today.Time()).Hours() / 24)
	switch {
	case p.State == StatePublished:
		return "", days
	case days < 0:
		return "overdue", days
	case days <= DeadlineWarningDays:
		return "soon", days
	}
	return "", days
}

// NormalizePlan trims the title and fills the defaults.
func NormalizePlan(p *Plan) {
	p.Title = strings.TrimSpace(p.Title)
	if p.MergePolicy == "" {
		p.MergePolicy = MergeJoin
	}
	if p.Caps == nil {
		p.Caps = map[RiskClass]int{}
	}
}

// ValidatePlan checks a normalised plan.
func ValidatePlan(p *Plan) *ValidationError {
	v := &ValidationError{Op: "domain.ValidatePlan"}
	if p.Year < 2000 || p.Year > 2100 {
		v.Add(FieldErr(FieldPlanYear, strconv.Itoa(p.Year), "err.plan.year"))
	}
	CheckText(v, 0, FieldPlanTitle, p.Title, true)
	if !oneOf(p.MergePolicy, MergePolicies) {
		v.Add(FieldErr(FieldPlanMerge, string(p.MergePolicy), "err.bad_choice"))
	}
	for c, n := range p.Caps {
		if !oneOf(c, RiskClasses) || n < 0 || n > 365 {
			v.Add(FieldErr(FieldPlanCaps, string(c)+":"+strconv.Itoa(n), "err.plan.cap"))
		}
	}
	return v
}

// Scope is a task's 联查对象: which businesses of the task's industry are in
// the pool. An empty list does not restrict.
type Scope struct {
	Kinds     []EntityKind `json:"kinds"`
	Townships []string     `json:"townships"`
	Statuses  []RegStatus  `json:"statuses"` // active only, unless the task says otherwise
}

// TaskDepartment is one department's part of a task: the lead or a joint
// department (联查部门), its division of labour (责任分工) and the items it
// checks (抽查事项), by catalogue item ID from the task's joint-list version.
type TaskDepartment struct {
	DepartmentID int64   `json:"department_id"`
	Lead         bool    `json:"lead"`
	Division     string  `json:"division"`
	ItemIDs      []int64 `json:"item_ids"`
}

// Window is a batch's time window (时间安排), both days included.
type Window struct {
	Start Date `json:"start"`
	End   Date `json:"end"`
}

// Overlaps reports whether w and x share at least one day.
func (w Window) Overlaps(x Window) bool { return !w.End.Before(x.Start) && !x.End.Before(w.Start) }

// String formats the window as "2026-04-01～2026-04-30".
func (w Window) String() string { return w.Start.String() + "～" + w.End.String() }

// Batch is one drawing round of a task with its window.
type Batch struct {
	ID     int64  `json:"id"`
	TaskID int64  `json:"task_id"`
	Seq    int    `json:"seq"` // 1, 2, … within the task
	Window Window `json:"window"`
	State  State  `json:"state"`
	// Selected and Visits are filled when reading: businesses the draw
	// selected and joint visits dispatch created or joined.
	Selected int `json:"selected"`
	Visits   int `json:"visits"`
}

// Task is one row of the annual plan (抽查任务), in the standard columns.
type Task struct {
	ID               int64            `json:"id"`
	PlanID           int64            `json:"plan_id"`
	Year             int              `json:"year"`
	Seq              int              `json:"seq"` // 序号, given when the plan is published
	IndustryCode     string           `json:"industry"`
	LeadDepartmentID int64            `json:"lead_department_id"`
	Name             string           `json:"name"`
	ListVersionID    int64            `json:"list_version_id,omitempty"` // published joint-list version the items come from
	Departments      []TaskDepartment `json:"departments"`               // lead first
	Scope            Scope            `json:"scope"`
	Implementer      string           `json:"implementer"` // 检查主体
	Ratios           Ratios           `json:"ratios"`
	Note             string           `json:"note"`
	Batches          []Batch          `json:"batches"`
	State            State            `json:"state"`
	Remark           string           `json:"remark,omitempty"` // the office's note when it returned the task
	UpdatedAt        time.Time        `json:"updated_at"`
	// Base is the live 基数: businesses in scope per risk class now,
	// filled when reading one task.
	Base map[RiskClass]int `json:"base,omitempty"`
}

// Quota is how many businesses of a stratum of n a ratio selects: the
// exact ⌈n × r / 10000⌉, never floats.
func Quota(n int, r Ratio) int {
	if n <= 0 || r <= 0 {
		return 0
	}
	return (n*int(r) + RatioScale - 1) / RatioScale
}

// Department returns the task's part of department dept, nil if none.
func (t *Task) Department(dept int64) *TaskDepartment {
	for i := range t.Departments {
		if t.Departments[i].DepartmentID == dept {
			return &t.Departments[i]
		}
	}
	return nil
}

// Batch returns the batch with ID id, nil if none.
func (t *Task) Batch(id int64) *Batch {
	for i := range t.Batches {
		if t.Batches[i].ID == id {
			return &t.Batches[i]
		}
	}
	return nil
}

// MaxTaskBatches bounds a task's batches (at most monthly).
const MaxTaskBatches = 12

// NormalizeTask trims the texts, puts the lead department first and fills
// the default scope (active businesses).
func NormalizeTask(t *Task) {
	t.Name = strings.TrimSpace(t.Name)
	t.Implementer = strings.TrimSpace(t.Implementer)
	t.Note = strings.TrimSpace(t.Note)
	if len(t.Scope.Statuses) == 0 {
		t.Scope.Statuses = []RegStatus{StatusActive}
	}
	for i := range t.Departments {
		d := &t.Departments[i]
		d.Division = strings.TrimSpace(d.Division)
		d.Lead = d.DepartmentID == t.LeadDepartmentID
	}
	slices.SortStableFunc(t.Departments, func(a, b TaskDepartment) int {
		switch {
		case a.Lead == b.Lead:
			return 0
		case a.Lead:
			return -1
		}
		return 1
	})
	if t.Ratios == nil {
		t.Ratios = Ratios{}
	}
}

// ValidateTask checks a normalised task against everything that needs no
// database: required texts, a lead and at least one joint department,
// items for every department, ratios, batches inside the plan's year and
// in order. References (industry, departments, list version, items) are
// checked by the store.
func ValidateTask(t *Task) *ValidationError {
	v := &ValidationError{Op: "domain.ValidateTask"}
	CheckText(v, 0, FieldTaskName, t.Name, true)
	CheckText(v, 0, FieldTaskBody, t.Implementer, false)
	CheckLongText(v, 0, FieldTaskNote, t.Note, false)
	if t.IndustryCode == "" {
		v.Add(FieldErr(FieldTaskIndustry, "", "err.required"))
	}
	if t.LeadDepartmentID == 0 {
		v.Add(FieldErr(FieldTaskLead, "", "err.required"))
	}
	if t.Department(t.LeadDepartmentID) == nil || len(t.Departments) < 2 {
		v.Add(FieldErr(FieldTaskDepts, "", "err.plan.departments"))
	}
	seen := map[int64]bool{}
	for _, d := range t.Departments {
		if seen[d.DepartmentID] {
			v.Add(FieldErr(FieldTaskDepts, strconv.FormatInt(d.DepartmentID, 10), "err.duplicate"))
		}
		seen[d.DepartmentID] = true
		CheckLongText(v, 0, FieldTaskDivision, d.Division, false)
		if len(d.ItemIDs) == 0 {
			v.Add(FieldErr(FieldTaskItems, "", "err.plan.no_items", "department", d.DepartmentID))
		}
	}
	for _, k := range t.Scope.Kinds {
		if !oneOf(k, EntityKinds) {
			v.Add(FieldErr(FieldTaskScope, string(k), "err.bad_choice"))
		}
	}
	for _, s := range t.Scope.Statuses {
		if !oneOf(s, RegStatuses) {
			v.Add(FieldErr(FieldTaskScope, string(s), "err.bad_choice"))
		}
	}
	for _, tw := range t.Scope.Townships {
		CheckText(v, 0, FieldTaskScope, tw, true)
	}
	if !ValidRatios(t.Ratios) {
		v.Add(FieldErr(FieldTaskRatios, t.Ratios.String(), "err.plan.ratios"))
	}
	checkWindows(v, t.Year, windowsOf(t.Batches))
	return v
}

// ValidRatios reports whether rs gives every risk class a ratio from 0 to
// 100 %.
func ValidRatios(rs Ratios) bool {
	if len(rs) != len(RiskClasses) {
		return false
	}
	for _, c := range RiskClasses {
		if r, ok := rs[c]; !ok || r < 0 || r > RatioScale {
			return false
		}
	}
	return true
}

func windowsOf(bs []Batch) []Window {
	out := make([]Window, len(bs))
	for i, b := range bs {
		out[i] = b.Window
	}
	return out
}

// checkWindows adds the problems of a task's batch windows: at least one,
// at most MaxTaskBatches, each inside year with start ≤ end, in order.
func checkWindows(v *ValidationError, year int, ws []Window) {
	if len(ws) == 0 || len(ws) > MaxTaskBatches {
		v.Add(FieldErr(FieldTaskBatches, strconv.Itoa(len(ws)), "err.plan.batch_count", "max", MaxTaskBatches))
		return
	}
	for i, w := range ws {
		switch {
		case w.Start.IsZero() || w.End.IsZero():
			v.Add(FieldErr(FieldTaskBatches, w.String(), "err.plan.window_missing", "n", i+1))
		case w.End.Before(w.Start):
			v.Add(FieldErr(FieldTaskBatches, w.String(), "err.plan.window_order", "n", i+1))
		case year != 0 && (w.Start.Year != year || w.End.Year != year):
			v.Add(FieldErr(FieldTaskBatches, w.String(), "err.plan.window_year", "n", i+1, "year", year))
		case i > 0 && w.Start.Before(ws[i-1].Start):
			v.Add(FieldErr(FieldTaskBatches, w.String(), "err.plan.window_sequence", "n", i+1))
		}
	}
}

// AdjustmentKind is what an adjustment (调整) changes.
type AdjustmentKind string

// The kinds of adjustment the policy names: 临时增设、延迟、取消任务, 更改抽查
// 比例和频次.
const (
	AdjAddTask         AdjustmentKind = "add_task"         // a drafted task joins the published plan
	AdjDelayBatch      AdjustmentKind = "delay_batch"      // a batch gets a later window
	AdjCancelTask      AdjustmentKind = "cancel_task"      // a task and its open batches are cancelled
	AdjChangeRatio     AdjustmentKind = "change_ratio"     // new ratios per risk class
	AdjChangeFrequency AdjustmentKind = "change_frequency" // new windows for the batches not yet drawn
)

// AdjustmentKinds lists the kinds in display order.
var AdjustmentKinds = []AdjustmentKind{AdjAddTask, AdjDelayBatch, AdjCancelTask, AdjChangeRatio, AdjChangeFrequency}

// AdjustmentState is where an adjustment stands with the office.
type AdjustmentState string

// An adjustment is filed with the office, who accepts it (it then takes
// effect and is published) or returns it with a remark.
const (
	AdjFiled    AdjustmentState = "filed"    // 已报备, awaiting the office
	AdjAccepted AdjustmentState = "accepted" // 已备案并公示
	AdjReturned AdjustmentState = "returned" // 已退回
)

// Adjustment is one change to the published plan, with its reason.
type Adjustment struct {
	ID           int64           `json:"id"`
	PlanID       int64           `json:"plan_id"`
	TaskID       int64           `json:"task_id"`
	TaskName     string          `json:"task_name"`
	BatchID      int64           `json:"batch_id,omitempty"` // delay_batch
	Kind         AdjustmentKind  `json:"kind"`
	Reason       string          `json:"reason"`
	Ratios       Ratios          `json:"ratios,omitempty"`  // change_ratio
	Window       Window          `json:"window,omitzero"`   // delay_batch: the new window
	Windows      []Window        `json:"windows,omitempty"` // change_frequency: the windows of the batches not yet drawn
	Before       string          `json:"before"`            // the changed column before, as text
	After        string          `json:"after"`             // and after
	State        AdjustmentState `json:"state"`
	DepartmentID int64           `json:"department_id"` // who filed it (the task's lead department)
	FiledBy      string          `json:"filed_by"`
	FiledAt      time.Time       `json:"filed_at"`
	DecidedBy    string          `json:"decided_by,omitempty"`
	DecidedAt    time.Time       `json:"decided_at,omitzero"` // acceptance is publication: the dated change
	Remark       string          `json:"remark,omitempty"`    // the office's reason when returning
}

// ValidateAdjustment checks what an adjustment asks for, without the
// database: a reason always, and the detail its kind needs.
func ValidateAdjustment(adj *Adjustment, year int) *ValidationError {
	v := &ValidationError{Op: "domain.ValidateAdjustment"}
	adj.Reason = strings.TrimSpace(adj.Reason)
	CheckLongText(v, 0, FieldAdjReason, adj.Reason, true)
	switch adj.Kind {
	case AdjAddTask, AdjCancelTask:
	case AdjDelayBatch:
		if adj.BatchID == 0 {
			v.Add(FieldErr(FieldAdjBatch, "", "err.required"))
		}
		checkWindows(v, year, []Window{adj.Window})
	case AdjChangeRatio:
		if !ValidRatios(adj.Ratios) {
			v.Add(FieldErr(FieldTaskRatios, adj.Ratios.String(), "err.plan.ratios"))
		}
	case AdjChangeFrequency:
		checkWindows(v, year, adj.Windows)
	default:
		v.Add(FieldErr(FieldAdjKind, string(adj.Kind), "err.bad_choice"))
	}
	return v
}

// VisitState is where a joint visit stands.
type VisitState string

// The visit states. Dispatch creates visits dispatched; the inspection work
// moves them on.
const (
	VisitDispatched      VisitState = "dispatched"       // 待检查
	VisitInProgress      VisitState = "in_progress"      // 检查中
	VisitResultsComplete VisitState = "results_complete" // 结果已录齐
	VisitClosed          VisitState = "closed"           // 已办结 (联合总表 closed)
	VisitCancelled       VisitState = "cancelled"        // 已取消
)

// PartState is where one department's part of a visit stands.
type PartState string

// The part states.
const (
	PartPending PartState = "pending" // 待录入
	PartEntered PartState = "entered" // 已录入
)

// Visit is one joint visit (一次上门) of one business, covering every
// department's items of every batch that joined it.
type Visit struct {
	ID               int64        `json:"id"`
	EntityID         int64        `json:"entity_id"`
	EntityCode       string       `json:"entity_code"`
	EntityName       string       `json:"entity_name"`
	TownshipCode     string       `json:"township_code"`
	RiskClass        RiskClass    `json:"risk_class"` // at dispatch
	Year             int          `json:"year"`
	LeadDepartmentID int64        `json:"lead_department_id"` // of the task that created it
	Window           Window       `json:"window"`
	State            VisitState   `json:"state"`
	CreatedAt        time.Time    `json:"created_at"`
	Batches          []VisitBatch `json:"batches"`
	Parts            []VisitPart  `json:"parts"`
	Assignments      []Assignment `json:"assignments"`
	Archived         bool         `json:"archived"` // archived (立卷归档, ArchiveMark)
}

// VisitBatch is one batch the visit serves. Merged is true for a batch
// that joined a visit another batch created: one visit avoided.
type VisitBatch struct {
	BatchID  int64  `json:"batch_id"`
	TaskID   int64  `json:"task_id"`
	TaskName string `json:"task_name"`
	Merged   bool   `json:"merged"`
}

// VisitPart is one department's part of a visit and its items.
type VisitPart struct {
	ID           int64      `json:"id"`
	VisitID      int64      `json:"visit_id"`
	DepartmentID int64      `json:"department_id"`
	State        PartState  `json:"state"`
	Items        []PartItem `json:"items"`
}

// PartItem is one item to check in a visit part: ItemID is the catalogue
// item ID (joint lists, issue 3), TaskID the task that asked for it.
type PartItem struct {
	ItemID int64 `json:"item_id"`
	TaskID int64 `json:"task_id"`
}

// Assignment puts one inspector on a visit.
type Assignment struct {
	VisitID       int64  `json:"visit_id"`
	InspectorID   int64  `json:"inspector_id"`
	InspectorName string `json:"inspector_name"`
	DepartmentID  int64  `json:"department_id"`
	BatchID       int64  `json:"batch_id"`
}

// Selected is one business of a batch's selection with its inspector team,
// as the draw hands it over.
type Selected struct {
	EntityID     int64   `json:"entity_id"`
	InspectorIDs []int64 `json:"inspector_ids"`
}

// ExclusionReason says why dispatch did not visit a selected business.
type ExclusionReason string

// The reasons.
const (
	ExcludeOverlap ExclusionReason = "overlap" // another task's visit in an overlapping window (exclude policy)
	ExcludeCap     ExclusionReason = "cap"     // the year's cap of visits for its risk class is reached
)

// Exclusion is a selected business dispatch left out, and why.
type Exclusion struct {
	EntityID   int64           `json:"entity_id"`
	EntityCode string          `json:"entity_code"`
	EntityName string          `json:"entity_name"`
	Reason     ExclusionReason `json:"reason"`
	VisitID    int64           `json:"visit_id,omitempty"` // the visit that made it unnecessary (overlap)
}

// DispatchReport says what one dispatch did. Dispatching again creates
// nothing and reports the same batch with Again set.
type DispatchReport struct {
	BatchID     int64       `json:"batch_id"`
	Created     int         `json:"created"`  // new joint visits
	Merged      int         `json:"merged"`   // selections that joined another task's visit
	Excluded    int         `json:"excluded"` // selections left out (overlap or cap)
	Parts       int         `json:"parts"`
	Assignments int         `json:"assignments"`
	Notices     int         `json:"notices"`
	Exclusions  []Exclusion `json:"exclusions"`
	Again       bool        `json:"again"`
}

// Burden is the 无事不扰 ledger of a year.
type Burden struct {
	Year            int `json:"year"`
	Visits          int `json:"visits"`           // joint visits
	Selections      int `json:"selections"`       // business × batch selections dispatched
	Merged          int `json:"merged"`           // selections served by another task's visit
	ExcludedOverlap int `json:"excluded_overlap"` // selections left out for an overlapping visit
	ExcludedCap     int `json:"excluded_cap"`     // selections left out at the cap
	Avoided         int `json:"avoided"`          // separate visits avoided: merged + excluded for overlap
}

// Notice is one message in a department's, an inspector's or the office's
// in-app inbox. Kind is an i18n key suffix ("plan.notice.<kind>"), Args
// its arguments, Link the page it is about.
type Notice struct {
	ID        int64          `json:"id"`
	Kind      string         `json:"kind"`
	Args      map[string]any `json:"args"`
	Link      string         `json:"link"`
	CreatedAt time.Time      `json:"created_at"`
	ReadAt    time.Time      `json:"read_at,omitzero"`
}

// VisitFilter selects visits; zero fields do not filter.
type VisitFilter struct {
	Year         int
	BatchID      int64
	DepartmentID int64 // visits with a part of this department
	InspectorID  int64 // visits this inspector is assigned to
	EntityID     int64
	Township     string     // visits of businesses in this township
	State        VisitState // visits in this state
	Archived     string     // "yes": archived visits only (立卷归档); "no": not archived; "": both
	ByDate       bool       // soonest window first (the inspector's workbench), not newest first
	Page         Page
}

// TaskFromVersion is a new task of plan drafted from a published joint
// list version: its industry, every department with its division of labour
// and all its items, the list's ratios, and as many batches as the list's
// frequency, spread from April to November (the lead edits them).
func TaskFromVersion(v *JointListVersion, plan *Plan) *Task {
	t := &Task{PlanID: plan.ID, Year: plan.Year, IndustryCode: v.IndustryCode, LeadDepartmentID: v.LeadDepartmentID,
		ListVersionID: v.ID, Ratios: Ratios{}, Scope: Scope{Statuses: []RegStatus{StatusActive}}}
	for c, r := range v.Ratios {
		t.Ratios[c] = r
	}
	for _, p := range v.Parts {
		d := TaskDepartment{DepartmentID: p.DepartmentID, Lead: p.Lead, Division: p.Division, ItemIDs: []int64{}}
		for _, it := range p.Items {
			d.ItemIDs = append(d.ItemIDs, it.ItemID)
		}
		t.Departments = append(t.Departments, d)
	}
	n := min(max(v.Frequency, 1), MaxTaskBatches)
	months := max(1, 8/n)
	for i := range n {
		start := 4 + i*months
		if start > 12 {
			start = 12
		}
		end := min(start+months-1, 12)
		last := Date{plan.Year, time.Month(end), 1}.Time().AddDate(0, 1, -1)
		t.Batches = append(t.Batches, Batch{Seq: i + 1, Window: Window{Date{plan.Year, time.Month(start), 1}, DateOf(last)}})
	}
	return t
}
