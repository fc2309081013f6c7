package cli

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

const calendarUsage = `Usage: yiyeyicha calendar list --db DB
       yiyeyicha calendar import FILE --db DB [--source TEXT]

The working-day calendar (工作日历) that publication and referral deadlines
count in: weekends off except make-up working days (调休上班), the State
Council's public holidays (法定节假日) off. 2025 and 2026 ship with the
program; 'import' adds or replaces years from a file of lines

  2027-01-01 off 元旦
  2027-02-05..2027-02-11 休 春节
  2027-02-14 班 春节调休

(UTF-8 text or CSV; "-" reads standard input). A year in the file replaces
that year as a whole. --source records the notice it comes from (通知文号).
`

func (m *Main) runCalendar(ctx context.Context, args []string) error {
	f := m.newFlags("calendar", calendarUsage)
	db := f.DB()
	source := f.String("source", "", "", "the notice the schedule comes from (通知文号)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := f.args(pos, 1, 2, "list | import FILE"); err != nil {
		return err
	}
	st, err := m.openStore(ctx, f, *db, false)
	if err != nil {
		return err
	}
	p := m.printer()
	switch {
	case pos[0] == "list" && len(pos) == 1:
		years, err := st.ListWorkdayYears(ctx)
		if err != nil {
			return err
		}
		for _, y := range years {
			origin := p.T("workday.shipped")
			if y.Stored {
				origin = p.T("workday.stored")
			}
			fmt.Fprintf(m.Stdout, "%d\t%s\t%s %d\t%s %d\n", y.Year, origin, p.T("workday.holidays"), y.Holidays, p.T("workday.makeup"), y.MakeupDay)
		}
		return nil
	case pos[0] == "import" && len(pos) == 2:
		var r io.Reader = m.Stdin
		if pos[1] != "-" {
			file, err := os.Open(pos[1])
			if err != nil {
				m.errorLine(p.T("cli.err.open_file", "file", pos[1], "err", err.Error()))
				return failed(err)
			}
			defer file.Close()
			r = file
		}
		b, err := io.ReadAll(io.LimitReader(r, 1<<20))
		if err != nil {
			return failed(err)
		}
		ss, err := store.ParseWorkdaySchedules(string(b))
		if err != nil {
			return err
		}
		if err := st.SaveWorkdaySchedules(ctx, domain.System, *source, ss); err != nil {
			return err
		}
		for _, sc := range ss {
			fmt.Fprintln(m.Stdout, p.T("workday.cli.saved", "year", sc.Year, "days", len(sc.Days)))
		}
		return nil
	}
	return m.usageErr(f.cmd, "cli.usage.args", "want", "list | import FILE")
}
