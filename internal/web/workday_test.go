package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

func TestWorkdayCalendarPage(t *testing.T) {
	e := newEnv(t)
	office := e.login(t, "office")

	r := e.get(office, "/staff/calendar?year=2026")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "2026-02-28") || !strings.Contains(r.Body, "调休上班") {
		t.Fatalf("2026 calendar page: %d\n%.800s", r.Status, r.Body)
	}

	// A bad line is named and nothing is stored.
	r = e.post(office, "/staff/calendar", url.Values{"schedule": {"2027-01-01 off 元旦\n2027-01-04 work\n"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "第 2 行") || !strings.Contains(r.Body, "调休上班日只能是周六或周日") {
		i := strings.Index(r.Body, "<form")
		t.Fatalf("bad schedule: %d\n%s", r.Status, r.Body[i:])
	}
	cal, err := e.store.Calendar(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cal.IsWorkingDay(domain.Date{Year: 2027, Month: 1, Day: 1}); err == nil {
		t.Fatal("a refused schedule must store nothing")
	}

	r = e.post(office, "/staff/calendar", url.Values{"schedule": {"2027-01-01 off 元旦\n2027-02-05..2027-02-11 休 春节\n2027-02-14 班 春节调休\n"}, "source": {"通知"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/staff/calendar?done=saved&year=2027" {
		t.Fatalf("save: %d %q\n%.600s", r.Status, r.Header.Get("Location"), r.Body)
	}
	r = e.get(office, "/staff/calendar?year=2027&lang=en")
	if !strings.Contains(r.Body, "2027-02-14") || !strings.Contains(r.Body, "Make-up working day") || !strings.Contains(r.Body, "Entered by the office") {
		t.Errorf("2027 page in English:\n%.3000s", r.Body)
	}
	cal, _ = e.store.Calendar(t.Context())
	if ok, err := cal.IsWorkingDay(domain.Date{Year: 2027, Month: 2, Day: 14}); err != nil || !ok {
		t.Errorf("14 Feb 2027 = %v, %v; want a make-up working day", ok, err)
	}
}
