package web

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// TestFollowUpPages walks what follows two closed visits through the web:
// the closure's disposal offers the referral, the receiving department
// (party to no visit) finds it in its inbox and its received tab, opens
// the evidence, sees it flagged overdue after the deadline, acknowledges,
// accepts and reports the outcome, which the sender sees; the listing's
// filters and XLSX export; the rectification follow-up's re-check; a
// joint-punishment flag seen by another department; the public page's
// status.
func TestFollowUpPages(t *testing.T) {
	e, w, _ := inspectEnv(t)
	ctx := t.Context()
	third := &domain.Department{Code: "ZHZF", Name: "垣曲县综合行政执法局", ShortName: "综合执法局"}
	if err := e.store.SaveDepartment(ctx, domain.System, third); err != nil {
		t.Fatal(err)
	}
	e.addUser("zhzf", domain.RoleDepartment, third.ID)
	cst := time.FixedZone("CST", 8*3600)
	defer e.store.Backdate(time.Date(2026, 5, 11, 10, 0, 0, 0, cst))()
	v := w.Visits[0]
	visit := "/staff/visits/" + idString(v.ID)
	in, err := e.store.Inspection(ctx, e.fx.Office, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	insp := e.login(t, "visit-insp0")
	if r := e.uploadEvidence(insp, "/staff/parts/"+idString(in.Parts[0].ID)+"/attachments", idString(v.ID), "后厨.png", testPNG(t, 4)); r.Status != 303 {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	w.Complete(t, e.store, 0, true)
	r := e.post(insp, visit+"/close", url.Values{"category": {"pending_disposal"}, "disposal": {"referral"}, "disposal_text": {"问题属其他部门职责，抄告相关部门"}})
	if r.Status != 303 {
		t.Fatalf("close: %d %s", r.Status, r.Body)
	}
	scjg := e.login(t, "scjg")
	r = e.get(scjg, visit+"?lang=zh-CN")
	if !strings.Contains(r.Body, `id="refer-offer"`) || !strings.Contains(r.Body, "处置方式为“抄告相关部门”，尚未抄告、移交") {
		t.Fatalf("visit page of a closure with 抄告相关部门 does not offer the referral")
	}
	r = e.get(scjg, "/staff/referrals/new?visit="+idString(v.ID)+"&kind=notify&lang=zh-CN")
	if r.Status != 200 || !strings.Contains(r.Body, "后厨未设置防鼠设施") || !strings.Contains(r.Body, "后厨.png") || !strings.Contains(r.Body, "checked> 后厨.png") {
		t.Fatalf("referral form: %d, want the finding and its evidence checked", r.Status)
	}
	in, _ = e.store.Inspection(ctx, e.fx.Office, v.ID)
	lead := in.Parts[0]
	form := url.Values{"finding": {idString(lead.ID) + ":" + idString(lead.Items[0].ItemID)}, "kind": {"notify"}, "to": {idString(third.ID)},
		"text": {"后厨卫生问题涉及贵部门职责"}, "attachment": {idString(in.Attachments[0].ID)}}
	bad := url.Values{"finding": form["finding"], "kind": {"notify"}, "to": {idString(e.fx.Dept.ID)}, "text": {""}}
	if r = e.post(scjg, "/staff/referrals", bad, "Accept-Language", "zh-CN"); r.Status != 422 || !strings.Contains(r.Body, "抄告/移交说明") {
		t.Errorf("referral without statement: %d", r.Status)
	}
	bad.Set("text", "请处理")
	if r = e.post(scjg, "/staff/referrals", bad, "Accept-Language", "zh-CN"); r.Status != 422 || !strings.Contains(r.Body, "不能抄告、移交给本部门") {
		t.Errorf("referral to itself: %d", r.Status)
	}
	r = e.post(scjg, "/staff/referrals", form)
	if r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/staff/referrals/") {
		t.Fatalf("send: %d %s", r.Status, r.Body)
	}
	ref := strings.TrimSuffix(strings.TrimPrefix(r.Header.Get("Location"), "/staff/referrals/"), "?done=sent")
	if r = e.get(scjg, visit+"?lang=zh-CN"); strings.Contains(r.Body, `id="refer-offer"`) || !strings.Contains(r.Body, `id="visit-referrals"`) {
		t.Errorf("after the referral the visit page still offers it, or does not list it")
	}

	// The receiver: inbox, received tab, evidence, overdue after 5 working days.
	zhzf := e.login(t, "zhzf")
	if r = e.get(zhzf, "/staff/inbox?lang=zh-CN"); !strings.Contains(r.Body, "检查发现问题已抄告/移交本部门，请于 2026-05-18 前签收") {
		t.Errorf("receiver's inbox lacks the referral with its deadline")
	}
	if r = e.get(zhzf, "/staff/referrals?box=received&lang=zh-CN"); !strings.Contains(r.Body, v.EntityName) || !strings.Contains(r.Body, "待签收") {
		t.Errorf("received tab lacks the referral")
	}
	if r = e.get(zhzf, "/staff/attachments/"+idString(in.Attachments[0].ID)); r.Status != 200 || r.Body != string(testPNG(t, 4)) {
		t.Errorf("receiver opens the evidence: %d", r.Status)
	}
	if r = e.get(e.login(t, "xfjy"), "/staff/referrals/"+ref); r.Status != 404 {
		t.Errorf("a department party to neither side reads the referral: %d", r.Status)
	}
	// Sessions live by the store's clock: log in again after moving it.
	restore := e.store.Backdate(time.Date(2026, 5, 19, 10, 0, 0, 0, cst))
	zhzf, scjg = e.login(t, "zhzf"), e.login(t, "scjg")
	r = e.get(zhzf, "/staff/inbox?lang=zh-CN")
	if !strings.Contains(r.Body, `id="referrals-overdue"`) || !strings.Contains(r.Body, "已超过期限（2026-05-18）") {
		t.Errorf("receiver's inbox after the deadline lacks the overdue flag and notice")
	}
	if r = e.get(zhzf, "/staff/referrals?box=received&overdue=1&lang=zh-CN"); !strings.Contains(r.Body, `class="overdue"`) || !strings.Contains(r.Body, `id="referrals-overdue"`) {
		t.Errorf("overdue filter lacks the flagged row and the badge")
	}
	if r = e.get(scjg, "/staff/referrals?box=received&overdue=1&lang=zh-CN"); strings.Contains(r.Body, v.EntityName) {
		t.Errorf("the sender's received tab lists the referral it sent")
	}
	restore()
	zhzf, scjg = e.login(t, "zhzf"), e.login(t, "scjg")
	if r = e.post(zhzf, "/staff/referrals/"+ref+"/accept", url.Values{}, "Accept-Language", "zh-CN"); r.Status != 409 || !strings.Contains(r.Body, "请先签收") {
		t.Errorf("accept before receipt: %d", r.Status)
	}
	if r = e.post(scjg, "/staff/referrals/"+ref+"/receive", url.Values{}); r.Status != 403 {
		t.Errorf("the sender acknowledges: %d", r.Status)
	}
	for _, step := range []string{"receive", "accept"} {
		if r = e.post(zhzf, "/staff/referrals/"+ref+"/"+step, url.Values{}); r.Status != 303 {
			t.Fatalf("%s: %d %s", step, r.Status, r.Body)
		}
	}
	if r = e.get(scjg, "/staff/referrals/"+ref+"?lang=zh-CN"); !strings.Contains(r.Body, `id="referral-state">已受理`) {
		t.Errorf("the sender does not see 已受理")
	}
	if r = e.post(zhzf, "/staff/referrals/"+ref+"/outcome", url.Values{"text": {"已责令停业整顿"}}); r.Status != 303 {
		t.Fatalf("outcome: %d", r.Status)
	}
	if r = e.get(scjg, "/staff/referrals?box=sent&state=done&q="+url.QueryEscape(v.EntityName)+"&lang=zh-CN"); !strings.Contains(r.Body, "已办结") {
		t.Errorf("sent tab filtered by state and name lacks the done referral")
	}
	if r = e.get(scjg, "/staff/referrals?box=sent&state=returned&lang=zh-CN"); strings.Contains(r.Body, `id="referral-table"`) {
		t.Errorf("the returned filter lists a referral that was not returned")
	}
	r = e.get(scjg, "/staff/referrals/export?box=sent&lang=zh-CN")
	if r.Status != 200 || r.Header.Get("Content-Type") != xlsxType {
		t.Fatalf("export: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	x, err := excelize.OpenReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows(x.GetSheetName(0))
	x.Close()
	if err != nil || len(rows) != 2 || rows[0][1] != "统一社会信用代码" || rows[1][1] != v.EntityCode || rows[1][5] != third.Name || rows[1][12] != "已责令停业整顿" {
		t.Errorf("export rows = %q, %v", rows, err)
	}

	// A joint-punishment flag, set by the lead, seen by the co-department
	// on the visit page and the business page; cleared with a reason.
	if r = e.post(scjg, "/staff/entities/"+idString(v.EntityID)+"/punish", url.Values{"reason": {"拒不整改，列入联合惩戒"}, "next": {visit}}); r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), visit) {
		t.Fatalf("flag: %d %s", r.Status, r.Header.Get("Location"))
	}
	xfjy := e.login(t, "xfjy")
	for _, p := range []string{visit, "/staff/entities/" + idString(v.EntityID)} {
		if r = e.get(xfjy, p+"?lang=zh-CN"); !strings.Contains(r.Body, "拒不整改，列入联合惩戒") || !strings.Contains(r.Body, "惩戒中") {
			t.Errorf("%s as the co-department lacks the flag", p)
		}
	}
	flags, _ := e.store.PunishFlags(ctx, e.fx.Office, v.EntityID)
	if r = e.post(xfjy, "/staff/punish/"+idString(flags[0].ID)+"/clear", url.Values{"reason": {"信用修复"}}); r.Status != 403 {
		t.Errorf("another department clears the flag: %d", r.Status)
	}

	// The public page shows where the finding went and where it is.
	if _, err := e.store.PublishPart(ctx, e.fx.DeptStaff, lead.ID); err != nil {
		t.Fatal(err)
	}
	if r = e.get(e.client(), "/entity/"+v.EntityCode+"?lang=zh-CN"); !strings.Contains(r.Body, "抄告相关部门："+third.Name+"，已办结") {
		t.Errorf("public page lacks the referral's status")
	}
}

// TestFollowUpRecheckPage closes a visit with 责令改正 through the web and
// records the re-check: the follow-up is listed, overdue after its
// deadline, closed once rectified, and the public page says so.
func TestFollowUpRecheckPage(t *testing.T) {
	e, w, _ := inspectEnv(t)
	ctx := t.Context()
	cst := time.FixedZone("CST", 8*3600)
	defer e.store.Backdate(time.Date(2026, 5, 11, 10, 0, 0, 0, cst))()
	v := w.Visits[0]
	w.Complete(t, e.store, 0, true)
	insp := e.login(t, "visit-insp0")
	if r := e.post(insp, "/staff/visits/"+idString(v.ID)+"/close", url.Values{"category": {"ordered_rectify"}, "disposal": {"rectify"},
		"rectify_due": {"2026-05-25"}, "disposal_text": {"责令于5月25日前整改"}}); r.Status != 303 {
		t.Fatalf("close: %d %s", r.Status, r.Body)
	}
	scjg := e.login(t, "scjg")
	r := e.get(scjg, "/staff/followups?lang=zh-CN")
	if !strings.Contains(r.Body, v.EntityName) || !strings.Contains(r.Body, "责令改正（复查）") || !strings.Contains(r.Body, "2026-05-25") {
		t.Fatalf("follow-up list lacks the rectification due 2026-05-25")
	}
	l, err := e.store.ListFollowUps(ctx, e.fx.Office, domain.FollowUpFilter{VisitID: v.ID})
	if err != nil || len(l.Items) != 1 {
		t.Fatalf("follow-ups = %+v, %v", l, err)
	}
	page := "/staff/followups/" + idString(l.Items[0].ID)
	// Sessions live by the store's clock: log in again after moving it.
	restore := e.store.Backdate(time.Date(2026, 5, 26, 10, 0, 0, 0, cst))
	scjg = e.login(t, "scjg")
	if r = e.get(scjg, "/staff/followups?overdue=1&lang=zh-CN"); !strings.Contains(r.Body, `class="overdue"`) {
		t.Errorf("follow-up past its deadline not flagged")
	}
	if r = e.get(scjg, "/staff/inbox?lang=zh-CN"); !strings.Contains(r.Body, "后续处置已超过期限（2026-05-25）") {
		t.Errorf("owner's inbox lacks the overdue follow-up")
	}
	if r = e.post(e.login(t, "xfjy"), page+"/recheck", url.Values{"checked_on": {"2026-05-26"}, "outcome": {"rectified"}}); r.Status != 404 && r.Status != 403 {
		t.Errorf("co-department records the re-check: %d", r.Status)
	}
	if r = e.post(scjg, page+"/recheck", url.Values{"checked_on": {"2026-05-26"}, "outcome": {"not_rectified"}}, "Accept-Language", "zh-CN"); r.Status != 422 || !strings.Contains(r.Body, "移送立案理由") {
		t.Errorf("escalation without reason: %d", r.Status)
	}
	if r = e.post(scjg, page+"/recheck", url.Values{"checked_on": {"2026-05-26"}, "outcome": {"rectified"}, "note": {"已安装防鼠设施"}}); r.Status != 303 {
		t.Fatalf("recheck: %d %s", r.Status, r.Body)
	}
	restore()
	scjg = e.login(t, "scjg")
	if r = e.get(scjg, page+"?lang=zh-CN"); !strings.Contains(r.Body, `id="followup-state">已办结`) || !strings.Contains(r.Body, "已整改") || strings.Contains(r.Body, `id="recheck-form"`) {
		t.Errorf("closed follow-up page: state, outcome or a leftover form")
	}
	in, _ := e.store.Inspection(ctx, e.fx.Office, v.ID)
	if _, err := e.store.PublishPart(ctx, e.fx.DeptStaff, in.Parts[0].ID); err != nil {
		t.Fatal(err)
	}
	if r = e.get(e.client(), "/entity/"+v.EntityCode+"?lang=zh-CN"); !strings.Contains(r.Body, "复查：已整改") {
		t.Errorf("public page lacks the follow-up status")
	}
}
