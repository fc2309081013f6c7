package web

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"hash/crc32"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

// xlsxOf builds a workbook of rows; edit may change the sheet first.
func xlsxOf(t *testing.T, rows [][]any, edit func(f *excelize.File, sheet string)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if edit != nil {
		edit(f, sheet)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipBomb replaces the sheet of a workbook with 64 MiB of spaces that
// deflate to about 64 KiB, declaring an inflated size of 1 TiB.
func zipBomb(t *testing.T, good []byte) []byte {
	t.Helper()
	var deflated bytes.Buffer
	fw, _ := flate.NewWriter(&deflated, flate.BestCompression)
	crc := crc32.NewIEEE()
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for range 64 {
		fw.Write(chunk)
		crc.Write(chunk)
	}
	fw.Close()
	zr, err := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		if zf.Name != "xl/worksheets/sheet1.xml" {
			if err := zw.Copy(zf); err != nil {
				t.Fatal(err)
			}
			continue
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate, CRC32: crc.Sum32(),
			CompressedSize64: uint64(deflated.Len()), UncompressedSize64: 1 << 40})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(deflated.Bytes())
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

var alertOrCell = regexp.MustCompile(`(?s)<div class="alert"[^>]*>.*?</div>|<td[^>]*>.*?</td>`)

// pageMessages is the alert and table cells of a page, for failure messages.
func pageMessages(body string) string {
	return strings.Join(alertOrCell.FindAllString(body, 40), " ")
}

func gb18030(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sums(t *testing.T, st *store.Store) []store.TableSum {
	t.Helper()
	s, err := st.Checksums(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestHostileUploads sends the files an import meets in the wild, and
// worse, through the web upload: each is answered with a clear, localised
// message (never a 500) and writes nothing to the store.
func TestHostileUploads(t *testing.T) {
	e := newEnv(t)
	office := e.login(t, "office")
	header := []any{"统一社会信用代码", "名称", "行业", "乡镇", "住所", "信用风险分类", "分类日期"}
	good := func(n int, name string) []any {
		return []any{code(t, n), name, "餐饮服务", "新城镇", "新城镇中心街 1 号", "A", "2026-03-31"}
	}
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00")
	for _, tc := range []struct {
		name     string
		filename string
		content  func() []byte
		status   int
		want     []string // in the page, as shown (unescaped)
	}{
		{"wrong type by name", "photo.png", func() []byte { return png }, http.StatusUnprocessableEntity,
			[]string{"不支持的文件类型", ".png"}},
		{"wrong type behind .xlsx", "名录.xlsx", func() []byte { return png }, http.StatusUnprocessableEntity,
			[]string{"不是有效的 .xlsx 工作簿"}},
		{"workbook named .csv", "名录.csv", func() []byte { return xlsxOf(t, [][]any{header, good(1, "甲店")}, nil) }, http.StatusUnprocessableEntity,
			[]string{"这是 Excel 工作簿而不是 CSV"}},
		{"50 MB", "big.csv", func() []byte { return bytes.Repeat([]byte("9"), 50<<20) }, http.StatusRequestEntityTooLarge,
			[]string{"上传内容过大（最多 20 MiB）"}},
		{"zip bomb", "bomb.xlsx", func() []byte { return zipBomb(t, xlsxOf(t, [][]any{header, good(1, "甲店")}, nil)) }, http.StatusUnprocessableEntity,
			[]string{"工作簿解压后超过", "已拒绝"}},
		{"formula", "formula.xlsx", func() []byte {
			return xlsxOf(t, [][]any{header, good(1, "甲店"), good(2, "")}, func(f *excelize.File, s string) {
				if err := f.SetCellFormula(s, "B3", `HYPERLINK("http://evil.example/","点我")`); err != nil {
					t.Fatal(err)
				}
			})
		}, http.StatusUnprocessableEntity, []string{"未导入任何数据", "单元格 B3 是公式", `=HYPERLINK("http://evil.example/","点我")`}},
		{"code typed as a number", "number.xlsx", func() []byte {
			return xlsxOf(t, [][]any{header, {913501000000000000.0, "甲店", "餐饮服务", "新城镇", "", "A", ""}}, nil)
		}, http.StatusUnprocessableEntity, []string{"未导入任何数据", "913501000000000000", "校验位错误"}},
		{"date serial number that is no date", "serial.csv", func() []byte {
			return []byte("统一社会信用代码,名称,行业,乡镇,信用风险分类,分类日期\n" + code(t, 1) + ",甲店,餐饮服务,新城镇,A,9999999\n")
		}, http.StatusUnprocessableEntity, []string{"未导入任何数据", "9999999"}},
		{"GB18030 with bytes that are not GB18030", "bad.csv", func() []byte {
			return append(gb18030(t, "统一社会信用代码,名称,行业,乡镇,信用风险分类\n"+code(t, 1)+",甲"), 0x81, 0x20, 0xff, 0xfe, '\n')
		}, http.StatusUnprocessableEntity, []string{"无法识别文件编码"}},
		{"empty sheet", "empty.xlsx", func() []byte { return xlsxOf(t, nil, nil) }, http.StatusUnprocessableEntity,
			[]string{"文件是空的"}},
		{"header only", "header.xlsx", func() []byte { return xlsxOf(t, [][]any{header}, nil) }, http.StatusUnprocessableEntity,
			[]string{"只有表头，没有数据行"}},
		{"header only CSV", "header.csv", func() []byte { return []byte("统一社会信用代码,名称,行业,乡镇,信用风险分类\r\n") }, http.StatusUnprocessableEntity,
			[]string{"只有表头，没有数据行"}},
		{"unknown headers", "cols.csv", func() []byte { return []byte("foo,bar\n1,2\n") }, http.StatusUnprocessableEntity,
			[]string{"无法识别的列", "foo"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := sums(t, e.store)
			r := e.upload(office, "/staff/import/entities", tc.filename, tc.content())
			body := html.UnescapeString(r.Body)
			if r.Status != tc.status {
				t.Errorf("status %d, want %d", r.Status, tc.status)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q; it says: %s", w, pageMessages(body))
				}
			}
			if diff := cmp.Diff(before, sums(t, e.store)); diff != "" {
				t.Errorf("a refused upload wrote to the store:\n%s", diff)
			}
		})
	}

	// GB18030 with characters outside the BMP and GBK's odd corners is
	// read correctly: the preview shows them, and still writes nothing.
	t.Run("GB18030 with odd characters", func(t *testing.T) {
		names := []string{"𠀀𪚥饭店", "垣曲县㐀·—～小吃部", "ＡＢＣ全角商行"}
		csv := "统一社会信用代码,名称,行业,乡镇,信用风险分类\r\n"
		for i, n := range names {
			csv += code(t, 700+i) + "," + n + ",餐饮服务,新城镇,B\r\n"
		}
		before := sums(t, e.store)
		r := e.upload(office, "/staff/import/entities", "gb.csv", gb18030(t, csv))
		if r.Status != http.StatusOK {
			t.Fatalf("status %d\n%.2000s", r.Status, r.Body)
		}
		if !strings.Contains(r.Body, `<span class="num">3</span>`) {
			t.Errorf("preview does not count 3 new businesses: %s", pageMessages(r.Body))
		}
		if diff := cmp.Diff(before, sums(t, e.store)); diff != "" {
			t.Errorf("a preview wrote to the store:\n%s", diff)
		}
		m := confirmAction.FindStringSubmatch(r.Body)
		if m == nil {
			t.Fatal("no confirm form")
		}
		if r := e.post(office, m[1], nil); r.Status != http.StatusOK {
			t.Fatalf("confirm: %d", r.Status)
		}
		for i, n := range names {
			got, err := e.store.GetEntityByCode(t.Context(), domain.System, code(t, 700+i))
			if err != nil || got.Name != n {
				t.Errorf("stored name %q (%v), want %q", got.Name, err, n)
			}
		}
	})
}

// TestSessionFixation: a session token that a visitor carries before
// logging in, whether made up or another user's real one, is never the
// session after login, and a real one is ended by the login.
func TestSessionFixation(t *testing.T) {
	e := newEnv(t)
	u, _ := url.Parse(e.ts.URL)
	sessionOf := func(c *http.Client) string {
		for _, ck := range c.Jar.Cookies(u) {
			if ck.Name == sessionCookie {
				return ck.Value
			}
		}
		return ""
	}
	t.Run("made-up token", func(t *testing.T) {
		c := e.client()
		planted := strings.Repeat("a", 43)
		c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: planted}})
		if r := e.get(c, "/staff/"); r.Status != http.StatusSeeOther {
			t.Fatalf("a made-up token opened the staff side: %d", r.Status)
		}
		if r := e.post(c, "/login", url.Values{"username": {"scjg"}, "password": {"password1234"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("login: %d", r.Status)
		}
		if got := sessionOf(c); got == planted || got == "" {
			t.Errorf("session after login = %q, the planted one", got)
		}
		attacker := e.client()
		attacker.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: planted}})
		if r := e.get(attacker, "/staff/"); r.Status != http.StatusSeeOther {
			t.Errorf("the planted token works after the victim logged in: %d", r.Status)
		}
	})
	t.Run("another user's session", func(t *testing.T) {
		// The attacker logs in as himself and plants his own session in
		// the victim's browser; the victim then logs in.
		attacker := e.login(t, "xfjy")
		planted := sessionOf(attacker)
		victim := e.client()
		victim.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: planted}})
		if r := e.post(victim, "/login", url.Values{"username": {"scjg"}, "password": {"password1234"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("login: %d", r.Status)
		}
		if got := sessionOf(victim); got == planted {
			t.Fatal("the login kept the planted session")
		}
		if r := e.get(victim, "/staff/"); r.Status != http.StatusOK || !strings.Contains(r.Body, "scjg") {
			t.Errorf("victim's staff page: %d, as scjg: %v", r.Status, strings.Contains(r.Body, "scjg"))
		}
		// Whoever still holds the planted token sees nothing the victim
		// does afterwards: the login ended that session.
		if r := e.get(attacker, "/staff/"); r.Status != http.StatusSeeOther {
			t.Errorf("the planted session still works after the victim's login: %d", r.Status)
		}
	})
}

// TestMoreFreeTextRenderedInert adds to TestFreeTextRenderedInert the free
// text it does not cover: user display names, token names, and what the
// import error table echoes from an uploaded file.
func TestMoreFreeTextRenderedInert(t *testing.T) {
	e := newEnv(t)
	office := e.login(t, "office")
	evil := &domain.User{Username: "evil", DisplayName: "王" + xss, Role: domain.RoleDepartment, DepartmentID: e.fx.Dept.ID}
	if err := e.store.CreateUser(t.Context(), domain.System, evil, "password1234"); err != nil {
		t.Fatal(err)
	}
	evilClient := e.login(t, "evil")
	if r := e.post(evilClient, "/staff/tokens", url.Values{"name": {xss}}); r.Status >= 400 {
		t.Fatalf("create token: %d", r.Status)
	}
	bad := e.upload(office, "/staff/import/entities", "y.csv", entityCSV(code(t, 41)+",店,"+strings.ReplaceAll(xss, `"`, `""`)+",新城镇,地址,A"))
	if bad.Status != http.StatusUnprocessableEntity {
		t.Errorf("bad file: %d", bad.Status)
	}
	t.Logf("error table: %s", pageMessages(bad.Body))
	pages := map[string]response{
		"import error table": bad,
		"/staff/users":       e.get(office, "/staff/users"),
		"/staff/audit":       e.get(office, "/staff/audit"),
		"/staff/tokens":      e.get(evilClient, "/staff/tokens"),
		"/staff/ (own name)": e.get(evilClient, "/staff/"),
	}
	for name, r := range pages {
		if r.Status >= 500 {
			t.Errorf("%s: status %d", name, r.Status)
		}
		if strings.Contains(r.Body, "<script>alert") || strings.Contains(r.Body, "<img src=x") {
			t.Errorf("%s: payload rendered as markup", name)
		}
		if !strings.Contains(r.Body, "&lt;script&gt;") {
			t.Errorf("%s: the escaped payload is not shown (the test would prove nothing)", name)
		}
	}
}

// TestAbandonedRequestIsNoError: a visitor who leaves before the page is
// ready (the load generator's last requests, a closed tab) is no server
// error: nothing is logged as one.
func TestAbandonedRequestIsNoError(t *testing.T) {
	e := newEnv(t)
	ent := e.seedEntity("垣曲县离开测试饭店", 77)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/entity/"+ent.Code, nil)
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	if rec.Body.Len() != 0 {
		t.Errorf("an abandoned request got a page (%d bytes)", rec.Body.Len())
	}
	if strings.Contains(e.logs.String(), "level=ERROR") || !strings.Contains(e.logs.String(), "abandoned") {
		t.Errorf("logs:\n%s", e.logs.String())
	}
}
