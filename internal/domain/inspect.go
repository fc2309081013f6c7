package domain

import (
	"slices"
	"strings"
	"time"
)

// This file holds the inspection itself (检查, issue 6): the results each
// department enters for its own items of a joint visit ("谁检查、谁录入、
// 谁公开"), the part's sign-off, the joint record (联合总表) the lead
// department closes with the national result category and the disposal,
// the evidence attached, and the publication (一公开) of each part within
// a number of working days of the result being formed.
//
// # For the follow-up work (referrals, follow-up, archive)
//
// A closed visit has a JointRecord (Category, Disposal, DisposalText,
// RectifyDue); each part's findings are its ItemResults with Finding set
// and the Rule broken; Attachment rows carry the evidence (bytes in the
// store's blobs under SHA256). Store methods: Inspection reads all of it;
// SaveResults, SignPart, ReopenPart, CloseVisit, PublishPart,
// AddAttachment write it (internal/store/inspect*.go).

// The actions of the inspection (issue 6). The department passed to Can is
// the part's department (enter, sign, publish) or the visit's lead
// department (close). The office keeps the settings but enters, closes and
// publishes nothing: whoever checked enters, signs and publishes.
const (
	ActEnterResult     Action = "result.enter"     // enter, sign off and reopen the department's own part; attach evidence
	ActCloseVisit      Action = "visit.close"      // lead department: close the joint record (联合总表)
	ActPublishResult   Action = "result.publish"   // department staff: publish the department's signed part (一公开)
	ActEditInspectConf Action = "inspect.settings" // the office: publication deadline and warning lead
)

// inspectionActs are the actions only the departments themselves perform.
var inspectionActs = []Action{ActEnterResult, ActCloseVisit, ActPublishResult, ActArchiveVisit}

// canInspect is Can for the inspection actions of a department user or an
// inspector: their own department only; publishing and archiving by hand
// are the department staff's.
func canInspect(a Actor, act Action, dept int64) bool {
	if dept == 0 || dept != a.DepartmentID {
		return false
	}
	switch a.Role {
	case RoleDepartment:
		return slices.Contains(inspectionActs, act)
	case RoleInspector:
		return act == ActEnterResult || act == ActCloseVisit
	}
	return false
}

// ResultCategory is the overall result of a joint visit, from the national
// closed list used by market supervision systems.
type ResultCategory string

// The result categories.
const (
	CatNoProblem       ResultCategory = "no_problem"        // 未发现问题
	CatNotDisclosed    ResultCategory = "not_disclosed"     // 未按规定公示应当公示的信息
	CatFalseDisclosure ResultCategory = "false_disclosure"  // 公示信息隐瞒真实情况弄虚作假
	CatUnreachable     ResultCategory = "unreachable"       // 通过登记的住所（经营场所）无法联系
	CatRectified       ResultCategory = "ordered_rectify"   // 发现问题已责令改正
	CatPending         ResultCategory = "pending_disposal"  // 发现问题待后续处理
	CatUncooperative   ResultCategory = "uncooperative"     // 不配合检查情节严重
	CatNoActivity      ResultCategory = "no_activity"       // 未发现开展本次抽查涉及的经营活动
	CatClosedDown      ResultCategory = "closed_down"       // 已关闭停业或正在组织清算
	CatDeregistered    ResultCategory = "deregistered"      // 已注销 / 被吊销 / 被撤销 / 迁出
	CatOtherDept       ResultCategory = "other_dept_breach" // 违反其他部门相关规定
)

// ResultCategories lists the categories in the national list's order.
var ResultCategories = []ResultCategory{CatNoProblem, CatNotDisclosed, CatFalseDisclosure, CatUnreachable, CatRectified,
	CatPending, CatUncooperative, CatNoActivity, CatClosedDown, CatDeregistered, CatOtherDept}

// MsgKey is the i18n key of the category's name.
func (c ResultCategory) MsgKey() string { return "inspect.category." + string(c) }

// Problem reports whether the category says a problem was found (what the
// calibration and the public page count as a finding).
func (c ResultCategory) Problem() bool {
	switch c {
	case CatNotDisclosed, CatFalseDisclosure, CatUnreachable, CatRectified, CatPending, CatUncooperative, CatOtherDept:
		return true
	}
	return false
}

// Disposal is what follows a joint visit (处置).
type Disposal string

// The disposals.
const (
	DispNone         Disposal = "none"           // 无需后续处置
	DispRectify      Disposal = "rectify"        // 责令改正 (deadline, re-check)
	DispCaseReferral Disposal = "case_referral"  // 移送办案机构
	DispReferral     Disposal = "referral"       // 抄告相关部门
	DispAbnormal     Disposal = "abnormal_list"  // 拟列入经营异常名录 (for 无法联系)
	DispPublicRefuse Disposal = "public_refusal" // 公示不予配合情节
)

// Disposals lists the disposals in display order.
var Disposals = []Disposal{DispNone, DispRectify, DispCaseReferral, DispReferral, DispAbnormal, DispPublicRefuse}

// MsgKey is the i18n key of the disposal's name.
func (d Disposal) MsgKey() string { return "inspect.disposal." + string(d) }

// Field names of the inspection forms and messages.
const (
	FieldResult       = "result"
	FieldResultNote   = "result_note"
	FieldResultRule   = "result_rule"
	FieldResultReason = "result_reason"
	FieldResultItem   = "result_item"
	FieldCategory     = "category"
	FieldDisposal     = "disposal"
	FieldDisposalText = "disposal_text"
	FieldRectifyDue   = "rectify_due"
	FieldPublishDays  = "publish_days"
	FieldWarnDays     = "warn_days"
)

// NotApplicable is the result option saying an item does not apply.
const NotApplicable = "不涉及"

// IsFinding reports whether result, one of an item's options, is a
// problem. The first option is compliance (符合, 合格…) and NotApplicable
// says the item does not apply; every other option is a finding (不符合,
// 不合格…). Items define their options in that order (DefaultItemResults).
func IsFinding(options []string, result string) bool {
	if len(options) == 0 {
		options = DefaultItemResults
	}
	return result != options[0] && result != NotApplicable
}

// ResultInput is one item's result as an inspector enters it. Added marks
// an item checked outside the visit's published items (scope lock), which
// needs a Reason.
type ResultInput struct {
	ItemID int64  `json:"item_id"`
	Result string `json:"result"`
	Note   string `json:"note"`
	Rule   string `json:"rule"`
	Added  bool   `json:"added"`
	Reason string `json:"reason"`
}

// ItemResult is the stored result of one item of a part.
type ItemResult struct {
	ItemID    int64     `json:"item_id"`
	Result    string    `json:"result"`
	Finding   bool      `json:"finding"`
	Note      string    `json:"note"`
	Rule      string    `json:"rule"`
	Added     bool      `json:"added"`
	Reason    string    `json:"reason,omitempty"`
	EnteredBy string    `json:"entered_by"`
	EnteredAt time.Time `json:"entered_at"`
}

// CheckResult validates one result input against the item's options.
// Row is the item's position in the form, for the message.
func CheckResult(v *ValidationError, row int, in *ResultInput, options []string) {
	in.Result, in.Note, in.Rule, in.Reason = strings.TrimSpace(in.Result), strings.TrimSpace(in.Note), strings.TrimSpace(in.Rule), strings.TrimSpace(in.Reason)
	if len(options) == 0 {
		options = DefaultItemResults
	}
	switch {
	case in.Result == "":
		v.Add(FieldError{Row: row, Field: FieldResult, Key: "err.required"})
	case !slices.Contains(options, in.Result):
		v.Add(FieldError{Row: row, Field: FieldResult, Value: in.Result, Key: "err.inspect.bad_result", Args: map[string]any{"options": strings.Join(options, " / ")}})
	case IsFinding(options, in.Result) && in.Rule == "":
		v.Add(FieldError{Row: row, Field: FieldResultRule, Key: "err.inspect.rule_required"})
	}
	CheckLongText(v, row, FieldResultNote, in.Note, false)
	CheckLongText(v, row, FieldResultRule, in.Rule, false)
	if in.Added {
		CheckLongText(v, row, FieldResultReason, in.Reason, true)
	}
}

// ChecklistItem is one item of a part's checklist with its text from the
// joint list and its result once entered.
type ChecklistItem struct {
	ItemID     int64       `json:"item_id"`
	TaskID     int64       `json:"task_id,omitempty"`
	Code       string      `json:"code"`
	Name       string      `json:"name"`
	Content    string      `json:"content"`
	LegalBasis string      `json:"legal_basis"`
	Method     string      `json:"method"`
	Kind       string      `json:"kind"`
	Options    []string    `json:"options"`
	Result     *ItemResult `json:"result,omitempty"`
}

// SignOff is a part's sign-off (the department's result is formed) and its
// publication.
type SignOff struct {
	SignedBy    string    `json:"signed_by"`
	SignedAt    time.Time `json:"signed_at"`
	Finding     bool      `json:"finding"`
	FormedOn    Date      `json:"formed_on"`
	DueOn       Date      `json:"due_on,omitzero"` // zero when the calendar does not cover it yet
	PublishedAt time.Time `json:"published_at,omitzero"`
	PublishedBy string    `json:"published_by,omitempty"`
}

// Published reports whether the part is public.
func (s *SignOff) Published() bool { return s != nil && !s.PublishedAt.IsZero() }

// InspectPart is one department's part of a visit as the checklist shows
// it: the items with their results, items added outside the scope lock,
// the sign-off and the department's attachments.
type InspectPart struct {
	ID             int64           `json:"id"`
	DepartmentID   int64           `json:"department_id"`
	DepartmentName string          `json:"department_name"`
	State          PartState       `json:"state"`
	Items          []ChecklistItem `json:"items"`
	Added          []ChecklistItem `json:"added"`
	SignOff        *SignOff        `json:"sign_off,omitempty"`
}

// Findings counts the part's items whose result is a problem.
func (p *InspectPart) Findings() int {
	n := 0
	for _, xs := range [][]ChecklistItem{p.Items, p.Added} {
		for _, it := range xs {
			if it.Result != nil && it.Result.Finding {
				n++
			}
		}
	}
	return n
}

// Entered counts the part's items with a result.
func (p *InspectPart) Entered() int {
	n := 0
	for _, it := range p.Items {
		if it.Result != nil {
			n++
		}
	}
	return n
}

// JointRecord is the joint record (联合总表) the lead department closes.
type JointRecord struct {
	Category     ResultCategory `json:"category"`
	Disposal     Disposal       `json:"disposal"`
	DisposalText string         `json:"disposal_text"`
	RectifyDue   Date           `json:"rectify_due,omitzero"`
	ClosedBy     string         `json:"closed_by"`
	ClosedAt     time.Time      `json:"closed_at"`
}

// CloseInput is what the lead department gives to close a visit.
type CloseInput struct {
	Category     ResultCategory `json:"category"`
	Disposal     Disposal       `json:"disposal"`
	DisposalText string         `json:"disposal_text"`
	RectifyDue   Date           `json:"rectify_due,omitzero"`
}

// Check validates a closure given whether any part found a problem and
// the day of closure.
func (c *CloseInput) Check(findings bool, today Date) *ValidationError {
	v := &ValidationError{Op: "domain.CloseInput"}
	c.DisposalText = strings.TrimSpace(c.DisposalText)
	if !slices.Contains(ResultCategories, c.Category) {
		v.Add(FieldErr(FieldCategory, string(c.Category), "err.bad_choice"))
	} else if c.Category == CatNoProblem && findings {
		v.Add(FieldErr(FieldCategory, string(c.Category), "err.inspect.category_findings"))
	}
	if !slices.Contains(Disposals, c.Disposal) {
		v.Add(FieldErr(FieldDisposal, string(c.Disposal), "err.bad_choice"))
	}
	CheckLongText(v, 0, FieldDisposalText, c.DisposalText, c.Disposal != DispNone && c.Disposal != "")
	switch {
	case c.Disposal == DispRectify && c.RectifyDue.IsZero():
		v.Add(FieldErr(FieldRectifyDue, "", "err.required"))
	case c.Disposal == DispRectify && !today.Before(c.RectifyDue):
		v.Add(FieldErr(FieldRectifyDue, c.RectifyDue.String(), "err.inspect.due_past"))
	case c.Disposal != DispRectify:
		c.RectifyDue = Date{}
	}
	return v
}

// Attachment is one file of evidence attached to a visit by a department.
// The bytes are in the blob store under SHA256.
type Attachment struct {
	ID           int64     `json:"id"`
	VisitID      int64     `json:"visit_id"`
	PartID       int64     `json:"part_id,omitempty"`
	DepartmentID int64     `json:"department_id"`
	ItemID       int64     `json:"item_id,omitempty"`
	SHA256       string    `json:"sha256"`
	Name         string    `json:"name"`
	MediaType    string    `json:"media_type"`
	Size         int64     `json:"size"`
	UploadedBy   string    `json:"uploaded_by"`
	CreatedAt    time.Time `json:"created_at"`
}

// NoticeInspector is an inspector as the visit notice (检查通知书) names
// them: name, department and certificate number, nothing else.
type NoticeInspector struct {
	InspectorID    int64  `json:"inspector_id"`
	Name           string `json:"name"`
	DepartmentID   int64  `json:"department_id"`
	DepartmentName string `json:"department_name"`
	CertNo         string `json:"cert_no"`
}

// Inspection is a visit with everything the inspection adds: the
// checklist of every part, the team as the notice shows it, the
// attachments and the joint record once closed.
type Inspection struct {
	Visit       *Visit            `json:"visit"`
	Address     string            `json:"address"`
	Township    string            `json:"township"`
	LeadName    string            `json:"lead_department_name"`
	Parts       []InspectPart     `json:"parts"`
	Team        []NoticeInspector `json:"team"`
	Attachments []Attachment      `json:"attachments"`
	Record      *JointRecord      `json:"record,omitempty"`
	Archive     *ArchiveMark      `json:"archive,omitempty"` // once archived (立卷归档)
}

// Part returns the part of department dept, or nil.
func (in *Inspection) Part(dept int64) *InspectPart {
	for i := range in.Parts {
		if in.Parts[i].DepartmentID == dept {
			return &in.Parts[i]
		}
	}
	return nil
}

// Findings counts the findings of every part.
func (in *Inspection) Findings() int {
	n := 0
	for i := range in.Parts {
		n += in.Parts[i].Findings()
	}
	return n
}

// AllSigned reports whether every part is signed off.
func (in *Inspection) AllSigned() bool {
	for _, p := range in.Parts {
		if p.SignOff == nil {
			return false
		}
	}
	return len(in.Parts) > 0
}

// InspectSettings are the office's settings of the inspection.
type InspectSettings struct {
	// PublishDays is the publication deadline in working days from the
	// result's formation (20 by the policy).
	PublishDays int `json:"publish_days"`
	// WarnDays is how many working days before the deadline the inbox and
	// the dashboard start warning.
	WarnDays int `json:"warn_days"`
}

// DefaultInspectSettings are the policy's.
var DefaultInspectSettings = InspectSettings{PublishDays: 20, WarnDays: 5}

// Check validates the settings.
func (s InspectSettings) Check() *ValidationError {
	v := &ValidationError{Op: "domain.InspectSettings"}
	if s.PublishDays < 1 || s.PublishDays > 60 {
		v.Add(FieldErr(FieldPublishDays, "", "err.inspect.days_range", "min", 1, "max", 60))
	}
	if s.WarnDays < 0 || s.WarnDays >= max(s.PublishDays, 1) {
		v.Add(FieldErr(FieldWarnDays, "", "err.inspect.days_range", "min", 0, "max", max(s.PublishDays-1, 0)))
	}
	return v
}

// PublicationDue is a signed part not yet published, with its deadline:
// what inboxes and dashboards warn about.
type PublicationDue struct {
	PartID         int64  `json:"part_id"`
	VisitID        int64  `json:"visit_id"`
	EntityCode     string `json:"entity_code"`
	EntityName     string `json:"entity_name"`
	DepartmentID   int64  `json:"department_id"`
	DepartmentName string `json:"department_name"`
	FormedOn       Date   `json:"formed_on"`
	DueOn          Date   `json:"due_on,omitzero"`
	// DaysLeft is the working days from today to the deadline (negative
	// when past); Overdue and Warn say which side of the warning lead it is.
	DaysLeft int  `json:"days_left"`
	Overdue  bool `json:"overdue"`
	Warn     bool `json:"warn"`
}

// DaysOver is the working days past the deadline of an overdue result.
func (p PublicationDue) DaysOver() int { return max(-p.DaysLeft, 0) }

// PublicItem is one item of a published part as the portal shows it.
type PublicItem struct {
	Name       string `json:"name"`
	LegalBasis string `json:"legal_basis"`
	Result     string `json:"result"`
	Finding    bool   `json:"finding"`
	Added      bool   `json:"added"`
}

// PublicPart is one published part of a visit.
type PublicPart struct {
	DepartmentName string       `json:"department_name"`
	FormedOn       Date         `json:"formed_on"`
	PublishedAt    time.Time    `json:"published_at"`
	Items          []PublicItem `json:"items"`
	LogIndex       int64        `json:"log_index"` // -1 when not found in the log
}

// PublicInspector is an inspector on the public page: name and certificate
// number only.
type PublicInspector struct {
	Name           string `json:"name"`
	DepartmentName string `json:"department_name"`
	CertNo         string `json:"cert_no"`
}

// PublicInspection is one inspection of a business on the portal: only its
// published parts, the joint record once closed, the team by name and
// certificate number, and the follow-up status.
type PublicInspection struct {
	VisitID  int64             `json:"visit_id"`
	Year     int               `json:"year"`
	Window   Window            `json:"window"`
	Tasks    []string          `json:"tasks"`
	Parts    []PublicPart      `json:"parts"`
	Team     []PublicInspector `json:"team"`
	Category ResultCategory    `json:"category,omitempty"`
	Disposal Disposal          `json:"disposal,omitempty"`
	// DisposalText is the lead department's disposal as published.
	DisposalText string `json:"disposal_text,omitempty"`
	ClosedOn     Date   `json:"closed_on,omitzero"`
	// FollowUp is the i18n key of the follow-up status (后续处置,
	// FollowUp.PublicStatus); empty when the closure opened none.
	FollowUp string `json:"follow_up,omitempty"`
	// Referrals are the visit's findings referred (抄告/移交): where they
	// went and where they are.
	Referrals []PublicReferral `json:"referrals"`
}
