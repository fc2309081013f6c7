package web

import (
	"archive/zip"
	"bytes"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/archive"
	"github.com/yiyeyicha/yiyeyicha/internal/attach"
	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// TestArchivePages closes one visit with no problem found through the page
// (archived at closure) and one with a rectification order (archived by
// its lead department by hand), checks the marks and links on the visit
// page, the list's filter, and who may download the archive.
func TestArchivePages(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	w := storetest.SeedVisitsOn(t, e.store, e.fx, 2)
	blobs, err := attach.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e.store.SetBlobs(blobs)
	third := &domain.Department{Code: "ZJJ", Name: "垣曲县住房和城乡建设局", ShortName: "住建局"}
	if err := e.store.SaveDepartment(ctx, domain.System, third); err != nil {
		t.Fatal(err)
	}
	e.addUser("outsider", domain.RoleDepartment, third.ID)
	lead, co := e.login(t, "scjg"), e.login(t, "xfjy")
	v0, v1 := idString(w.Visits[0].ID), idString(w.Visits[1].ID)

	w.Complete(t, e.store, 0, false)
	if r := e.post(lead, "/staff/visits/"+v0+"/close", url.Values{"category": {"no_problem"}, "disposal": {"none"}}); r.Status != 303 {
		t.Fatalf("close: %d %s", r.Status, r.Body)
	}
	r := e.get(co, "/staff/visits/"+v0+"?lang=zh-CN")
	if !strings.Contains(r.Body, `id="archive-mark"`) || !strings.Contains(r.Body, "未发现问题，办结时自动归档") || !strings.Contains(r.Body, `href="/staff/visits/`+v0+`/archive"`) {
		t.Errorf("a visit closed with no problem lacks its archive mark or download link")
	}
	if strings.Contains(r.Body, `id="archive-visit"`) {
		t.Error("an archived visit offers to archive it again")
	}

	w.Complete(t, e.store, 1, true)
	due := domain.DateOf(time.Now().In(chinaZone)).AddDays(30)
	if err := e.store.CloseVisit(ctx, w.InspActors[0], w.Visits[1].ID, domain.CloseInput{Category: domain.CatRectified, Disposal: domain.DispRectify,
		DisposalText: "责令限期整改", RectifyDue: due}); err != nil {
		t.Fatal(err)
	}
	if r = e.get(lead, "/staff/visits/"+v1+"?lang=zh-CN"); strings.Contains(r.Body, `id="archive-mark"`) || !strings.Contains(r.Body, `id="archive-visit"`) {
		t.Errorf("a rectify closure: want no mark and the lead's archive button")
	}
	if r = e.get(co, "/staff/visits/"+v1+"?lang=zh-CN"); strings.Contains(r.Body, `id="archive-visit"`) || !strings.Contains(r.Body, `id="archive-download"`) {
		t.Errorf("the co-department: want the download link and no archive button")
	}

	// The list's filter.
	names := func(archived string) (has0, has1 bool) {
		t.Helper()
		r := e.get(co, "/staff/visits?lang=zh-CN&archived="+archived)
		if r.Status != 200 {
			t.Fatalf("visit list: %d", r.Status)
		}
		return strings.Contains(r.Body, w.Entities[0].Name), strings.Contains(r.Body, w.Entities[1].Name)
	}
	if a, b := names("yes"); !a || b {
		t.Errorf("archived=yes lists visit 0 %v, visit 1 %v", a, b)
	}
	if a, b := names("no"); a || !b {
		t.Errorf("archived=no lists visit 0 %v, visit 1 %v", a, b)
	}

	// Archiving by hand: the lead department only.
	if r = e.post(co, "/staff/visits/"+v1+"/archive", url.Values{}); r.Status != 403 {
		t.Errorf("co-department archives: %d", r.Status)
	}
	if r = e.post(lead, "/staff/visits/"+v1+"/archive", url.Values{}); r.Status != 303 {
		t.Fatalf("archive: %d %s", r.Status, r.Body)
	}
	if r = e.get(co, "/staff/visits/"+v1+"?lang=zh-CN"); !strings.Contains(r.Body, `id="archive-mark"`) || !strings.Contains(r.Body, "归档") {
		t.Errorf("the archived visit lacks its mark")
	}
	if a, b := names("no"); a || b {
		t.Errorf("archived=no still lists visit 0 %v, visit 1 %v", a, b)
	}

	// Downloads: the visit's departments; not another department, not the public.
	dl := e.get(co, "/staff/visits/"+v1+"/archive")
	if dl.Status != 200 || dl.Header.Get("Content-Type") != "application/zip" || !strings.Contains(dl.Header.Get("Content-Disposition"), ".zip") {
		t.Fatalf("download: %d %s", dl.Status, dl.Header)
	}
	zr, err := zip.NewReader(bytes.NewReader([]byte(dl.Body)), int64(len(dl.Body)))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range zr.File {
		got[f.Name] = true
	}
	if !got[archive.RecordJSON] || !got[archive.RecordHTML] {
		t.Errorf("archive holds %v", got)
	}
	if r = e.get(e.login(t, "outsider"), "/staff/visits/"+v1+"/archive"); r.Status != 404 {
		t.Errorf("another department's download: %d, want 404", r.Status)
	}
	if r = e.get(e.client(), "/staff/visits/"+v1+"/archive"); r.Status != 303 || !strings.Contains(r.Header.Get("Location"), "/login") {
		t.Errorf("anonymous download: %d, want the login redirect", r.Status)
	}
}
