package domain

import "slices"

// Actor is who is doing something: a logged-in user, an API token's owner,
// or the system itself (CLI, demo generator). Every store method that reads
// or writes the directories takes one, and asks Can before it acts.
type Actor struct {
	UserID       int64
	Name         string
	Role         Role
	DepartmentID int64
	InspectorID  int64
}

// System is the actor of command-line operations run by whoever holds the
// server's database: it has the office's rights.
var System = Actor{Name: "system", Role: RoleOffice}

// ActorOf returns the actor a user acts as.
func ActorOf(u *User) Actor {
	return Actor{UserID: u.ID, Name: u.Username, Role: u.Role, DepartmentID: u.DepartmentID, InspectorID: u.InspectorID}
}

// Action is something an actor may be allowed to do.
type Action string

// The actions of the directories and administration.
const (
	ActViewDirectory Action = "directory.view"    // list and read entities and inspectors
	ActEditEntity    Action = "entity.edit"       // create, update, import entities
	ActEditInspector Action = "inspector.edit"    // create, update, import inspectors of a department
	ActViewPrivate   Action = "inspector.private" // see ID numbers, phones and conflicts of a department's inspectors
	ActEditReference Action = "reference.edit"    // departments, townships, industries
	ActManageUsers   Action = "user.manage"       // add, disable, reset passwords
	ActViewAudit     Action = "audit.view"        // read the audit log
	ActManageTokens  Action = "token.manage"      // create own API tokens
	ActEditCalendar  Action = "calendar.edit"     // add or correct a year's holiday schedule (office)

	// Item catalogues and joint lists (issue 3). The department passed to
	// Can is the catalogue's department, the list's lead department, or
	// the department whose part of a list is concerned.
	ActViewLists     Action = "list.view"      // read catalogues and draft lists (published ones are public)
	ActEditCatalogue Action = "catalogue.edit" // create, update, import a department's catalogue items
	ActDraftList     Action = "list.draft"     // lead department: open, edit and discard drafts, edit any part of them
	ActEditListPart  Action = "list.part"      // a department's own part of a draft: items, division of labour
	ActConfirmPart   Action = "list.confirm"   // a co-department signs off its own part (线下磋商 recorded)
	ActPublishList   Action = "list.publish"   // the office publishes a version
)

// The actions of the transparency log (公示记录透明日志). Reading it is
// public and needs no right.
const (
	ActManageLog Action = "log.manage" // register the witnesses (见证方) whose co-signatures the log accepts
)

// The actions of the evaluation (监督评价, issue 7).
const (
	ActViewDashboard   Action = "eval.dashboard"   // figures of a department (dept) or the county (0)
	ActViewCalibration Action = "eval.calibration" // risk calibration and per-inspector rates (office)
	ActEditEvalConfig  Action = "eval.settings"    // score weights (office)
	ActIssueBulletin   Action = "eval.bulletin"    // issue a progress bulletin (通报) (office)
	ActRespondBulletin Action = "eval.respond"     // answer a bulletin naming the department
	ActFileSummary     Action = "eval.summary"     // file the department's annual summary
	ActSubmitCase      Action = "eval.case"        // submit a typical case (典型案例)
	ActPublishCase     Action = "eval.case.publish"
	ActRevisit         Action = "eval.revisit" // draw and record revisits (回访) (discipline office)
)

// The actions of the draw (抽取, issue 5). The department passed to Can is
// the draw's lead department, or for the entropy the party's department.
// Reading a draw is public.
const (
	ActRunDraw     Action = "draw.run"     // announce, enter the public value, execute, abort
	ActDrawEntropy Action = "draw.entropy" // commit and reveal a department's secret (联络员)
	ActViewSalts   Action = "draw.salts"   // read the conflict-of-interest salts (回避盐值)
)

// The actions of annual plans, tasks, adjustments and dispatch (issue 4).
// The department passed to Can is the task's lead department.
const (
	ActViewPlans Action = "plan.view"      // read plans, tasks, adjustments, visits (published plans are public)
	ActDraftTask Action = "task.draft"     // lead department: draft its tasks, lodge them, propose adjustments
	ActFilePlan  Action = "plan.file"      // the office: file and publish plans, accept or return tasks and adjustments, caps
	ActDrawBatch Action = "batch.draw"     // lead department: record a batch's selection (the draw)
	ActDispatch  Action = "batch.dispatch" // lead department: one-click dispatch, move batches along
)

// Actions lists every action, for the role × action table.
var Actions = []Action{ActViewDirectory, ActEditEntity, ActEditInspector, ActViewPrivate, ActEditReference, ActManageUsers, ActViewAudit, ActManageTokens, ActEditCalendar, ActManageLog,
	ActViewLists, ActEditCatalogue, ActDraftList, ActEditListPart, ActConfirmPart, ActPublishList,
	ActViewDashboard, ActViewCalibration, ActEditEvalConfig, ActIssueBulletin, ActRespondBulletin, ActFileSummary, ActSubmitCase, ActPublishCase, ActRevisit,
	ActRunDraw, ActDrawEntropy, ActViewSalts,
	ActViewPlans, ActDraftTask, ActFilePlan, ActDrawBatch, ActDispatch,
	ActEnterResult, ActCloseVisit, ActPublishResult, ActArchiveVisit, ActEditInspectConf,
	ActRefer, ActHandleRef, ActFollowUp, ActFlagPunish}

// Can reports whether a may perform act on something owned by department
// dept (0 when the object belongs to no department). This is the one place
// where the roles' rights are written; the store calls it before every read
// of private data and every write.
//
// The office keeps the directories and the reference data and may do
// everything. Department staff maintain their own department's inspectors
// and read the shared entity directory. Inspectors read the directories and
// see their own department's private inspector data only through staff.
// The discipline office reads everything, audit included, and writes
// nothing but its revisits (回访).
// Department staff keep their own catalogue, draft the joint lists their
// department leads, and edit and confirm their own part of any list; only
// the office publishes.
// In the evaluation, department staff see their own department's figures,
// answer bulletins naming it, file its summary and submit its cases; the
// risk calibration and per-inspector rates are the office's alone.
//
// A lead department runs its draws; each department's own staff commit and
// reveal its secret, and nobody else, not even the office: a draw's
// entropy must never be in one hand. The discipline office reads the
// conflict salts.
// Every staff role reads the plans; a lead department drafts, draws and
// dispatches its own tasks; only the office files, publishes and decides
// on adjustments.
// Results are entered, signed, closed and published by the departments
// themselves (canInspect), never by the office ("谁检查、谁录入、谁公开").
// Referrals, follow-ups and joint-punishment flags are the department
// staff's, each for their own department (canFollowUp).
func Can(a Actor, act Action, dept int64) bool {
	if slices.Contains(inspectionActs, act) {
		return canInspect(a, act, dept)
	}
	if slices.Contains(followUpActs, act) {
		return canFollowUp(a, dept)
	}
	switch a.Role {
	case RoleOffice:
		return act != ActDrawEntropy
	case RoleDepartment:
		switch act {
		case ActViewPlans:
			return true
		case ActDraftTask, ActDrawBatch, ActDispatch:
			return dept != 0 && dept == a.DepartmentID
		case ActViewDirectory, ActManageTokens, ActViewLists:
			return true
		case ActEditInspector, ActViewPrivate, ActViewAudit, ActEditCatalogue, ActDraftList, ActEditListPart, ActConfirmPart, ActRunDraw, ActDrawEntropy:
			return dept != 0 && dept == a.DepartmentID
		case ActViewDashboard, ActRespondBulletin, ActFileSummary, ActSubmitCase:
			return dept != 0 && dept == a.DepartmentID
		}
	case RoleInspector:
		switch act {
		case ActViewPlans:
			return true
		case ActViewDirectory, ActManageTokens, ActViewLists:
			return true
		}
	case RoleDiscipline:
		switch act {
		case ActViewPlans:
			return true
		case ActViewDirectory, ActViewPrivate, ActViewAudit, ActManageTokens, ActViewLists, ActViewSalts:
			return true
		case ActViewDashboard, ActRevisit:
			return true
		}
	}
	return false
}

// Require returns a forbidden error naming the action unless Can allows it.
func Require(op string, a Actor, act Action, dept int64) error {
	if Can(a, act, dept) {
		return nil
	}
	if a.Role == "" {
		return E(op, KindUnauthorized, "err.unauthorized")
	}
	return E(op, KindForbidden, "err.forbidden", "action", string(act))
}
