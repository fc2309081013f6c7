package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/i18n"
	"github.com/yiyeyicha/yiyeyicha/internal/importx"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

// Files given on the command line are the operator's own, on the server's
// disk, so they may be larger than web uploads; the unzip bound still
// guards against a zip bomb.
const (
	cliMaxBytes      = 256 << 20
	cliMaxUnzipBytes = 4 << 30
)

// maxChanges bounds the changes listed by --dry-run; the counts cover all.
const maxChanges = 200

const importUsage = `Usage: yiyeyicha import entities|inspectors|catalog|lists FILE --db DB [--dry-run] [--accept-bad-codes] [--reason TEXT]

Imports the entity directory (检查对象名录库: businesses by credit code
统一社会信用代码), the inspector directory (执法检查人员名录库: by certificate
number 执法证号) or departments' item catalogues (检查事项: by department 部门
and item code 事项编码, else item name 抽查事项; a row without a code adds an
item with the next free code) from an .xlsx file or a .csv file in UTF-8 or
GB18030. Headers are matched by their Chinese or English names, in any order.

All or nothing (全部或全不): if any row is bad, nothing is written and every bad
row is listed as the spreadsheet numbers it (row 行, column 列, value 值,
reason 原因); the exit status is then 1. Existing records are updated by code
(upsert), with the audit log recording before and after.

lists imports joint lists (一业一查联合抽查事项清单: 序号, 行业, 牵头部门, 联查部门,
抽查事项, 检查内容, 检查依据, 责任分工, 抽查比例, 频次, 备注): each industry's list
becomes a draft with exactly the file's departments and items (items missing
from a catalogue are added to it); a published list gets a new version, whose
reason --reason gives. Co-departments then confirm their parts and the office
publishes, as for a list drafted on screen.

--dry-run prints what would change (预览) and writes nothing.
--accept-bad-codes accepts credit codes whose only fault is a check
character (校验位), flagging them, as real registries contain a few.
--errors FILE also writes the bad rows to an .xlsx error report.
`

func (m *Main) runImport(ctx context.Context, args []string) error {
	f := m.newFlags("import", importUsage)
	db := f.DB()
	dry := f.Bool("dry-run", "", false, "show what would change, write nothing (预览)")
	acceptBad := f.Bool("accept-bad-codes", "", false, "accept credit codes with a wrong check character, flagged")
	errFile := f.String("errors", "", "", "write the bad rows to this .xlsx error report")
	reason := f.String("reason", "", "", "lists: the reason of new versions of published lists (调整原因)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := f.args(pos, 2, 2, "entities|inspectors|catalog|lists FILE"); err != nil {
		return err
	}
	kind, file := pos[0], pos[1]
	if kind != "entities" && kind != "inspectors" && kind != "catalog" && kind != "lists" {
		return m.usageErr(f.cmd, "cli.usage.kind", "kind", kind)
	}
	st, err := m.openStore(ctx, f, *db, false)
	if err != nil {
		return err
	}
	ref, err := reference(ctx, st)
	if err != nil {
		return err
	}
	in, err := os.Open(file)
	if err != nil {
		reason := err.Error()
		var pe *fs.PathError
		if errors.As(err, &pe) {
			reason = pe.Err.Error()
		}
		m.errorLine(m.printer().T("cli.err.open_file", "file", file, "err", reason))
		return failed(err)
	}
	defer in.Close()
	ro := importx.Options{AcceptBadCodes: *acceptBad, MaxBytes: cliMaxBytes, MaxUnzipBytes: cliMaxUnzipBytes}
	opt := domain.ImportOptions{DryRun: *dry, AcceptBadCodes: *acceptBad}
	name := filepath.Base(file)
	var rep *domain.ImportReport
	switch kind {
	case "entities":
		var rows []domain.EntityRow
		if rows, err = importx.ReadEntities(in, name, ref, ro); err == nil {
			rep, err = st.ImportEntities(ctx, domain.System, rows, opt)
		}
	case "inspectors":
		var rows []domain.InspectorRow
		if rows, err = importx.ReadInspectors(in, name, ref, ro); err == nil {
			rep, err = st.ImportInspectors(ctx, domain.System, rows, opt)
		}
	case "catalog":
		var rows []domain.CatalogRow
		if rows, err = importx.ReadCatalog(in, name, ref, ro); err == nil {
			rep, err = st.ImportCatalog(ctx, domain.System, rows, opt)
		}
	default:
		var lrep *domain.ListImportReport
		var rows []domain.JointListRow
		if rows, err = importx.ReadJointLists(in, name, ref, ro); err == nil {
			lrep, err = st.ImportJointLists(ctx, domain.System, rows, domain.ListImportOptions{Reason: *reason, DryRun: *dry})
		}
		if err != nil {
			return m.importFailed(file, *errFile, err)
		}
		m.printListReport(lrep)
		return nil
	}
	if err != nil {
		return m.importFailed(file, *errFile, err)
	}
	m.printReport(rep)
	return nil
}

// reference reads the reference lists that names in files resolve against.
func reference(ctx context.Context, st *store.Store) (importx.Reference, error) {
	var ref importx.Reference
	var err error
	if ref.Departments, err = st.ListDepartments(ctx); err != nil {
		return ref, err
	}
	if ref.Industries, err = st.ListIndustries(ctx); err != nil {
		return ref, err
	}
	ref.Townships, err = st.ListTownships(ctx)
	return ref, err
}

// importFailed prints why an import wrote nothing: every bad row as a
// table, or the problem with the file as a whole.
func (m *Main) importFailed(file, errFile string, err error) error {
	p := m.printer()
	var ve *domain.ValidationError
	if !errors.As(err, &ve) {
		if domain.ErrorKind(err) == domain.KindInternal {
			return err
		}
		fmt.Fprintf(m.Stderr, "%s %s\n", p.T("cli.import.failed", "file", file), p.Err(err))
		return failed(err)
	}
	fmt.Fprintln(m.Stderr, p.T("cli.import.bad_rows", "file", file, "n", len(ve.Errors)))
	writeTable(m.Stderr, []string{p.T("cli.col.row"), p.T("cli.col.column"), p.T("cli.col.value"), p.T("cli.col.reason")}, errorRows(p, ve.Errors))
	if errFile != "" {
		if werr := writeFileAtomic(errFile, func(f *os.File) error { return importx.WriteErrorReport(f, ve.Errors, p) }); werr != nil {
			m.errorLine(werr)
		} else {
			fmt.Fprintln(m.Stderr, p.T("cli.import.report_written", "file", errFile))
		}
	}
	return failed(err)
}

func errorRows(p *i18n.Printer, errs []domain.FieldError) [][]string {
	rows := make([][]string, 0, len(errs))
	for _, fe := range errs {
		row := "-"
		if fe.Row > 0 {
			row = strconv.Itoa(fe.Row)
		}
		col := "-"
		if fe.Field != "" {
			col = p.Field(fe.Field)
		}
		reason := p.T(fe.Key)
		if len(fe.Args) > 0 {
			args := make([]any, 0, 2*len(fe.Args))
			for k, v := range fe.Args {
				args = append(args, k, v)
			}
			reason = p.T(fe.Key, args...)
		}
		rows = append(rows, []string{row, col, fe.Value, reason})
	}
	return rows
}

// printReport prints the counts of an import and, for a dry run, the
// changes it would make.
func (m *Main) printReport(rep *domain.ImportReport) {
	p := m.printer()
	key := "cli.import.done"
	if rep.DryRun {
		key = "cli.import.preview"
	}
	fmt.Fprintln(m.Stdout, p.T(key, "created", rep.Created, "updated", rep.Updated, "unchanged", rep.Unchanged, "flagged", rep.Flagged))
	if !rep.DryRun {
		return
	}
	var rows [][]string
	shown := 0
	for _, c := range rep.Changes {
		if c.Op == "unchanged" {
			continue
		}
		if shown == maxChanges {
			rows = append(rows, []string{"…", "", "", ""})
			break
		}
		shown++
		fields := make([]string, len(c.Fields))
		for i, f := range c.Fields {
			fields[i] = p.Field(f)
		}
		rows = append(rows, []string{strconv.Itoa(c.Row), c.Key, p.T("cli.op." + c.Op), strings.Join(fields, "、")})
	}
	if len(rows) > 0 {
		writeTable(m.Stdout, []string{p.T("cli.col.row"), p.T("cli.col.key"), p.T("cli.col.op"), p.T("cli.col.fields")}, rows)
	}
}

// printListReport prints what an import of joint lists did (or, for a dry
// run, would do) to each industry's list.
func (m *Main) printListReport(rep *domain.ListImportReport) {
	p := m.printer()
	key := "lists.cli.import_done"
	if rep.DryRun {
		key = "lists.cli.import_preview"
	}
	fmt.Fprintln(m.Stdout, p.T(key, "n", len(rep.Lists), "items", rep.ItemsCreated))
	rows := make([][]string, 0, len(rep.Lists))
	for _, c := range rep.Lists {
		rows = append(rows, []string{c.Industry, p.T("lists.import_op." + c.Op), strconv.Itoa(c.Number), strconv.Itoa(c.Items)})
	}
	writeTable(m.Stdout, []string{p.T("lists.cli.col.industry"), p.T("cli.col.op"), p.T("lists.cli.col.version"), p.T("lists.cli.col.items")}, rows)
}

// writeFileAtomic writes a file through a temporary file in the same
// directory, renamed into place only when complete: a failed export never
// leaves half a file under the name asked for.
func writeFileAtomic(name string, write func(*os.File) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
