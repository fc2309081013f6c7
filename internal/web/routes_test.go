package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/attach"
	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// Expected answers in the role × action matrix.
const (
	ok    = http.StatusOK
	see   = http.StatusSeeOther // allowed, and redirected to the result (never to /login)
	login = -1                  // 303 to /login: anonymous on a staff page
	no    = http.StatusForbidden
	nf    = http.StatusNotFound
	bad   = http.StatusUnprocessableEntity
	clash = http.StatusConflict
	moved = http.StatusMovedPermanently
)

// who is one column of the matrix: anonymous, each role, a user of the
// co-department (which joins the lead's lists, tasks and visits but owns
// none of the records acted on) and a user of a third department that
// takes part in nothing.
type who struct {
	name, username string
	pick           func(want) int
}

// want is one row's expected answer per column.
type want struct{ anon, office, dept, other, outsider, insp, disc int }

var matrixUsers = []who{
	{"anonymous", "", func(w want) int { return w.anon }},
	{"office", "office", func(w want) int { return w.office }},
	{"department own", "scjg", func(w want) int { return w.dept }},
	{"department other", "xfjy", func(w want) int { return w.other }},
	{"department outsider", "outsider", func(w want) int { return w.outsider }},
	{"inspector", "visit-insp0", func(w want) int { return w.insp }},
	{"discipline", "discipline", func(w want) int { return w.disc }},
}

// every is a row answered alike for everyone, logged in or not.
func every(status int) want { return want{status, status, status, status, status, status, status} }

// matrixRow is one request of the matrix. The route it exercises is not
// written down: the test asks the router which registered pattern serves
// the request, so a row cannot claim a route it does not reach.
type matrixRow struct {
	name, method, path string
	form               url.Values
	file               []byte // if set, posted as the multipart upload "file" (named upload.csv) with form's fields
	want               want
}

// matrixWorld is what the rows act on, seeded afresh for every column so
// that one user's successful write does not change what the next is
// refused: a joint list with a draft, a published 2026 plan whose task's
// batch is dispatched (two joint visits of both departments, evidence on
// the lead's part), a 2027 draft plan, and an executed draw.
type matrixWorld struct {
	e        *env
	w        *storetest.VisitWorld
	ent      *domain.Entity
	insp     *domain.Inspector
	target   int64 // a user to act on
	draft    *domain.JointListVersion
	draft27  *domain.Plan
	attach   int64
	drawKey  string
	catItem  int64
	third    int64 // a department that takes part in nothing (user "outsider")
	ownPart  int64 // the lead department's part of visit 0
	coPart   int64 // the co-department's part of visit 0
	leadItem []int64
	coItem   []int64
	openDraw string // a draw announced and waiting for the liaisons' commitments
	adjust   int64  // an adjustment filed by the lead department, waiting for the office
	// What follows visit 2, closed with a rectification order: its
	// follow-up, a referral of its finding from the lead department to the
	// outsider department, and the lead department's joint-punishment flag
	// on its business.
	finding  string // "part:item" of the finding
	referral int64
	followUp int64
	flag     int64
}

func newMatrixWorld(t *testing.T) *matrixWorld {
	t.Helper()
	return newMatrixWorldOn(t, newEnv(t))
}

// newMatrixWorldOn seeds the matrix world on e.
func newMatrixWorldOn(t *testing.T, e *env) *matrixWorld {
	t.Helper()
	ctx := t.Context()
	m := &matrixWorld{e: e, w: storetest.SeedVisitsOn(t, e.store, e.fx, 3)}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	blobs, err := attach.NewDisk(t.TempDir())
	must(err)
	e.store.SetBlobs(blobs)
	m.ent = e.seedEntity("矩阵测试饭店", 7)
	m.insp = e.seedInspector("王检查", "SCJG0001", e.fx.Dept.ID)
	m.target = e.addUser("target", domain.RoleDepartment, e.fx.Dept.ID).ID
	third := &domain.Department{Code: "ZJJ", Name: "垣曲县住房和城乡建设局", ShortName: "住建局", Liaison: "孙联络", LiaisonPhone: "0359-6023001"}
	must(e.store.SaveDepartment(ctx, domain.System, third))
	m.third = third.ID
	e.addUser("outsider", domain.RoleDepartment, third.ID)
	m.seedFollowUp(t, third.ID)
	m.draft, err = e.store.OpenDraft(ctx, e.fx.DeptStaff, m.w.List.ListID, "调整检查事项")
	must(err)
	m.draft27 = &domain.Plan{Year: 2027, Title: "2027年度计划"}
	must(e.store.CreatePlan(ctx, e.fx.Office, m.draft27))
	in, err := e.store.Inspection(ctx, e.fx.Office, m.w.Visits[0].ID)
	must(err)
	m.ownPart, m.coPart = in.Parts[0].ID, in.Parts[1].ID
	for _, it := range in.Parts[0].Items {
		m.leadItem = append(m.leadItem, it.ItemID)
	}
	for _, it := range in.Parts[1].Items {
		m.coItem = append(m.coItem, it.ItemID)
	}
	adj := &domain.Adjustment{TaskID: m.w.Task.ID, Kind: domain.AdjCancelTask, Reason: "机构调整"}
	must(e.store.FileAdjustment(ctx, e.fx.DeptStaff, adj))
	m.adjust = adj.ID
	m.catItem = m.w.List.Parts[0].Items[0].ItemID
	r := e.uploadEvidence(e.login(t, "visit-insp0"), "/staff/parts/"+idString(m.ownPart)+"/attachments", idString(m.w.Visits[0].ID), "后厨.png", testPNG(t, 4))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("evidence upload: %d %s", r.Status, r.Body)
	}
	in, err = e.store.Inspection(ctx, e.fx.Office, m.w.Visits[0].ID)
	must(err)
	m.attach = in.Attachments[0].ID
	storetest.SeedDrawWorld(t, e.store, e.fx)
	m.drawKey = storetest.RunDraw(t, e.store, e.fx)
	d, err := e.store.AnnounceDraw(ctx, e.fx.DeptStaff, storetest.DrawParams(e.fx))
	must(err)
	m.openDraw = d.Key
	return m
}

// seedFollowUp closes visit 2 with a finding and a rectification order,
// refers the finding to department to and flags the business.
func (m *matrixWorld) seedFollowUp(t *testing.T, to int64) {
	t.Helper()
	ctx, e, w := t.Context(), m.e, m.w
	in := w.Complete(t, e.store, 2, true)
	due := domain.DateOf(time.Now().In(chinaZone)).AddDays(30)
	if err := e.store.CloseVisit(ctx, w.InspActors[0], w.Visits[2].ID, domain.CloseInput{Category: domain.CatRectified, Disposal: domain.DispRectify,
		DisposalText: "责令限期整改", RectifyDue: due}); err != nil {
		t.Fatal(err)
	}
	lead := in.Parts[0]
	m.finding = idString(lead.ID) + ":" + idString(lead.Items[0].ItemID)
	r, err := e.store.SendReferral(ctx, e.fx.DeptStaff, domain.ReferralInput{PartID: lead.ID, ItemID: lead.Items[0].ItemID, Kind: domain.RefNotify, ToDept: to, Text: "请依职责处理"})
	if err != nil {
		t.Fatal(err)
	}
	m.referral = r.ID
	fus, err := e.store.ListFollowUps(ctx, e.fx.Office, domain.FollowUpFilter{VisitID: w.Visits[2].ID})
	if err != nil || len(fus.Items) != 1 {
		t.Fatalf("follow-up of visit 2: %+v, %v", fus, err)
	}
	m.followUp = fus.Items[0].ID
	f, err := e.store.SetPunishFlag(ctx, e.fx.DeptStaff, w.Entities[2].ID, "逾期未整改")
	if err != nil {
		t.Fatal(err)
	}
	m.flag = f.ID
}

// rows is the matrix: every route of the web face with its rights. Rows of
// a write come after the reads of the same records, and the writes that
// end something (close, publish, revoke) come last in their group.
func (m *matrixWorld) rows(t *testing.T) []matrixRow {
	e, w := m.e, m.w
	id := idString
	static, err := e.srv.staticPath("app.css")
	if err != nil {
		t.Fatal(err)
	}
	visit, v1, v2 := id(w.Visits[0].ID), id(w.Visits[1].ID), id(w.Visits[2].ID)
	ref, fu, today := id(m.referral), id(m.followUp), domain.DateOf(time.Now().In(chinaZone)).String()
	plan, task, batch := id(w.Task.PlanID), id(w.Task.ID), id(w.Task.Batches[0].ID)
	list, draft := id(w.List.ListID), id(m.draft.ID)
	lead, co := id(e.fx.Dept.ID), id(e.fx.OtherDept.ID)
	entForm := url.Values{"name": {m.ent.Name}, "kind": {"enterprise"}, "industry": {"catering"}, "township": {"140827100"},
		"status": {"active"}, "risk_class": {"C"}, "risk_set_on": {"2026-01-02"}}
	inForm := url.Values{"department": {id(m.insp.DepartmentID)}, "name": {m.insp.Name}, "cert_no": {m.insp.CertNo},
		"cert_expiry": {"2031-01-01"}, "status": {"on_duty"}, "labels": {"食品"}}
	deptForm := url.Values{"name": {e.fx.Dept.Name}, "short_name": {"市场监管局"}, "liaison": {"新联络员"}, "leader": {"王分管"}}
	results := func(items []int64) url.Values {
		f := url.Values{"visit": {visit}}
		for _, it := range items {
			f.Add("item", id(it))
			f.Set("result_"+id(it), "符合")
		}
		return f
	}
	taskForm := func(year string) url.Values {
		f := url.Values{"version": {id(w.List.ID)}, "name": {"餐饮服务单位联合抽查"}, "implementer": {"垣曲县市场监督管理局"}, "lead": {lead}, "division_" + lead: {"牵头"},
			"ratio_A": {"1%"}, "ratio_B": {"2%"}, "ratio_C": {"10%"}, "ratio_D": {"30%"},
			"batch_start": {year + "-04-01"}, "batch_end": {year + "-06-30"}}
		for _, it := range m.leadItem {
			f.Add("item_"+lead, id(it))
		}
		f.Set("dept_"+co, "on")
		f.Set("division_"+co, "消防安全")
		for _, it := range m.coItem {
			f.Add("item_"+co, id(it))
		}
		return f
	}
	header := url.Values{"reason": {"调整检查事项"}, "subject": {"餐饮服务经营者"}, "frequency": {"1"},
		"ratio_A": {"1%"}, "ratio_B": {"2%"}, "ratio_C": {"10%"}, "ratio_D": {"30%"}}
	catForm := url.Values{"department": {lead}, "code": {"SCJG-XZ-99"}, "name": {"新增检查事项"}, "kind": {"general"}, "content": {"检查内容"},
		"method": {"onsite"}, "legal_basis": {"《食品安全法》"}, "results": {"符合\n不符合"}, "status": {"active"}}
	catUpdate := url.Values{}
	for k, v := range catForm {
		catUpdate[k] = v
	}
	catUpdate.Set("code", "SCJG-XZ-98")
	public := url.Values{"value": {"03 07 12 19 25 31\n09"}}
	return []matrixRow{
		// The public portal: anyone, logged in or not.
		{"portal home", "GET", "/", nil, nil, every(ok)},
		{"portal about", "GET", "/about", nil, nil, every(ok)},
		{"portal search", "GET", "/search?q=" + url.QueryEscape("餐馆"), nil, nil, every(ok)},
		{"portal business", "GET", "/entity/" + w.Entities[0].Code, nil, nil, every(ok)},
		{"portal plans", "GET", "/plans", nil, nil, every(ok)},
		{"portal plan", "GET", "/plans/2026", nil, nil, every(ok)},
		{"portal plan xlsx", "GET", "/plans/2026/plan.xlsx", nil, nil, every(ok)},
		{"portal draft plan hidden", "GET", "/plans/2027", nil, nil, every(nf)},
		{"healthz", "GET", "/healthz", nil, nil, every(ok)},
		{"static", "GET", static, nil, nil, every(ok)},
		{"portal cases", "GET", "/cases?year=2026", nil, nil, every(ok)},
		{"log", "GET", "/log", nil, nil, every(ok)},
		{"log entry", "GET", "/log/entry/0", nil, nil, every(ok)},
		{"log checkpoint without key", "GET", "/log/checkpoint", nil, nil, every(clash)},
		{"log checkpoint at size none signed", "GET", "/log/checkpoint/1", nil, nil, every(nf)},
		{"log record", "GET", "/log/record/0", nil, nil, every(ok)},
		{"log proof invalid", "GET", "/log/proof?old=2&new=1", nil, nil, every(bad)},
		{"log tile", "GET", "/log/tile/8/0/000.p/1", nil, nil, every(ok)},
		{"log cosign empty", "POST", "/log/cosign", url.Values{}, nil, every(bad)},
		{"portal draws", "GET", "/draws", nil, nil, every(ok)},
		{"portal draw", "GET", "/draws/" + m.drawKey, nil, nil, every(ok)},
		{"portal draw bundle", "GET", "/draws/" + m.drawKey + "/bundle.json", nil, nil, every(ok)},
		{"portal lists", "GET", "/lists", nil, nil, every(ok)},
		{"portal lists summary", "GET", "/lists/summary", nil, nil, every(ok)},
		{"portal lists summary xlsx", "GET", "/lists/summary/download/xlsx", nil, nil, every(ok)},
		{"portal list", "GET", "/lists/catering", nil, nil, every(ok)},
		{"portal list version", "GET", "/lists/catering/versions/1", nil, nil, every(ok)},
		{"portal list version draft hidden", "GET", "/lists/catering/versions/2", nil, nil, every(nf)},
		{"portal list version xlsx", "GET", "/lists/catering/versions/1/xlsx", nil, nil, every(ok)},
		{"portal list diff", "GET", "/lists/catering/diff?from=1&to=1", nil, nil, every(ok)},
		{"unknown page", "GET", "/nothing-here", nil, nil, every(nf)},

		// Login and logout are everyone's.
		{"login form", "GET", "/login", nil, nil, want{ok, see, see, see, see, see, see}},
		{"login wrong password", "POST", "/login", url.Values{"username": {"office"}, "password": {"wrong-password"}}, nil, every(http.StatusUnauthorized)},
		{"staff without slash", "GET", "/staff", nil, nil, every(moved)},

		// The staff side.
		{"home", "GET", "/staff/", nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"unknown staff page", "GET", "/staff/nothing-here", nil, nil, every(nf)},
		{"entity list", "GET", "/staff/entities?q=矩阵&risk=B&sort=-name", nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"entity new form", "GET", "/staff/entities/new", nil, nil, want{login, ok, no, no, no, no, no}},
		{"entity create", "POST", "/staff/entities", url.Values{"code": {code(t, 8)}, "name": {"新办饭店"}, "kind": {"enterprise"}, "industry": {"catering"},
			"township": {"140827100"}, "status": {"active"}, "risk_class": {"B"}}, nil, want{login, see, no, no, no, no, no}},
		{"entity show", "GET", "/staff/entities/" + id(m.ent.ID), nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"entity show missing", "GET", "/staff/entities/999999", nil, nil, want{login, nf, nf, nf, nf, nf, nf}},
		{"entity edit form", "GET", "/staff/entities/" + id(m.ent.ID) + "/edit", nil, nil, want{login, ok, no, no, no, no, no}},
		{"entity update", "POST", "/staff/entities/" + id(m.ent.ID), entForm, nil, want{login, see, no, no, no, no, no}},
		{"entity export", "GET", "/staff/entities/export?format=xlsx&risk=B", nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"inspector list", "GET", "/staff/inspectors?status=on_duty&department=" + lead, nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"inspector new form", "GET", "/staff/inspectors/new", nil, nil, want{login, ok, ok, ok, ok, no, no}},
		{"inspector create", "POST", "/staff/inspectors", url.Values{"department": {lead}, "name": {"新检查员"}, "cert_no": {"SCJG0777"},
			"cert_expiry": {"2031-01-01"}, "status": {"on_duty"}}, nil, want{login, see, see, no, no, no, no}},
		{"inspector show", "GET", "/staff/inspectors/" + id(m.insp.ID), nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"inspector edit form", "GET", "/staff/inspectors/" + id(m.insp.ID) + "/edit", nil, nil, want{login, ok, ok, no, no, no, no}},
		{"inspector update", "POST", "/staff/inspectors/" + id(m.insp.ID), inForm, nil, want{login, see, see, no, no, no, no}},
		{"inspector export", "GET", "/staff/inspectors/export?format=csv", nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"import entities form", "GET", "/staff/import/entities", nil, nil, want{login, ok, no, no, no, no, no}},
		{"import inspectors form", "GET", "/staff/import/inspectors", nil, nil, want{login, ok, ok, ok, ok, no, no}},
		{"import unknown kind", "GET", "/staff/import/nothing", nil, nil, want{login, nf, nf, nf, nf, nf, nf}},
		{"import preview", "POST", "/staff/import/entities", url.Values{}, entityCSV(code(t, 9) + ",导入饭店,餐饮服务,新城镇,新城镇中心街 2 号,B"), want{login, ok, no, no, no, no, no}},
		{"import inspectors preview", "POST", "/staff/import/inspectors", url.Values{}, []byte("姓名,部门,执法证号,有效期至\n导入检查员,SCJG,SCJG0900,2031-06-30\n"), want{login, ok, ok, bad, bad, no, no}},
		{"import confirm unknown id", "POST", "/staff/import/entities/0123456789abcdef0123456789abcdef", url.Values{}, nil, want{login, nf, nf, nf, nf, nf, nf}},
		{"import errors unknown id", "GET", "/staff/import/entities/0123456789abcdef0123456789abcdef/errors.xlsx", nil, nil, want{login, nf, nf, nf, nf, nf, nf}},
		{"users", "GET", "/staff/users", nil, nil, want{login, ok, no, no, no, no, no}},
		{"user create", "POST", "/staff/users", url.Values{"username": {"newuser"}, "display_name": {"新用户"}, "role": {"department"},
			"department": {lead}, "password": {"a-long-password-1"}}, nil, want{login, see, no, no, no, no, no}},
		{"user password", "POST", "/staff/users/" + id(m.target) + "/password", url.Values{"password": {"another-password-1"}}, nil, want{login, see, no, no, no, no, no}},
		{"user revoke", "POST", "/staff/users/" + id(m.target) + "/revoke", url.Values{}, nil, want{login, see, no, no, no, no, no}},
		{"user disable", "POST", "/staff/users/" + id(m.target) + "/disable", url.Values{}, nil, want{login, see, no, no, no, no, no}},
		{"user enable", "POST", "/staff/users/" + id(m.target) + "/enable", url.Values{}, nil, want{login, see, no, no, no, no, no}},
		{"departments", "GET", "/staff/departments", nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"department edit form", "GET", "/staff/departments/" + lead + "/edit", nil, nil, want{login, ok, no, no, no, no, no}},
		{"department update", "POST", "/staff/departments/" + lead, deptForm, nil, want{login, see, no, no, no, no, no}},
		{"audit", "GET", "/staff/audit", nil, nil, want{login, ok, ok, ok, ok, no, ok}},
		{"password form", "GET", "/staff/password", nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"password change wrong current", "POST", "/staff/password", url.Values{"current": {"wrong-password"}, "password": {"a-new-password-1"},
			"confirm": {"a-new-password-1"}}, nil, want{login, bad, bad, bad, bad, bad, bad}},
		{"tokens", "GET", "/staff/tokens", nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"token create", "POST", "/staff/tokens", url.Values{"name": {"sync"}}, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"token revoke missing", "POST", "/staff/tokens/999999/revoke", url.Values{}, nil, want{login, nf, nf, nf, nf, nf, nf}},
		{"calendar", "GET", "/staff/calendar?year=2026", nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"calendar save", "POST", "/staff/calendar", url.Values{"schedule": {"2031-01-01 off 元旦\n"}}, nil, want{login, see, no, no, no, no, no}},

		// Plans, tasks, batches, adjustments.
		{"plans", "GET", "/staff/plans", nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"plan create", "POST", "/staff/plans", url.Values{"year": {"2028"}, "title": {"2028年度计划"}}, nil, want{login, see, no, no, no, no, no}},
		{"plan show", "GET", "/staff/plans/" + plan, nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"plan xlsx", "GET", "/staff/plans/" + plan + "/plan.xlsx", nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"draft plan settings", "POST", "/staff/plans/" + id(m.draft27.ID) + "/settings", url.Values{"title": {"2027年度联合抽查计划"}, "merge_policy": {"merge"}}, nil, want{login, see, no, no, no, no, no}},
		{"new task form", "GET", "/staff/plans/" + id(m.draft27.ID) + "/tasks/new?version=" + id(w.List.ID), nil, nil, want{login, ok, ok, ok, ok, no, no}},
		{"task create", "POST", "/staff/plans/" + id(m.draft27.ID) + "/tasks", taskForm("2027"), nil, want{login, see, see, no, no, no, no}},
		{"adjustments", "GET", "/staff/plans/" + plan + "/adjustments", nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"task show", "GET", "/staff/tasks/" + task, nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"task edit form", "GET", "/staff/tasks/" + task + "/edit", nil, nil, want{login, ok, ok, no, no, no, no}},
		{"task update", "POST", "/staff/tasks/" + task, taskForm("2026"), nil, want{login, clash, clash, no, no, no, no}},
		{"adjustment file", "POST", "/staff/tasks/" + task + "/adjustments", url.Values{"kind": {"cancel_task"}, "reason": {"机构调整"}}, nil, want{login, clash, clash, no, no, no, no}},
		{"task submit", "POST", "/staff/tasks/" + task + "/submit", url.Values{}, nil, want{login, clash, clash, no, no, no, no}},
		{"task return", "POST", "/staff/tasks/" + task + "/return", url.Values{"remark": {"请修改"}}, nil, want{login, clash, no, no, no, no, no}},
		{"task withdraw", "POST", "/staff/tasks/" + task + "/withdraw", url.Values{}, nil, want{login, clash, clash, no, no, no, no}},
		{"adjustment accept", "POST", "/staff/adjustments/" + id(m.adjust) + "/accept", url.Values{}, nil, want{login, see, no, no, no, no, no}},
		{"adjustment return after accept", "POST", "/staff/adjustments/" + id(m.adjust) + "/return", url.Values{"remark": {"不同意"}}, nil, want{login, clash, no, no, no, no, no}},
		{"batch advance", "POST", "/staff/batches/" + batch + "/advance", url.Values{"to": {"in_progress"}}, nil, want{login, see, see, no, no, no, no}},
		{"batch dispatch", "POST", "/staff/batches/" + batch + "/dispatch", url.Values{}, nil, want{login, see, see, no, no, no, no}},
		{"plan file", "POST", "/staff/plans/" + id(m.draft27.ID) + "/file", url.Values{}, nil, want{login, clash, no, no, no, no, no}},
		{"plan reopen", "POST", "/staff/plans/" + id(m.draft27.ID) + "/reopen", url.Values{}, nil, want{login, clash, no, no, no, no, no}},
		{"plan publish", "POST", "/staff/plans/" + id(m.draft27.ID) + "/publish", url.Values{}, nil, want{login, clash, no, no, no, no, no}},
		{"visits", "GET", "/staff/visits", nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"inbox", "GET", "/staff/inbox", nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"inbox read", "POST", "/staff/inbox/read", url.Values{}, nil, want{login, see, see, see, see, see, see}},

		// The inspection.
		{"workbench", "GET", "/staff/inspect", nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"workbench settings", "POST", "/staff/inspect/settings", url.Values{"publish_days": {"20"}, "warn_days": {"5"}}, nil, want{login, see, no, no, no, no, no}},
		{"visit", "GET", "/staff/visits/" + visit, nil, nil, want{login, ok, ok, ok, nf, ok, ok}},
		{"visit notice", "GET", "/staff/visits/" + visit + "/notice", nil, nil, want{login, ok, ok, ok, nf, ok, ok}},
		{"attachment", "GET", "/staff/attachments/" + id(m.attach), nil, nil, want{login, ok, ok, ok, nf, ok, ok}},
		{"results of the own part", "POST", "/staff/parts/" + id(m.ownPart) + "/results", results(m.leadItem), nil, want{login, no, see, no, no, see, no}},
		{"results of another department's part", "POST", "/staff/parts/" + id(m.coPart) + "/results", results(m.coItem), nil, want{login, no, no, see, no, no, no}},
		{"evidence without file", "POST", "/staff/parts/" + id(m.ownPart) + "/attachments", url.Values{"visit": {visit}}, nil, want{login, bad, bad, bad, bad, bad, bad}},
		{"part sign", "POST", "/staff/parts/" + id(m.ownPart) + "/sign", url.Values{"visit": {visit}}, nil, want{login, no, see, no, no, see, no}},
		{"part reopen", "POST", "/staff/parts/" + id(m.coPart) + "/reopen", url.Values{"visit": {visit}}, nil, want{login, no, no, clash, no, no, no}},
		{"part publish", "POST", "/staff/parts/" + id(m.ownPart) + "/publish", url.Values{"visit": {visit}}, nil, want{login, no, see, no, no, no, no}},
		{"visit close", "POST", "/staff/visits/" + v1 + "/close", url.Values{"category": {"closed_down"}, "disposal": {"none"}, "disposal_text": {"经营场所已关闭"}}, nil, want{login, no, clash, no, no, clash, no}},
		{"visit archive download", "GET", "/staff/visits/" + v2 + "/archive", nil, nil, want{login, ok, ok, ok, nf, ok, ok}},
		{"visit archive", "POST", "/staff/visits/" + v2 + "/archive", url.Values{}, nil, want{login, no, see, no, no, no, no}},

		// What follows a visit: referrals, follow-ups, joint punishment.
		{"referrals", "GET", "/staff/referrals?box=received&overdue=1&q=" + url.QueryEscape("餐馆"), nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"referrals export", "GET", "/staff/referrals/export?box=sent", nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"referral form", "GET", "/staff/referrals/new?visit=" + v2, nil, nil, want{login, no, ok, ok, nf, no, no}},
		{"referral send", "POST", "/staff/referrals", url.Values{"finding": {m.finding}, "kind": {"case"}, "to": {co}, "text": {"涉嫌违法，移送办案机构"}}, nil, want{login, no, see, no, no, no, no}},
		{"referral", "GET", "/staff/referrals/" + ref, nil, nil, want{login, ok, ok, nf, ok, ok, ok}},
		{"referral receive", "POST", "/staff/referrals/" + ref + "/receive", url.Values{}, nil, want{login, no, no, no, see, no, no}},
		{"referral accept", "POST", "/staff/referrals/" + ref + "/accept", url.Values{}, nil, want{login, no, no, no, see, no, no}},
		{"referral outcome", "POST", "/staff/referrals/" + ref + "/outcome", url.Values{"text": {"已立案查处"}}, nil, want{login, no, no, no, see, no, no}},
		{"referral return after the outcome", "POST", "/staff/referrals/" + ref + "/return", url.Values{"text": {"不属于本部门职责"}}, nil, want{login, no, no, no, clash, no, no}},
		{"follow-ups", "GET", "/staff/followups?state=open&kind=rectify", nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"follow-ups export", "GET", "/staff/followups/export", nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"follow-up settings", "POST", "/staff/followups/settings", url.Values{"answer_days": {"5"}, "outcome_days": {"30"}, "abnormal_days": {"10"}}, nil, want{login, see, no, no, no, no, no}},
		{"follow-up", "GET", "/staff/followups/" + fu, nil, nil, want{login, ok, ok, nf, nf, ok, ok}},
		{"follow-up recheck", "POST", "/staff/followups/" + fu + "/recheck", url.Values{"checked_on": {today}, "outcome": {"rectified"}}, nil, want{login, no, see, no, no, no, no}},
		{"punish flag", "POST", "/staff/entities/" + id(m.ent.ID) + "/punish", url.Values{"reason": {"严重违法失信"}}, nil, want{login, no, see, see, see, no, no}},
		{"punish clear", "POST", "/staff/punish/" + id(m.flag) + "/clear", url.Values{"reason": {"信用修复"}}, nil, want{login, no, see, no, no, no, no}},

		// Draws.
		{"staff draws", "GET", "/staff/draws", nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"draw announce form", "GET", "/staff/batches/" + batch + "/draw", nil, nil, want{login, clash, clash, no, no, no, no}},
		{"draw announce", "POST", "/staff/batches/" + batch + "/draw", url.Values{"public_value": {"福彩3D第2026100期"}}, nil, want{login, clash, clash, no, no, no, no}},
		{"staff draw", "GET", "/staff/draws/" + m.drawKey, nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"draw commit", "POST", "/staff/draws/" + m.openDraw + "/commit", url.Values{"party": {"SCJG"}, "commitment": {strings.Repeat("ab", 32)}}, nil, want{login, no, see, no, no, no, no}},
		// A reveal is refused for the phase before the party's rights are
		// looked at (the rights depend on the party); the phase is public.
		{"draw reveal before the commitments", "POST", "/staff/draws/" + m.openDraw + "/reveal", url.Values{"party": {"SCJG"}, "secret": {strings.Repeat("ab", 32)}}, nil, want{login, clash, clash, clash, clash, clash, clash}},
		{"draw public value before the reveals", "POST", "/staff/draws/" + m.openDraw + "/public-value", public, nil, want{login, clash, clash, no, no, no, no}},
		{"draw execute before the reveals", "POST", "/staff/draws/" + m.openDraw + "/execute", url.Values{}, nil, want{login, clash, clash, no, no, no, no}},
		{"draw abort", "POST", "/staff/draws/" + m.openDraw + "/abort", url.Values{"reason": {"公开值错误"}}, nil, want{login, see, see, no, no, no, no}},

		// Catalogue and joint lists.
		{"catalogue", "GET", "/staff/catalog", nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"catalogue create", "POST", "/staff/catalog", catForm, nil, want{login, see, see, no, no, no, no}},
		{"catalogue export", "GET", "/staff/catalog/export?format=csv", nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"catalogue edit form", "GET", "/staff/catalog/" + id(m.catItem) + "/edit", nil, nil, want{login, ok, ok, no, no, no, no}},
		{"catalogue update", "POST", "/staff/catalog/" + id(m.catItem), catUpdate, nil, want{login, see, see, no, no, no, no}},
		{"lists", "GET", "/staff/lists", nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"list create", "POST", "/staff/lists", url.Values{"industry": {"hotel"}, "lead": {lead}, "subject": {"住宿经营者"}, "frequency": {"1"},
			"ratio_A": {"1%"}, "ratio_B": {"2%"}, "ratio_C": {"10%"}, "ratio_D": {"30%"}}, nil, want{login, see, see, no, no, no, no}},
		{"lists export", "GET", "/staff/lists/export?format=csv", nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"list", "GET", "/staff/lists/" + list, nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"list diff", "GET", "/staff/lists/" + list + "/diff?from=1&to=2", nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"list new draft", "POST", "/staff/lists/" + list + "/versions", url.Values{"reason": {"再次调整"}}, nil, want{login, clash, clash, no, no, no, no}},
		{"version", "GET", "/staff/versions/" + draft, nil, nil, want{login, ok, ok, ok, ok, ok, ok}},
		{"version header", "POST", "/staff/versions/" + draft + "/header", header, nil, want{login, see, see, no, no, no, no}},
		{"version departments", "POST", "/staff/versions/" + draft + "/departments", url.Values{"co": {co}}, nil, want{login, see, see, no, no, no, no}},
		{"version lead part", "POST", "/staff/versions/" + draft + "/parts/" + lead, url.Values{"division": {"牵头"}, "item": {id(m.catItem)}}, nil, want{login, see, see, no, no, no, no}},
		{"version co part confirm", "POST", "/staff/versions/" + draft + "/parts/" + co + "/confirm", url.Values{}, nil, want{login, see, no, see, no, no, no}},
		{"version publish", "POST", "/staff/versions/" + draft + "/publish", url.Values{}, nil, want{login, see, no, no, no, no, no}},
		{"version discard", "POST", "/staff/versions/" + draft + "/discard", url.Values{}, nil, want{login, clash, see, no, no, no, no}},

		// Evaluation: dashboard, summaries, bulletins, cases, revisits.
		{"dashboard", "GET", "/staff/dashboard?year=2026&industry=catering", nil, nil, want{login, ok, ok, ok, ok, no, ok}},
		{"dashboard weights", "POST", "/staff/dashboard/weights", url.Values{"progress": {"1"}, "timely": {"2"}, "follow_up": {"1"}, "referrals": {"0"}}, nil, want{login, see, no, no, no, no, no}},
		{"calibration", "GET", "/staff/calibration?year=2026", nil, nil, want{login, ok, no, no, no, no, no}},
		{"summary", "GET", "/staff/summary?year=2026", nil, nil, want{login, ok, ok, ok, ok, no, ok}},
		{"summary xlsx", "GET", "/staff/summary/annual.xlsx?year=2026", nil, nil, want{login, ok, ok, ok, ok, no, ok}},
		{"summary file", "POST", "/staff/summary", url.Values{"year": {"2026"}, "text": {"年度总结"}}, nil, want{login, nf, see, see, see, no, no}},
		{"bulletins", "GET", "/staff/bulletins?year=2026", nil, nil, want{login, ok, ok, ok, ok, no, ok}},
		{"bulletin issue", "POST", "/staff/bulletins", url.Values{"year": {"2026"}, "title": {"通报"}, "deadline": {"2099-12-31"}}, nil, want{login, see, no, no, no, no, no}},
		{"bulletin respond missing", "POST", "/staff/bulletins/999/respond", url.Values{"response": {"已整改"}}, nil, want{login, nf, nf, nf, nf, no, no}},
		{"cases", "GET", "/staff/cases?year=2026", nil, nil, want{login, ok, ok, ok, ok, no, ok}},
		{"case submit", "POST", "/staff/cases", url.Values{"year": {"2026"}, "title": {"案例"}, "body": {"内容"}}, nil, want{login, bad, see, see, see, no, no}},
		{"case decide missing", "POST", "/staff/cases/999/decide", url.Values{"decision": {"publish"}}, nil, want{login, nf, no, no, no, no, no}},
		{"revisits", "GET", "/staff/revisits?year=2026", nil, nil, want{login, ok, no, no, no, no, ok}},
		// Visit 2 is closed (seedFollowUp), so there is a visit to revisit.
		{"revisits announce", "POST", "/staff/revisits", url.Values{"year": {"2026"}, "count": {"3"}, "public_value": {"福彩"},
			"secret": {strings.Repeat("ab", 32)}}, nil, want{login, see, no, no, no, no, see}},
		{"revisit draw missing", "POST", "/staff/revisits/999/draw", url.Values{"secret": {"ab"}}, nil, want{login, nf, no, no, no, no, nf}},
		{"revisit record missing", "POST", "/staff/revisits/999/record", url.Values{"outcome": {"consistent"}}, nil, want{login, bad, no, no, no, no, bad}},
		{"revisit bundle missing", "GET", "/staff/revisits/999/bundle.json", nil, nil, want{login, nf, no, no, no, no, nf}},

		// Logging out ends the session: last.
		{"logout", "POST", "/logout", url.Values{}, nil, every(login)},
	}
}

// actionRoutes are the actions each {action} pattern accepts; every one
// must have its row, and any other action is a 404.
var actionRoutes = map[string][]string{
	"POST /staff/plans/{id}/{action}":       {"file", "reopen", "publish"},
	"POST /staff/tasks/{id}/{action}":       {"submit", "return", "withdraw"},
	"POST /staff/adjustments/{id}/{action}": {"accept", "return"},
	"POST /staff/batches/{id}/{action}":     {"dispatch", "advance"},
	"POST /staff/parts/{id}/{action}":       {"sign", "reopen", "publish"},
	"POST /staff/draws/{key}/{action}":      {"commit", "reveal", "public-value", "execute", "abort"},
	"POST /staff/referrals/{id}/{action}":   {"receive", "accept", "return", "outcome"},
}

// TestRouteRoleMatrix is the role × action matrix of the web face: every
// registered route, requested as anonymous, as each role and as a user of
// the department that does not own the records, must answer as its row
// says: allowed, sent to the login page, or refused (403/404) — and never
// 500. Writes are same-origin form posts, so that a refusal is about
// rights, not cross-origin protection. A route without a row fails the
// test.
//
// After each user's pass over every route, the transparency log's monitor
// checks that no published record was changed through any of them.
func TestRouteRoleMatrix(t *testing.T) {
	probe := newMatrixWorld(t)
	rows := probe.rows(t)
	mux := probe.e.srv.routes()

	// Every registered route has a row: ask the router which pattern
	// serves each row's request.
	covered := map[string][]string{}
	for _, rt := range rows {
		req := httptest.NewRequest(rt.method, rt.path, nil)
		_, pattern := mux.Handler(req)
		if pattern == "" {
			t.Errorf("row %q (%s %s) reaches no route", rt.name, rt.method, rt.path)
		}
		covered[pattern] = append(covered[pattern], rt.path)
	}
	for _, p := range mux.patterns {
		if p == "/api/v1/" {
			continue // the API has its own matrix (internal/api TestRoleActionMatrix)
		}
		if len(covered[p]) == 0 {
			t.Errorf("route %q has no row in the role × action matrix: add one to matrixWorld.rows in internal/web/routes_test.go "+
				"stating for anonymous, office, department (own), department (other), a third department, inspector and discipline whether the request is "+
				"allowed (ok/see), sent to login (login) or refused (no/nf), seeding in newMatrixWorld what it acts on", p)
		}
		if acts, ok := actionRoutes[p]; ok {
			for _, a := range acts {
				if !slices.ContainsFunc(covered[p], func(path string) bool { return strings.HasSuffix(path, "/"+a) }) {
					t.Errorf("action %q of %q has no row in the role × action matrix (routes_test.go)", a, p)
				}
			}
		} else if strings.Contains(p, "{action}") {
			t.Errorf("route %q takes an {action}: list its actions in actionRoutes (routes_test.go) and give each a row", p)
		}
	}

	for i, u := range matrixUsers {
		t.Run(u.name, func(t *testing.T) {
			m := probe
			if i > 0 {
				m = newMatrixWorld(t) // afresh: the previous column's writes changed the records
			}
			e := m.e
			c := e.client()
			if u.username != "" {
				c = e.login(t, u.username)
			}
			for _, rt := range m.rows(t) {
				var r response
				switch {
				case rt.file != nil:
					var fields []string
					for k, vs := range rt.form {
						fields = append(fields, k, vs[0])
					}
					r = e.upload(c, rt.path, "upload.csv", rt.file, fields...)
				case rt.method == "POST":
					r = e.post(c, rt.path, rt.form, "Origin", e.ts.URL, "Sec-Fetch-Site", "same-origin")
				default:
					r = e.get(c, rt.path)
				}
				want := u.pick(rt.want)
				loc := r.Header.Get("Location")
				toLogin := r.Status == see && strings.HasPrefix(loc, "/login")
				switch {
				case want == login && !toLogin:
					t.Errorf("%s (%s %s) as %s: %d %s, want the login redirect", rt.name, rt.method, rt.path, u.name, r.Status, loc)
				case want != login && r.Status != want:
					t.Errorf("%s (%s %s) as %s: status %d, want %d\n%.400s", rt.name, rt.method, rt.path, u.name, r.Status, want, r.Body)
				case want == see && toLogin && rt.path != "/logout":
					t.Errorf("%s (%s %s) as %s: sent to login, want allowed", rt.name, rt.method, rt.path, u.name)
				}
			}
			// Whatever every route did as this user, no published record
			// changed: the monitor rebuilds each logged record from the
			// tables and compares.
			rep, err := e.store.LogMonitor(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if rep.Checked == 0 || len(rep.Problems) > 0 {
				t.Errorf("after every route as %s the log monitor checked %d records and found %+v", u.name, rep.Checked, rep.Problems)
			}
		})
	}
}

// TestUnknownActionIsNotFound checks that the {action} patterns know no
// action beyond actionRoutes.
func TestUnknownActionIsNotFound(t *testing.T) {
	e := newEnv(t)
	office := e.login(t, "office")
	for p := range actionRoutes {
		path := strings.NewReplacer("POST ", "", "{id}", "1", "{key}", "k", "{action}", "nothing").Replace(p)
		if r := e.post(office, path, url.Values{}); r.Status != nf {
			t.Errorf("POST %s: status %d, want 404", path, r.Status)
		}
	}
}
