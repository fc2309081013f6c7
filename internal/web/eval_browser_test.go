package web

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/yiyeyicha/yiyeyicha/internal/demo"
	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/metrics"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// TestBrowserDashboardAnnualSummary is the office's evaluation path in a
// real browser over the demo county: open the dashboard, filter to one
// industry, download the annual summary, and find in the workbook the
// expected sheets and the same totals the store computes.
func TestBrowserDashboardAnnualSummary(t *testing.T) {
	ctx := browser(t)
	st := storetest.New(t)
	today := domain.Date{Year: 2026, Month: time.June, Day: 15}
	accounts, err := demo.Generate(t.Context(), st, demo.Options{Entities: 1500, Inspectors: 90, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	var office demo.Account
	for _, a := range accounts {
		if a.Role == domain.RoleOffice {
			office = a
		}
	}
	srv, err := New(Options{Store: st, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { ts.Close(); srv.Close() })

	// The industry with the most visits this year.
	all, err := st.Dashboard(t.Context(), domain.System, 2026, metrics.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if all.Progress.Visits == 0 {
		t.Fatal("the demo has no visits in 2026")
	}
	industries, err := st.ListIndustries(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var industry domain.Industry
	var want *metrics.Dashboard
	for _, in := range industries {
		d, err := st.Dashboard(t.Context(), domain.System, 2026, metrics.Filter{Industry: in.Code})
		if err != nil {
			t.Fatal(err)
		}
		if want == nil || d.Progress.Visits > want.Progress.Visits {
			industry, want = in, d
		}
	}

	downloads := t.TempDir()
	dir := os.Getenv("EVAL_SHOTS")
	if dir == "" {
		dir = artifacts(t)
	}
	progress := chromedp.Events(ctx, cdpbrowser.DownloadProgress)
	var visits, joint string
	err = chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/login?lang=zh-CN"),
		chromedp.WaitVisible(css(`#username`)),
		chromedp.SendKeys(css(`#username`), office.Username),
		chromedp.SendKeys(css(`#password`), office.Password),
		chromedp.Submit(css(`#password`)),
		chromedp.WaitVisible(css(`.figures`)),
		chromedp.Navigate(ts.URL+"/staff/dashboard?year=2026"),
		chromedp.WaitVisible(css(`#f-industry`)),
		chromedp.SetValue(css(`#f-industry`), industry.Code),
		chromedp.Submit(css(`#f-industry`)),
		chromedp.WaitVisible(css(`#dept-table`)),
		into(chromedp.Text(css(`#fig-visits`)), &visits),
		into(chromedp.Text(css(`#fig-joint`)), &joint),
		shot(t, dir, "eval-dashboard"),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
				Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: new(true),
			})
			return err
		}),
		chromedp.Click(css(`#download-annual`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := strconv.Itoa(want.Progress.VisitsDone) + " / " + strconv.Itoa(want.Progress.Visits); strings.TrimSpace(visits) != got {
		t.Errorf("dashboard shows %q visits for %s, want %q", visits, industry.Name, got)
	}
	if strings.TrimSpace(joint) != want.Joint.Percent() {
		t.Errorf("joint share %q, want %q", joint, want.Joint.Percent())
	}
	var file string
	for ev, err := range progress {
		if err != nil {
			t.Fatal(err)
		}
		if ev.State == cdpbrowser.DownloadProgressStateCompleted {
			file = filepath.Join(downloads, ev.GUID)
			break
		}
	}
	if _, err := os.Stat(file); err != nil {
		t.Fatalf("download: %v", err)
	}
	f, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "概况,各部门,覆盖率,风险校准,总结报送,通报,典型案例" {
		t.Errorf("sheets %s", got)
	}
	rows, _ := f.GetRows("概况")
	overview := map[string]string{}
	for _, r := range rows[1:] {
		if len(r) == 2 {
			overview[r[0]] = r[1]
		}
	}
	for name, v := range map[string]int{"检查户次": want.Progress.Visits, "已完成检查户次": want.Progress.VisitsDone,
		"联合检查户次": int(want.Joint.K), "减少入企次数": want.Avoided.Avoided} {
		if overview[name] != strconv.Itoa(v) {
			t.Errorf("overview %s = %q, want %d", name, overview[name], v)
		}
	}
	// The coverage total row matches the filtered figures.
	cov, _ := f.GetRows("覆盖率")
	last := cov[len(cov)-1]
	total := want.Coverage[len(want.Coverage)-1].Inspected
	if last[0] != "合计" || last[2] != strconv.FormatInt(total.N, 10) || last[3] != strconv.FormatInt(total.K, 10) {
		t.Errorf("coverage total row %v, want %v", last, total)
	}
	// Every coverage row is the chosen industry's.
	for _, r := range cov[1 : len(cov)-1] {
		if r[0] != industry.Name {
			t.Errorf("coverage row of another industry: %v", r)
		}
	}
}
