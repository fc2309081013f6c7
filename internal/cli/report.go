package cli

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/importx"
	"github.com/yiyeyicha/yiyeyicha/internal/metrics"
	"github.com/yiyeyicha/yiyeyicha/internal/report"
)

const reportUsage = `Usage: yiyeyicha report annual --year YYYY -o FILE.xlsx --db DB

Writes the county's annual summary (年度工作总结) of a year as an XLSX
workbook, one sheet per table: overview, departments, coverage, risk
calibration, summaries filed, bulletins, typical cases — the same tables as
the printable page and the download on the dashboard. The year defaults to
the current one. The file appears only once complete.
`

func (m *Main) runReport(ctx context.Context, args []string) error {
	f := m.newFlags("report", reportUsage)
	db := f.DB()
	year := f.Int("year", "", time.Now().Year(), "year of the summary (年度)")
	out := f.String("o", "", "", "output file (.xlsx)")
	f.fs.StringVar(out, "output", "", "same as -o")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := f.args(pos, 1, 1, "annual"); err != nil {
		return err
	}
	if pos[0] != "annual" {
		return m.usageErr(f.cmd, "eval.cli.report_kind", "kind", pos[0])
	}
	if *out == "" || *out == "-" {
		return m.usageErr(f.cmd, "eval.cli.no_file")
	}
	if *year < 2000 || *year > 2100 {
		return m.usageErr(f.cmd, "eval.cli.year", "year", strconv.Itoa(*year))
	}
	st, err := m.openStore(ctx, f, *db, false)
	if err != nil {
		return err
	}
	a, err := report.Load(ctx, st, domain.System, *year, metrics.Filter{})
	if err != nil {
		return err
	}
	tables := report.Tables(m.printer(), a)
	if err := writeFileAtomic(*out, func(f *os.File) error { return importx.WriteSheets(f, report.Sheets(tables)) }); err != nil {
		return err
	}
	fmt.Fprintln(m.Stderr, m.printer().T("eval.cli.done", "year", *year, "sheets", len(tables), "file", *out))
	return nil
}
