package importx

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// TestReadEntitiesReportsBadRowsByNumber is the check: a wrong
// check character in one row and one code repeated in two other rows are
// reported with the row numbers the spreadsheet shows, and nothing else.
func TestReadEntitiesReportsBadRowsByNumber(t *testing.T) {
	rows := [][]any{entityHeader}
	for i := range 8 {
		rows = append(rows, row(code(t, "91", i), "垣曲县第"+string(rune('一'+i))+"餐馆有限公司", "", "餐饮服务", "新城镇", "", "", "存续", "A", ""))
	}
	rows[2][0] = badCheck(code(t, "91", 1)) // spreadsheet row 3
	rows[6][0] = rows[4][0]                 // row 7 repeats row 5
	for _, format := range []string{"xlsx", "csv"} {
		t.Run(format, func(t *testing.T) {
			var b []byte
			if format == "xlsx" {
				b = xlsxFile(t, rows, nil)
			} else {
				b = csvFile(rows)
			}
			got, err := ReadEntities(bytes.NewReader(b), "bad."+format, testRef, Options{})
			if got != nil {
				t.Errorf("rows returned despite errors: %d", len(got))
			}
			want := []domain.FieldError{
				{Row: 3, Field: "code", Value: rows[2][0].(string), Key: "err.code.checksum"},
				{Row: 5, Field: "code", Value: rows[4][0].(string), Key: "err.import.code_repeated", Args: map[string]any{"rows": []int{7}}},
				{Row: 7, Field: "code", Value: rows[4][0].(string), Key: "err.import.duplicate_code", Args: map[string]any{"first": 5}},
			}
			if diff := cmp.Diff(want, rowErrs(t, err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadEntitiesAcceptBadCodesFlags(t *testing.T) {
	bad := badCheck(code(t, "92", 1))
	b := csvFile([][]any{entityHeader, row(bad, "老王面馆", "", "餐饮服务", "英言", "", "", "", "B类", "")})
	got, err := ReadEntities(bytes.NewReader(b), "a.csv", testRef, Options{AcceptBadCodes: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.EntityRow{{Row: 2, Entity: domain.Entity{
		Code: bad, CodeFlagged: true, Name: "老王面馆", Kind: domain.KindIndividual,
		IndustryCode: "catering", TownshipCode: "140827200", Status: domain.StatusActive, RiskClass: domain.RiskB,
	}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

// TestReadEntitiesHeadersAndValues reads the same entity from files that
// differ in header order, language, spelling and value forms.
func TestReadEntitiesHeadersAndValues(t *testing.T) {
	c := code(t, "91", 7)
	want := []domain.EntityRow{{Row: 2, Entity: domain.Entity{
		Code: c, Name: "垣曲县舜王宾馆有限公司", Kind: domain.KindEnterprise, IndustryCode: "lodging",
		TownshipCode: "140827101", Address: "历山镇东街1号", LegalRep: "张三", Status: domain.StatusRevoked,
		RiskClass: domain.RiskC, RiskSetOn: domain.Date{Year: 2026, Month: 3, Day: 31},
	}}}
	for _, tc := range []struct {
		name string
		rows [][]any
	}{
		{"chinese", [][]any{
			entityHeader,
			row(c, "垣曲县舜王宾馆有限公司", "企业", "住宿", "历山镇", "历山镇东街1号", "张三", "吊销", "C", "2026-03-31"),
		}},
		{"any order, aliases, notes", [][]any{
			row("序号", "风险等级", "企业名称", "所属乡镇", "*统一社会信用代码", "负责人", "经营场所", "行业（必填）", "状态", "分类日期"),
			row("1", "C类", "垣曲县舜王宾馆有限公司", "140827101", c, "张三", "历山镇东街1号", "lodging", "吊销，未注销", "2026年3月31日"),
		}},
		{"english", [][]any{
			row("Name", "Credit Code", "risk_class", "Township", "INDUSTRY", "address", "legal_rep", "Status", "kind", "risk_set_on"),
			row("垣曲县舜王宾馆有限公司", c, "较高", "历山镇", "住宿", "历山镇东街1号", "张三", "revoked", "enterprise", "2026/3/31"),
		}},
		{"spaces, full width, lower case", [][]any{
			row(" 统一社会信用代码 ", "名 称", "行业", "乡镇", "住所", "法定代表人", "登记状态", "信用风险分类", "分类日期"),
			row("  "+toFullWidth(strings.ToLower(c))+"\u3000", " 垣曲县舜王宾馆有限公司 ", "住宿", "历山", "历山镇东街1号", "张三", "吊销", "Ｃ", "２０２６.３.３１"),
		}},
	} {
		for _, format := range []string{"xlsx", "csv"} {
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				got, err := ReadEntities(bytes.NewReader(fileOf(t, format, tc.rows)), "x."+format, testRef, Options{})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("rows (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func toFullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r > ' ' && r < 0x7f {
			return r - 0x21 + 0xFF01
		}
		return r
	}, s)
}

func fileOf(t testing.TB, format string, rows [][]any) []byte {
	if format == "xlsx" {
		return xlsxFile(t, rows, nil)
	}
	return csvFile(rows)
}

// csvFile writes rows as UTF-8 CSV without BOM.
func csvFile(rows [][]any) []byte {
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			if i > 0 {
				b.WriteByte(',')
			}
			s, _ := c.(string)
			if strings.ContainsAny(s, ",\"\n") {
				s = `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
			}
			b.WriteString(s)
		}
		b.WriteString("\r\n")
	}
	return []byte(b.String())
}

func TestReadFileLevelErrors(t *testing.T) {
	good := row(code(t, "91", 1), "某公司", "", "餐饮服务", "新城镇", "", "", "", "A", "")
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 100)...)
	for _, tc := range []struct {
		name, filename string
		data           []byte
		opt            Options
		key            string
		args           map[string]any
	}{
		{"png named xlsx", "photo.xlsx", png, Options{}, "err.import.not_xlsx", nil},
		{"png named csv", "photo.csv", png, Options{}, "err.import.not_csv", nil},
		{"xlsx named csv", "book.csv", xlsxFile(t, [][]any{entityHeader, good}, nil), Options{}, "err.import.not_csv_workbook", nil},
		{"old xls", "old.xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, Options{}, "err.import.xls", map[string]any{"ext": ".xls"}},
		{"ole named xlsx", "enc.xlsx", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0}, Options{}, "err.import.xls", map[string]any{"ext": ".xlsx"}},
		{"garbage zip", "broken.xlsx", []byte("PK\x03\x04garbage"), Options{}, "err.import.not_xlsx", nil},
		{"pdf", "a.pdf", []byte("%PDF-1.4"), Options{}, "err.import.format", map[string]any{"ext": ".pdf"}},
		{"no extension", "entities", []byte("a,b"), Options{}, "err.import.format", map[string]any{"ext": ""}},
		{"25 MB", "big.csv", bytes.Repeat([]byte("x"), 25<<20), Options{}, "err.import.too_big", map[string]any{"max": "20"}},
		{"over own limit", "big.csv", bytes.Repeat([]byte("x"), 2000), Options{MaxBytes: 1024}, "err.import.too_big", map[string]any{"max": "0.0"}},
		{"empty csv", "e.csv", nil, Options{}, "err.import.empty", nil},
		{"blank csv", "e.csv", []byte("\xEF\xBB\xBF\r\n,,,\r\n"), Options{}, "err.import.empty", nil},
		{"empty xlsx", "e.xlsx", nil, Options{}, "err.import.empty", nil},
		{"empty sheet", "e.xlsx", xlsxFile(t, nil, nil), Options{}, "err.import.empty", nil},
		{"header only xlsx", "h.xlsx", xlsxFile(t, [][]any{entityHeader}, nil), Options{}, "err.import.no_rows", nil},
		{"header only csv", "h.csv", csvFile([][]any{entityHeader, row("", "", "")}), Options{}, "err.import.no_rows", nil},
		{"unknown column", "u.csv", csvFile([][]any{append(row("备注"), entityHeader...), append(row("x"), good...)}), Options{}, "err.import.unknown_columns",
			map[string]any{"columns": "备注", "accepted": acceptedNames(entityColumns)}},
		{"missing columns", "m.xlsx", xlsxFile(t, [][]any{row("名称", "行业", "乡镇"), row("a", "b", "c")}, nil), Options{}, "err.import.missing_columns",
			map[string]any{"columns": "统一社会信用代码、信用风险分类"}},
		{"duplicate column", "d.csv", csvFile([][]any{append(row("企业名称"), entityHeader...), append(row("x"), good...)}), Options{}, "err.import.duplicate_column",
			map[string]any{"columns": "企业名称/名称"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadEntities(bytes.NewReader(tc.data), tc.filename, testRef, tc.opt)
			if got := fileErrKey(t, err); got != tc.key {
				t.Fatalf("key = %q, want %q (%v)", got, tc.key, err)
			}
			if tc.args != nil {
				if diff := cmp.Diff(tc.args, err.(*domain.Error).Args); diff != "" {
					t.Errorf("args (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestReadSkipsTitleRow reads a sheet that opens with a one-cell title row
// above the header, as county offices' sheets often do.
func TestReadSkipsTitleRow(t *testing.T) {
	c := code(t, "91", 1)
	b := xlsxFile(t, [][]any{
		row("垣曲县检查对象名录库（2026年）"),
		entityHeader,
		row(c, "某店", "", "餐饮服务", "新城镇", "", "", "", "X"),
	}, nil)
	_, err := ReadEntities(bytes.NewReader(b), "t.xlsx", testRef, Options{})
	want := []domain.FieldError{{Row: 3, Field: "risk_class", Value: "X", Key: "err.import.bad_choice", Args: map[string]any{"allowed": riskChoice.allowed}}}
	if diff := cmp.Diff(want, rowErrs(t, err)); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	// A one-cell header that is a known column is no title: its error stands.
	b = csvFile([][]any{row("名称"), row("某店")})
	_, err = ReadEntities(bytes.NewReader(b), "t.csv", testRef, Options{})
	if k := fileErrKey(t, err); k != "err.import.missing_columns" {
		t.Errorf("key = %q, want missing_columns", k)
	}
	// A title above a bad header: the header's problem is reported.
	b = csvFile([][]any{row("名录"), row("甲", "乙"), row("1", "2")})
	_, err = ReadEntities(bytes.NewReader(b), "t.csv", testRef, Options{})
	if k := fileErrKey(t, err); k != "err.import.unknown_columns" || err.(*domain.Error).Args["columns"] != "甲、乙" {
		t.Errorf("error = %v, want unknown columns 甲、乙", err)
	}
	// A one-column file with an unknown header is not "empty".
	b = csvFile([][]any{row("企业名"), row("某店"), row("某厂")})
	_, err = ReadEntities(bytes.NewReader(b), "t.csv", testRef, Options{})
	if k := fileErrKey(t, err); k != "err.import.unknown_columns" || err.(*domain.Error).Args["columns"] != "企业名" {
		t.Errorf("error = %v, want unknown column 企业名", err)
	}
}

// failingReader is an upload that breaks off.
type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

func TestReadBrokenUpload(t *testing.T) {
	_, err := ReadInspectors(failingReader{}, "a.xlsx", testRef, Options{})
	if k := fileErrKey(t, err); k != "err.import.read" {
		t.Errorf("key = %q", k)
	}
}

func TestReadCSVEncodings(t *testing.T) {
	c := code(t, "93", 3)
	text := "统一社会信用代码,名称,行业,乡镇,信用风险分类,住所\r\n" + c + ",垣曲县历山镇农民专业合作社,药品零售,历山镇,D,垣曲县历山镇“舜乡”路\r\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.EntityRow{{Row: 2, Entity: domain.Entity{
		Code: c, Name: "垣曲县历山镇农民专业合作社", Kind: domain.KindCooperative, IndustryCode: "pharmacy",
		TownshipCode: "140827101", Address: "垣曲县历山镇“舜乡”路", Status: domain.StatusActive, RiskClass: domain.RiskD,
	}}}
	for _, tc := range []struct {
		name string
		data string
	}{
		{"utf-8", text},
		{"utf-8 with BOM", "\xEF\xBB\xBF" + text},
		{"gb18030", gb},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadEntities(strings.NewReader(tc.data), "垣曲.CSV", testRef, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
	// Neither UTF-8 nor GB18030: refused, not imported with "�" in names.
	bad := strings.Replace(gb, "\xd4\xab", "\x81\x20", 1) // 垣 → a lead byte with no valid trail
	if _, err := ReadEntities(strings.NewReader(bad), "垣曲.csv", testRef, Options{}); fileErrKey(t, err) != "err.import.encoding" {
		t.Errorf("invalid GB18030: %v, want err.import.encoding", err)
	}
}

// TestReadRowNumbersSkipBlankRows checks that blank rows between data keep
// the spreadsheet's numbering in both formats.
func TestReadRowNumbersSkipBlankRows(t *testing.T) {
	csv := "\r\n统一社会信用代码,名称,行业,乡镇,信用风险分类\r\n" +
		code(t, "91", 1) + ",\"两行\n名称\",餐饮服务,新城镇,A\r\n" +
		"\r\n,,,,\r\n" +
		"X,某店,餐饮服务,新城镇,A\r\n"
	_, err := ReadEntities(strings.NewReader(csv), "r.csv", testRef, Options{})
	got := rowErrs(t, err)
	if len(got) != 2 || got[0].Row != 3 || got[0].Field != "name" || got[1].Row != 6 || got[1].Field != "code" {
		t.Errorf("errors = %+v, want row 3 name (newline) and row 6 code", got)
	}

	b := xlsxFile(t, nil, func(f *excelize.File, s string) {
		f.SetSheetRow(s, "A2", &entityHeader)
		f.SetSheetRow(s, "A3", &[]any{code(t, "91", 1), "好店", "", "餐饮服务", "新城镇", "", "", "", "A"})
		f.SetSheetRow(s, "A9", &[]any{"X", "某店", "", "餐饮服务", "新城镇", "", "", "", "A"})
	})
	_, err = ReadEntities(bytes.NewReader(b), "r.xlsx", testRef, Options{})
	want := []domain.FieldError{{Row: 9, Field: "code", Value: "X", Key: "err.code.length"}}
	if diff := cmp.Diff(want, rowErrs(t, err)); diff != "" {
		t.Errorf("xlsx errors (-want +got):\n%s", diff)
	}
}

// TestReadEntitiesRowErrors lists the row-level problems, each with the
// field and key the user will see.
func TestReadEntitiesRowErrors(t *testing.T) {
	ok := code(t, "91", 1)
	for _, tc := range []struct {
		name  string
		cells []any
		want  []domain.FieldError
	}{
		{"unknown industry and township", row(ok, "某店", "", "火锅", "北京", "", "", "", "A", ""), []domain.FieldError{
			{Row: 2, Field: "industry", Value: "火锅", Key: "err.import.unknown_industry"},
			{Row: 2, Field: "township", Value: "北京", Key: "err.import.unknown_township"},
		}},
		{"required", row("", "", "", "", "", "", "", "", "", ""), nil}, // blank row: skipped, so no data
		{"missing values", row(ok, "", "", "", "", "", "", "", "", ""), []domain.FieldError{
			{Row: 2, Field: "name", Key: "err.required"},
			{Row: 2, Field: "industry", Key: "err.required"},
			{Row: 2, Field: "township", Key: "err.required"},
			{Row: 2, Field: "risk_class", Key: "err.required"},
		}},
		{"bad enums and date", row(ok, "某店", "国企", "餐饮服务", "新城镇", "", "", "歇业", "E", "2026-02-30"), []domain.FieldError{
			{Row: 2, Field: "kind", Value: "国企", Key: "err.import.bad_choice", Args: map[string]any{"allowed": kindChoice.allowed}},
			{Row: 2, Field: "status", Value: "歇业", Key: "err.import.bad_choice", Args: map[string]any{"allowed": statusChoice.allowed}},
			{Row: 2, Field: "risk_class", Value: "E", Key: "err.import.bad_choice", Args: map[string]any{"allowed": riskChoice.allowed}},
			{Row: 2, Field: "risk_set_on", Value: "2026-02-30", Key: "err.bad_date"},
		}},
		{"month only is no date", row(ok, "某店", "", "餐饮服务", "新城镇", "", "", "", "A", "2026.03"), []domain.FieldError{
			{Row: 2, Field: "risk_set_on", Value: "2026.03", Key: "err.bad_date"},
		}},
		{"bad code charset", row("91140827MA0000010I", "某店", "", "餐饮服务", "新城镇", "", "", "", "A", ""), []domain.FieldError{
			{Row: 2, Field: "code", Value: "91140827MA0000010I", Key: "err.code.charset"},
		}},
		{"scientific notation code", row("9.13501E+17", "某店", "", "餐饮服务", "新城镇", "", "", "", "A", ""), []domain.FieldError{
			{Row: 2, Field: "code", Value: "9.13501E+17", Key: "err.import.sci_number", Args: map[string]any{"cell": "A2"}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadEntities(bytes.NewReader(csvFile([][]any{entityHeader, tc.cells})), "e.csv", testRef, Options{})
			if tc.want == nil {
				if k := fileErrKey(t, err); k != "err.import.no_rows" {
					t.Errorf("key = %q, want no_rows", k)
				}
				return
			}
			if diff := cmp.Diff(tc.want, rowErrs(t, err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReadXLSXCellOddities covers what Excel does to cells: dates stored as
// serial numbers, codes turned into numbers in scientific notation, and
// formulas.
func TestReadXLSXCellOddities(t *testing.T) {
	c := code(t, "91", 1)
	t.Run("date serial", func(t *testing.T) {
		b := xlsxFile(t, [][]any{entityHeader, row(c, "某店", "", "餐饮服务", "新城镇", "", "", "", "A")}, func(f *excelize.File, s string) {
			// A date cell: excelize stores time.Time as a serial with a date format.
			if err := f.SetCellValue(s, "J2", time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)); err != nil {
				t.Fatal(err)
			}
		})
		if !bytes.Contains(unzipSheet(t, b), []byte("<v>46112</v>")) {
			t.Fatal("fixture does not hold the date as serial 46112")
		}
		got, err := ReadEntities(bytes.NewReader(b), "d.xlsx", testRef, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if want := (domain.Date{Year: 2026, Month: 3, Day: 31}); got[0].Entity.RiskSetOn != want {
			t.Errorf("RiskSetOn = %v, want %v", got[0].Entity.RiskSetOn, want)
		}
	})
	t.Run("scientific notation", func(t *testing.T) {
		b := xlsxFile(t, [][]any{entityHeader, {913501000000000000.0, "某店", "", "餐饮服务", "新城镇", "", "", "", "A"}}, nil)
		// Excel writes such a number the way it shows it.
		b = rewriteZip(t, b, func(name string, data []byte) []byte {
			return bytes.ReplaceAll(data, []byte("<v>913501000000000000</v>"), []byte("<v>9.1350100000000006E+17</v>"))
		})
		_, err := ReadEntities(bytes.NewReader(b), "s.xlsx", testRef, Options{})
		want := []domain.FieldError{{Row: 2, Field: "code", Value: "9.1350100000000006E+17", Key: "err.import.sci_number", Args: map[string]any{"cell": "A2"}}}
		if diff := cmp.Diff(want, rowErrs(t, err)); diff != "" {
			t.Errorf("errors (-want +got):\n%s", diff)
		}
	})
	t.Run("formula", func(t *testing.T) {
		b := xlsxFile(t, [][]any{entityHeader,
			row(c, "某店", "", "餐饮服务", "新城镇", "", "", "", "A"),
			row(code(t, "91", 2), "", "", "餐饮服务", "新城镇", "", "", "", "A"),
		}, func(f *excelize.File, s string) {
			if err := f.SetCellFormula(s, "B3", `CONCATENATE("垣曲","饭店")`); err != nil {
				t.Fatal(err)
			}
		})
		_, err := ReadEntities(bytes.NewReader(b), "f.xlsx", testRef, Options{})
		want := []domain.FieldError{{Row: 3, Field: "name", Value: `=CONCATENATE("垣曲","饭店")`, Key: "err.import.formula", Args: map[string]any{"cell": "B3"}}}
		if diff := cmp.Diff(want, rowErrs(t, err)); diff != "" {
			t.Errorf("errors (-want +got):\n%s", diff)
		}
	})
}

func unzipSheet(t *testing.T, b []byte) []byte {
	t.Helper()
	var sheet []byte
	rewriteZip(t, b, func(name string, data []byte) []byte {
		if name == "xl/worksheets/sheet1.xml" {
			sheet = data
		}
		return data
	})
	return sheet
}

func TestReadInspectors(t *testing.T) {
	c1, c2 := code(t, "91", 1), code(t, "92", 2)
	header := row("姓名", "部门", "执法证号", "有效期至", "身份证号", "分类标注", "业务专长", "业务专家", "状态", "联系电话", "回避企业")
	rows := [][]any{header,
		row("李明", "市场监管局", "14082701001", "2027/12/31", "", "食品、 特种设备,药品", "食品安全", "否", "在岗", "13800000000", c1+"：亲属经营;"+c2),
		row("王芳", "SCJG", "", "", "", "", "消防设施", "是", "休假", "", ""),
		row("赵强", "垣曲县消防救援大队", "14082702001", "2025-06-30", "", "", "", "", "调离", "", ""),
		row("钱七", "教育局", "14082701001", "", "123", "", "", "也许", "退休", "", "X:y"),
		row("孙八", "市场监管局", "14082701009", "2027-01-01", "", "", "", "", "", "1.38E+10", ""),
		row("王芳", "市场监管局", "", "", "", "", "", "Y", "", "", ""),
	}
	for _, format := range []string{"xlsx", "csv"} {
		t.Run(format, func(t *testing.T) {
			_, err := ReadInspectors(bytes.NewReader(fileOf(t, format, rows)), "i."+format, testRef, Options{})
			want := []domain.FieldError{
				{Row: 2, Field: "cert_no", Value: "14082701001", Key: "err.import.inspector_repeated", Args: map[string]any{"rows": []int{5}}},
				{Row: 3, Field: "name", Value: "王芳", Key: "err.import.inspector_repeated", Args: map[string]any{"rows": []int{7}}},
				{Row: 5, Field: "department", Value: "教育局", Key: "err.import.unknown_department"},
				{Row: 5, Field: "cert_no", Value: "14082701001", Key: "err.import.duplicate_inspector", Args: map[string]any{"first": 2}},
				{Row: 5, Field: "cert_expiry", Key: "err.required"},
				{Row: 5, Field: "id_number", Value: "123", Key: "err.id.length"},
				{Row: 5, Field: "expert", Value: "也许", Key: "err.import.bad_choice", Args: map[string]any{"allowed": boolChoice.allowed}},
				{Row: 5, Field: "status", Value: "退休", Key: "err.import.bad_choice", Args: map[string]any{"allowed": inspectorStatusChoice.allowed}},
				{Row: 5, Field: "conflicts", Value: "X", Key: "err.code.length"},
				{Row: 6, Field: "phone", Value: "1.38E+10", Key: "err.import.sci_number", Args: map[string]any{"cell": "J6"}},
				{Row: 7, Field: "name", Value: "王芳", Key: "err.import.duplicate_inspector", Args: map[string]any{"first": 3}},
			}
			if diff := cmp.Diff(want, rowErrs(t, err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			good := [][]any{rows[0], rows[1], rows[2], rows[3]}
			got, err := ReadInspectors(bytes.NewReader(fileOf(t, format, good)), "i."+format, testRef, Options{})
			if err != nil {
				t.Fatal(err)
			}
			wantRows := []domain.InspectorRow{
				{Row: 2, Inspector: domain.Inspector{DepartmentID: 1, Name: "李明", CertNo: "14082701001", CertExpiry: domain.Date{Year: 2027, Month: 12, Day: 31},
					Labels: []string{"食品", "特种设备", "药品"}, Expertise: "食品安全", Status: domain.InspectorOnDuty, Phone: "13800000000",
					Conflicts: []domain.Conflict{{EntityCode: c1, Reason: "亲属经营"}, {EntityCode: c2}}}},
				{Row: 3, Inspector: domain.Inspector{DepartmentID: 1, Name: "王芳", Expertise: "消防设施", Expert: true, Status: domain.InspectorOnLeave}},
				{Row: 4, Inspector: domain.Inspector{DepartmentID: 2, Name: "赵强", CertNo: "14082702001", CertExpiry: domain.Date{Year: 2025, Month: 6, Day: 30},
					Status: domain.InspectorTransferred}},
			}
			if diff := cmp.Diff(wantRows, got, cmpEmpty); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReadTruncatedXLSX cuts a workbook at many points: every cut is a
// clear file error, never a panic or an internal error.
func TestReadTruncatedXLSX(t *testing.T) {
	b := xlsxFile(t, [][]any{entityHeader, row(code(t, "91", 1), "某店", "", "餐饮服务", "新城镇", "", "", "", "A")}, nil)
	for n := 4; n < len(b); n += len(b)/40 + 1 {
		_, err := ReadEntities(bytes.NewReader(b[:n]), "cut.xlsx", testRef, Options{})
		if !domain.IsKind(err, domain.KindInvalid) {
			t.Errorf("cut at %d/%d: %v (kind %q)", n, len(b), err, domain.ErrorKind(err))
		}
	}
}

// TestReadMalformedXLSXParts damages the XML inside a well-formed zip.
func TestReadMalformedXLSXParts(t *testing.T) {
	good := xlsxFile(t, [][]any{entityHeader, row(code(t, "91", 1), "某店", "", "餐饮服务", "新城镇", "", "", "", "A")}, nil)
	for _, tc := range []struct {
		name, part, content string
	}{
		{"sheet not xml", "xl/worksheets/sheet1.xml", "garbage"},
		{"bad cell reference", "xl/worksheets/sheet1.xml", `<worksheet><sheetData><row r="1"><c r="??" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>`},
		{"shared string out of range", "xl/worksheets/sheet1.xml", `<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>999999</v></c></row></sheetData></worksheet>`},
		{"workbook not xml", "xl/workbook.xml", "<workbook><sheets>"},
		{"no sheets", "xl/workbook.xml", `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := rewriteZip(t, good, func(name string, data []byte) []byte {
				if name == tc.part {
					return []byte(tc.content)
				}
				return data
			})
			_, err := ReadEntities(bytes.NewReader(b), "m.xlsx", testRef, Options{})
			if !domain.IsKind(err, domain.KindInvalid) {
				t.Errorf("err = %v (kind %q), want a file error", err, domain.ErrorKind(err))
			}
		})
	}
}
