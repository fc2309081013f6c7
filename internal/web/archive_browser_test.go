package web

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/yiyeyicha/yiyeyicha/internal/archive"
	"github.com/yiyeyicha/yiyeyicha/internal/attach"
	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// TestBrowserArchive: the lead department archives a visit closed with a
// rectification order from its page (立卷归档), finds it under the list's
// archived filter, and the archive's printable page, opened from the
// downloaded zip and printed, shows the record with its print style.
func TestBrowserArchive(t *testing.T) {
	e := newEnv(t)
	w := storetest.SeedVisitsOn(t, e.store, e.fx, 1)
	blobs, err := attach.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e.store.SetBlobs(blobs)
	w.Complete(t, e.store, 0, true)
	due := domain.DateOf(time.Now().In(chinaZone)).AddDays(30)
	if err := e.store.CloseVisit(t.Context(), w.InspActors[0], w.Visits[0].ID, domain.CloseInput{Category: domain.CatRectified, Disposal: domain.DispRectify,
		DisposalText: "责令限期整改", RectifyDue: due}); err != nil {
		t.Fatal(err)
	}
	v := idString(w.Visits[0].ID)
	ctx := browser(t)
	dir := artifacts(t)
	base := e.ts.URL
	var mark, list string
	err = chromedp.Do(ctx,
		staffIn(base, "scjg"),
		chromedp.Navigate(base+"/staff/visits/"+v),
		chromedp.WaitVisible(css(`#archive-visit`)),
		acceptConfirms,
		reloaded(chromedp.Click(css(`#archive-visit`)), `#archive-mark`),
		into(chromedp.Text(css(`#archive-mark`)), &mark),
		shot(t, dir, "archive-visit"),
		chromedp.Navigate(base+"/staff/visits?archived=yes"),
		chromedp.WaitVisible(css(`#visit-table`)),
		into(chromedp.Text(css(`#visit-table`)), &list),
		staffOut(),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	if !strings.Contains(mark, "归档") || !strings.Contains(list, w.Entities[0].Name) || !strings.Contains(list, "已归档") {
		t.Errorf("archive mark %q; archived list %q", mark, list)
	}

	// The printable page from the downloaded archive.
	dl := e.get(e.login(t, "xfjy"), "/staff/visits/"+v+"/archive")
	zr, err := zip.NewReader(bytes.NewReader([]byte(dl.Body)), int64(len(dl.Body)))
	if err != nil {
		t.Fatalf("download %d: %v", dl.Status, err)
	}
	page := filepath.Join(t.TempDir(), archive.RecordHTML)
	for _, f := range zr.File {
		if f.Name != archive.RecordHTML {
			continue
		}
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if err := os.WriteFile(page, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var name, category, width string
	err = chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
			return err
		}),
		chromedp.Navigate("file://"+page),
		chromedp.WaitVisible(css(`#category`)),
		into(chromedp.Text(css(`#business-name`)), &name),
		into(chromedp.Text(css(`#category`)), &category),
		into(chromedp.Evaluate[string](`getComputedStyle(document.body).maxWidth`), &width),
		shot(t, dir, "archive-record-print"),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	if name != w.Entities[0].Name || category != "发现问题已责令改正" || width != "none" {
		t.Errorf("printed record: business %q, category %q, body max-width %q (the print style sets none)", name, category, width)
	}
}
