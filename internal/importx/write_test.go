package importx

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/xuri/excelize/v2"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/i18n"
)

var cmpEmpty = cmpopts.EquateEmpty()

// genEntities makes n valid, varied entities, including text that needs
// the CSV formula guard.
func genEntities(t testing.TB, n int) []domain.Entity {
	out := make([]domain.Entity, n)
	for i := range out {
		out[i] = genEntity(t, i)
	}
	return out
}

// genEntity makes the i-th generated entity.
func genEntity(t testing.TB, i int) domain.Entity {
	prefix := []string{"91", "92", "93"}[i%3]
	e := domain.Entity{
		Code:         code(t, prefix, i),
		Name:         fmt.Sprintf("垣曲县第%d号商户", i),
		Kind:         domain.KindFromCode(prefix),
		IndustryCode: testRef.Industries[i%len(testRef.Industries)].Code,
		TownshipCode: testRef.Townships[i%len(testRef.Townships)].Code,
		Address:      fmt.Sprintf("垣曲县新城镇中条大街%d号", i),
		LegalRep:     []string{"张三", "李四", "", "欧阳 修"}[i%4],
		Status:       domain.RegStatuses[i%len(domain.RegStatuses)],
		RiskClass:    domain.RiskClasses[i%len(domain.RiskClasses)],
	}
	if i%2 == 0 {
		e.RiskSetOn = domain.Date{Year: 2025, Month: 1, Day: 1}.AddDays(i % 700)
	}
	switch i % 50 {
	case 7:
		e.Name = "=HYPERLINK(\"http://x\",\"点我\")"
	case 8:
		e.Address = "-1 号院"
	case 9:
		e.LegalRep = "'王五"
	case 10:
		e.Name = "@某某, \"引号\"店"
	}
	return e
}

func genInspectors(t testing.TB, n int) []domain.Inspector {
	out := make([]domain.Inspector, n)
	for i := range out {
		in := domain.Inspector{
			DepartmentID: testRef.Departments[i%len(testRef.Departments)].ID,
			Name:         fmt.Sprintf("检查员%d", i),
			Expertise:    []string{"食品安全", "", "消防 设施"}[i%3],
			Status:       domain.InspectorStatuses[i%len(domain.InspectorStatuses)],
		}
		if i%5 == 0 {
			in.Expert = true
		} else {
			in.CertNo = fmt.Sprintf("1408270%05d", i)
			in.CertExpiry = domain.Date{Year: 2026, Month: 12, Day: 31}.AddDays(i % 400)
		}
		if i%3 == 0 {
			in.Labels = []string{"食品", "特种设备"}
		}
		switch i % 8 {
		case 0:
			in.Phone = fmt.Sprintf("138%08d", i)
		case 4:
			in.Phone = fmt.Sprintf("0359-50%05d", i)
		case 6:
			in.Phone = fmt.Sprintf("035950%05d", i)
		}
		switch i % 7 {
		case 0:
			in.IDNumber = "11010519491231002X"
		case 3:
			in.IDNumber = "140827199003151230"
		}
		if i%6 == 0 {
			in.Conflicts = []domain.Conflict{{EntityCode: code(t, "91", i), Reason: "亲属：配偶经营"}, {EntityCode: code(t, "92", i+1)}}
		}
		if i%12 == 0 {
			in.Conflicts = append(in.Conflicts, domain.Conflict{EntityCode: code(t, "93", i+2), DeclaredOn: domain.Date{Year: 2026, Month: 1, Day: 5}})
		}
		out[i] = in
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	entities := genEntities(t, 1000)
	inspectors := genInspectors(t, 1000)
	for _, format := range []string{"xlsx", "csv"} {
		t.Run("entities/"+format, func(t *testing.T) {
			var buf bytes.Buffer
			err := WriteEntities(&buf, format, testRef, func(fn func(*domain.Entity) error) error {
				for i := range entities {
					if err := fn(&entities[i]); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			rows, err := ReadEntities(&buf, "export."+format, testRef, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := make([]domain.Entity, len(rows))
			for i, r := range rows {
				if r.Row != i+2 {
					t.Fatalf("row %d numbered %d", i, r.Row)
				}
				got[i] = r.Entity
			}
			if diff := cmp.Diff(entities, got); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
		t.Run("inspectors/"+format, func(t *testing.T) {
			var buf bytes.Buffer
			err := WriteInspectors(&buf, format, testRef, func(fn func(*domain.Inspector) error) error {
				for i := range inspectors {
					if err := fn(&inspectors[i]); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			rows, err := ReadInspectors(&buf, "export."+format, testRef, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := make([]domain.Inspector, len(rows))
			for i, r := range rows {
				got[i] = r.Inspector
			}
			if diff := cmp.Diff(inspectors, got, cmpEmpty); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

// TestWriteCSVForExcel checks the bytes Excel will see: a BOM, Chinese
// headers, codes as plain text and formula-looking cells defused.
func TestWriteCSVForExcel(t *testing.T) {
	e := domain.Entity{Code: code(t, "91", 1), Name: "=1+1", Kind: domain.KindEnterprise, IndustryCode: "catering",
		TownshipCode: "140827100", Status: domain.StatusActive, RiskClass: domain.RiskA, LegalRep: "+86"}
	var buf bytes.Buffer
	if err := WriteEntities(&buf, "csv", testRef, func(fn func(*domain.Entity) error) error { return fn(&e) }); err != nil {
		t.Fatal(err)
	}
	want := "\xEF\xBB\xBF统一社会信用代码,名称,主体类型,行业,乡镇,住所,法定代表人,登记状态,信用风险分类,分类日期\r\n" +
		e.Code + ",'=1+1,企业,餐饮服务,新城镇,,'+86,存续,A,\r\n"
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("csv (-want +got):\n%s", diff)
	}
}

func TestWriteCSVKeepsDigitsText(t *testing.T) {
	ins := []domain.Inspector{
		{DepartmentID: 1, Name: "李明", CertNo: "140827010012", CertExpiry: domain.Date{Year: 2027, Month: 1, Day: 1},
			IDNumber: "140827199003151230", Phone: "03595021234", Status: domain.InspectorOnDuty},
		{DepartmentID: 2, Name: "赵强", CertNo: "1E+5", CertExpiry: domain.Date{Year: 2027, Month: 1, Day: 1}, Status: domain.InspectorOnDuty},
	}
	var buf bytes.Buffer
	err := WriteInspectors(&buf, "csv", testRef, func(fn func(*domain.Inspector) error) error {
		for i := range ins {
			if err := fn(&ins[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(buf.String(), "\r\n")
	want := []string{
		`李明,垣曲县市场监督管理局,"=""140827010012""",2027-01-01,"=""140827199003151230""",,,否,在岗,"=""03595021234""",`,
		`赵强,垣曲县消防救援大队,"=""1E+5""",2027-01-01,,,,否,在岗,,`,
	}
	if diff := cmp.Diff(want, lines[1:3]); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	rows, err := ReadInspectors(&buf, "i.csv", testRef, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := []domain.Inspector{rows[0].Inspector, rows[1].Inspector}
	if diff := cmp.Diff(ins, got, cmpEmpty); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestWriteXLSXCodesAsText(t *testing.T) {
	e := domain.Entity{Code: "911408270000000000", Name: "=1+1", Kind: domain.KindEnterprise, Status: domain.StatusActive}
	var buf bytes.Buffer
	if err := WriteEntities(&buf, "xlsx", testRef, func(fn func(*domain.Entity) error) error { return fn(&e) }); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := f.GetSheetName(0)
	for cell, want := range map[string]excelize.CellType{"A2": excelize.CellTypeInlineString, "B2": excelize.CellTypeInlineString} {
		if got, err := f.GetCellType(s, cell); err != nil || got != want {
			t.Errorf("%s type = %v, %v; want %v", cell, got, err, want)
		}
	}
	if f, _ := f.GetCellFormula(s, "B2"); f != "" {
		t.Errorf("B2 became a formula %q", f)
	}
	if s != "检查对象名录" {
		t.Errorf("sheet = %q", s)
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	err := WriteEntities(&bytes.Buffer{}, "ods", testRef, func(func(*domain.Entity) error) error { return nil })
	if k := fileErrKey(t, err); k != "err.import.format" {
		t.Errorf("key = %q", k)
	}
}

func TestWriteErrorReport(t *testing.T) {
	errs := []domain.FieldError{
		{Row: 3, Field: "code", Value: "91350100M000100Y44", Key: "err.code.checksum"},
		{Row: 7, Field: "code", Value: "91350100M000100Y43", Key: "err.import.duplicate_code", Args: map[string]any{"first": 5}},
		{Row: 9, Field: "name", Value: "=A1", Key: "err.import.formula", Args: map[string]any{"cell": "B9"}},
	}
	for _, tc := range []struct {
		lang i18n.Lang
		want [][]string
	}{
		{i18n.ZH, [][]string{
			{"行号", "列", "值", "原因"},
			{"3", "统一社会信用代码", "91350100M000100Y44", "统一社会信用代码校验位错误"},
			{"7", "统一社会信用代码", "91350100M000100Y43", "与第 5 行的统一社会信用代码重复"},
			{"9", "名称", "=A1", "单元格 B9 是公式：请改为直接填写值（复制后“选择性粘贴 → 数值”）"},
		}},
		{i18n.EN, [][]string{
			{"Row", "Column", "Value", "Reason"},
			{"3", "Credit code", "91350100M000100Y44", "credit code check character is wrong"},
			{"7", "Credit code", "91350100M000100Y43", "repeats the credit code of row 5"},
			{"9", "Name", "=A1", "cell B9 holds a formula: enter the value itself (copy, then Paste Special → Values)"},
		}},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteErrorReport(&buf, errs, i18n.For(tc.lang)); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(&buf)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := f.GetRows(f.GetSheetName(0))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("report (-want +got):\n%s", diff)
			}
			if formula, _ := f.GetCellFormula(f.GetSheetName(0), "C4"); formula != "" {
				t.Errorf("value cell became formula %q", formula)
			}
		})
	}
}

// TestZipBombRefused builds workbooks whose sheet inflates far beyond the
// limit, honestly declared or hidden behind a lying header.
func TestZipBombRefused(t *testing.T) {
	good := xlsxFile(t, [][]any{entityHeader, row(code(t, "91", 1), "某店", "", "餐饮服务", "新城镇", "", "", "", "A")}, nil)
	// 64 MiB of spaces inside the sheet XML deflates to about 64 KiB.
	var bomb bytes.Buffer
	fw, _ := flate.NewWriter(&bomb, flate.BestCompression)
	huge := bytes.Repeat([]byte(" "), 1<<20)
	crc := crc32.NewIEEE()
	for range 64 {
		fw.Write(huge)
		crc.Write(huge)
	}
	fw.Close()
	inflated := uint64(64 << 20)
	for _, tc := range []struct {
		name     string
		declared uint64
		opt      Options
		key      string
	}{
		{"declared", inflated, Options{MaxUnzipBytes: 32 << 20}, "err.import.zip_bomb"},
		{"declared 1 TiB", 1 << 40, Options{}, "err.import.zip_bomb"},
		{"lying header", 4096, Options{}, "err.import.corrupt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := replaceEntry(t, good, "xl/worksheets/sheet1.xml", bomb.Bytes(), crc.Sum32(), tc.declared)
			if len(b) > 200<<10 {
				t.Fatalf("bomb is %d bytes, not tiny", len(b))
			}
			_, err := ReadEntities(bytes.NewReader(b), "bomb.xlsx", testRef, tc.opt)
			if k := fileErrKey(t, err); k != tc.key {
				t.Errorf("key = %q, want %q (%v)", k, tc.key, err)
			}
		})
	}
}

// replaceEntry copies the zip b with one entry replaced by raw deflated
// data and the given header fields.
func replaceEntry(t *testing.T, b []byte, name string, deflated []byte, crc uint32, size uint64) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		if zf.Name == name {
			w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc,
				CompressedSize64: uint64(len(deflated)), UncompressedSize64: size})
			if err != nil {
				t.Fatal(err)
			}
			w.Write(deflated)
			continue
		}
		if err := zw.Copy(zf); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestEscapeCSVRoundTrip(t *testing.T) {
	for _, s := range []string{"", "a", "=1", "+1", "-", "@x", "'", "''=", "'a", "\tx", "=\"x\""} {
		if got, _ := unescapeCSV(escapeCSV(s)); got != s {
			t.Errorf("unescape(escape(%q)) = %q", s, got)
		}
		if e := escapeCSV(s); e != "" && strings.ContainsRune("=+-@\t\r", rune(e[0])) {
			t.Errorf("escape(%q) = %q still starts with a formula character", s, e)
		}
	}
}
