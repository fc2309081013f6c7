package importx

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// planWidths are the column widths of the annual plan's standard layout
// (序号 | 行业 | 牵头部门 | 任务名称 | 联查部门 | 抽查事项 | 联查对象 | 检查主体 |
// 责任分工 | 抽查比例 | 时间安排 | 备注), in characters.
var planWidths = []float64{6, 12, 20, 24, 24, 48, 28, 20, 36, 30, 34, 20}

// WritePlan writes an annual plan in the standard layout as XLSX: a title
// row merged across the columns, the header row, one row per task with
// wrapped multi-line cells, and the given note rows (adjustments) below.
// Cells are text as given; the caller translates them.
func WritePlan(w io.Writer, title string, header []string, rows [][]string, notes []string) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "抽查计划"
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return err
	}
	last, err := excelize.ColumnNumberToName(len(header))
	if err != nil {
		return err
	}
	border := []excelize.Border{{Type: "left", Style: 1, Color: "000000"}, {Type: "right", Style: 1, Color: "000000"},
		{Type: "top", Style: 1, Color: "000000"}, {Type: "bottom", Style: 1, Color: "000000"}}
	titleStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}, Alignment: &excelize.Alignment{Horizontal: "center"}})
	if err != nil {
		return err
	}
	headStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return err
	}
	cellStyle, err := f.NewStyle(&excelize.Style{Border: border, NumFmt: 49, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return err
	}
	set := func(cell string, v string, style int) error {
		if err := f.SetCellStr(sheet, cell, v); err != nil {
			return err
		}
		return f.SetCellStyle(sheet, cell, cell, style)
	}
	if err := f.MergeCell(sheet, "A1", last+"1"); err != nil {
		return err
	}
	if err := set("A1", title, titleStyle); err != nil {
		return err
	}
	for i, h := range header {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if i < len(planWidths) {
			if err := f.SetColWidth(sheet, col, col, planWidths[i]); err != nil {
				return err
			}
		}
		if err := set(fmt.Sprintf("%s2", col), h, headStyle); err != nil {
			return err
		}
	}
	for r, row := range rows {
		for i, v := range row {
			col, _ := excelize.ColumnNumberToName(i + 1)
			if err := set(fmt.Sprintf("%s%d", col, r+3), v, cellStyle); err != nil {
				return err
			}
		}
	}
	for i, n := range notes {
		if err := f.SetCellStr(sheet, fmt.Sprintf("A%d", len(rows)+4+i), n); err != nil {
			return err
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	return f.Write(w)
}

// WriteTable writes a listing as XLSX: a bold header row, then the rows as
// text, on one sheet named title (without the characters Excel refuses in
// a sheet name, cut to its 31 characters).
func WriteTable(w io.Writer, title string, header []string, rows [][]string) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := []rune(strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\?*[]:`, r) {
			return '-'
		}
		return r
	}, title))
	if len(sheet) > 31 {
		sheet = sheet[:31]
	}
	name := string(sheet)
	if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return err
	}
	for r, row := range rows {
		cells := make([]any, len(row))
		for i, v := range row {
			cells[i] = v
		}
		if err := sw.SetRow(fmt.Sprintf("A%d", r+2), cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}
