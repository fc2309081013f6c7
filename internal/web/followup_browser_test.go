package web

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// The referral's steps, for the logged-in user of each side.

// referFinding sends a visit's finding to department to, from the visit
// page, and waits for the referral's page.
func referFinding(base string, visit, to int64, text string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(base+"/staff/visits/"+idString(visit)),
		chromedp.WaitVisible(css(`#refer-link`)),
		reloaded(chromedp.Click(css(`#refer-link`)), `#referral-form`),
		chromedp.SetValue(css(`#to`), idString(to)),
		chromedp.SendKeys(css(`#text`), text),
		reloaded(chromedp.Click(css(`#send-referral`)), `#referral-state`),
	)
}

// acceptFromInbox opens the referral from the receiving department's
// inbox, acknowledges and accepts it, and reads its state into state.
func acceptFromInbox(base string, state *string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(base+"/staff/inbox?lang=zh-CN"),
		chromedp.WaitVisible(css(`#notices`)),
		reloaded(chromedp.Click(css(`#notices button.link`)), `#referral-receive`),
		acceptConfirms,
		reloaded(chromedp.Click(css(`#referral-receive`)), `#referral-accept`),
		acceptConfirms,
		reloaded(chromedp.Click(css(`#referral-accept`)), `#referral-report`),
		into(chromedp.Text(css(`#referral-state`)), state),
	)
}

// sentReferralState reads the state of the first referral in the
// sender's sent tab.
func sentReferralState(base string, state *string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(base+"/staff/referrals?box=sent&lang=zh-CN"),
		chromedp.WaitVisible(css(`#referral-table a`)),
		reloaded(chromedp.Click(css(`#referral-table a`)), `#referral-state`),
		into(chromedp.Text(css(`#referral-state`)), state),
	)
}

// TestBrowserReferral is the referral of issue 6 in a real browser, built
// from the inspection story's steps: two departments' inspectors complete
// their parts of a joint visit with a photo; the lead department closes it
// with 发现问题已责令改正 (which opens the rectification's follow-up) and
// refers the finding, with the photo, to a third department that takes no
// part in the visit; that department opens it from its inbox,
// acknowledges and accepts it; the sender finds it 已受理 in its sent
// tab; once published, the public sees where the finding went.
func TestBrowserReferral(t *testing.T) {
	e, w, _ := inspectEnv(t)
	ctx := t.Context()
	third := &domain.Department{Code: "ZHZF", Name: "垣曲县综合行政执法局", ShortName: "综合执法局"}
	if err := e.store.SaveDepartment(ctx, domain.System, third); err != nil {
		t.Fatal(err)
	}
	e.addUser("zhzf", domain.RoleDepartment, third.ID)
	v := w.Visits[0]
	in, err := e.store.Inspection(ctx, e.fx.Office, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	lead, co := in.Parts[0], in.Parts[1]
	photo := filepath.Join(t.TempDir(), "后厨.png")
	if err := os.WriteFile(photo, testPNG(t, 16), 0o644); err != nil {
		t.Fatal(err)
	}
	due := time.Now().AddDate(0, 0, 15).Format("2006-01-02")
	bctx := browserWithin(t, 5*time.Minute)
	dir := artifacts(t)
	base := e.ts.URL
	visit := "/staff/visits/" + idString(v.ID)
	var followUp, received, sender, business string
	err = chromedp.Do(bctx,
		inspectPart(base, "visit-insp0", v.ID, lead, map[int64]string{lead.Items[0].ItemID: "《中华人民共和国食品安全法》第三十三条"}, photo),
		inspectPart(base, "visit-insp1", v.ID, co, nil, photo),
		closeRecord(base, "scjg", v.ID, domain.CatRectified, domain.DispRectify, due, "责令十五日内整改后厨防蝇防鼠设施，逾期复查"),

		// The lead refers the finding from the visit page.
		staffIn(base, "scjg"),
		chromedp.Navigate(base+visit),
		chromedp.WaitVisible(css(`#refer-link`)),
		into(chromedp.Text(css(`#followup`)), &followUp),
		referFinding(base, v.ID, third.ID, "后厨卫生问题涉及贵部门职责，请依法处理"),
		shot(t, dir, "referral-sent"),
		staffOut(),

		// The third department: from its inbox to the referral, receipt,
		// acceptance.
		staffIn(base, "zhzf"),
		acceptFromInbox(base, &received),
		shot(t, dir, "referral-accepted"),
		staffOut(),

		// The sender sees it accepted.
		staffIn(base, "scjg"),
		sentReferralState(base, &sender),
		staffOut(),
		publishPart(base, "scjg", v.ID, lead.ID),

		chromedp.Navigate(base+"/entity/"+v.EntityCode+"?lang=zh-CN"),
		chromedp.WaitVisible(css(`#inspections`)),
		into(chromedp.Text(css(`#inspections`)), &business),
		shot(t, dir, "referral-public"),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	if !strings.Contains(followUp, "责令改正（复查）") || !strings.Contains(followUp, "办理中") {
		t.Errorf("visit page's follow-up section = %q, want the open rectification", followUp)
	}
	if received != "已受理" || sender != "已受理" {
		t.Errorf("after acceptance: receiver sees %q, sender %q, want 已受理", received, sender)
	}
	for _, want := range []string{"抄告相关部门：" + third.Name + "，已受理", "责令改正，待复查"} {
		if !strings.Contains(business, want) {
			t.Errorf("public page lacks %q:\n%s", want, business)
		}
	}
	refs, err := e.store.ListReferrals(ctx, e.fx.Office, domain.ReferralFilter{VisitID: v.ID})
	if err != nil || len(refs.Items) != 1 {
		t.Fatalf("referrals = %+v, %v", refs, err)
	}
	r, err := e.store.GetReferral(ctx, e.fx.Office, refs.Items[0].ID)
	if err != nil || r.State != domain.RefAccepted || r.ToDeptID != third.ID || len(r.Attachments) != 1 || r.Attachments[0].PartID != lead.ID {
		t.Errorf("referral = %+v, %v, want accepted by the third department with the lead's photo linked", r, err)
	}
}
