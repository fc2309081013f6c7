package web

import (
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/draw"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

// The staff pages of the draw (抽取): announce from a batch, each party's
// commit and reveal, the public value's double entry, execution, abort.
const (
	pageDrawStaffList = "draw_staff_list"
	pageDrawAnnounce  = "draw_announce"
	pageDrawStaff     = "draw_staff"
)

// maxListed bounds the exclusions a staff page lists one by one; the rest
// are counted (the bundle has them all).
const maxListed = 2000

// drawStaffRoutes registers the staff side of the draw.
func (s *Server) drawStaffRoutes(mux *router) {
	staff := func(pattern string, h func(http.ResponseWriter, *http.Request, *session)) {
		mux.Handle(pattern, s.requireUser(h))
	}
	staff("GET /staff/draws", s.listStaffDraws)
	staff("GET /staff/batches/{id}/draw", s.showDrawAnnounce)
	staff("POST /staff/batches/{id}/draw", s.announceDraw)
	staff("GET /staff/draws/{key}", s.showStaffDraw)
	staff("POST /staff/draws/{key}/{action}", s.drawAction)
}

// listStaffDraws lists every draw with its phase, linking to its staff page.
func (s *Server) listStaffDraws(w http.ResponseWriter, r *http.Request, sess *session) {
	if err := domain.Require("web.listStaffDraws", sess.Actor, domain.ActViewPlans, 0); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	ds, err := s.store.ListDraws(r.Context())
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	pg := s.newPage(r, sess, "draw.staff.list_title", ds)
	pg.Nav = "plans"
	s.render(w, r, http.StatusOK, pageDrawStaffList, pg)
}

// drawAnnounceData is the announce page: the batch, the parameters taken
// from its task and what would be frozen now.
type drawAnnounceData struct {
	Task        *domain.Task
	Batch       *domain.Batch
	Params      domain.DrawParams
	Preview     *store.DrawPreview
	Depts       map[string]string // department code → name
	DeptByID    map[int64]string
	Draws       []string // the batch's earlier draws
	PoolX       []draw.Exclusion
	PoolMore    int
	PublicValue string
}

// showDrawAnnounce previews the draw of a batch: the pool per risk class
// with its quota, every exclusion with its reason, the roster per
// department with its exclusions, then the form to freeze and announce.
func (s *Server) showDrawAnnounce(w http.ResponseWriter, r *http.Request, sess *session) {
	s.renderDrawAnnounce(w, r, sess, http.StatusOK, r.URL.Query().Get("public_value"), nil)
}

func (s *Server) renderDrawAnnounce(w http.ResponseWriter, r *http.Request, sess *session, status int, publicValue string, formErr error) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p, err := s.store.BatchDrawParams(ctx, sess.Actor, id, publicValue)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	t, err := s.taskOfBatch(r, sess, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	data := &drawAnnounceData{Task: t, Batch: t.Batch(id), Params: p, PublicValue: publicValue}
	if data.Depts, err = s.deptNamesByCode(r); err == nil {
		data.Draws, err = s.store.DrawsOfBatch(ctx, id)
	}
	if ref, rerr := s.reference(ctx); rerr == nil {
		data.DeptByID = ref.Department
	} else if err == nil {
		err = rerr
	}
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	pg := s.newPage(r, sess, "", data)
	pg.Title = pg.P.T("draw.staff.announce_title", "task", t.Name, "n", data.Batch.Seq)
	pg.Nav = "plans"
	if formErr != nil {
		pg.Error = pg.P.Err(formErr)
	}
	data.Preview, err = s.store.PreviewDraw(ctx, sess.Actor, p)
	switch {
	case err == nil:
		data.PoolX = data.Preview.Exclusions
		if len(data.PoolX) > maxListed {
			data.PoolMore = len(data.PoolX) - maxListed
			data.PoolX = data.PoolX[:maxListed]
		}
	case domain.ErrorKind(err) == domain.KindInternal:
		s.fail(w, r, sess, err)
		return
	default:
		// The batch cannot be drawn now (already drawn, a draw under way):
		// say why above the page instead of the preview.
		if pg.Error == "" {
			pg.Error = pg.P.Err(err)
		}
		if status == http.StatusOK {
			status = domain.ErrorKind(err).HTTPStatus()
		}
	}
	s.render(w, r, status, pageDrawAnnounce, pg)
}

// taskOfBatch finds the task a batch belongs to.
func (s *Server) taskOfBatch(r *http.Request, sess *session, batchID int64) (*domain.Task, error) {
	id, err := s.store.TaskOfBatch(r.Context(), batchID)
	if err != nil {
		return nil, err
	}
	return s.store.GetTask(r.Context(), sess.Actor, id)
}

// deptNamesByCode maps department codes to names.
func (s *Server) deptNamesByCode(r *http.Request) (map[string]string, error) {
	ref, err := s.reference(r.Context())
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, d := range ref.Departments {
		m[d.Code] = d.Name
	}
	return m, nil
}

// announceDraw freezes the pool and roster of a batch and publishes the
// announcement.
func (s *Server) announceDraw(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	pv := strings.TrimSpace(r.PostFormValue("public_value"))
	p, err := s.store.BatchDrawParams(r.Context(), sess.Actor, id, pv)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	d, err := s.store.AnnounceDraw(r.Context(), sess.Actor, p)
	if err != nil {
		if k := domain.ErrorKind(err); k == domain.KindInvalid || k == domain.KindConflict {
			s.renderDrawAnnounce(w, r, sess, k.HTTPStatus(), pv, err)
			return
		}
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, "/staff/draws/"+d.Key+"?done=announced", http.StatusSeeOther)
}

// drawStaffData is a draw's staff page.
type drawStaffData struct {
	Draw        *domain.Draw
	Task        *domain.Task
	Batch       *domain.Batch
	Depts       map[string]string
	Pool        *draw.Pool
	Roster      *draw.Roster
	PoolX       []draw.Exclusion
	PoolMore    int
	Step        int                // 1 announced … 4 executed; 0 aborted
	Mine        []domain.DrawParty // the parties whose secret the actor gives
	CanRun      bool               // public value, execute, abort
	CanDispatch bool
	Revealed    bool // every party revealed
	Ready       bool // execution may run
	Unstaffed   []draw.Visit
	HandedOver  int // visits handed to dispatch
	SecretMin   int
	SecretMax   int
}

// showStaffDraw is a draw's staff page: where it stands, what was frozen,
// the actor's own step (commit, reveal), the public value's entry,
// execution and abort, and after execution the hand-over to dispatch.
func (s *Server) showStaffDraw(w http.ResponseWriter, r *http.Request, sess *session) {
	s.renderStaffDraw(w, r, sess, http.StatusOK, nil)
}

func (s *Server) renderStaffDraw(w http.ResponseWriter, r *http.Request, sess *session, status int, formErr error) {
	ctx := r.Context()
	key := r.PathValue("key")
	d, err := s.store.GetDraw(ctx, key)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	data := &drawStaffData{Draw: d, SecretMin: draw.MinSecret, SecretMax: draw.MaxSecret,
		CanRun: domain.Can(sess.Actor, domain.ActRunDraw, d.LeadDepartmentID)}
	if data.Pool, data.Roster, err = s.store.DrawSnapshot(ctx, sess.Actor, key); err == nil {
		data.Depts, err = s.deptNamesByCode(r)
	}
	if err == nil && d.BatchID != 0 {
		if data.Task, err = s.taskOfBatch(r, sess, d.BatchID); err == nil {
			data.Batch = data.Task.Batch(d.BatchID)
			data.CanDispatch = domain.Can(sess.Actor, domain.ActDispatch, data.Task.LeadDepartmentID)
		}
	}
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	data.PoolX = data.Pool.Exclusions
	if len(data.PoolX) > maxListed {
		data.PoolMore = len(data.PoolX) - maxListed
		data.PoolX = data.PoolX[:maxListed]
	}
	data.Revealed = true
	for _, p := range d.Parties {
		if domain.Can(sess.Actor, domain.ActDrawEntropy, p.DepartmentID) {
			data.Mine = append(data.Mine, p)
		}
		data.Revealed = data.Revealed && p.Secret != ""
	}
	data.Ready = d.State == domain.DrawRevealing && data.Revealed && (d.Announcement.PublicValue == "" || d.PublicValue != nil)
	switch d.State {
	case domain.DrawCommitting:
		data.Step = 2
	case domain.DrawRevealing:
		data.Step = 3
	case domain.DrawExecuted:
		data.Step = 4
		data.Unstaffed = d.Result.Unstaffed()
		for _, v := range d.Result.Visits {
			if len(v.Team) > 0 {
				data.HandedOver++
			}
		}
	}
	pg := s.newPage(r, sess, "", data)
	pg.Title = pg.P.T("draw.staff.title", "draw", d.Key)
	pg.Nav = "plans"
	done(pg, r)
	if k := r.URL.Query().Get("done"); k != "" && pg.Notice == "" {
		if msg := pg.P.T("draw.staff.done." + k); msg != "draw.staff.done."+k {
			pg.Notice = msg
		}
	}
	if formErr != nil {
		pg.Error = pg.P.Err(formErr)
	}
	s.render(w, r, status, pageDrawStaff, pg)
}

// drawAction is one step of the protocol posted from the staff page. An
// error is shown on the same page, translated, with its status.
func (s *Server) drawAction(w http.ResponseWriter, r *http.Request, sess *session) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	ctx, a, key := r.Context(), sess.Actor, r.PathValue("key")
	f := r.PostForm
	action := r.PathValue("action")
	var err error
	done := action
	switch action {
	case "commit":
		err = s.store.CommitDraw(ctx, a, key, f.Get("party"), strings.ToLower(strings.TrimSpace(f.Get("commitment"))))
	case "reveal":
		secret := strings.ToLower(strings.TrimSpace(f.Get("secret")))
		if typed := f.Get("typed"); typed != "" && secret == "" {
			secret = hex.EncodeToString([]byte(typed))
		}
		err = s.store.RevealDraw(ctx, a, key, f.Get("party"), secret)
	case "public-value":
		var ok bool
		ok, err = s.store.EnterPublicValue(ctx, a, key, f.Get("value"))
		done = "public_first"
		if ok {
			done = "public_confirmed"
		}
	case "execute":
		_, err = s.store.ExecuteDraw(ctx, a, key)
	case "abort":
		err = s.store.AbortDraw(ctx, a, key, f.Get("reason"))
	default:
		s.notFound(w, r)
		return
	}
	if err != nil {
		switch domain.ErrorKind(err) {
		case domain.KindInvalid, domain.KindConflict:
			s.renderStaffDraw(w, r, sess, domain.ErrorKind(err).HTTPStatus(), err)
		default:
			s.fail(w, r, sess, err)
		}
		return
	}
	http.Redirect(w, r, "/staff/draws/"+key+"?done="+done, http.StatusSeeOther)
}
