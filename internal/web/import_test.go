package web

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// upload posts a file to an import form as a browser would.
func (e *env) upload(c *http.Client, path, filename string, content []byte, fields ...string) response {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for i := 0; i+1 < len(fields); i += 2 {
		_ = mw.WriteField(fields[i], fields[i+1])
	}
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		e.t.Fatal(err)
	}
	_, _ = fw.Write(content)
	_ = mw.Close()
	req, err := http.NewRequestWithContext(e.t.Context(), http.MethodPost, e.ts.URL+path, &body)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

func entityCSV(rows ...string) []byte {
	return []byte("统一社会信用代码,名称,行业,乡镇,住所,信用风险分类\n" + strings.Join(rows, "\n") + "\n")
}

var confirmAction = regexp.MustCompile(`action="(/staff/import/entities/[0-9a-f]{32})"`)

func (e *env) entityCount() int {
	e.t.Helper()
	l, err := e.store.ListEntities(context.Background(), domain.System, domain.EntityFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	return l.Total
}

func TestImportPreviewErrorTableAndConfirm(t *testing.T) {
	e := newEnv(t)
	office := e.login(t, "office")
	c1, c2 := code(t, 501), code(t, 502)
	bad := c2[:17] + string(wrongCheck(c2[17]))

	// A file with a wrong check character in row 3 and a code repeated in
	// rows 4 and 5: nothing is written, every bad row is listed.
	r := e.upload(office, "/staff/import/entities", "bad.csv", entityCSV(
		c1+",甲饭店,餐饮服务,新城镇,地址一,A",
		bad+",乙宾馆,住宿,历山镇,地址二,B",
		c2+",丙超市,食品销售,古城镇,地址三,C",
		c2+",丙超市二店,食品销售,古城镇,地址四,D",
	))
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad file: status %d\n%.2000s", r.Status, r.Body)
	}
	for _, want := range []string{`id="import-errors"`, "<td data-label=\"行号\">3</td>", bad, "校验位错误", "文件中有"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("error table lacks %q", want)
		}
	}
	if !strings.Contains(r.Body, "<td data-label=\"行号\">5</td>") {
		t.Errorf("error table does not name the repeated code's row 5")
	}
	if n := e.entityCount(); n != 0 {
		t.Errorf("bad file wrote %d entities", n)
	}
	// The error report downloads as XLSX with the same rows.
	link := regexp.MustCompile(`href="(/staff/import/entities/[0-9a-f]{32}/errors\.xlsx)"`).FindStringSubmatch(r.Body)
	if link == nil {
		t.Fatal("no error report link")
	}
	x := e.get(office, link[1])
	if x.Status != 200 || !strings.Contains(x.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("error report: %d %q", x.Status, x.Header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(strings.NewReader(x.Body))
	if err != nil {
		t.Fatalf("error report is not XLSX: %v", err)
	}
	rows, _ := f.GetRows(f.GetSheetName(0))
	f.Close()
	if !strings.Contains(strings.Join(flatten(rows), "|"), bad) {
		t.Errorf("error report lacks the bad code: %v", rows)
	}
	// Someone else cannot fetch it.
	if r := e.get(e.login(t, "scjg"), link[1]); r.Status != http.StatusNotFound {
		t.Errorf("other user's error report: %d, want 404", r.Status)
	}

	// The fixed file previews: two new, nothing written yet.
	r = e.upload(office, "/staff/import/entities", "good.csv", entityCSV(
		c1+",甲饭店,餐饮服务,新城镇,地址一,A",
		c2+",丙超市,食品销售,古城镇,地址三,C",
	))
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `id="confirm-import"`) {
		t.Fatalf("good file preview: %d\n%.2000s", r.Status, r.Body)
	}
	if n := e.entityCount(); n != 0 {
		t.Errorf("preview wrote %d entities", n)
	}
	m := confirmAction.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatal("no confirm form")
	}
	// Only the uploader may confirm.
	if r := e.post(e.login(t, "discipline"), m[1], nil); r.Status != http.StatusNotFound {
		t.Errorf("confirm by another user: %d, want 404", r.Status)
	}
	r = e.post(office, m[1], nil)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "导入完成") {
		t.Fatalf("confirm: %d\n%.1000s", r.Status, r.Body)
	}
	if n := e.entityCount(); n != 2 {
		t.Errorf("after confirm: %d entities, want 2", n)
	}
	// The upload is gone after use.
	if r := e.post(office, m[1], nil); r.Status != http.StatusNotFound || !strings.Contains(r.Body, "已过期") {
		t.Errorf("second confirm: %d, want 404 with the expiry message", r.Status)
	}
	// Importing the same file again changes nothing.
	r = e.upload(office, "/staff/import/entities", "good.csv", entityCSV(
		c1+",甲饭店,餐饮服务,新城镇,地址一,A",
		c2+",丙超市新名,食品销售,古城镇,地址三,C",
	))
	if !regexp.MustCompile(`(?s)<span class="num">1</span><span class="lbl">更新</span>.*<span class="num">1</span><span class="lbl">不变</span>`).MatchString(r.Body) {
		t.Errorf("re-import preview does not show 1 updated and 1 unchanged:\n%.3000s", r.Body)
	}
}

func flatten(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

func TestImportBadUploads(t *testing.T) {
	e := newEnv(t)
	office := e.login(t, "office")
	t.Run("too large", func(t *testing.T) {
		big := bytes.Repeat([]byte("a"), uploadLimit+(1<<20))
		r := e.upload(office, "/staff/import/entities", "big.csv", big)
		if r.Status != http.StatusRequestEntityTooLarge || !strings.Contains(r.Body, "上传内容过大（最多 20 MiB）") {
			t.Errorf("status %d\n%.500s", r.Status, r.Body)
		}
	})
	t.Run("not a spreadsheet", func(t *testing.T) {
		r := e.upload(office, "/staff/import/entities", "notes.txt", []byte("hello"))
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `class="alert"`) {
			t.Errorf("status %d\n%.500s", r.Status, r.Body)
		}
	})
	t.Run("empty", func(t *testing.T) {
		r := e.upload(office, "/staff/import/entities", "empty.csv", nil)
		if r.Status >= 500 || r.Status < 400 {
			t.Errorf("status %d", r.Status)
		}
	})
	t.Run("missing headers", func(t *testing.T) {
		r := e.upload(office, "/staff/import/entities", "x.csv", []byte("foo,bar\n1,2\n"))
		if r.Status >= 500 || r.Status < 400 {
			t.Errorf("status %d", r.Status)
		}
	})
	t.Run("no file", func(t *testing.T) {
		r := e.post(office, "/staff/import/entities", nil)
		if r.Status >= 500 || r.Status < 400 {
			t.Errorf("status %d", r.Status)
		}
	})
	t.Run("forbidden role", func(t *testing.T) {
		r := e.upload(e.login(t, "inspector"), "/staff/import/entities", "good.csv", entityCSV(code(t, 900)+",甲,餐饮服务,新城镇,地址,A"))
		if r.Status != http.StatusForbidden {
			t.Errorf("inspector import: %d, want 403", r.Status)
		}
	})
}

func TestImportInspectorsByDepartment(t *testing.T) {
	e := newEnv(t)
	file := []byte("姓名,部门,执法证号,有效期至,状态\n李执法,垣曲县市场监督管理局,SC0001,2030-12-31,在岗\n")
	// Department staff import their own department's inspectors...
	own := e.login(t, "scjg")
	r := e.upload(own, "/staff/import/inspectors", "in.csv", file)
	if r.Status != http.StatusOK {
		t.Fatalf("own department preview: %d\n%.1500s", r.Status, r.Body)
	}
	// ...but not another department's.
	r = e.upload(e.login(t, "xfjy"), "/staff/import/inspectors", "in.csv", file)
	// The store reports it per row, so the user sees which rows.
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "无权维护该部门的执法检查人员") {
		t.Errorf("other department preview: %d, want the row refused", r.Status)
	}
}

func TestImportManyErrorsListedUpToCap(t *testing.T) {
	e := newEnv(t)
	office := e.login(t, "office")
	var rows []string
	for i := range maxErrorsShown + 5 {
		rows = append(rows, code(t, 3000+i)+",店,没有这个行业,新城镇,地址,B")
	}
	r := e.upload(office, "/staff/import/entities", "many.csv", entityCSV(rows...))
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", r.Status)
	}
	if n := strings.Count(r.Body, `<td data-label="行号">`); n != maxErrorsShown {
		t.Errorf("page lists %d errors, want %d", n, maxErrorsShown)
	}
	if !strings.Contains(r.Body, "另有 5 处错误未在此列出") || !strings.Contains(r.Body, "文件中有 1005 处错误") {
		t.Errorf("page does not count the errors not listed")
	}
}
