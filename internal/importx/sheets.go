package importx

import (
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Sheet is one table of a multi-sheet workbook: the annual summary writes
// one per table. Cells are strings, integers or floats; numbers stay
// numbers, so a reader can total them in Excel.
type Sheet struct {
	Name   string
	Header []string
	Rows   [][]any
}

// maxSheetName is Excel's limit on a sheet name, in characters.
const maxSheetName = 31

// WriteSheets writes sheets as one XLSX workbook, in order, each with a
// bold frozen header row. Sheet names are cut to Excel's 31 characters;
// two sheets must not share a name.
func WriteSheets(w io.Writer, sheets []Sheet) error {
	if len(sheets) == 0 {
		return fmt.Errorf("importx: a workbook needs a sheet")
	}
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for i, sh := range sheets {
		name := sheetName(sh.Name)
		if seen[name] {
			return fmt.Errorf("importx: two sheets named %q", name)
		}
		seen[name] = true
		if i == 0 {
			if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		sw, err := f.NewStreamWriter(name)
		if err != nil {
			return err
		}
		for c := range sh.Header {
			width := 14.0
			if c == 0 {
				width = 28
			}
			if err := sw.SetColWidth(c+1, c+1, width); err != nil {
				return err
			}
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
		head := make([]any, len(sh.Header))
		for c, h := range sh.Header {
			head[c] = excelize.Cell{StyleID: bold, Value: h}
		}
		if err := sw.SetRow("A1", head); err != nil {
			return err
		}
		for r, row := range sh.Rows {
			cell, err := excelize.CoordinatesToCellName(1, r+2)
			if err != nil {
				return err
			}
			if err := sw.SetRow(cell, row); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

// sheetName cuts a name to Excel's limit and replaces the characters Excel
// refuses in sheet names.
func sheetName(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch r {
		case ':', '\\', '/', '?', '*', '[', ']':
			r = '_'
		}
		out = append(out, r)
	}
	if utf8.RuneCountInString(string(out)) > maxSheetName {
		out = out[:maxSheetName]
	}
	if len(out) == 0 {
		return "Sheet"
	}
	return string(out)
}
