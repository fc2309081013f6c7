package importx

import (
	"cmp"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// header maps the columns of one file to the known columns.
type header struct {
	cols  []column
	index map[string]int // field -> 0-based position in the file
}

// matchHeader reads a header row: every non-empty cell must be a known
// column (or one of the ignored ones), no column may appear twice, and
// every required column must be there.
func matchHeader(op string, cols []column, cells []string) (*header, error) {
	byName := map[string]int{}
	for i, c := range cols {
		for _, n := range c.names {
			byName[foldHeader(n)] = i
		}
	}
	ignored := map[string]bool{}
	for _, n := range ignoredHeaders {
		ignored[foldHeader(n)] = true
	}
	h := &header{cols: cols, index: map[string]int{}}
	var unknown, dup []string
	given := map[string]string{} // field -> header text that named it first
	for pos, raw := range cells {
		name := clean(raw)
		if name == "" {
			continue
		}
		k := foldHeader(name)
		ci, ok := byName[k]
		if !ok {
			k = foldHeader(stripNote(name))
			ci, ok = byName[k]
		}
		switch {
		case !ok && ignored[k]:
		case !ok:
			unknown = append(unknown, name)
		default:
			f := cols[ci].field
			if _, seen := h.index[f]; seen {
				dup = append(dup, given[f]+"/"+name)
				continue
			}
			h.index[f] = pos
			given[f] = name
		}
	}
	if len(dup) > 0 {
		return nil, fileErr(op, "err.import.duplicate_column", "columns", strings.Join(dup, "、"))
	}
	if len(unknown) > 0 {
		return nil, fileErr(op, "err.import.unknown_columns", "columns", strings.Join(unknown, "、"), "accepted", acceptedNames(cols))
	}
	var missing []string
	for _, c := range cols {
		if _, ok := h.index[c.field]; c.required && !ok {
			missing = append(missing, c.names[0])
		}
	}
	if len(missing) > 0 {
		return nil, fileErr(op, "err.import.missing_columns", "columns", strings.Join(missing, "、"))
	}
	return h, nil
}

// record is one data row being read: its cells by field and the problems
// found so far.
type record struct {
	row      int
	values   map[string]string
	errs     []domain.FieldError
	bad      map[string]bool // fields that already have an error
	d1904    bool
	position map[string]int
}

func (r *record) get(field string) string { return r.values[field] }

func (r *record) fail(field, value, key string, args ...any) {
	fe := domain.FieldErr(field, value, key, args...)
	fe.Row = r.row
	r.errs = append(r.errs, fe)
	if r.bad == nil {
		r.bad = map[string]bool{}
	}
	r.bad[field] = true
}

// merge adds the domain rules' findings, except for fields this row
// already reported on: "unknown township" says more than "required".
func (r *record) merge(v *domain.ValidationError) {
	if v == nil {
		return
	}
	for _, fe := range v.Errors {
		if !r.bad[fe.Field] {
			fe.Row = r.row
			r.errs = append(r.errs, fe)
		}
	}
}

// date reads a date field, reporting a bad one.
func (r *record) date(field string) domain.Date {
	s := r.get(field)
	d, ok := parseDate(s, r.d1904)
	if !ok {
		r.fail(field, s, "err.bad_date")
	}
	return d
}

// sorted returns the row's errors in the order of the file's columns.
func (r *record) sorted() []domain.FieldError {
	slices.SortStableFunc(r.errs, func(a, b domain.FieldError) int {
		return cmp.Compare(r.position[a.Field], r.position[b.Field])
	})
	return r.errs
}

// readTable opens the file, matches its header and calls fn for every
// non-blank data row. Row problems go into the record for fn to collect;
// file problems are returned.
func readTable(op string, r io.Reader, filename string, o Options, cols []column, fn func(*record)) error {
	t, err := openTable(op, r, filename, o)
	if err != nil {
		return err
	}
	defer t.close()
	var (
		h        *header
		firstErr error
	)
	for titles := 0; h == nil; {
		_, cells, err := t.next()
		if err == io.EOF && firstErr != nil {
			return firstErr // a one-column file with a bad header, not a title
		}
		if err == io.EOF {
			return fileErr(op, "err.import.empty")
		}
		if err != nil {
			return err
		}
		if blank(cells) {
			continue
		}
		h, err = matchHeader(op, cols, cells)
		// Government sheets often open with a title row ("垣曲县检查对象名
		// 录库（2026年）") above the header: one cell that is no column name.
		if err != nil && firstErr == nil {
			firstErr = err
		}
		if err != nil && titles < 5 && isTitle(cells) && err.(*domain.Error).Key == "err.import.unknown_columns" {
			titles++
			continue
		}
		if err != nil {
			return err
		}
	}
	data := 0
	for {
		row, cells, err := t.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		rec := &record{row: row, values: make(map[string]string, len(h.index)), d1904: t.date1904(), position: h.index}
		empty := true
		for _, c := range cols {
			pos, ok := h.index[c.field]
			if !ok {
				continue
			}
			if f, ok := t.formula(row, pos+1); ok {
				cell, _ := excelize.CoordinatesToCellName(pos+1, row)
				if f == "=" {
					f = ""
				}
				rec.fail(c.field, f, "err.import.formula", "cell", cell)
				empty = false
				continue
			}
			var v string
			if pos < len(cells) {
				v = clean(cells[pos])
			}
			if v == "" {
				continue
			}
			empty = false
			quoted := false
			if t.textEscaped() {
				v, quoted = unescapeCSV(v)
			}
			if c.kind == kindCode && !quoted {
				if n := narrow(v); sciNumber.MatchString(n) {
					cell, _ := excelize.CoordinatesToCellName(pos+1, row)
					rec.fail(c.field, v, "err.import.sci_number", "cell", cell)
					continue
				}
			}
			rec.values[c.field] = v
		}
		if empty {
			continue
		}
		data++
		fn(rec)
	}
	if data == 0 {
		return fileErr(op, "err.import.no_rows")
	}
	return nil
}

// isTitle reports whether a row has exactly one non-empty cell.
func isTitle(cells []string) bool {
	n := 0
	for _, c := range cells {
		if clean(c) != "" {
			n++
		}
	}
	return n == 1
}

func blank(cells []string) bool {
	for _, c := range cells {
		if clean(c) != "" {
			return false
		}
	}
	return true
}

// Cells starting with one of these could run as formulas when a CSV is
// opened in a spreadsheet, so export quotes them with an apostrophe.
const formulaStarts = "=+-@\t\r"

// escapeCSV defuses formula injection; a leading apostrophe is doubled too,
// so that unescapeCSV can undo exactly what escapeCSV did.
func escapeCSV(s string) string {
	if s != "" && strings.ContainsRune(formulaStarts+"'", rune(s[0])) {
		return "'" + s
	}
	return s
}

// unescapeCSV undoes escapeCSV, and unwraps ="…", the way Excel users keep
// long numbers as text in CSV; quoted reports the latter, a value the user
// marked as text.
func unescapeCSV(s string) (v string, quoted bool) {
	if len(s) >= 2 && s[0] == '\'' && strings.ContainsRune(formulaStarts+"'", rune(s[1])) {
		return s[1:], false
	}
	if len(s) >= 3 && strings.HasPrefix(s, `="`) && strings.HasSuffix(s, `"`) {
		return s[2 : len(s)-1], true
	}
	return s, false
}
