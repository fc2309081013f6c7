package fault

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

// The result entry (检查结果录入) through the web: inspectors save a
// part's results and sign the part off, the department publishes it. Each
// run acts on a part of its own, so every whole write makes the same
// change; the server is killed.

// resultRuns caps the killed runs of each result case: each needs a visit
// of its own, dispatched by setupResults.
const resultRuns = 50

// resultEntities is the demo directory of the result cases, with enough
// businesses of one industry for a visit per run.
const resultEntities = 2000

// resultPassword is the password of the accounts the result cases add.
const resultPassword = "result password 1"

// resultPart is one part of a dispatched demo visit, with the account of
// an inspector of its department on the visit and one of its department's
// staff.
type resultPart struct {
	visit, part int64
	dept, insp  int64  // the part's department and the inspector entering it
	inspector   string // username
	staff       string // username
	items       []domain.ChecklistItem
}

// setupResults dispatches a published batch of the demo to as many
// businesses as the runs need (the demo's own visits differ in their items
// and in what their first save and last sign-off change), and gives the
// lead department's part of each visit an inspector account of its
// department on the visit and a department account; e.State holds the
// []resultPart.
func setupResults(t *testing.T, e *Env) {
	st := e.open()
	defer st.Close()
	ctx := t.Context()
	need := min(runs(t), resultRuns) + 1
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	plans, err := st.ListPlans(ctx, domain.System)
	must(err)
	// teamOf is an inspector on duty of each of t's departments, or nil.
	teamOf := func(t *domain.Task) []int64 {
		var team []int64
		for _, d := range t.Departments {
			ins, err := st.ListInspectors(ctx, domain.System, domain.InspectorFilter{DepartmentID: d.DepartmentID, Status: domain.InspectorOnDuty})
			must(err)
			if len(ins.Items) == 0 {
				return nil
			}
			team = append(team, ins.Items[0].ID)
		}
		return team
	}
	var task *domain.Task
	var batch int64
	var team []int64
	for _, p := range plans {
		ts, err := st.ListTasks(ctx, domain.System, store.TaskFilter{PlanID: p.ID})
		must(err)
		for i := range ts {
			for _, b := range ts[i].Batches {
				if b.State != domain.StatePublished || batch != 0 {
					continue
				}
				if team = teamOf(&ts[i]); team != nil {
					task, batch = &ts[i], b.ID
				}
			}
		}
	}
	if task == nil {
		t.Fatal("the demo has no published batch whose departments all have an inspector on duty")
	}
	ents, err := st.ListEntities(ctx, domain.System, domain.EntityFilter{Industry: task.IndustryCode, Status: domain.StatusActive, Page: domain.Page{Size: need * 2}})
	must(err)
	var sel []domain.Selected
	for _, en := range ents.Items {
		sel = append(sel, domain.Selected{EntityID: en.ID, InspectorIDs: team})
	}
	must(st.SetBatchSelection(ctx, domain.System, batch, sel))
	_, err = st.Dispatch(ctx, domain.System, batch)
	must(err)
	vs, err := st.ListVisits(ctx, domain.System, domain.VisitFilter{BatchID: batch, Page: domain.Page{Size: domain.MaxPageSize}})
	must(err)
	var parts []resultPart
	for _, v := range vs.Items {
		in, err := st.Inspection(ctx, domain.System, v.ID)
		must(err)
		p := in.Parts[0]
		var insp int64
		for _, m := range in.Team {
			if m.DepartmentID == p.DepartmentID {
				insp = m.InspectorID
				break
			}
		}
		if insp == 0 || len(in.Parts) < 2 {
			continue
		}
		rp := resultPart{visit: v.ID, part: p.ID, dept: p.DepartmentID, insp: insp, inspector: "fault-insp-" + strconv.FormatInt(insp, 10),
			staff: "fault-staff-" + strconv.FormatInt(p.DepartmentID, 10), items: p.Items}
		parts = append(parts, rp)
	}
	if len(parts) < need {
		t.Fatalf("the dispatched batch has %d visits; %d runs need %d", len(parts), need-1, need)
	}
	for _, name := range []string{parts[0].inspector, parts[0].staff} {
		u := &domain.User{Username: name, DisplayName: name, Role: domain.RoleInspector, DepartmentID: parts[0].dept, InspectorID: parts[0].insp}
		if name == parts[0].staff {
			u.Role, u.InspectorID = domain.RoleDepartment, 0
		}
		must(st.CreateUser(ctx, domain.System, u, resultPassword))
	}
	e.State = parts
}

// partOf is run's part.
func partOf(e *Env, run int) resultPart { return e.State.([]resultPart)[run] }

// webClient logs username in to the running server.
func webClient(t *testing.T, e *Env, username string) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(e.URL+"/login", url.Values{"username": {username}, "password": {resultPassword}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login as %s: %s", username, resp.Status)
	}
	return c
}

// post sends one form (or multipart body) and wants the redirect of a
// done write.
func post(c *http.Client, to, ctype string, body []byte) error {
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, to, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("POST %s: %s\n%.1000s", to, resp.Status, page)
	}
	return nil
}

// resultsForm is the results form of p: every item answered with its
// first option, the first with a note.
func resultsForm(p resultPart) []byte {
	f := url.Values{"visit": {strconv.FormatInt(p.visit, 10)}}
	for i, it := range p.items {
		id := strconv.FormatInt(it.ItemID, 10)
		f.Add("item", id)
		f.Set("result_"+id, it.Options[0])
		if i == 0 {
			f.Set("note_"+id, "故障测试第"+strconv.FormatInt(p.part, 10)+"部分")
		}
	}
	return []byte(f.Encode())
}

const formType = "application/x-www-form-urlencoded"

// writeAsync runs write in the background: the start function of a case.
func writeAsync(write func() error) func() (*Child, <-chan error) {
	return func() (*Child, <-chan error) {
		done := make(chan error, 1)
		go func() { done <- write() }()
		return nil, done
	}
}

// evidence uploads a photo of its own to p's part as the inspector, as
// part of the entry before the killed write.
func evidence(t *testing.T, e *Env, c *http.Client, p resultPart) {
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = byte(int64(i) * (p.part + 1))
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("visit", strconv.FormatInt(p.visit, 10))
	fw, _ := mw.CreateFormFile("file", "part-"+strconv.FormatInt(p.part, 10)+".png")
	if err := png.Encode(fw, img); err != nil {
		t.Fatal(err)
	}
	mw.Close()
	if err := post(c, e.URL+"/staff/parts/"+strconv.FormatInt(p.part, 10)+"/attachments", mw.FormDataContentType(), body.Bytes()); err != nil {
		t.Fatal(err)
	}
}

// prepareResults: the inspector logs in and attaches a photo; the write
// is saving all the part's results in one form.
func prepareResults(t *testing.T, e *Env, run int) func() (*Child, <-chan error) {
	p := partOf(e, run)
	c := webClient(t, e, p.inspector)
	evidence(t, e, c, p)
	return writeAsync(func() error {
		return post(c, e.URL+"/staff/parts/"+strconv.FormatInt(p.part, 10)+"/results", formType, resultsForm(p))
	})
}

// prepareSign: the inspector saves the results (not killed); the write is
// the sign-off.
func prepareSign(t *testing.T, e *Env, run int) func() (*Child, <-chan error) {
	p := partOf(e, run)
	c := webClient(t, e, p.inspector)
	base := e.URL + "/staff/parts/" + strconv.FormatInt(p.part, 10)
	if err := post(c, base+"/results", formType, resultsForm(p)); err != nil {
		t.Fatal(err)
	}
	visit := []byte(url.Values{"visit": {strconv.FormatInt(p.visit, 10)}}.Encode())
	return writeAsync(func() error { return post(c, base+"/sign", formType, visit) })
}

// preparePublish: the inspector saves and signs (not killed); the write is
// the department's publication, which appends the part to the
// transparency log.
func preparePublish(t *testing.T, e *Env, run int) func() (*Child, <-chan error) {
	p := partOf(e, run)
	insp := webClient(t, e, p.inspector)
	base := e.URL + "/staff/parts/" + strconv.FormatInt(p.part, 10)
	visit := []byte(url.Values{"visit": {strconv.FormatInt(p.visit, 10)}}.Encode())
	if err := post(insp, base+"/results", formType, resultsForm(p)); err != nil {
		t.Fatal(err)
	}
	if err := post(insp, base+"/sign", formType, visit); err != nil {
		t.Fatal(err)
	}
	staff := webClient(t, e, p.staff)
	return writeAsync(func() error { return post(staff, base+"/publish", formType, visit) })
}

// partAfterCrash reads run's part from the restarted store and checks
// what holds whatever the moment of the kill: the part's results are all
// there or none (never some items saved), every attachment row of the
// visits entered so far has its file and every file its row (no orphan on
// either side), and the audit rows of the part match its state.
func partAfterCrash(t *testing.T, e *Env, run int) (entered bool, part *domain.InspectPart, st *store.Store) {
	p := partOf(e, run)
	st = e.open()
	ctx := t.Context()
	in, err := st.Inspection(ctx, domain.System, p.visit)
	if err != nil {
		t.Fatal(err)
	}
	for i := range in.Parts {
		if in.Parts[i].ID == p.part {
			part = &in.Parts[i]
		}
	}
	if part == nil {
		t.Fatalf("run %d: part %d is gone after the crash", run, p.part)
	}
	n := 0
	for _, it := range part.Items {
		if it.Result != nil {
			n++
		}
	}
	if n != 0 && n != len(part.Items) {
		t.Fatalf("run %d: part %d is half-saved after the crash: %d of %d items have a result", run, p.part, n, len(part.Items))
	}
	checkAttachments(t, e, st, run)
	return n == len(part.Items), part, st
}

// checkAttachments: the attachment rows of the visits of runs 0…run and
// the files under the server's files directory are the same set.
func checkAttachments(t *testing.T, e *Env, st *store.Store, run int) {
	rows := map[string]bool{}
	seen := map[int64]bool{}
	for r := 0; r <= run; r++ {
		v := partOf(e, r).visit
		if seen[v] {
			continue
		}
		seen[v] = true
		in, err := st.Inspection(t.Context(), domain.System, v)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range in.Attachments {
			rows[a.SHA256] = true
		}
	}
	files := map[string]bool{}
	err := filepath.WalkDir(attachFiles(e), func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return fs.SkipAll
		}
		if err == nil && !d.IsDir() {
			files[d.Name()] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for sum := range rows {
		if !files[sum] {
			t.Fatalf("run %d: attachment %s has no file after the crash", run, sum)
		}
	}
	for sum := range files {
		if !rows[sum] {
			t.Fatalf("run %d: file %s has no attachment row after the crash (an orphan)", run, sum)
		}
	}
}

// auditCount counts the audit rows of action on run's part.
func auditCount(t *testing.T, st *store.Store, part int64, action string) int {
	l, err := st.ListAudit(t.Context(), domain.System, domain.AuditFilter{ObjectType: "visit_part", ObjectKey: strconv.FormatInt(part, 10), Page: domain.Page{Size: 100}})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range l.Items {
		if a.Action == action {
			n++
		}
	}
	return n
}

// resultsOutcome: all of the part's results or none, with one audit row
// of the save when saved.
func resultsOutcome(t *testing.T, e *Env, run int) bool {
	entered, part, st := partAfterCrash(t, e, run)
	defer st.Close()
	if got := auditCount(t, st, part.ID, "result.save"); (got == 1) != entered || got > 1 {
		t.Fatalf("run %d: results entered %v, %d result.save audit rows", run, entered, got)
	}
	return entered
}

// signOutcome: the part is signed off with its audit row, or still open
// with its results and no sign-off row.
func signOutcome(t *testing.T, e *Env, run int) bool {
	entered, part, st := partAfterCrash(t, e, run)
	defer st.Close()
	if !entered {
		t.Fatalf("run %d: the results saved before the sign-off are gone", run)
	}
	signed := part.SignOff != nil
	if got := auditCount(t, st, part.ID, "part.sign"); (got == 1) != signed || got > 1 {
		t.Fatalf("run %d: signed %v (state %s), %d part.sign audit rows", run, signed, part.State, got)
	}
	return signed
}

// publishOutcome: the part is published, with one result.publish audit
// row and its record in the transparency log, or neither; `log verify`
// passes either way, so the audit log and the transparency log agree.
func publishOutcome(t *testing.T, e *Env, run int) bool {
	_, part, st := partAfterCrash(t, e, run)
	published := part.SignOff != nil && part.SignOff.Published()
	audited := auditCount(t, st, part.ID, "result.publish")
	_, err := st.LogIndexOf(t.Context(), store.LogTypeResult, strconv.FormatInt(part.ID, 10))
	st.Close()
	logged := err == nil
	if err != nil && domain.ErrorKind(err) != domain.KindNotFound {
		t.Fatal(err)
	}
	if (audited == 1) != published || audited > 1 || logged != published {
		t.Fatalf("run %d: published %v, %d result.publish audit rows, in the transparency log: %v", run, published, audited, logged)
	}
	e.Run("log", "verify", "--db", e.DB, "--log-key", drawLogKey(e))
	return published
}
