package web

import (
	"archive/zip"
	"bytes"
	"fmt"
	"html"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

// hostileKind is one kind of file the web UI imports through
// /staff/import/{kind}: who uploads it, its header, a valid row, and the
// columns the hostile rows aim at.
type hostileKind struct {
	kind, user string
	header     []string
	row        func(i int, text string) []string // a valid row i with text in its free-text column
	textCol    string                            // letter of that column, for the formula
	dateCol    int                               // index of a date column, -1 if none
}

// hostileKinds are every import the web UI offers through the shared
// upload (the workday calendar and evidence have their own forms, below).
func hostileKinds(t *testing.T, e *env) []hostileKind {
	lead, co := e.fx.Dept.ShortName, e.fx.OtherDept.ShortName
	return []hostileKind{
		{"entities", "office", []string{"统一社会信用代码", "名称", "行业", "乡镇", "住所", "信用风险分类", "分类日期"},
			func(i int, text string) []string {
				return []string{code(t, 800+i), text, "餐饮服务", "新城镇", "新城镇中心街 1 号", "A", "2026-03-31"}
			}, "B", 6},
		{"inspectors", "scjg", []string{"姓名", "部门", "执法证号", "有效期至"},
			func(i int, text string) []string {
				return []string{text, "SCJG", fmt.Sprintf("SCJG08%02d", i), "2031-06-30"}
			}, "A", 3},
		{"catalog", "scjg", []string{"部门", "事项编码", "抽查事项", "检查内容", "检查依据", "检查方式", "事项类别", "结果选项"},
			func(i int, text string) []string {
				return []string{lead, fmt.Sprintf("SCJG-H%d", i), text, "检查" + text, "《中华人民共和国食品安全法》第五十六条", "书面检查", "重点", "符合、不符合"}
			}, "C", -1},
		{"lists", "scjg", []string{"序号", "行业", "牵头部门", "联查部门", "抽查事项", "检查内容", "检查依据", "责任分工", "抽查比例", "频次", "备注", "事项编码"},
			func(i int, text string) []string {
				return []string{fmt.Sprint(i), "餐饮服务", lead, co, text, "检查" + text, "《相关法律》第1条", "牵头组织", "A:1%;B:2%;C:10%;D:30%", "1", "", ""}
			}, "E", -1},
	}
}

func csvOf(rows ...[]string) []byte {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, ",") + "\r\n")
	}
	return []byte(b.String())
}

func anyRow(r []string) []any {
	out := make([]any, len(r))
	for i, v := range r {
		out[i] = v
	}
	return out
}

// TestHostileUploadsEveryKind sends the hostile files of the issue — wrong
// type, 50 MB, a zip bomb, formulas, dates as serial numbers, GB18030 with
// bytes that are not GB18030 and with odd characters, an empty sheet, a
// header only — to every import of the web UI: each is answered with a
// clear Chinese message (naming the row or cell where there is one) and the
// store's tables are exactly as before. GB18030 with odd characters and
// dates stored as Excel serial numbers are read as meant.
func TestHostileUploadsEveryKind(t *testing.T) {
	e := newEnv(t)
	newListsWorld(t, e)
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00")
	for _, k := range hostileKinds(t, e) {
		t.Run(k.kind, func(t *testing.T) {
			c := e.login(t, k.user)
			path := "/staff/import/" + k.kind
			header := anyRow(k.header)
			good := anyRow(k.row(1, "甲"))
			type hostile struct {
				name, filename string
				content        func() []byte
				status         int
				want           []string // in the page, unescaped
			}
			cases := []hostile{
				{"wrong type by name", "photo.png", func() []byte { return png }, http.StatusUnprocessableEntity, []string{"不支持的文件类型", ".png"}},
				{"wrong type behind .xlsx", "文件.xlsx", func() []byte { return png }, http.StatusUnprocessableEntity, []string{"不是有效的 .xlsx 工作簿"}},
				{"50 MB", "big.csv", func() []byte { return bytes.Repeat([]byte("9"), 50<<20) }, http.StatusRequestEntityTooLarge, []string{"上传内容过大（最多 20 MiB）"}},
				{"zip bomb", "bomb.xlsx", func() []byte { return zipBomb(t, xlsxOf(t, [][]any{header, good}, nil)) }, http.StatusUnprocessableEntity, []string{"工作簿解压后超过", "已拒绝"}},
				{"formula", "formula.xlsx", func() []byte {
					return xlsxOf(t, [][]any{header, good, anyRow(k.row(2, "乙"))}, func(f *excelize.File, s string) {
						if err := f.SetCellFormula(s, k.textCol+"3", `HYPERLINK("http://evil.example/","点我")`); err != nil {
							t.Fatal(err)
						}
					})
				}, http.StatusUnprocessableEntity, []string{"未导入任何数据", "单元格 " + k.textCol + "3 是公式", `=HYPERLINK("http://evil.example/","点我")`}},
				{"GB18030 with bytes that are not GB18030", "bad.csv", func() []byte {
					return append(gb18030(t, strings.Join(k.header, ",")+"\n"+strings.Join(k.row(1, "甲"), ",")), 0x81, 0x20, 0xff, 0xfe, '\n')
				}, http.StatusUnprocessableEntity, []string{"无法识别文件编码"}},
				{"empty sheet", "empty.xlsx", func() []byte { return xlsxOf(t, nil, nil) }, http.StatusUnprocessableEntity, []string{"文件是空的"}},
				{"empty CSV", "empty.csv", func() []byte { return nil }, http.StatusUnprocessableEntity, []string{"文件是空的"}},
				{"header only", "header.xlsx", func() []byte { return xlsxOf(t, [][]any{header}, nil) }, http.StatusUnprocessableEntity, []string{"只有表头，没有数据行"}},
				{"header only CSV", "header.csv", func() []byte { return csvOf(k.header) }, http.StatusUnprocessableEntity, []string{"只有表头，没有数据行"}},
			}
			if k.dateCol >= 0 {
				serial := k.row(2, "乙")
				serial[k.dateCol] = "9999999"
				cases = append(cases,
					hostile{"date as a serial number that is no date", "serial.csv", func() []byte { return csvOf(k.header, k.row(1, "甲"), serial) },
						http.StatusUnprocessableEntity, []string{"未导入任何数据", `<td data-label="行号">3</td>`, "9999999", k.header[k.dateCol]}})
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					before := sums(t, e.store)
					r := e.upload(c, path, tc.filename, tc.content())
					body := html.UnescapeString(r.Body)
					if r.Status != tc.status {
						t.Errorf("status %d, want %d: %s", r.Status, tc.status, pageMessages(body))
					}
					for _, w := range tc.want {
						if !strings.Contains(body, html.UnescapeString(w)) && !strings.Contains(r.Body, w) {
							t.Errorf("page lacks %q; it says: %s", w, pageMessages(body))
						}
					}
					if diff := cmp.Diff(before, sums(t, e.store)); diff != "" {
						t.Errorf("a refused upload wrote to the store:\n%s", diff)
					}
				})
			}
			// Characters beyond the BMP and GBK's odd corners in GB18030
			// are read as written: the preview writes nothing, and once
			// confirmed the export has them (a joint list's items must be
			// in the catalogue: there the error table shows the name as
			// read).
			t.Run("GB18030 with odd characters", func(t *testing.T) {
				odd := "𠀀𪚥·㐀—～ＡＢＣ"
				before := sums(t, e.store)
				r := e.upload(c, path, "gb.csv", gb18030(t, string(csvOf(k.header, k.row(3, odd)))))
				if diff := cmp.Diff(before, sums(t, e.store)); diff != "" {
					t.Errorf("a preview wrote to the store:\n%s", diff)
				}
				if k.kind == "lists" {
					if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `<td data-label="值"><code>`+odd+`</code>`) {
						t.Errorf("status %d, want 422 showing %q as read: %s", r.Status, odd, pageMessages(r.Body))
					}
					return
				}
				m := regexp.MustCompile(`action="(/staff/import/` + k.kind + `/[0-9a-f]{32})"`).FindStringSubmatch(r.Body)
				if r.Status != http.StatusOK || m == nil {
					t.Fatalf("status %d: %s", r.Status, pageMessages(r.Body))
				}
				if r := e.post(c, m[1], nil); r.Status != http.StatusOK {
					t.Fatalf("confirm: %d %s", r.Status, pageMessages(r.Body))
				}
				export := map[string]string{"entities": "/staff/entities/export?format=csv", "inspectors": "/staff/inspectors/export?format=csv",
					"catalog": "/staff/catalog/export?format=csv"}[k.kind]
				if x := e.get(c, export); !strings.Contains(x.Body, odd) {
					t.Errorf("the export after the import lacks %q", odd)
				}
			})
			// A date that Excel stores as its serial number (46112 is
			// 2026-03-31) is read as that date.
			if k.dateCol >= 0 {
				t.Run("date as an Excel serial number", func(t *testing.T) {
					row := anyRow(k.row(4, "丁"))
					row[k.dateCol] = 46112
					r := e.upload(c, path, "serial.xlsx", xlsxOf(t, [][]any{header, row}, nil))
					m := regexp.MustCompile(`action="(/staff/import/` + k.kind + `/[0-9a-f]{32})"`).FindStringSubmatch(r.Body)
					if r.Status != http.StatusOK || m == nil {
						t.Fatalf("status %d: %s", r.Status, pageMessages(r.Body))
					}
					if r := e.post(c, m[1], nil); r.Status != http.StatusOK {
						t.Fatalf("confirm: %d %s", r.Status, pageMessages(r.Body))
					}
					if x := e.get(c, "/staff/"+k.kind+"/export?format=csv"); !strings.Contains(x.Body, "丁,") || !regexp.MustCompile(`丁,[^\n]*2026-03-31`).MatchString(x.Body) {
						t.Errorf("the export lacks the row with 2026-03-31:\n%s", x.Body)
					}
				})
			}
		})
	}
}

// TestHostileCalendarUploads sends the hostile files to the workday
// calendar's file field: each is refused with a message naming the line
// where there is one, and no schedule is written; a GB18030 file is read
// as written.
func TestHostileCalendarUploads(t *testing.T) {
	e := newEnv(t)
	office := e.login(t, "office")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00")
	for _, tc := range []struct {
		name, filename string
		content        []byte
		status         int
		want           []string
	}{
		{"wrong type", "photo.png", png, http.StatusUnprocessableEntity, []string{"第 1 行"}},
		{"50 MB", "big.txt", bytes.Repeat([]byte("9"), 50<<20), http.StatusUnprocessableEntity, []string{"上传内容过大（最多 68 KiB）"}},
		{"zip bomb", "bomb.xlsx", zipBomb(t, xlsxOf(t, [][]any{{"2027-01-01", "off"}}, nil)), http.StatusUnprocessableEntity, []string{"上传内容过大"}},
		{"formula", "f.csv", []byte("=HYPERLINK(\"http://evil.example/\")\n"), http.StatusUnprocessableEntity, []string{"第 1 行", `=HYPERLINK(&#34;http://evil.example/&#34;)`}},
		{"date as a serial number", "serial.txt", []byte("2027-01-01 off 元旦\n46388 off\n"), http.StatusUnprocessableEntity, []string{"第 2 行", "46388"}},
		{"GB18030 with bytes that are not GB18030", "gb.txt", append(gb18030(t, "2027-01-01 off 元旦\n"), 0x81, 0x20, 0xff, 0xfe, '\n'), http.StatusUnprocessableEntity, []string{"无法识别文件编码"}},
		{"empty", "empty.txt", nil, http.StatusUnprocessableEntity, nil},
		{"header only", "header.csv", []byte("日期,类型,说明\n"), http.StatusUnprocessableEntity, []string{"第 1 行"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := sums(t, e.store)
			r := e.upload(office, "/staff/calendar", tc.filename, tc.content, "source", "国务院办公厅通知")
			if r.Status != tc.status {
				t.Errorf("status %d, want %d: %s", r.Status, tc.status, pageMessages(r.Body))
			}
			for _, w := range tc.want {
				if !strings.Contains(r.Body, w) {
					t.Errorf("page lacks %q; it says: %s", w, pageMessages(r.Body))
				}
			}
			if diff := cmp.Diff(before, sums(t, e.store)); diff != "" {
				t.Errorf("a refused calendar wrote to the store:\n%s", diff)
			}
		})
	}
	// A calendar saved by Notepad in GB18030, odd characters and all, is
	// read as written.
	odd := "春节𠀀·㐀—～"
	if r := e.upload(office, "/staff/calendar", "gb.txt", gb18030(t, "2027-02-05..2027-02-11 休 "+odd+"\n"), "source", "国办发明电〔2026〕1号"); r.Status != http.StatusSeeOther {
		t.Fatalf("GB18030 calendar: %d %s", r.Status, pageMessages(r.Body))
	}
	if r := e.get(office, "/staff/calendar?year=2027"); !strings.Contains(r.Body, odd) {
		t.Errorf("the 2027 calendar lacks %q", odd)
	}
}

// TestHostileEvidenceUploads sends the hostile files to the evidence form
// of an inspection: refused with a clear message, no attachment row and no
// stored file; a photo with odd characters in its name is kept under that
// name.
func TestHostileEvidenceUploads(t *testing.T) {
	e, w, blobs := inspectEnv(t)
	in, err := e.store.Inspection(t.Context(), e.fx.Office, w.Visits[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	insp := e.login(t, "visit-insp0")
	visit := idString(w.Visits[0].ID)
	path := "/staff/parts/" + idString(in.Parts[0].ID) + "/attachments"
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	fw, _ := zw.Create("photo.png")
	fw.Write(testPNG(t, 4))
	zw.Close()
	for _, tc := range []struct {
		name, filename string
		content        func() []byte
		status         int
		want           []string
	}{
		{"executable", "tool.exe", func() []byte { return append([]byte("MZ\x90\x00"), make([]byte, 200)...) }, http.StatusUnprocessableEntity, []string{"不接受此类文件"}},
		{"spreadsheet with formulas", "表.xlsx", func() []byte {
			return xlsxOf(t, [][]any{{"x"}}, func(f *excelize.File, s string) { f.SetCellFormula(s, "A2", "1+1") })
		}, http.StatusUnprocessableEntity, []string{"不接受此类文件"}},
		{"PNG named .pdf", "photo.pdf", func() []byte { return testPNG(t, 4) }, http.StatusUnprocessableEntity, []string{".pdf"}},
		{"50 MB", "big.png", func() []byte { return append(testPNG(t, 4), make([]byte, 50<<20)...) }, http.StatusUnprocessableEntity, []string{"文件过大：每个附件不超过 10 MB"}},
		{"zip", "photo.zip", func() []byte { return zipped.Bytes() }, http.StatusUnprocessableEntity, []string{"不接受此类文件"}},
		{"zip bomb", "bomb.xlsx", func() []byte { return zipBomb(t, xlsxOf(t, [][]any{{"x"}}, nil)) }, http.StatusUnprocessableEntity, []string{"不接受此类文件"}},
		{"empty", "empty.png", func() []byte { return nil }, http.StatusUnprocessableEntity, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, files := sums(t, e.store), blobsIn(t, blobs)
			r := e.uploadEvidence(insp, path, visit, tc.filename, tc.content())
			if r.Status != tc.status {
				t.Errorf("status %d, want %d: %s", r.Status, tc.status, pageMessages(r.Body))
			}
			for _, w := range tc.want {
				if !strings.Contains(html.UnescapeString(r.Body), w) {
					t.Errorf("page lacks %q; it says: %s", w, pageMessages(r.Body))
				}
			}
			if diff := cmp.Diff(before, sums(t, e.store)); diff != "" || blobsIn(t, blobs) != files {
				t.Errorf("a refused upload wrote to the store (%d files, was %d):\n%s", blobsIn(t, blobs), files, diff)
			}
		})
	}
	t.Run("odd characters in the name", func(t *testing.T) {
		name := "𠀀𪚥后厨·㐀—～.png"
		if r := e.uploadEvidence(insp, path, visit, name, testPNG(t, 5)); r.Status != http.StatusSeeOther {
			t.Fatalf("status %d: %s", r.Status, pageMessages(r.Body))
		}
		in, err := e.store.Inspection(t.Context(), e.fx.Office, w.Visits[0].ID)
		if err != nil || len(in.Attachments) != 1 || in.Attachments[0].Name != name {
			t.Fatalf("attachments %+v (%v), want one named %q", in.Attachments, err, name)
		}
		_, rc, err := e.store.OpenAttachment(t.Context(), e.fx.Office, in.Attachments[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		if b, _ := io.ReadAll(rc); !bytes.Equal(b, testPNG(t, 5)) {
			t.Errorf("stored file differs from the upload")
		}
	})
}
