package importx

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// FuzzReadEntitiesCSV feeds arbitrary bytes to the CSV reader. Whatever
// comes in, the result is either rows or an application error (never a
// panic or an internal error); errors name a data row and a reason; and
// rows that were accepted survive export and re-import unchanged.
// Seeds: testdata/fuzz/FuzzReadEntitiesCSV.
func FuzzReadEntitiesCSV(f *testing.F) {
	f.Add([]byte("统一社会信用代码,名称,行业,乡镇,信用风险分类\r\n91350100M000100Y43,垣曲县某店,餐饮服务,新城镇,A\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ReadEntities(bytes.NewReader(data), "fuzz.csv", testRef, Options{})
		checkRead(t, rows, err, "csv")
	})
}

// FuzzReadEntitiesXLSX does the same for workbooks. Random bytes would
// rarely get past the zip container, so the fuzzer writes the two parts a
// department's spreadsheet really varies in — the first worksheet's XML and
// the shared strings — into an otherwise well-formed workbook: the XML
// decoders, the formula scan, cell references, serial dates and the row
// checks all see hostile input. Seeds: testdata/fuzz/FuzzReadEntitiesXLSX
// (parts of workbooks made by excelize, with dates, formulas, numbers and
// inline strings).
func FuzzReadEntitiesXLSX(f *testing.F) {
	c1, c2 := code(f, "91", 1), code(f, "92", 2)
	seeds := [][]byte{
		xlsxFile(f, [][]any{entityHeader, row(c1, "垣曲县老街饭店", "企业", "餐饮服务", "新城镇", "", "", "存续", "A", "2026-03-01")}, nil),
		xlsxFile(f, [][]any{entityHeader, {c2, "历山宾馆", "个体工商户", "住宿", "历山镇", "", "", "存续", "B", time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}}, nil),
		xlsxFile(f, [][]any{entityHeader, row(c1, "", "企业", "餐饮服务", "新城镇")}, func(x *excelize.File, sheet string) {
			_ = x.SetCellFormula(sheet, "B2", `CONCATENATE("垣曲","饭店")`)
		}),
		xlsxFile(f, [][]any{entityHeader, {9.1350100e17, 12345, "企业", "餐饮服务", 140827100}}, nil),
	}
	for _, s := range seeds {
		f.Add(zipPart(f, s, sheetPart), zipPart(f, s, stringsPart))
	}
	template := seeds[0]
	f.Fuzz(func(t *testing.T, sheet, shared []byte) {
		book := rewriteZip(t, template, func(name string, data []byte) []byte {
			switch name {
			case sheetPart:
				return sheet
			case stringsPart:
				return shared
			}
			return data
		})
		rows, err := ReadEntities(bytes.NewReader(book), "fuzz.xlsx", testRef, Options{})
		checkRead(t, rows, err, "xlsx")
	})
}

const (
	sheetPart   = "xl/worksheets/sheet1.xml"
	stringsPart = "xl/sharedStrings.xml"
)

// zipPart returns one entry of a workbook.
func zipPart(t testing.TB, book []byte, name string) []byte {
	t.Helper()
	var part []byte
	rewriteZip(t, book, func(n string, data []byte) []byte {
		if n == name {
			part = data
		}
		return data
	})
	if part == nil {
		t.Fatalf("workbook has no %s", name)
	}
	return part
}

// checkRead asserts what reading any file must give: rows, or an
// application error (a file error with its key, or row errors each naming
// a data row, a field and a key); never both, never neither. Accepted rows
// written out in format and read again come back unchanged.
func checkRead(t *testing.T, rows []domain.EntityRow, err error, format string) {
	t.Helper()
	if err != nil {
		if rows != nil {
			t.Fatalf("rows and error together: %v", err)
		}
		var ve *domain.ValidationError
		var de *domain.Error
		switch {
		case errors.As(err, &ve):
			for _, fe := range ve.Errors {
				if fe.Row < 2 || fe.Field == "" || fe.Key == "" {
					t.Fatalf("field error without row, field or key: %+v", fe)
				}
			}
		case errors.As(err, &de):
			if de.Kind != domain.KindInvalid || de.Key == "" {
				t.Fatalf("file error %v has kind %q", err, de.Kind)
			}
		default:
			t.Fatalf("error of type %T: %v", err, err)
		}
		return
	}
	if len(rows) == 0 {
		t.Fatal("no rows and no error")
	}
	var buf bytes.Buffer
	err = WriteEntities(&buf, format, testRef, func(fn func(*domain.Entity) error) error {
		for i := range rows {
			if err := fn(&rows[i].Entity); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	again, err := ReadEntities(&buf, "again."+format, testRef, Options{})
	if err != nil {
		t.Fatalf("re-import of export failed: %v", err)
	}
	want := make([]domain.Entity, len(rows))
	for i := range rows {
		want[i] = rows[i].Entity
	}
	got := make([]domain.Entity, len(again))
	for i := range again {
		got[i] = again[i].Entity
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("export→import changed rows (-first +second):\n%s", diff)
	}
}
