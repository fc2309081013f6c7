package web

import (
	"net/http"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

type visitListData struct {
	Visits   *domain.List[domain.Visit]
	Pager    pager
	Ref      *reference
	Batch    int64
	Archived string // the archive filter: "yes", "no" or "" (立卷归档)
}

// listVisits lists joint visits: the office sees all, a department those
// it has a part in, an inspector its own assignments; ?batch= narrows to
// one batch, ?archived=yes|no to the visits archived or not.
func (s *Server) listVisits(w http.ResponseWriter, r *http.Request, sess *session) {
	q := r.URL.Query()
	f := domain.VisitFilter{}
	f.BatchID, _ = strconv.ParseInt(q.Get("batch"), 10, 64)
	if a := q.Get("archived"); a == "yes" || a == "no" {
		f.Archived = a
	}
	f.Page.Number, _ = strconv.Atoi(q.Get("page"))
	vs, err := s.store.ListVisits(r.Context(), sess.Actor, f)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	ref, err := s.reference(r.Context())
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	pg := s.newPage(r, sess, "plan.visits.title", &visitListData{Visits: vs, Ref: ref, Batch: f.BatchID, Archived: f.Archived, Pager: newPager(r.URL, domain.Page{Number: vs.Page, Size: vs.Size}, vs.Total)})
	pg.Nav = "visits"
	s.render(w, r, http.StatusOK, pageVisitList, pg)
}

type inboxData struct {
	Notices *domain.List[domain.Notice]
	Pager   pager
	Unread  int
	Due     dueCounts // results waiting to be published (一公开)
	// RefOverdue counts the referrals the actor's department owes a step
	// on past the deadline.
	RefOverdue int
}

// dueCounts are the actor's signed results near (Warn) or past (Overdue)
// their publication deadline, shown above the inbox.
type dueCounts struct{ Warn, Overdue int }

func (s *Server) dueCounts(r *http.Request, sess *session) (dueCounts, error) {
	var c dueCounts
	due, err := s.store.PublicationsDue(r.Context(), sess.Actor, 0)
	for _, d := range due {
		switch {
		case d.Overdue:
			c.Overdue++
		case d.Warn:
			c.Warn++
		}
	}
	return c, err
}

// showInbox is the actor's in-app inbox, newest first.
func (s *Server) showInbox(w http.ResponseWriter, r *http.Request, sess *session) {
	// What went overdue since anyone last looked gets its notice now.
	if err := s.store.NotifyOverdue(r.Context()); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	ns, err := s.store.ListNotices(r.Context(), sess.Actor, false, domain.Page{Number: page})
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	n, err := s.store.UnreadNotices(r.Context(), sess.Actor)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	due, err := s.dueCounts(r, sess)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	refs, err := s.store.CountOverdueReferrals(r.Context(), sess.Actor)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	pg := s.newPage(r, sess, "plan.inbox.title", &inboxData{Notices: ns, Unread: n, Due: due, RefOverdue: refs, Pager: newPager(r.URL, domain.Page{Number: ns.Page, Size: ns.Size}, ns.Total)})
	pg.Nav = "inbox"
	s.render(w, r, http.StatusOK, pageInbox, pg)
}

// markNoticesRead marks one notice (id) or all read, then follows the
// notice's link when asked to (opening a notice reads it).
func (s *Server) markNoticesRead(w http.ResponseWriter, r *http.Request, sess *session) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	id, _ := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	if err := s.store.MarkNoticesRead(r.Context(), sess.Actor, id); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	next := r.PostFormValue("next")
	if next == "" || next[0] != '/' || (len(next) > 1 && (next[1] == '/' || next[1] == '\\')) {
		next = "/staff/inbox"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
