package web

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/importx"
	"github.com/yiyeyicha/yiyeyicha/internal/report"
)

type summaryData struct {
	Q        evalQuery
	Ref      *reference
	Tables   []report.Table
	Filings  []report.Filing
	Own      *domain.AnnualSummary // the user's department's filing
	CanFile  bool
	Text     string
	Errors   *fieldErrors
	Reminder bool
}

// showAnnualSummary is the printable annual summary with the filing form
// of the user's department and, for the office, who has not filed.
func (s *Server) showAnnualSummary(w http.ResponseWriter, r *http.Request, sess *session) {
	s.renderAnnualSummary(w, r, sess, http.StatusOK, "", nil)
}

func (s *Server) renderAnnualSummary(w http.ResponseWriter, r *http.Request, sess *session, status int, text string, fe *fieldErrors) {
	eq := s.evalQueryOf(r, sess)
	a, err := report.Load(r.Context(), s.store, sess.Actor, eq.Year, eq.Filter)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	ref, err := s.reference(r.Context())
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := printer(r)
	data := &summaryData{Q: eq, Ref: ref, Tables: report.Tables(p, a), Filings: a.Filings, Text: text, Errors: fe,
		CanFile:  sess.Actor.DepartmentID != 0 && domain.Can(sess.Actor, domain.ActFileSummary, sess.Actor.DepartmentID),
		Reminder: domain.SummaryReminder(a.Dashboard.Today) && a.Dashboard.Today.Year == eq.Year}
	if data.CanFile {
		for _, f := range a.Filings {
			if f.Summary != nil && f.Summary.DepartmentID == sess.Actor.DepartmentID {
				data.Own = f.Summary
				if data.Text == "" {
					data.Text = f.Summary.Text
				}
			}
		}
	}
	pg := s.newPage(r, sess, "eval.summary.title", data)
	pg.Nav = "dashboard"
	if r.URL.Query().Get("done") == "filed" {
		pg.Notice = p.T("eval.summary.filed")
	}
	if fe != nil && len(fe.General) > 0 {
		pg.Error = fe.General[0]
	}
	s.render(w, r, status, pageEvalSummary, pg)
}

// downloadAnnualSummary sends the annual summary as an XLSX workbook, one
// sheet per table.
func (s *Server) downloadAnnualSummary(w http.ResponseWriter, r *http.Request, sess *session) {
	eq := s.evalQueryOf(r, sess)
	a, err := report.Load(r.Context(), s.store, sess.Actor, eq.Year, eq.Filter)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	var buf bytes.Buffer
	if err := importx.WriteSheets(&buf, report.Sheets(report.Tables(printer(r), a))); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	name := "annual-summary-" + strconv.Itoa(eq.Year) + ".xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = buf.WriteTo(w)
}

// fileAnnualSummary files the user's department's summary with the office.
func (s *Server) fileAnnualSummary(w http.ResponseWriter, r *http.Request, sess *session) {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, sess, badForm(err))
		return
	}
	year, _ := strconv.Atoi(r.PostFormValue("year"))
	text := r.PostFormValue("text")
	if _, err := s.store.FileSummary(r.Context(), sess.Actor, year, sess.Actor.DepartmentID, text); err != nil {
		fe, ok := formErrorsOf(printer(r), err, "text")
		if !ok {
			s.fail(w, r, sess, err)
			return
		}
		s.renderAnnualSummary(w, r, sess, formStatus(err), text, fe)
		return
	}
	http.Redirect(w, r, "/staff/summary?done=filed&year="+strconv.Itoa(year), http.StatusSeeOther)
}
