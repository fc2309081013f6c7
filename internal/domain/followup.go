package domain

import (
	"slices"
	"strings"
	"time"
)

// This file holds what follows a joint visit (闭环, issue 6): a finding
// referred to the department whose remit it is (抄告) or to a
// case-handling body (移送办案机构) with its evidence, which the receiver
// acknowledges (签收), accepts (受理) or returns (退回) within a deadline and
// whose outcome (办理结果) it reports; the follow-up (后续处置) of a
// rectification order (责令改正 → 复查 → closed or escalated) or of a
// business that could not be reached (拟列入经营异常名录); and the
// joint-punishment flag (联合惩戒) a department sets on a business, seen by
// every department (互认互用).

// The actions of the follow-up. The department passed to Can is the
// sending department (refer), the receiving one (handle), the follow-up's
// owner, or the department setting or clearing its flag. Only department
// staff act; the office and the discipline office read.
const (
	ActRefer      Action = "referral.send"   // refer a finding of a visit the department took part in
	ActHandleRef  Action = "referral.handle" // receiving department: receipt, accept or return, outcome
	ActFollowUp   Action = "followup.handle" // the owning department: record the re-check, close or escalate
	ActFlagPunish Action = "punish.flag"     // set or clear the department's joint-punishment flag on a business
)

// followUpActs are the actions only department staff perform, each for
// their own department.
var followUpActs = []Action{ActRefer, ActHandleRef, ActFollowUp, ActFlagPunish}

func canFollowUp(a Actor, dept int64) bool {
	return a.Role == RoleDepartment && dept != 0 && dept == a.DepartmentID
}

// ReferralKind says where a finding goes.
type ReferralKind string

// The referral kinds.
const (
	RefNotify ReferralKind = "notify" // 抄告相关部门: to the department whose remit it is
	RefCase   ReferralKind = "case"   // 移送办案机构: to a case-handling body
)

// ReferralKinds lists the kinds in display order.
var ReferralKinds = []ReferralKind{RefNotify, RefCase}

// MsgKey is the i18n key of the kind's name.
func (k ReferralKind) MsgKey() string { return "followup.refkind." + string(k) }

// ReferralState is where a referral is.
type ReferralState string

// The referral states: sent → received (签收) → accepted (受理) → done
// (outcome reported), or received → returned (退回, with the reason).
const (
	RefSent     ReferralState = "sent"
	RefReceived ReferralState = "received"
	RefAccepted ReferralState = "accepted"
	RefReturned ReferralState = "returned"
	RefDone     ReferralState = "done"
)

// ReferralStates lists the states in order, for filters.
var ReferralStates = []ReferralState{RefSent, RefReceived, RefAccepted, RefReturned, RefDone}

// MsgKey is the i18n key of the state's name.
func (s ReferralState) MsgKey() string { return "followup.refstate." + string(s) }

// Closed reports whether nothing more is expected of the receiver.
func (s ReferralState) Closed() bool { return s == RefReturned || s == RefDone }

// ReferralStep is what a receiver does to a referral.
type ReferralStep string

// The receiver's steps.
const (
	StepReceive ReferralStep = "receive" // 签收
	StepAccept  ReferralStep = "accept"  // 受理
	StepReturn  ReferralStep = "return"  // 退回, with the reason
	StepOutcome ReferralStep = "outcome" // 报告办理结果
)

// Next is the state a step leads to from s, or an error naming what is
// expected instead: the one place the referral's transitions are written.
func (s ReferralState) Next(op string, step ReferralStep) (ReferralState, error) {
	switch {
	case step == StepReceive && s == RefSent:
		return RefReceived, nil
	case (step == StepAccept || step == StepReturn) && s == RefReceived:
		if step == StepAccept {
			return RefAccepted, nil
		}
		return RefReturned, nil
	case step == StepOutcome && s == RefAccepted:
		return RefDone, nil
	}
	key := "err.referral.step"
	switch {
	case s.Closed():
		key = "err.referral.closed"
	case s == RefSent:
		key = "err.referral.not_received"
	case step == StepReceive:
		key = "err.referral.already_received"
	case s == RefReceived:
		key = "err.referral.not_accepted"
	case s == RefAccepted:
		key = "err.referral.already_accepted"
	}
	return s, E(op, KindConflict, key, "state", string(s), "step", string(step))
}

// Field names of the follow-up forms and messages.
const (
	FieldRefKind     = "referral_kind"
	FieldRefTo       = "to_department"
	FieldRefFinding  = "finding"
	FieldRefText     = "referral_text"
	FieldRefReason   = "return_reason"
	FieldRefOutcome  = "outcome"
	FieldRefAttach   = "attachments"
	FieldCheckedOn   = "checked_on"
	FieldFUOutcome   = "followup_outcome"
	FieldFUNote      = "followup_note"
	FieldFUReason    = "escalation_reason"
	FieldFlagReason  = "flag_reason"
	FieldAnswerDays  = "answer_days"
	FieldOutcomeDays = "outcome_days"
	FieldAbnormDays  = "abnormal_days"
)

// ReferralInput is what the sending department gives: the finding (the
// part and item whose result is a problem), the kind, the receiving
// department, a statement, and the visit's attachments to link as
// evidence (linked, never copied).
type ReferralInput struct {
	PartID        int64        `json:"part_id"`
	ItemID        int64        `json:"item_id"`
	Kind          ReferralKind `json:"kind"`
	ToDept        int64        `json:"to_department_id"`
	Text          string       `json:"text"`
	AttachmentIDs []int64      `json:"attachment_ids"`
}

// Check validates the input's own fields; the store checks the finding,
// the department and the attachments against the visit.
func (in *ReferralInput) Check() *ValidationError {
	v := &ValidationError{Op: "domain.ReferralInput"}
	in.Text = strings.TrimSpace(in.Text)
	if !slices.Contains(ReferralKinds, in.Kind) {
		v.Add(FieldErr(FieldRefKind, string(in.Kind), "err.bad_choice"))
	}
	if in.ToDept == 0 {
		v.Add(FieldErr(FieldRefTo, "", "err.required"))
	}
	if in.PartID == 0 || in.ItemID == 0 {
		v.Add(FieldErr(FieldRefFinding, "", "err.required"))
	}
	CheckLongText(v, 0, FieldRefText, in.Text, true)
	return v
}

// Referral is a finding referred to another department or a case-handling
// body, with its state and deadlines. AnswerDue is the deadline for
// receipt and acceptance or return, OutcomeDue for the outcome; both are
// counted in working days from the day it was sent and fixed then.
type Referral struct {
	ID           int64         `json:"id"`
	VisitID      int64         `json:"visit_id"`
	PartID       int64         `json:"part_id"`
	ItemID       int64         `json:"item_id"`
	Kind         ReferralKind  `json:"kind"`
	State        ReferralState `json:"state"`
	FromDeptID   int64         `json:"from_department_id"`
	FromDeptName string        `json:"from_department_name"`
	ToDeptID     int64         `json:"to_department_id"`
	ToDeptName   string        `json:"to_department_name"`
	EntityCode   string        `json:"entity_code"`
	EntityName   string        `json:"entity_name"`
	ItemName     string        `json:"item_name"`
	Result       string        `json:"result"`
	Rule         string        `json:"rule"`
	Note         string        `json:"note"`
	Text         string        `json:"text"`
	SentBy       string        `json:"sent_by"`
	SentAt       time.Time     `json:"sent_at"`
	SentOn       Date          `json:"sent_on"`
	AnswerDue    Date          `json:"answer_due,omitzero"`
	OutcomeDue   Date          `json:"outcome_due,omitzero"`
	ReceivedBy   string        `json:"received_by,omitempty"`
	ReceivedAt   time.Time     `json:"received_at,omitzero"`
	DecidedBy    string        `json:"decided_by,omitempty"`
	DecidedAt    time.Time     `json:"decided_at,omitzero"`
	ReturnReason string        `json:"return_reason,omitempty"`
	Outcome      string        `json:"outcome,omitempty"`
	OutcomeBy    string        `json:"outcome_by,omitempty"`
	OutcomeAt    time.Time     `json:"outcome_at,omitzero"`
	Overdue      bool          `json:"overdue"`
	Attachments  []Attachment  `json:"attachments,omitempty"`
}

// DueNow is the deadline of the step the receiver owes: the answer while
// not yet accepted or returned, the outcome once accepted; zero once
// closed.
func (r *Referral) DueNow() Date {
	switch r.State {
	case RefSent, RefReceived:
		return r.AnswerDue
	case RefAccepted:
		return r.OutcomeDue
	}
	return Date{}
}

// IsOverdue reports whether the step owed is past its deadline on today.
func (r *Referral) IsOverdue(today Date) bool {
	d := r.DueNow()
	return !d.IsZero() && d.Before(today)
}

// ReferralFilter selects referrals. Box is "sent" (the actor's department
// sent them) or "received" (sent to it); the office and the discipline
// office see all and may narrow by Dept on either side.
type ReferralFilter struct {
	Box     string
	Dept    int64
	State   ReferralState
	Overdue bool
	Query   string // business name (substring) or credit code (prefix)
	VisitID int64
	Page    Page
}

// FollowUpKind is what a follow-up is for.
type FollowUpKind string

// The follow-up kinds.
const (
	FURectify  FollowUpKind = "rectify"       // 责令改正: re-check (复查) by the deadline
	FUAbnormal FollowUpKind = "abnormal_list" // 拟列入经营异常名录 for a business not reachable
)

// MsgKey is the i18n key of the kind's name.
func (k FollowUpKind) MsgKey() string { return "followup.kind." + string(k) }

// FollowUpState is where a follow-up is.
type FollowUpState string

// The follow-up states.
const (
	FUOpen      FollowUpState = "open"
	FUClosed    FollowUpState = "closed"
	FUEscalated FollowUpState = "escalated" // not rectified: 移送立案, with the reason
)

// FollowUpStates lists the states, for filters.
var FollowUpStates = []FollowUpState{FUOpen, FUClosed, FUEscalated}

// MsgKey is the i18n key of the state's name.
func (s FollowUpState) MsgKey() string { return "followup.state." + string(s) }

// FollowUpOutcome is what the re-check (复查) or the verification found.
type FollowUpOutcome string

// The outcomes, per kind.
const (
	OutRectified    FollowUpOutcome = "rectified"     // 已整改 → closed
	OutNotRectified FollowUpOutcome = "not_rectified" // 未整改 → escalated
	OutListed       FollowUpOutcome = "listed"        // 已列入经营异常名录 → closed
	OutReachable    FollowUpOutcome = "reachable"     // 已恢复联系，不予列入 → closed
)

// Outcomes are the outcomes a follow-up of kind k may record.
func (k FollowUpKind) Outcomes() []FollowUpOutcome {
	if k == FUAbnormal {
		return []FollowUpOutcome{OutListed, OutReachable}
	}
	return []FollowUpOutcome{OutRectified, OutNotRectified}
}

// MsgKey is the i18n key of the outcome's name.
func (o FollowUpOutcome) MsgKey() string { return "followup.outcome." + string(o) }

// State is the state an outcome leads to.
func (o FollowUpOutcome) State() FollowUpState {
	if o == OutNotRectified {
		return FUEscalated
	}
	return FUClosed
}

// RecheckInput is the re-check (复查) or verification a department records
// on an open follow-up: the day it was done, the outcome, a note, and for
// an escalation the reason and, to refer the case (移送立案) in the same
// step, the case-handling department.
type RecheckInput struct {
	CheckedOn Date            `json:"checked_on"`
	Outcome   FollowUpOutcome `json:"outcome"`
	Note      string          `json:"note"`
	Reason    string          `json:"reason"`
	CaseDept  int64           `json:"case_department_id,omitempty"`
}

// Check validates a re-check of a follow-up of kind k opened on opened, on
// today.
func (in *RecheckInput) Check(k FollowUpKind, opened, today Date) *ValidationError {
	v := &ValidationError{Op: "domain.RecheckInput"}
	in.Note, in.Reason = strings.TrimSpace(in.Note), strings.TrimSpace(in.Reason)
	switch {
	case in.CheckedOn.IsZero():
		v.Add(FieldErr(FieldCheckedOn, "", "err.required"))
	case today.Before(in.CheckedOn):
		v.Add(FieldErr(FieldCheckedOn, in.CheckedOn.String(), "err.followup.checked_future"))
	case in.CheckedOn.Before(opened):
		v.Add(FieldErr(FieldCheckedOn, in.CheckedOn.String(), "err.followup.checked_before", "opened", opened.String()))
	}
	if !slices.Contains(k.Outcomes(), in.Outcome) {
		v.Add(FieldErr(FieldFUOutcome, string(in.Outcome), "err.bad_choice"))
	}
	CheckLongText(v, 0, FieldFUNote, in.Note, false)
	if in.Outcome == OutNotRectified {
		CheckLongText(v, 0, FieldFUReason, in.Reason, true)
	} else {
		in.Reason, in.CaseDept = "", 0
	}
	return v
}

// FollowUp is the follow-up of a closed visit, owned by the visit's lead
// department.
type FollowUp struct {
	ID         int64           `json:"id"`
	VisitID    int64           `json:"visit_id"`
	Kind       FollowUpKind    `json:"kind"`
	State      FollowUpState   `json:"state"`
	DeptID     int64           `json:"department_id"`
	DeptName   string          `json:"department_name"`
	EntityCode string          `json:"entity_code"`
	EntityName string          `json:"entity_name"`
	OpenedOn   Date            `json:"opened_on"`
	DueOn      Date            `json:"due_on,omitzero"`
	OpenedBy   string          `json:"opened_by"`
	CheckedOn  Date            `json:"checked_on,omitzero"`
	Outcome    FollowUpOutcome `json:"outcome,omitempty"`
	Note       string          `json:"note,omitempty"`
	Reason     string          `json:"reason,omitempty"`
	RecordedBy string          `json:"recorded_by,omitempty"`
	RecordedAt time.Time       `json:"recorded_at,omitzero"`
	Overdue    bool            `json:"overdue"`
}

// IsOverdue reports whether an open follow-up is past its deadline.
func (f *FollowUp) IsOverdue(today Date) bool {
	return f.State == FUOpen && !f.DueOn.IsZero() && f.DueOn.Before(today)
}

// PublicStatus is the i18n key of the follow-up's status as the portal
// shows it.
func (f *FollowUp) PublicStatus() string {
	if f.State == FUOpen {
		return "followup.public." + string(f.Kind) + ".open"
	}
	return "followup.public." + string(f.Outcome)
}

// FollowUpFilter selects follow-ups: the actor's department's own unless
// the office or the discipline office asks for all or one (Dept).
type FollowUpFilter struct {
	Dept    int64
	Kind    FollowUpKind
	State   FollowUpState
	Overdue bool
	Query   string
	VisitID int64
	Page    Page
}

// PunishFlag is a department's joint-punishment flag (联合惩戒) on a
// business, with its reason; once cleared it stays as history.
type PunishFlag struct {
	ID          int64     `json:"id"`
	EntityID    int64     `json:"entity_id"`
	EntityCode  string    `json:"entity_code"`
	EntityName  string    `json:"entity_name"`
	DeptID      int64     `json:"department_id"`
	DeptName    string    `json:"department_name"`
	Reason      string    `json:"reason"`
	SetBy       string    `json:"set_by"`
	SetAt       time.Time `json:"set_at"`
	ClearedBy   string    `json:"cleared_by,omitempty"`
	ClearedAt   time.Time `json:"cleared_at,omitzero"`
	ClearReason string    `json:"clear_reason,omitempty"`
}

// Active reports whether the flag is in force.
func (p *PunishFlag) Active() bool { return p.ClearedAt.IsZero() }

// PublicReferral is a referral of a visit's finding as the portal shows
// it: where it went and where it is, nothing of the statement.
type PublicReferral struct {
	Kind     ReferralKind  `json:"kind"`
	ToDept   string        `json:"to_department_name"`
	State    ReferralState `json:"state"`
	SentOn   Date          `json:"sent_on"`
	ClosedOn Date          `json:"closed_on,omitzero"`
}

// FollowUpSettings are the office's deadlines of the follow-up, in working
// days from the day a referral is sent or a follow-up is opened.
type FollowUpSettings struct {
	// AnswerDays is the deadline for the receiver's receipt and acceptance
	// or return.
	AnswerDays int `json:"answer_days"`
	// OutcomeDays is the deadline for the reported outcome of an accepted
	// referral.
	OutcomeDays int `json:"outcome_days"`
	// AbnormalDays is the deadline of the verification of a business that
	// could not be reached (拟列入经营异常名录).
	AbnormalDays int `json:"abnormal_days"`
}

// DefaultFollowUpSettings are the county's until the office sets its own.
var DefaultFollowUpSettings = FollowUpSettings{AnswerDays: 5, OutcomeDays: 30, AbnormalDays: 10}

// Check validates the settings.
func (s FollowUpSettings) Check() *ValidationError {
	v := &ValidationError{Op: "domain.FollowUpSettings"}
	for _, f := range []struct {
		field string
		n     int
	}{{FieldAnswerDays, s.AnswerDays}, {FieldOutcomeDays, s.OutcomeDays}, {FieldAbnormDays, s.AbnormalDays}} {
		if f.n < 1 || f.n > 120 {
			v.Add(FieldErr(f.field, "", "err.inspect.days_range", "min", 1, "max", 120))
		}
	}
	if len(v.Errors) == 0 && s.OutcomeDays < s.AnswerDays {
		v.Add(FieldErr(FieldOutcomeDays, "", "err.inspect.days_range", "min", s.AnswerDays, "max", 120))
	}
	return v
}
