package web

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/attach"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// inspectEnv is a web env with one dispatched joint visit and a blob
// store for evidence.
func inspectEnv(t *testing.T) (*env, *storetest.VisitWorld, attach.Blobs) {
	t.Helper()
	e := newEnv(t)
	w := storetest.SeedVisitsOn(t, e.store, e.fx, 1)
	blobs, err := attach.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e.store.SetBlobs(blobs)
	return e, w, blobs
}

func testPNG(t *testing.T, side int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	rnd := rand.New(rand.NewPCG(1, 2)) // noise does not compress: the size follows side
	for i := range img.Pix {
		img.Pix[i] = byte(rnd.Uint32())
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// upload posts one file as the evidence form does.
func (e *env) uploadEvidence(c *http.Client, path, visit, name string, data []byte) response {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("visit", visit)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequestWithContext(e.t.Context(), http.MethodPost, e.ts.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept-Language", "zh-CN")
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

func blobsIn(t *testing.T, b attach.Blobs) int {
	t.Helper()
	n := 0
	if err := b.Walk(context.Background(), func(string, time.Time) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestInspectionPages(t *testing.T) {
	e, w, blobs := inspectEnv(t)
	ctx := t.Context()
	v := w.Visits[0]
	in, err := e.store.Inspection(ctx, e.fx.Office, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	lead, co := in.Parts[0], in.Parts[1]
	insp := e.login(t, "visit-insp0")
	r := e.get(insp, "/staff/inspect?lang=zh-CN")
	if r.Status != 200 || !strings.Contains(r.Body, v.EntityName) || !strings.Contains(r.Body, "2026-04-01 · 新城镇") {
		t.Fatalf("workbench: %d, want the visit under its day and township", r.Status)
	}
	r = e.get(insp, "/staff/visits/"+idString(v.ID)+"/notice?lang=zh-CN")
	for _, want := range []string{"检查通知书", w.Inspectors[0].CertNo, w.Inspectors[1].CertNo, "垣曲县消防救援大队", lead.Items[0].Name, co.Items[1].Name, lead.Items[0].LegalBasis} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("visit notice lacks %q", want)
		}
	}
	page := "/staff/visits/" + idString(v.ID)
	r = e.get(insp, page+"?lang=zh-CN")
	if !strings.Contains(r.Body, `id="results-`+idString(lead.ID)+`"`) || strings.Contains(r.Body, `id="results-`+idString(co.ID)+`"`) {
		t.Fatalf("the inspector must get a form for their own department's part only")
	}

	// A finding without the rule broken: refused, in Chinese, naming the row.
	form := url.Values{"visit": {idString(v.ID)}, "item": {idString(lead.Items[0].ItemID), idString(lead.Items[1].ItemID)},
		"result_" + idString(lead.Items[0].ItemID): {"不符合"}, "result_" + idString(lead.Items[1].ItemID): {"符合"}}
	r = e.post(insp, "/staff/parts/"+idString(lead.ID)+"/results", form, "Accept-Language", "zh-CN")
	if r.Status != 422 || !strings.Contains(r.Body, "发现问题须注明违反的规定") {
		t.Fatalf("finding without rule: %d", r.Status)
	}
	form.Set("rule_"+idString(lead.Items[0].ItemID), "《中华人民共和国食品安全法》第三十三条")
	if r = e.post(insp, "/staff/parts/"+idString(lead.ID)+"/results", form); r.Status != 303 {
		t.Fatalf("save results: %d %s", r.Status, r.Body)
	}

	// Evidence: over the limit, or of a forbidden type, is refused and stores nothing.
	saved := attachLimits
	attachLimits = attach.Limits{MaxBytes: 4 << 10}
	defer func() { attachLimits = saved }()
	up := "/staff/parts/" + idString(lead.ID) + "/attachments"
	if r = e.uploadEvidence(insp, up, idString(v.ID), "big.png", testPNG(t, 200)); r.Status != 422 || !strings.Contains(r.Body, "文件过大") {
		t.Errorf("upload over the limit: %d", r.Status)
	}
	if r = e.uploadEvidence(insp, up, idString(v.ID), "tool.exe", append([]byte("MZ\x90\x00"), make([]byte, 200)...)); r.Status != 422 || !strings.Contains(r.Body, "不接受此类文件") {
		t.Errorf("upload of an executable: %d", r.Status)
	}
	if r = e.uploadEvidence(insp, up, idString(v.ID), "photo.pdf", testPNG(t, 4)); r.Status != 422 || !strings.Contains(r.Body, ".pdf") {
		t.Errorf("upload of a PNG named .pdf: %d", r.Status)
	}
	if in, _ := e.store.Inspection(ctx, e.fx.Office, v.ID); len(in.Attachments) != 0 || blobsIn(t, blobs) != 0 {
		t.Fatalf("refused uploads stored %d rows, %d blobs", len(in.Attachments), blobsIn(t, blobs))
	}
	// Another department's inspector cannot attach to this part.
	other := e.login(t, "visit-insp1")
	if r = e.uploadEvidence(other, up, idString(v.ID), "p.png", testPNG(t, 4)); r.Status != 403 || blobsIn(t, blobs) != 0 {
		t.Errorf("other department's upload: %d, %d blobs", r.Status, blobsIn(t, blobs))
	}
	if r = e.uploadEvidence(insp, up, idString(v.ID), "后厨.png", testPNG(t, 4)); r.Status != 303 {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	in, _ = e.store.Inspection(ctx, e.fx.Office, v.ID)
	if len(in.Attachments) != 1 {
		t.Fatalf("attachments = %+v", in.Attachments)
	}
	dl := e.get(e.login(t, "xfjy"), "/staff/attachments/"+idString(in.Attachments[0].ID))
	if dl.Status != 200 || dl.Header.Get("Content-Type") != "image/png" || dl.Header.Get("X-Content-Type-Options") != "nosniff" || dl.Body != string(testPNG(t, 4)) {
		t.Errorf("download: %d %s", dl.Status, dl.Header)
	}
	if r = e.get(e.client(), "/staff/attachments/"+idString(in.Attachments[0].ID)); r.Status != 303 {
		t.Errorf("anonymous download: %d, want the login redirect", r.Status)
	}

	// Signed the day before the 2026 Mid-Autumn and National Day breaks:
	// due 29 October.
	cst := time.FixedZone("CST", 8*3600)
	restore := e.store.Backdate(time.Date(2026, 9, 24, 10, 0, 0, 0, cst))
	if r = e.post(insp, "/staff/parts/"+idString(lead.ID)+"/sign", url.Values{"visit": {idString(v.ID)}}); r.Status != 303 {
		t.Fatalf("sign: %d %s", r.Status, r.Body)
	}
	restore()
	// The inspector may not publish; the department's staff may.
	if r = e.post(insp, "/staff/parts/"+idString(lead.ID)+"/publish", url.Values{"visit": {idString(v.ID)}}); r.Status != 403 {
		t.Errorf("inspector publishes: %d", r.Status)
	}
	dept := e.login(t, "scjg")
	restore = e.store.Backdate(time.Date(2026, 10, 23, 10, 0, 0, 0, cst))
	r = e.get(dept, "/staff/inspect?lang=zh-CN")
	if !strings.Contains(r.Body, `id="due"`) || !strings.Contains(r.Body, "2026-10-29") || !strings.Contains(r.Body, "剩 4 个工作日") {
		t.Errorf("workbench lacks the publication due 2026-10-29 with 4 working days left")
	}
	if r = e.get(dept, "/staff/inbox?lang=zh-CN"); !strings.Contains(r.Body, "1 项检查结果即将到达公示期限") {
		t.Errorf("inbox lacks the warning before the deadline")
	}
	restore()
	defer e.store.Backdate(time.Date(2026, 10, 30, 10, 0, 0, 0, cst))()
	if r = e.get(dept, "/staff/inbox?lang=zh-CN"); !strings.Contains(r.Body, "1 项检查结果已超过公示期限") {
		t.Errorf("inbox lacks the overdue flag")
	}
	if r = e.get(dept, "/staff/inspect?lang=zh-CN"); !strings.Contains(r.Body, "已超期 1 个工作日") {
		t.Errorf("workbench lacks the overdue flag")
	}
	if r = e.post(dept, "/staff/parts/"+idString(lead.ID)+"/publish", url.Values{"next": {"bench"}}); r.Status != 303 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	anon := e.client()
	r = e.get(anon, "/entity/"+v.EntityCode+"?lang=zh-CN")
	for _, want := range []string{"抽查检查结果", lead.Items[0].Name, "不符合", w.Inspectors[0].CertNo, "公示日志第"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("public page lacks %q", want)
		}
	}
	for _, never := range []string{"13900000000", "后厨.png", co.Items[0].Name} {
		if strings.Contains(r.Body, never) {
			t.Errorf("public page shows %q (private, or not yet published)", never)
		}
	}
}
