package web

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// css selects by CSS selector.
func css(s string) chromedp.CSS { return chromedp.CSS(s) }

// chromiumPath is Debian's Chromium, which CI installs.
const chromiumPath = "/usr/bin/chromium"

// browser starts a headless Chromium with a fresh profile. Without a
// browser the test is skipped, unless YIYEYICHA_REQUIRE_BROWSER=1 (CI),
// where a missing browser is a failure.
func browser(t *testing.T) context.Context {
	t.Helper()
	return browserWithin(t, 90*time.Second)
}

// browserWithin is browser with a time limit for the whole session, for
// stories longer than the usual page or two.
func browserWithin(t *testing.T, limit time.Duration) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		msg := fmt.Sprintf("Chromium not found at %s (apt-get install chromium): browser test skipped", chromiumPath)
		if os.Getenv("YIYEYICHA_REQUIRE_BROWSER") == "1" {
			t.Fatal(msg + ", but YIYEYICHA_REQUIRE_BROWSER=1")
		}
		t.Skip(msg)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-sync", true),
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelB(); cancelA() })
	// The first run starts the browser; it must not carry the timeout,
	// which would stop the browser itself.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	ctx, cancelC := context.WithTimeout(ctx, limit)
	t.Cleanup(cancelC)
	return ctx
}

// into runs a value-returning action as a step and stores its value.
func into[T any](a chromedp.Action[T], dst *T) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		v, err := a(ctx, t)
		*dst = v
		return chromedp.Void{}, err
	}
}

// reloaded runs act, which submits a form or follows a link, then waits
// until a new document has replaced the current one and shows sel. Waiting
// for sel alone is not enough where the old page shows it too (the notice
// of the previous save): on a loaded machine the next step would then act
// on a page that is about to go away, and its click would be lost.
func reloaded(act chromedp.Action[chromedp.Void], sel string) chromedp.Action[chromedp.Void] {
	fresh := `!window.yyStale && document.readyState !== "loading" && document.querySelector(` + strconv.Quote(sel) + `) !== null`
	return chromedp.Steps(
		chromedp.Evaluate[chromedp.Void](`window.yyStale = true; undefined`),
		act,
		// While the old document goes away an evaluation may fail (its
		// context is destroyed); that is part of waiting, not an error.
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			for {
				if ok, err := chromedp.Evaluate[bool](fresh)(ctx, tg); err == nil && ok {
					return nil
				}
				select {
				case <-ctx.Done():
					return fmt.Errorf("waiting for a new page showing %s: %w", sel, ctx.Err())
				case <-time.After(50 * time.Millisecond):
				}
			}
		}),
		chromedp.WaitVisible(css(sel)),
	)
}

// artifacts is where screenshots go: $YIYEYICHA_ARTIFACTS if set, else a
// temporary directory of the test.
func artifacts(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("YIYEYICHA_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// shot saves a full-page PNG screenshot.
func shot(t *testing.T, dir, name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		buf, err := chromedp.FullScreenshot(100)(ctx, tg)
		if err != nil {
			return err
		}
		p := filepath.Join(dir, name+".png")
		t.Logf("screenshot %s", p)
		return os.WriteFile(p, buf, 0o644)
	})
}

// view saves a screenshot of the visible part of the page only.
func view(t *testing.T, dir, name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		buf, err := chromedp.CaptureScreenshot()(ctx, tg)
		if err != nil {
			return err
		}
		p := filepath.Join(dir, name+".png")
		t.Logf("screenshot %s", p)
		return os.WriteFile(p, buf, 0o644)
	})
}

// csvFile writes an entity import file with the given data rows.
func csvFile(t *testing.T, dir, name string, rows ...string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	content := "统一社会信用代码,名称,行业,乡镇,住所,信用风险分类\n" + strings.Join(rows, "\n") + "\n"
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBrowserImportAndSearch is the newcomer's path in a real browser: log
// in, try a file over the size limit, import a file with a bad row, read
// the error table, import the fixed file, then find and open the business
// in the staff directory and on the public portal.
func TestBrowserImportAndSearch(t *testing.T) {
	e := newEnv(t)
	ctx := browser(t)
	dir := artifacts(t)
	files := t.TempDir()
	good1, good2 := code(t, 101), code(t, 102)
	bad := good2[:17] + string(wrongCheck(good2[17]))
	badFile := csvFile(t, files, "entities-bad.csv",
		good1+",垣曲县舜乡饭店有限公司,餐饮服务,新城镇,新城镇舜乡路 8 号,B",
		bad+",垣曲县历山宾馆,住宿,历山镇,历山镇政府街 2 号,C")
	goodFile := csvFile(t, files, "entities-good.csv",
		good1+",垣曲县舜乡饭店有限公司,餐饮服务,新城镇,新城镇舜乡路 8 号,B",
		good2+",垣曲县历山宾馆,住宿,历山镇,历山镇政府街 2 号,C")

	big := filepath.Join(files, "big.csv")
	if err := os.WriteFile(big, bytes.Repeat([]byte("a"), uploadLimit+(2<<20)), 0o644); err != nil {
		t.Fatal(err)
	}

	var tooLarge, errorTable, report, record, result, title string
	err := chromedp.Do(ctx,
		// Headless Chromium asks for English; the county works in Chinese.
		chromedp.Navigate(e.ts.URL+"/login?lang=zh-CN"),
		chromedp.WaitVisible(css(`#username`)),
		chromedp.SendKeys(css(`#username`), "office"),
		chromedp.SendKeys(css(`#password`), "password1234"),
		chromedp.Submit(css(`#password`)),
		chromedp.WaitVisible(css(`.figures`)),
		chromedp.Navigate(e.ts.URL+"/staff/import/entities"),
		chromedp.WaitVisible(css(`#file`)),
		// A file over the limit gets a clear message, not a broken page.
		chromedp.SetUploadFiles(css(`#file`), []string{big}),
		chromedp.Submit(css(`#file`)),
		chromedp.WaitVisible(css(`.alert`)),
		into(chromedp.Text(css(`.alert`)), &tooLarge),
		chromedp.SetUploadFiles(css(`#file`), []string{badFile}),
		chromedp.Submit(css(`#file`)),
		chromedp.WaitVisible(css(`#import-errors`)),
		into(chromedp.Text(css(`#import-errors`)), &errorTable),
		shot(t, dir, "import-errors"),
		chromedp.SetUploadFiles(css(`#file`), []string{goodFile}),
		chromedp.Submit(css(`#file`)),
		chromedp.WaitVisible(css(`#confirm-import`)),
		into(chromedp.Text(css(`#import-report`)), &report),
		shot(t, dir, "import-preview"),
		reloaded(chromedp.Click(css(`#confirm-import`)), `.notice`),
		shot(t, dir, "import-done"),
		// Staff side: find it in the directory and open its record.
		chromedp.Navigate(e.ts.URL+"/staff/entities"),
		chromedp.WaitVisible(css(`#f-q`)),
		chromedp.SendKeys(css(`#f-q`), "历山"),
		reloaded(chromedp.Submit(css(`#f-q`)), `table.results`),
		chromedp.Click(css(`table.results tbody a`)),
		chromedp.WaitVisible(css(`dl.facts`)),
		into(chromedp.Text(css(`dl.facts`)), &record),
		shot(t, dir, "staff-entity"),
		// Public portal: search and open the business page.
		chromedp.Navigate(e.ts.URL+"/search"),
		chromedp.WaitVisible(css(`#q`)),
		chromedp.SendKeys(css(`#q`), "历山"),
		reloaded(chromedp.Submit(css(`#q`)), `table.results`),
		into(chromedp.Text(css(`table.results`)), &result),
		chromedp.Click(css(`table.results a`)),
		chromedp.WaitVisible(css(`dl.facts`)),
		into(chromedp.Text(css(`h1`)), &title),
		shot(t, dir, "business"),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	if !strings.Contains(tooLarge, "上传内容过大") {
		t.Errorf("too large upload: alert %q", tooLarge)
	}
	// The error row is the third line of the file: row 3 as Excel shows it.
	if !strings.Contains(errorTable, "3") || !strings.Contains(errorTable, bad) || !strings.Contains(errorTable, "校验位") {
		t.Errorf("error table does not name row 3, the bad code and the reason:\n%s", errorTable)
	}
	if !strings.Contains(report, "2") {
		t.Errorf("preview does not report 2 new businesses:\n%s", report)
	}
	if !strings.Contains(record, good2) || !strings.Contains(record, "C 类（较高风险）") || !strings.Contains(record, "历山镇") {
		t.Errorf("staff record of the imported business is wrong:\n%s", record)
	}
	if !strings.Contains(result, "垣曲县历山宾馆") || strings.Contains(result, "舜乡") {
		t.Errorf("search result wrong:\n%s", result)
	}
	if title != "垣曲县历山宾馆" {
		t.Errorf("business page title = %q", title)
	}
}

// wrongCheck returns a check character different from c.
func wrongCheck(c byte) byte {
	if c == '0' {
		return '1'
	}
	return '0'
}

// TestBrowserScreens renders the portal and staff pages at phone width in
// both languages and keeps the screenshots, for a person to look at.
func TestBrowserScreens(t *testing.T) {
	e := newEnv(t)
	var first *domain.Entity
	for i := range 30 {
		ent := e.seedEntity(fmt.Sprintf("垣曲县第%d号餐饮店", i+1), 200+i)
		if first == nil {
			first = ent
		}
	}
	e.seedInspector("王检查", "SCJG0001", e.fx.Dept.ID)
	ctx := browser(t)
	dir := artifacts(t)
	var htmlLang chromedp.AttributeResult
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(e.ts.URL+"/?lang=zh-CN"),
		chromedp.WaitVisible(css(`.hero`)),
		shot(t, dir, "phone-portal-zh"),
		chromedp.Navigate(e.ts.URL+"/?lang=en"),
		chromedp.WaitVisible(css(`.hero`)),
		into(chromedp.AttributeValue(css(`html`), "lang"), &htmlLang),
		shot(t, dir, "phone-portal-en"),
		chromedp.Navigate(e.ts.URL+"/search?q=餐饮&lang=zh-CN"),
		chromedp.WaitVisible(css(`table.results`)),
		view(t, dir, "phone-search-zh"),
		chromedp.Navigate(e.ts.URL+"/login"),
		chromedp.WaitVisible(css(`#username`)),
		chromedp.SendKeys(css(`#username`), "office"),
		chromedp.SendKeys(css(`#password`), "password1234"),
		chromedp.Submit(css(`#password`)),
		chromedp.WaitVisible(css(`.figures`)),
		shot(t, dir, "phone-staff-home-zh"),
		chromedp.Navigate(e.ts.URL+"/staff/entities"),
		chromedp.WaitVisible(css(`table.results`)),
		view(t, dir, "phone-entities-zh"),
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(e.ts.URL+"/staff/entities?lang=en"),
		chromedp.WaitVisible(css(`table.results`)),
		shot(t, dir, "desktop-entities-en"),
		chromedp.Navigate(e.ts.URL+"/staff/entities/new?lang=zh-CN"),
		chromedp.WaitVisible(css(`#code`)),
		chromedp.Submit(css(`#code`)),
		chromedp.WaitVisible(css(`.field-error`)),
		shot(t, dir, "desktop-entity-form-errors-zh"),
		// Printed, a record page is the record: no navigation, no buttons.
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
			return err
		}),
		chromedp.Navigate(e.ts.URL+"/staff/entities/"+strconv.FormatInt(first.ID, 10)),
		chromedp.WaitVisible(css(`dl.facts`)),
		chromedp.WaitNotVisible(css(`.mainnav`)),
		chromedp.WaitNotVisible(css(`.page-actions`)),
		shot(t, dir, "print-entity-zh"),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	if htmlLang.Value != "en" {
		t.Errorf("English page has lang=%q", htmlLang.Value)
	}
}
