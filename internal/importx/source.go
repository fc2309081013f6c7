package importx

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// table is a spreadsheet read row by row.
type table interface {
	// next returns the next row with its number as the spreadsheet shows
	// it; io.EOF at the end.
	next() (row int, cells []string, err error)
	// formula returns the formula of a cell (1-based row and column) if it
	// holds one.
	formula(row, col int) (string, bool)
	// textEscaped reports whether cells may carry the CSV export's
	// formula-injection quote, which reading must remove.
	textEscaped() bool
	date1904() bool
	close() error
}

const mib = 1 << 20

func (o Options) maxBytes() int64 {
	if o.MaxBytes > 0 {
		return o.MaxBytes
	}
	return DefaultMaxBytes
}

func (o Options) maxUnzipBytes() int64 {
	if o.MaxUnzipBytes > 0 {
		return o.MaxUnzipBytes
	}
	return 32 * o.maxBytes()
}

func fileErr(op, key string, args ...any) *domain.Error {
	return domain.E(op, domain.KindInvalid, key, args...)
}

// openTable reads the whole upload (bounded by MaxBytes) and opens it by the
// extension of filename, after checking that the bytes are what the
// extension claims.
func openTable(op string, r io.Reader, filename string, o Options) (table, error) {
	limit := o.maxBytes()
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		// Almost always an upload that broke off: the user's to retry.
		return nil, fileErr(op, "err.import.read").Wrap(err)
	}
	if int64(len(b)) > limit {
		return nil, fileErr(op, "err.import.too_big", "max", mibString(limit))
	}
	ext := strings.ToLower(filepath.Ext(filename))
	switch ext {
	case ".xlsx", ".xlsm":
		return openXLSX(op, b, o)
	case ".csv":
		return openCSV(op, b)
	case ".xls", ".et", ".wps":
		return nil, fileErr(op, "err.import.xls", "ext", ext)
	}
	return nil, fileErr(op, "err.import.format", "ext", ext)
}

func mibString(n int64) string {
	if n%mib == 0 {
		return fmt.Sprint(n / mib)
	}
	return fmt.Sprintf("%.1f", float64(n)/mib)
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// ---- CSV ----

type csvTable struct {
	r       *csv.Reader
	rows    int // records read so far, including blank lines skipped by csv
	endLine int // line on which the previous record ended
}

// DecodeText returns a text file's content as UTF-8: without a byte order
// mark, and decoded from GB18030 when it is not UTF-8 (Chinese Excel and
// Notepad save text in the ANSI code page, GBK, of which GB18030 is the
// superset). Bytes that are neither are refused (err.import.encoding)
// rather than turned into "�".
func DecodeText(op string, b []byte) ([]byte, error) {
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	if utf8.Valid(b) {
		return b, nil
	}
	d, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil {
		return nil, fileErr(op, "err.import.encoding").Wrap(err)
	}
	// The decoder turns bytes that are not GB18030 into U+FFFD without an
	// error.
	if bytes.ContainsRune(d, utf8.RuneError) {
		return nil, fileErr(op, "err.import.encoding")
	}
	return d, nil
}

func openCSV(op string, b []byte) (table, error) {
	switch {
	case len(b) == 0:
		return nil, fileErr(op, "err.import.empty")
	case bytes.HasPrefix(b, zipMagic), bytes.HasPrefix(b, oleMagic):
		return nil, fileErr(op, "err.import.not_csv_workbook")
	case bytes.IndexByte(b, 0) >= 0:
		return nil, fileErr(op, "err.import.not_csv")
	}
	b, err := DecodeText(op, b)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = true
	return &csvTable{r: r}, nil
}

func (t *csvTable) next() (int, []string, error) {
	rec, err := t.r.Read()
	if err == io.EOF {
		return 0, nil, io.EOF
	}
	if err != nil {
		var pe *csv.ParseError
		line := 0
		if errors.As(err, &pe) {
			line = pe.StartLine
		}
		return 0, nil, fileErr("importx.csv", "err.import.csv", "line", line).Wrap(err)
	}
	// encoding/csv skips blank lines, which a spreadsheet shows as rows:
	// count them back so row numbers match what the user sees.
	start, _ := t.r.FieldPos(0)
	if start > t.endLine+1 {
		t.rows += start - t.endLine - 1
	}
	last := len(rec) - 1
	end, _ := t.r.FieldPos(last)
	t.endLine = end + strings.Count(rec[last], "\n")
	t.rows++
	return t.rows, rec, nil
}

func (t *csvTable) formula(int, int) (string, bool) { return "", false }
func (t *csvTable) textEscaped() bool               { return true }
func (t *csvTable) date1904() bool                  { return false }
func (t *csvTable) close() error                    { return nil }

// ---- XLSX ----

type xlsxTable struct {
	f        *excelize.File
	rows     *excelize.Rows
	n        int
	formulas map[[2]int]string
	d1904    bool
}

func openXLSX(op string, b []byte, o Options) (table, error) {
	switch {
	case len(b) == 0:
		return nil, fileErr(op, "err.import.empty")
	case bytes.HasPrefix(b, oleMagic):
		return nil, fileErr(op, "err.import.xls", "ext", ".xlsx")
	case !bytes.HasPrefix(b, zipMagic):
		return nil, fileErr(op, "err.import.not_xlsx")
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fileErr(op, "err.import.not_xlsx").Wrap(err)
	}
	// The zip-bomb guard: refuse before anything is inflated. archive/zip
	// refuses to inflate an entry past its declared size, so a lying header
	// cannot get around this sum.
	limit := o.maxUnzipBytes()
	var total uint64
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		if total > uint64(limit) || zf.UncompressedSize64 > uint64(limit) {
			return nil, fileErr(op, "err.import.zip_bomb", "max", mibString(limit))
		}
	}
	if len(zr.File) > 10000 {
		return nil, fileErr(op, "err.import.zip_bomb", "max", mibString(limit))
	}
	sheetPath := firstSheetPath(zr)
	if sheetPath == "" {
		return nil, fileErr(op, "err.import.not_xlsx")
	}
	formulas, err := scanFormulas(zr, sheetPath)
	if err != nil {
		return nil, fileErr(op, "err.import.corrupt").Wrap(err)
	}
	xmlLimit := min(limit, 16*mib)
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: limit, UnzipXMLSizeLimit: xmlLimit})
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		return nil, fileErr(op, "err.import.corrupt").Wrap(err)
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		_ = f.Close()
		return nil, fileErr(op, "err.import.empty")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		_ = f.Close()
		return nil, fileErr(op, "err.import.corrupt").Wrap(err)
	}
	t := &xlsxTable{f: f, rows: rows, formulas: formulas}
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		t.d1904 = *p.Date1904
	}
	return t, nil
}

func (t *xlsxTable) next() (int, []string, error) {
	if !t.rows.Next() {
		if err := t.rows.Error(); err != nil {
			return 0, nil, fileErr("importx.xlsx", "err.import.corrupt").Wrap(err)
		}
		return 0, nil, io.EOF
	}
	t.n++
	cells, err := t.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return 0, nil, fileErr("importx.xlsx", "err.import.corrupt").Wrap(err)
	}
	return t.n, cells, nil
}

func (t *xlsxTable) formula(row, col int) (string, bool) {
	f, ok := t.formulas[[2]int{row, col}]
	return f, ok
}

func (t *xlsxTable) textEscaped() bool { return false }
func (t *xlsxTable) date1904() bool    { return t.d1904 }

func (t *xlsxTable) close() error {
	err := t.rows.Close()
	if cerr := t.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// zipEntry finds an entry by name, ignoring case and a leading slash as
// some producers vary both.
func zipEntry(zr *zip.Reader, name string) *zip.File {
	name = strings.TrimPrefix(name, "/")
	for _, f := range zr.File {
		if strings.EqualFold(strings.TrimPrefix(strings.ReplaceAll(f.Name, "\\", "/"), "/"), name) {
			return f
		}
	}
	return nil
}

// xmlPart is the subset of an OOXML part needed to follow relationships.
type xmlPart struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
	Sheets []struct {
		Attrs []xml.Attr `xml:",any,attr"`
	} `xml:"sheets>sheet"`
}

func readPart(zr *zip.Reader, name string) (*xmlPart, bool) {
	zf := zipEntry(zr, name)
	if zf == nil || zf.UncompressedSize64 > 64*mib {
		return nil, false
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, false
	}
	defer rc.Close()
	var p xmlPart
	if err := xml.NewDecoder(rc).Decode(&p); err != nil {
		return nil, false
	}
	return &p, true
}

func resolveTarget(base, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(target, "/")
	}
	return path.Clean(path.Join(path.Dir(base), target))
}

// firstSheetPath follows the package relationships to the part of the first
// worksheet, the one excelize's GetSheetList()[0] names.
func firstSheetPath(zr *zip.Reader) string {
	wb := "xl/workbook.xml"
	if root, ok := readPart(zr, "_rels/.rels"); ok {
		for _, r := range root.Rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wb = resolveTarget("", r.Target)
			}
		}
	}
	book, ok := readPart(zr, wb)
	if !ok || len(book.Sheets) == 0 {
		return ""
	}
	var id string
	for _, a := range book.Sheets[0].Attrs {
		if a.Name.Local == "id" && a.Name.Space != "" {
			id = a.Value
		}
	}
	rels, ok := readPart(zr, path.Join(path.Dir(wb), "_rels", path.Base(wb)+".rels"))
	if !ok {
		return ""
	}
	for _, r := range rels.Rels {
		if r.ID == id {
			return resolveTarget(wb, r.Target)
		}
	}
	return ""
}

// scanFormulas finds the formula cells of a worksheet part. Formulas are
// rare, so a cheap scan for an <f> tag comes first; only a sheet that has
// one is decoded as XML to learn which cells they are in.
func scanFormulas(zr *zip.Reader, sheetPath string) (map[[2]int]string, error) {
	zf := zipEntry(zr, sheetPath)
	if zf == nil {
		return nil, fmt.Errorf("importx: no part %s", sheetPath)
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	found, err := hasFormulaTag(rc)
	rc.Close()
	if err != nil || !found {
		return nil, err
	}
	if rc, err = zf.Open(); err != nil {
		return nil, err
	}
	defer rc.Close()
	out := map[[2]int]string{}
	dec := xml.NewDecoder(bufio.NewReaderSize(rc, 64<<10))
	row, col := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "row":
			row, col = row+1, 0
			for _, a := range se.Attr {
				if a.Name.Local == "r" {
					fmt.Sscan(a.Value, &row)
				}
			}
		case "c":
			col++
			for _, a := range se.Attr {
				if a.Name.Local == "r" {
					if c, r, err := excelize.CellNameToCoordinates(a.Value); err == nil {
						col, row = c, r
					}
				}
			}
		case "f":
			var text string
			if err := dec.DecodeElement(&text, &se); err != nil {
				return nil, err
			}
			if len(out) < 100000 {
				out[[2]int{row, col}] = "=" + text
			}
		}
	}
}

// hasFormulaTag reports whether the XML on r has an element named f (with
// any namespace prefix).
func hasFormulaTag(r io.Reader) (bool, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		_, err := br.ReadSlice('<')
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		p, _ := br.Peek(32)
		i := 0
		for i < len(p) && !strings.ContainsRune(" \t\r\n/>", rune(p[i])) {
			i++
		}
		name := p[:i]
		if j := bytes.IndexByte(name, ':'); j >= 0 {
			name = name[j+1:]
		}
		if string(name) == "f" {
			return true, nil
		}
	}
}
