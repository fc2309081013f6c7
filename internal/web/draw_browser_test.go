package web

import (
	"context"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/draw"
)

// confirmYes answers yes to the page's confirmation (data-confirm) before
// a destructive action; the test checks that the form asks at all.
func confirmYes() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](`window.confirm = function () { return true; }; true`)(ctx, tg)
		return err
	})
}

// TestBrowserDrawToDispatch is issue 5's path in a real browser: the lead
// department announces the draw from a batch; its liaison commits a secret
// generated in the browser, the fire brigade's liaison (from the inbox
// notice) a typed one; both reveal; two users enter the public value; the
// draw is executed, the batch's selection appears and dispatch creates the
// visits; the public page shows the result, and the bundle downloaded from
// it verifies with the Go verifier.
func TestBrowserDrawToDispatch(t *testing.T) {
	e := newEnv(t)
	task := drawTask(t, e)
	// Four users each log in and act: on a loaded machine this takes
	// longer than one page.
	ctx := browserWithin(t, 5*time.Minute)
	dir := artifacts(t)
	base := e.ts.URL
	taskURL := base + "/staff/tasks/" + idString(task.ID)
	const phrase = "消防大队联络员二〇二六年的秘密短语"
	var asks chromedp.AttributeResult
	var drawURL, secret, commitment, typedCommitment, state, result, taskBatches, public, bundle, handed string
	// leave logs out from a settled page: a click on the logout button
	// while the previous form's answer is still loading can be lost.
	leave := func() chromedp.Action[chromedp.Void] {
		return chromedp.Steps(chromedp.Navigate(base+"/staff/inbox"), chromedp.WaitVisible(css(`form[action="/logout"] button`)), logOut())
	}
	// stage runs one user's part of the story; a failure names it.
	stage := func(name string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("browser, %s: %v", name, err)
		}
	}
	stage("announce and commit a generated secret",
		logIn(base, "scjg"),
		chromedp.Navigate(taskURL),
		chromedp.WaitVisible(css(`#draw-batch-1`)),
		reloaded(chromedp.Click(css(`#draw-batch-1`)), `#announce-form`),
		shot(t, dir, "draw-announce-preview"),
		into(chromedp.AttributeValue(css(`#announce-form`), "data-confirm"), &asks),
		chromedp.SendKeys(css(`#public_value`), "中国福利彩票双色球第2026040期开奖号码"),
		confirmYes(),
		reloaded(chromedp.Click(css(`#announce`)), `#commit-form`),
		into(chromedp.Location(), &drawURL),
		chromedp.Click(css(`#generate-secret`)),
		into(chromedp.Value(css(`#secret`)), &secret),
		into(chromedp.Value(css(`#commitment`)), &commitment),
		shot(t, dir, "draw-commit-generated"),
		confirmYes(),
		reloaded(chromedp.Click(css(`#commit`)), `#my-status`),
		leave(),
	)
	drawURL, _, _ = strings.Cut(drawURL, "?")
	key := drawURL[strings.LastIndex(drawURL, "/")+1:]
	publicURL := base + "/draws/" + key + "?lang=zh-CN"
	stage("commit and reveal a typed secret from the inbox",
		logIn(base, "xfjy"),
		chromedp.Navigate(base+"/staff/inbox"),
		chromedp.WaitVisible(css(`#notices`)),
		reloaded(chromedp.Click(css(`#notices li:has(input[value^="/staff/draws/"]) button`)), `#commit-form`),
		chromedp.SendKeys(css(`#secret-typed`), phrase),
		into(chromedp.Value(css(`#commitment`)), &typedCommitment),
		confirmYes(),
		reloaded(chromedp.Click(css(`#commit`)), `#reveal-form`),
		chromedp.SendKeys(css(`#reveal-typed`), phrase),
		reloaded(chromedp.Click(css(`#reveal`)), `#my-status`),
		leave(),
	)
	stage("reveal the generated secret, first entry of the public value",
		logIn(base, "scjg"),
		chromedp.Navigate(drawURL),
		chromedp.WaitVisible(css(`#reveal-form`)),
		chromedp.SendKeys(css(`#reveal-secret`), secret),
		reloaded(chromedp.Click(css(`#reveal`)), `#public-value`),
		chromedp.SendKeys(css(`#public-value`), "03 07 12 19 25 31\n09"),
		reloaded(chromedp.Click(css(`#enter-public-value`)), `#public-pending`),
		leave(),
	)
	stage("second entry, execute, dispatch",
		logIn(base, "office"),
		chromedp.Navigate(drawURL),
		chromedp.WaitVisible(css(`#public-value`)),
		chromedp.SendKeys(css(`#public-value`), "3 7 12 19 25 31\n9"),
		reloaded(chromedp.Click(css(`#enter-public-value`)), `#execute`),
		confirmYes(),
		reloaded(chromedp.Click(css(`#execute`)), `#draw-result`),
		into(chromedp.Text(css(`#draw-state`)), &state),
		into(chromedp.Text(css(`#handed-over`)), &handed),
		shot(t, dir, "draw-executed"),
		reloaded(chromedp.Click(css(`#dispatch`)), `#batches`),
		into(chromedp.Text(css(`#batches tbody tr:first-child`)), &taskBatches),
	)
	stage("public page and bundle",
		chromedp.Navigate(publicURL),
		chromedp.WaitVisible(css(`#draw-result`)),
		into(chromedp.Text(css(`#draw-result`)), &result),
		into(chromedp.Text(css(`#draw-entropy`)), &public),
		shot(t, dir, "draw-public"),
		into(chromedp.Evaluate[string](`fetch(document.querySelector('a[href$="/bundle.json"]').href).then(r => r.text())`, chromedp.EvalAwaitPromise), &bundle),
	)
	if !asks.Exists || asks.Value == "" {
		t.Error("the announce form does not ask for confirmation")
	}
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(secret) || !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(commitment) {
		t.Fatalf("generated secret %q, commitment %q", secret, commitment)
	}
	d, err := e.store.GetDraw(t.Context(), key)
	if err != nil {
		t.Fatal(err)
	}
	// The browser's SHA-256 agrees with the platform's.
	sec := mustHex(t, secret)
	if want := draw.Commitment(d.AnnouncementHash, "SCJG", sec); commitment != want || d.Parties[0].Commitment != want {
		t.Errorf("browser commitment %s, platform %s, stored %s", commitment, want, d.Parties[0].Commitment)
	}
	if want := draw.Commitment(d.AnnouncementHash, "XFJY", []byte(phrase)); typedCommitment != want {
		t.Errorf("typed commitment %s, platform %s", typedCommitment, want)
	}
	if state != "已执行" || handed == "" || handed == "0" {
		t.Errorf("executed page: state %q, handed over %q", state, handed)
	}
	got, err := e.store.GetTask(t.Context(), domain.System, task.ID)
	if err != nil {
		t.Fatal(err)
	}
	b := got.Batches[0]
	if b.State != domain.StateDispatched || b.Selected == 0 || b.Visits != b.Selected || !strings.Contains(taskBatches, "已分发") {
		t.Errorf("batch after dispatch: %+v; row %q", b, taskBatches)
	}
	if !strings.Contains(result, d.Result.Seed) || !strings.Contains(public, secret) || !strings.Contains(public, "3.7.12.19.25.31./9./") {
		t.Errorf("public page lacks the seed, the reveal or the public value:\n%s\n%s", result, public)
	}
	bd, err := draw.ReadBundle(strings.NewReader(bundle))
	if err != nil {
		t.Fatalf("downloaded bundle: %v", err)
	}
	rep, err := draw.Verify(bd, nil)
	if err != nil || !rep.OK() || rep.Seed != d.Result.Seed {
		t.Fatalf("downloaded bundle does not verify: %v %+v", err, rep)
	}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
