package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/workday"
)

// WorkdayYear is one year of the working-day calendar as the office sees
// it: its schedule and whether it was shipped with the program or added
// (or corrected) by the office.
type WorkdayYear struct {
	workday.Schedule
	Stored    bool   `json:"stored"`           // added by the office; false: shipped
	Source    string `json:"source,omitempty"` // e.g. the notice's number
	Holidays  int    `json:"holidays"`         // listed days off
	MakeupDay int    `json:"makeup_days"`      // listed make-up working days
}

// fieldSchedule names the schedule text in field errors.
const fieldSchedule = "workday_schedule"

// storedSchedules reads the schedules the office added, by year.
func (s *Store) storedSchedules(ctx context.Context, q querier) ([]workday.Schedule, map[int]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT y.year, y.source, d.day, d.kind, d.name FROM workday_years y
LEFT JOIN workday_days d ON d.year = y.year ORDER BY y.year, d.day`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []workday.Schedule
	sources := map[int]string{}
	for rows.Next() {
		var year int
		var source string
		var day domain.Date
		var kind, name sql.NullString
		if err := rows.Scan(&year, &source, dateCol{&day}, &kind, &name); err != nil {
			return nil, nil, err
		}
		if len(out) == 0 || out[len(out)-1].Year != year {
			out = append(out, workday.Schedule{Year: year})
			sources[year] = source
		}
		if kind.Valid {
			last := &out[len(out)-1]
			last.Days = append(last.Days, workday.Day{Date: day, Kind: workday.Kind(kind.String), Name: name.String})
		}
	}
	return out, sources, rows.Err()
}

// Calendar returns the working-day calendar: the shipped schedules, with
// every year the office stored replacing the shipped one of that year.
// Reference data, readable by anyone.
func (s *Store) Calendar(ctx context.Context) (*workday.Calendar, error) {
	stored, _, err := s.storedSchedules(ctx, s.read)
	if err != nil {
		return nil, internal("Calendar", err)
	}
	return workday.New(append(workday.Shipped(), stored...)...), nil
}

// ListWorkdayYears lists every year of the calendar, ascending.
func (s *Store) ListWorkdayYears(ctx context.Context) ([]WorkdayYear, error) {
	stored, sources, err := s.storedSchedules(ctx, s.read)
	if err != nil {
		return nil, internal("ListWorkdayYears", err)
	}
	byYear := map[int]WorkdayYear{}
	for _, sc := range workday.Shipped() {
		byYear[sc.Year] = WorkdayYear{Schedule: sc}
	}
	for _, sc := range stored {
		byYear[sc.Year] = WorkdayYear{Schedule: sc, Stored: true, Source: sources[sc.Year]}
	}
	out := make([]WorkdayYear, 0, len(byYear))
	years := make([]int, 0, len(byYear))
	for y := range byYear {
		years = append(years, y)
	}
	slices.Sort(years)
	for _, y := range years {
		wy := byYear[y]
		for _, d := range wy.Days {
			if d.Kind == workday.Off {
				wy.Holidays++
			} else {
				wy.MakeupDay++
			}
		}
		out = append(out, wy)
	}
	return out, nil
}

// ParseWorkdaySchedules reads schedule text (see workday.Parse) and turns
// a bad line into a validation error naming the line, for the faces.
func ParseWorkdaySchedules(text string) ([]workday.Schedule, error) {
	ss, err := workday.Parse(text)
	var pe *workday.ParseError
	if errors.As(err, &pe) {
		v := &domain.ValidationError{Op: "store.ParseWorkdaySchedules"}
		args := []any{}
		for k, val := range pe.Extra {
			args = append(args, k, val)
		}
		fe := domain.FieldErr(fieldSchedule, pe.Text, pe.Key, args...)
		fe.Row = pe.Line
		v.Add(fe)
		return nil, v
	}
	if err != nil {
		return nil, domain.E("store.ParseWorkdaySchedules", domain.KindInvalid, "workday.err.unreadable").WithField(fieldSchedule).Wrap(err)
	}
	if len(ss) == 0 {
		return nil, domain.E("store.ParseWorkdaySchedules", domain.KindInvalid, "workday.err.empty").WithField(fieldSchedule)
	}
	return ss, nil
}

// SaveWorkdaySchedules stores the schedules of one or more years, each
// replacing what the calendar had for that year (shipped or stored), in one
// transaction with one audit row per year. Office only. The years must lie
// within a sane range: a typo such as 2206 is refused.
func (s *Store) SaveWorkdaySchedules(ctx context.Context, a domain.Actor, source string, schedules []workday.Schedule) error {
	const op = "SaveWorkdaySchedules"
	if err := domain.Require("store."+op, a, domain.ActEditCalendar, 0); err != nil {
		return err
	}
	v := &domain.ValidationError{Op: "store." + op}
	domain.CheckText(v, 0, "workday_source", source, false)
	for _, sc := range schedules {
		if sc.Year < 2000 || sc.Year > 2100 {
			v.Add(domain.FieldErr(fieldSchedule, strconv.Itoa(sc.Year), "workday.err.year"))
		}
		for _, d := range sc.Days {
			if !domain.TextOK(d.Name) {
				v.Add(domain.FieldErr(fieldSchedule, d.Date.String(), "err.bad_text"))
			}
		}
	}
	if len(schedules) == 0 {
		v.Add(domain.FieldErr(fieldSchedule, "", "workday.err.empty"))
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		stored, _, err := s.storedSchedules(ctx, tx)
		if err != nil {
			return err
		}
		before := map[int]workday.Schedule{}
		for _, sc := range append(workday.Shipped(), stored...) {
			before[sc.Year] = sc
		}
		now := s.clock()
		for _, sc := range schedules {
			if _, err := tx.ExecContext(ctx, `DELETE FROM workday_days WHERE year = $1`, sc.Year); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM workday_years WHERE year = $1`, sc.Year); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO workday_years (year, source, updated_at) VALUES ($1, $2, $3)`, sc.Year, source, s.ts(now)); err != nil {
				return err
			}
			for _, d := range sc.Days {
				if _, err := tx.ExecContext(ctx, `INSERT INTO workday_days (day, year, kind, name) VALUES ($1, $2, $3, $4)`,
					date(d.Date), sc.Year, string(d.Kind), d.Name); err != nil {
					return err
				}
			}
			var beforeV any
			if b, ok := before[sc.Year]; ok {
				beforeV = b
			}
			if err := s.audit(ctx, tx, a, auditRec{Action: "workday.save", ObjectType: "workday_year", ObjectKey: strconv.Itoa(sc.Year), Before: beforeV, After: sc}); err != nil {
				return err
			}
		}
		return nil
	})
}
