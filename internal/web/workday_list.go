package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/importx"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

type workdayListData struct {
	Years  []store.WorkdayYear
	Shown  *store.WorkdayYear // the year whose days are listed
	Text   string             // the schedule text being entered, kept on error
	Source string
	Errors *fieldErrors
}

// listWorkdayYears shows the years of the calendar, the days of one of them
// (?year=, the latest by default) and, to the office, the form to add one.
func (s *Server) listWorkdayYears(w http.ResponseWriter, r *http.Request, sess *session) {
	s.renderWorkdayList(w, r, sess, http.StatusOK, &workdayListData{})
}

func (s *Server) renderWorkdayList(w http.ResponseWriter, r *http.Request, sess *session, status int, data *workdayListData) {
	years, err := s.store.ListWorkdayYears(r.Context())
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	data.Years = years
	want, _ := strconv.Atoi(r.URL.Query().Get("year"))
	for i := range years {
		if years[i].Year == want || (want == 0 && i == len(years)-1) {
			data.Shown = &years[i]
		}
	}
	pg := s.newPage(r, sess, "workday.title", data)
	pg.Nav = "calendar"
	if r.URL.Query().Get("done") == "saved" {
		pg.Notice = pg.P.T("workday.saved")
	}
	if data.Errors != nil && len(data.Errors.General) > 0 {
		pg.Error = data.Errors.General[0]
	}
	s.render(w, r, status, pageWorkdayList, pg)
}

// workdayTextLimit bounds a pasted or uploaded schedule: a year is about
// thirty lines.
const workdayTextLimit = 64 << 10

// saveWorkdaySchedules stores the schedule pasted into the form or
// uploaded as a text/CSV file (the file wins when both are given).
func (s *Server) saveWorkdaySchedules(w http.ResponseWriter, r *http.Request, sess *session) {
	if !domain.Can(sess.Actor, domain.ActEditCalendar, 0) {
		s.fail(w, r, sess, domain.E("web.saveWorkdaySchedules", domain.KindForbidden, "err.forbidden"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, workdayTextLimit+4096)
	if err := r.ParseMultipartForm(workdayTextLimit); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		s.fail(w, r, sess, badForm(err))
		return
	}
	data := &workdayListData{Text: r.PostFormValue("schedule"), Source: r.PostFormValue("source")}
	if f, _, err := r.FormFile("file"); err == nil {
		b, err := io.ReadAll(io.LimitReader(f, workdayTextLimit+1))
		f.Close()
		if err != nil || len(b) > workdayTextLimit {
			s.fail(w, r, sess, domain.E("web.saveWorkdaySchedules", domain.KindInvalid, "workday.err.too_large", "max", workdayTextLimit>>10))
			return
		}
		if b, err = importx.DecodeText("web.saveWorkdaySchedules", b); err != nil {
			s.fail(w, r, sess, err)
			return
		}
		if len(b) > 0 {
			data.Text = string(b)
		}
	}
	fields := []string{"workday_schedule", "workday_source"}
	ss, err := store.ParseWorkdaySchedules(data.Text)
	if err == nil {
		err = s.store.SaveWorkdaySchedules(r.Context(), sess.Actor, data.Source, ss)
	}
	if err != nil {
		fe, ok := formErrorsOf(printer(r), err, fields...)
		if !ok {
			s.fail(w, r, sess, err)
			return
		}
		// Name the line of the pasted text, as the generic form errors
		// (which know no rows) would not.
		var ve *domain.ValidationError
		if errors.As(err, &ve) && len(ve.Errors) > 0 && ve.Errors[0].Row > 0 {
			fe.ByField["workday_schedule"] = []string{printer(r).Err(err)}
		}
		data.Errors = fe
		s.renderWorkdayList(w, r, sess, formStatus(err), data)
		return
	}
	http.Redirect(w, r, "/staff/calendar?done=saved&year="+strconv.Itoa(ss[len(ss)-1].Year), http.StatusSeeOther)
}
