package importx

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/i18n"
)

// rowWriter writes a table row by row in one of the export formats.
type rowWriter interface {
	write(cells []string) error
	close() error // finishes the file; the writer is unusable afterwards
}

func newRowWriter(op string, w io.Writer, format string, sheet string, cols []column) (rowWriter, error) {
	switch strings.ToLower(strings.TrimPrefix(format, ".")) {
	case "xlsx":
		return newXLSXWriter(w, sheet, cols)
	case "csv":
		return newCSVWriter(w, cols)
	}
	return nil, fileErr(op, "err.import.format", "ext", format)
}

// csvWriter writes UTF-8 with a BOM, so that Excel opens Chinese text
// correctly, and defuses formula injection.
type csvWriter struct {
	w    *csv.Writer
	cols []column
	buf  []string
}

func newCSVWriter(w io.Writer, cols []column) (*csvWriter, error) {
	if _, err := io.WriteString(w, "\xEF\xBB\xBF"); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return &csvWriter{w: cw, cols: cols}, nil
}

func (c *csvWriter) write(cells []string) error {
	c.buf = c.buf[:0]
	for i, s := range cells {
		if i < len(c.cols) && c.cols[i].kind == kindCode && (excelWouldMangle(s) || sciNumber.MatchString(s)) {
			// ="…" keeps the digits as text when Excel opens the CSV, and
			// tells the importer that "1E+5" is meant as text; it unwraps it.
			s = `="` + s + `"`
		} else {
			s = escapeCSV(s)
		}
		c.buf = append(c.buf, s)
	}
	return c.w.Write(c.buf)
}

// excelWouldMangle reports whether Excel, opening a CSV, would turn s into
// a number and lose part of it: an all-digit code with a leading zero or
// more digits than it shows (an 18-digit ID becomes 1.10105E+17).
func excelWouldMangle(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s[0] == '0' || len(s) >= 12
}

func (c *csvWriter) close() error {
	c.w.Flush()
	return c.w.Error()
}

// xlsxWriter streams rows through excelize's StreamWriter, which spills to a
// temporary file, so memory stays bounded for a million rows.
type xlsxWriter struct {
	w      io.Writer
	f      *excelize.File
	sw     *excelize.StreamWriter
	row    int
	styles []int
	vals   []any
}

func newXLSXWriter(w io.Writer, sheet string, cols []column) (*xlsxWriter, error) {
	f := excelize.NewFile()
	x := &xlsxWriter{w: w, f: f}
	fail := func(err error) (*xlsxWriter, error) {
		_ = f.Close()
		return nil, err
	}
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return fail(err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fail(err)
	}
	x.sw = sw
	// Identifiers in the text format (@), so that Excel neither turns a code
	// into 9.1E+17 nor drops an ID's leading zero when someone edits it.
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return fail(err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fail(err)
	}
	x.styles = make([]int, len(cols))
	for i, c := range cols {
		width := 14.0
		switch c.field {
		case domain.FieldCode, domain.FieldIDNumber, domain.FieldCertNo:
			width = 22
		case domain.FieldName, domain.FieldAddress, domain.FieldConflicts, domain.FieldDepartment:
			width = 30
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return fail(err)
		}
		if c.kind == kindCode {
			x.styles[i] = text
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fail(err)
	}
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = excelize.Cell{StyleID: bold, Value: c.names[0]}
	}
	x.row = 1
	if err := sw.SetRow("A1", head); err != nil {
		return fail(err)
	}
	return x, nil
}

func (x *xlsxWriter) write(cells []string) error {
	x.row++
	x.vals = x.vals[:0]
	for i, s := range cells {
		var v any
		if s != "" {
			v = s
		}
		if i < len(x.styles) && x.styles[i] != 0 {
			v = excelize.Cell{StyleID: x.styles[i], Value: v}
		}
		x.vals = append(x.vals, v)
	}
	cell, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return err
	}
	return x.sw.SetRow(cell, x.vals)
}

func (x *xlsxWriter) close() error {
	err := x.sw.Flush()
	if err == nil {
		err = x.f.Write(x.w)
	}
	if cerr := x.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// abort releases a writer after a failure.
func abort(rw rowWriter) {
	if x, ok := rw.(*xlsxWriter); ok {
		_ = x.f.Close()
	}
}

func headerCells(cols []column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.names[0]
	}
	return out
}

// nameOf returns the name to write for a code: the name when it reads back
// to the same code, else the code itself.
func nameOf[T any](items []T, x *index[string], code func(T) string, name func(T) string) map[string]string {
	m := make(map[string]string, len(items))
	for _, it := range items {
		c := code(it)
		if lookupIs(x, name(it), c) {
			m[c] = name(it)
		} else {
			m[c] = c
		}
	}
	return m
}

// WriteEntities writes entities in the import columns with Chinese headers,
// as "xlsx" or "csv" (UTF-8 with BOM). each calls its argument once per
// entity, e.g. a closure over store.EachEntity.
func WriteEntities(w io.Writer, format string, ref Reference, each func(fn func(*domain.Entity) error) error) error {
	const op = "importx.WriteEntities"
	res := newResolver(ref)
	industries := nameOf(ref.Industries, res.industries,
		func(i domain.Industry) string { return i.Code }, func(i domain.Industry) string { return i.Name })
	townships := nameOf(ref.Townships, res.townships,
		func(t domain.Township) string { return t.Code }, func(t domain.Township) string { return t.Name })
	rw, err := newRowWriter(op, w, format, "检查对象名录", entityColumns)
	if err != nil {
		return err
	}
	if _, ok := rw.(*csvWriter); ok {
		if err := rw.write(headerCells(entityColumns)); err != nil {
			return err
		}
	}
	cells := make([]string, len(entityColumns))
	err = each(func(e *domain.Entity) error {
		for i, c := range entityColumns {
			var v string
			switch c.field {
			case domain.FieldCode:
				v = e.Code
			case domain.FieldName:
				v = e.Name
			case domain.FieldKind:
				v = labelOr(kindLabel, e.Kind)
			case domain.FieldIndustry:
				v = mapOr(industries, e.IndustryCode)
			case domain.FieldTownship:
				v = mapOr(townships, e.TownshipCode)
			case domain.FieldAddress:
				v = e.Address
			case domain.FieldLegalRep:
				v = e.LegalRep
			case domain.FieldStatus:
				v = labelOr(statusLabel, e.Status)
			case domain.FieldRiskClass:
				v = string(e.RiskClass)
			case domain.FieldRiskSetOn:
				v = e.RiskSetOn.String()
			}
			cells[i] = v
		}
		return rw.write(cells)
	})
	if err != nil {
		abort(rw)
		return err
	}
	return rw.close()
}

// WriteInspectors writes inspectors in the import columns with Chinese
// headers; departments are written by name. Labels are joined with "、",
// conflicts as "code:reason:YYYY-MM-DD" joined with "；".
func WriteInspectors(w io.Writer, format string, ref Reference, each func(fn func(*domain.Inspector) error) error) error {
	const op = "importx.WriteInspectors"
	res := newResolver(ref)
	depts := departmentLabels(ref, res)
	rw, err := newRowWriter(op, w, format, "执法检查人员名录", inspectorColumns)
	if err != nil {
		return err
	}
	if _, ok := rw.(*csvWriter); ok {
		if err := rw.write(headerCells(inspectorColumns)); err != nil {
			return err
		}
	}
	cells := make([]string, len(inspectorColumns))
	var conflicts []string
	err = each(func(in *domain.Inspector) error {
		for i, c := range inspectorColumns {
			var v string
			switch c.field {
			case domain.FieldName:
				v = in.Name
			case domain.FieldDepartment:
				v = depts[in.DepartmentID]
				if v == "" && in.DepartmentID != 0 {
					v = strconv.FormatInt(in.DepartmentID, 10)
				}
			case domain.FieldCertNo:
				v = in.CertNo
			case domain.FieldCertExpiry:
				v = in.CertExpiry.String()
			case domain.FieldIDNumber:
				v = in.IDNumber
			case domain.FieldLabels:
				v = strings.Join(in.Labels, "、")
			case domain.FieldExpertise:
				v = in.Expertise
			case domain.FieldExpert:
				v = "否"
				if in.Expert {
					v = "是"
				}
			case domain.FieldStatus:
				v = labelOr(inspectorStatusLabel, in.Status)
			case domain.FieldPhone:
				v = in.Phone
			case domain.FieldConflicts:
				conflicts = conflicts[:0]
				for _, c := range in.Conflicts {
					conflicts = append(conflicts, formatConflict(c))
				}
				v = strings.Join(conflicts, "；")
			}
			cells[i] = v
		}
		return rw.write(cells)
	})
	if err != nil {
		abort(rw)
		return err
	}
	return rw.close()
}

func labelOr[T ~string](m map[T]string, v T) string {
	if l, ok := m[v]; ok {
		return l
	}
	return string(v)
}

func mapOr(m map[string]string, k string) string {
	if v, ok := m[k]; ok {
		return v
	}
	return k
}

// WriteErrorReport writes the problems of an import as an XLSX sheet with
// the columns row, column, value and reason, in p's language, for the user
// to download and fix the file by.
func WriteErrorReport(w io.Writer, errs []domain.FieldError, p *i18n.Printer) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := p.T("import.report.sheet")
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, width := range []float64{8, 22, 30, 60} {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	head := []any{
		excelize.Cell{StyleID: bold, Value: p.T("import.report.row")},
		excelize.Cell{StyleID: bold, Value: p.T("import.report.column")},
		excelize.Cell{StyleID: bold, Value: p.T("import.report.value")},
		excelize.Cell{StyleID: bold, Value: p.T("import.report.reason")},
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	for i, fe := range errs {
		var row any
		if fe.Row > 0 {
			row = fe.Row
		}
		reason := p.T(fe.Key, argPairs(fe.Args)...)
		if err := sw.SetRow(fmt.Sprintf("A%d", i+2), []any{row, p.Field(fe.Field), fe.Value, reason}); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

func argPairs(m map[string]any) []any {
	out := make([]any, 0, 2*len(m))
	for k, v := range m {
		out = append(out, k, v)
	}
	return out
}
