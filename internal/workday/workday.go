// Package workday is the official working-day calendar (工作日): weekends
// are off except the make-up working days (调休上班) of the State Council's
// yearly holiday schedule, and the public holidays of that schedule are off.
// It is pure: no database, no clock. The schedules for 2025 and 2026 ship
// embedded; the office adds later years in the platform, and the store
// merges them with Shipped into one Calendar.
//
// A date in a year that has no schedule is an error, never silently
// treated as "weekends only": a deadline computed without the year's
// holidays would be wrong by up to a week.
package workday

import (
	"bufio"
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// Kind says whether a listed day is a holiday or a make-up working day.
type Kind string

// The two kinds of listed day.
const (
	Off  Kind = "off"  // 放假: a public holiday (may fall on a weekend)
	Work Kind = "work" // 调休上班: a weekend day that is a working day
)

// Day is one listed day of a year's schedule.
type Day struct {
	Date domain.Date `json:"date"`
	Kind Kind        `json:"kind"`
	Name string      `json:"name"` // the holiday, e.g. 春节
}

// Schedule is one year's holiday schedule, as the State Council publishes it.
type Schedule struct {
	Year int   `json:"year"`
	Days []Day `json:"days"` // sorted by date, each date once
}

// Calendar answers working-day questions for the years it has a schedule
// for. The zero Calendar knows no year. A Calendar is immutable and safe for
// concurrent use.
type Calendar struct {
	years map[int]map[domain.Date]Kind
}

// NoScheduleError reports a date whose year has no schedule.
type NoScheduleError struct{ Year int }

func (e *NoScheduleError) Error() string {
	return fmt.Sprintf("workday: no holiday schedule for %d", e.Year)
}

// AsDomain returns the error as an application error for the faces: the
// office must add the year's schedule.
func (e *NoScheduleError) AsDomain(op string) *domain.Error {
	return domain.E(op, domain.KindConflict, "workday.err.no_schedule", "year", e.Year).Wrap(e)
}

//go:embed schedules.txt
var shippedText string

var shipped []Schedule

func init() {
	var err error
	shipped, err = Parse(shippedText)
	if err != nil {
		panic(err)
	}
}

// Shipped returns the schedules embedded in the program (2025 and 2026),
// a fresh copy each call.
func Shipped() []Schedule {
	out := make([]Schedule, len(shipped))
	for i, s := range shipped {
		out[i] = Schedule{Year: s.Year, Days: append([]Day(nil), s.Days...)}
	}
	return out
}

// New builds a calendar from schedules; a later schedule for the same year
// replaces an earlier one, so New(append(Shipped(), stored...)...) lets the
// office correct a shipped year.
func New(schedules ...Schedule) *Calendar {
	c := &Calendar{years: map[int]map[domain.Date]Kind{}}
	for _, s := range schedules {
		m := make(map[domain.Date]Kind, len(s.Days))
		for _, d := range s.Days {
			m[d.Date] = d.Kind
		}
		c.years[s.Year] = m
	}
	return c
}

// Default is the calendar of the shipped schedules alone.
func Default() *Calendar { return New(Shipped()...) }

// Years lists the years the calendar has a schedule for, ascending.
func (c *Calendar) Years() []int {
	out := make([]int, 0, len(c.years))
	for y := range c.years {
		out = append(out, y)
	}
	sort.Ints(out)
	return out
}

// IsWorkingDay reports whether d is a working day.
func (c *Calendar) IsWorkingDay(d domain.Date) (bool, error) {
	m, ok := c.years[d.Year]
	if !ok {
		return false, &NoScheduleError{Year: d.Year}
	}
	switch m[d] {
	case Off:
		return false, nil
	case Work:
		return true, nil
	}
	wd := d.Time().Weekday()
	return wd != time.Saturday && wd != time.Sunday, nil
}

// AddWorkingDays returns the n-th working day after d (before d when n is
// negative); d itself is not counted, so a deadline of "20 working days from
// the day the result was formed" is AddWorkingDays(formed, 20). n = 0 gives
// d.
func (c *Calendar) AddWorkingDays(d domain.Date, n int) (domain.Date, error) {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		ok, err := c.IsWorkingDay(d)
		if err != nil {
			return domain.Date{}, err
		}
		if ok {
			n--
		}
	}
	return d, nil
}

// WorkingDaysBetween counts the working days after from up to and including
// to; negative when to is before from. It is the inverse of AddWorkingDays:
// WorkingDaysBetween(d, AddWorkingDays(d, n)) == n.
func (c *Calendar) WorkingDaysBetween(from, to domain.Date) (int, error) {
	sign := 1
	if to.Before(from) {
		from, to, sign = to, from, -1
	}
	n := 0
	for d := from.AddDays(1); !to.Before(d); d = d.AddDays(1) {
		ok, err := c.IsWorkingDay(d)
		if err != nil {
			return 0, err
		}
		if ok {
			n++
		}
	}
	return sign * n, nil
}

// ParseError names the line of a schedule text that could not be read.
type ParseError struct {
	Line  int
	Text  string
	Key   string // i18n key of the reason
	Extra map[string]any
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("workday: line %d %q: %s", e.Line, e.Text, e.Key)
}

// Parse reads schedules in the text form of schedules.txt: one day or range
// per line, "YYYY-MM-DD[..YYYY-MM-DD] off|work [name]", '#' starts a
// comment. Commas and tabs separate fields too, so a two- or three-column
// spreadsheet saved as CSV reads as well. It checks what the State Council's
// schedules always satisfy: a make-up working day is a Saturday or Sunday,
// no day is listed twice, a range stays within one year.
func Parse(text string) ([]Schedule, error) {
	byYear := map[int]map[domain.Date]Day{}
	sc := bufio.NewScanner(strings.NewReader(strings.TrimPrefix(text, "\ufeff")))
	line := 0
	for sc.Scan() {
		line++
		raw := sc.Text()
		s := raw
		if i := strings.IndexByte(s, '#'); i >= 0 {
			s = s[:i]
		}
		fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '\t' || r == ' ' || r == '\u3000' })
		if len(fields) == 0 {
			continue
		}
		bad := func(key string, args ...any) error {
			e := &ParseError{Line: line, Text: raw, Key: key}
			for i := 0; i+1 < len(args); i += 2 {
				if e.Extra == nil {
					e.Extra = map[string]any{}
				}
				e.Extra[args[i].(string)] = args[i+1]
			}
			return e
		}
		if len(fields) < 2 {
			return nil, bad("workday.err.fields")
		}
		first, last, isRange := strings.Cut(fields[0], "..")
		from, err := domain.ParseDate(first)
		if err != nil || from.IsZero() {
			return nil, bad("workday.err.date", "value", first)
		}
		to := from
		if isRange {
			if to, err = domain.ParseDate(last); err != nil || to.IsZero() {
				return nil, bad("workday.err.date", "value", last)
			}
		}
		if to.Before(from) || to.Year != from.Year {
			return nil, bad("workday.err.range", "value", fields[0])
		}
		kind := Kind(strings.ToLower(fields[1]))
		switch fields[1] {
		case "休", "放假", "休息":
			kind = Off
		case "班", "上班", "调休上班":
			kind = Work
		}
		if kind != Off && kind != Work {
			return nil, bad("workday.err.kind", "value", fields[1])
		}
		name := strings.Join(fields[2:], " ")
		if byYear[from.Year] == nil {
			byYear[from.Year] = map[domain.Date]Day{}
		}
		for d := from; !to.Before(d); d = d.AddDays(1) {
			if _, dup := byYear[d.Year][d]; dup {
				return nil, bad("workday.err.duplicate", "value", d.String())
			}
			if wd := d.Time().Weekday(); kind == Work && wd != time.Saturday && wd != time.Sunday {
				return nil, bad("workday.err.work_weekday", "value", d.String())
			}
			byYear[d.Year][d] = Day{Date: d, Kind: kind, Name: name}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("workday: %w", err)
	}
	out := make([]Schedule, 0, len(byYear))
	for y, days := range byYear {
		s := Schedule{Year: y}
		for _, d := range days {
			s.Days = append(s.Days, d)
		}
		sort.Slice(s.Days, func(i, j int) bool { return s.Days[i].Date.Before(s.Days[j].Date) })
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Year < out[j].Year })
	return out, nil
}

// Format writes s in the text form Parse reads, one line per day.
func Format(s Schedule) string {
	var b strings.Builder
	for _, d := range s.Days {
		b.WriteString(strings.TrimSpace(fmt.Sprintf("%s %s %s", d.Date, d.Kind, d.Name)))
		b.WriteByte('\n')
	}
	return b.String()
}
