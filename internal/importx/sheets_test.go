package importx

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

func TestWriteSheets(t *testing.T) {
	var buf bytes.Buffer
	err := WriteSheets(&buf, []Sheet{
		{Name: "概况", Header: []string{"指标", "数值"}, Rows: [][]any{{"检查户次", 10}, {"联合检查占比", 0.3}}},
		{Name: "部门/科室 [1]", Header: []string{"部门", "得分"}, Rows: [][]any{{"=1+1", 70.5}}},
		{Name: strings.Repeat("长", 40), Header: []string{"x"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := []string{"概况", "部门_科室 _1_", strings.Repeat("长", 31)}
	if diff := cmp.Diff(want, f.GetSheetList()); diff != "" {
		t.Fatalf("sheets (-want +got):\n%s", diff)
	}
	rows, err := f.GetRows("概况")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([][]string{{"指标", "数值"}, {"检查户次", "10"}, {"联合检查占比", "0.3"}}, rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	// Numbers are numbers; a text that looks like a formula stays text.
	if typ, _ := f.GetCellType("概况", "B2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("B2 type %v, want a number", typ)
	}
	if formula, _ := f.GetCellFormula("部门_科室 _1_", "A2"); formula != "" {
		t.Errorf("text became a formula: %q", formula)
	}
	if err := WriteSheets(&buf, []Sheet{{Name: "a"}, {Name: "a"}}); err == nil {
		t.Error("duplicate sheet names accepted")
	}
	if err := WriteSheets(&buf, nil); err == nil {
		t.Error("empty workbook accepted")
	}
}
