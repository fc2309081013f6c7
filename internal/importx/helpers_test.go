package importx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/validate"
)

// testRef is a small slice of the Yuanqu reference data.
var testRef = Reference{
	Departments: []domain.Department{
		{ID: 1, Code: "SCJG", Name: "垣曲县市场监督管理局", ShortName: "市场监管局"},
		{ID: 2, Code: "XFJY", Name: "垣曲县消防救援大队", ShortName: "消防救援大队"},
		{ID: 3, Code: "WSJK", Name: "垣曲县卫生健康局", ShortName: "卫健局"},
	},
	Industries: []domain.Industry{
		{Code: "catering", Name: "餐饮服务"},
		{Code: "lodging", Name: "住宿"},
		{Code: "pharmacy", Name: "药品零售"},
	},
	Townships: []domain.Township{
		{Code: "140827100", Name: "新城镇"},
		{Code: "140827101", Name: "历山镇"},
		{Code: "140827102", Name: "古城镇"},
		{Code: "140827200", Name: "英言乡"},
	},
}

// code returns the i-th valid credit code of a test series; prefix "91",
// "92" or "93" gives the kind.
func code(t testing.TB, prefix string, i int) string {
	t.Helper()
	c, ok := validate.MakeCreditCode(prefix, "140827", fmt.Sprintf("MA%06d", i))
	if !ok {
		t.Fatalf("MakeCreditCode(%d) failed", i)
	}
	return c
}

// badCheck returns c with a wrong final check character.
func badCheck(c string) string {
	last := byte('0')
	if c[17] == '0' {
		last = '1'
	}
	return c[:17] + string(last)
}

// xlsxFile builds a workbook whose first sheet holds rows starting at A1;
// edit may change the file before it is saved.
func xlsxFile(t testing.TB, rows [][]any, edit func(f *excelize.File, sheet string)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	for i, r := range rows {
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+1), &r); err != nil {
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

// rewriteZip copies a zip, passing every entry through fn.
func rewriteZip(t testing.TB, b []byte, fn func(name string, data []byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(fn(zf.Name, data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// row turns strings into a spreadsheet row.
func row(cells ...string) []any {
	out := make([]any, len(cells))
	for i, c := range cells {
		out[i] = c
	}
	return out
}

var entityHeader = row("统一社会信用代码", "名称", "主体类型", "行业", "乡镇", "住所", "法定代表人", "登记状态", "信用风险分类", "分类日期")

// fileErrKey returns the i18n key of a file-level error, failing the test
// if err is not a KindInvalid *domain.Error.
func fileErrKey(t *testing.T, err error) string {
	t.Helper()
	e, ok := err.(*domain.Error)
	if !ok {
		t.Fatalf("error %v (%T) is not a *domain.Error", err, err)
	}
	if e.Kind != domain.KindInvalid {
		t.Errorf("error kind = %q, want invalid", e.Kind)
	}
	return e.Key
}

// rowErrs returns the field errors of a *domain.ValidationError.
func rowErrs(t *testing.T, err error) []domain.FieldError {
	t.Helper()
	ve, ok := err.(*domain.ValidationError)
	if !ok {
		t.Fatalf("error %v (%T) is not a *domain.ValidationError", err, err)
	}
	return ve.Errors
}
