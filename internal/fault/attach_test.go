package fault

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// attachUser is the department account of the evidence case.
const attachUser = "fault-evidence"

// attachFiles is where the server of every case keeps attachments (given
// to the children as YIYEYICHA_FILES, so PostgreSQL runs have one too).
func attachFiles(e *Env) string { return filepath.Join(e.Dir, "files") }

// setupAttach finds a demo visit not yet entered and gives its first
// part's department an account; e.Keys[-1] is "part visit".
func setupAttach(t *testing.T, e *Env) {
	st := e.open()
	defer st.Close()
	ctx := t.Context()
	vs, err := st.ListVisits(ctx, domain.System, domain.VisitFilter{State: domain.VisitDispatched})
	if err != nil || len(vs.Items) == 0 {
		t.Fatalf("no dispatched demo visit (%v)", err)
	}
	in, err := st.Inspection(ctx, domain.System, vs.Items[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	p := in.Parts[0]
	u := &domain.User{Username: attachUser, DisplayName: "证据上传", Role: domain.RoleDepartment, DepartmentID: p.DepartmentID}
	if err := st.CreateUser(ctx, domain.System, u, "evidence password 1"); err != nil {
		t.Fatal(err)
	}
	e.Keys[-1] = strconv.FormatInt(p.ID, 10) + " " + strconv.FormatInt(in.Visit.ID, 10)
}

// prepareAttach: the department logs in; the write is the upload of run's
// photo (its own bytes, so every run stores a new file), and the server is
// killed.
func prepareAttach(t *testing.T, e *Env, run int) func() (*Child, <-chan error) {
	part, visit, _ := strings.Cut(e.Keys[-1], " ")
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(e.URL+"/login", url.Values{"username": {attachUser}, "password": {"evidence password 1"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %s", resp.Status)
	}
	img := image.NewRGBA(image.Rect(0, 0, 400, 400))
	rnd := rand.New(rand.NewPCG(uint64(run), 7))
	for i := range img.Pix {
		img.Pix[i] = byte(rnd.Uint32())
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("visit", visit)
	fw, _ := mw.CreateFormFile("file", "run-"+strconv.Itoa(run)+".png")
	if err := png.Encode(fw, img); err != nil {
		t.Fatal(err)
	}
	mw.Close()
	e.Keys[run] = "run-" + strconv.Itoa(run) + ".png"
	return func() (*Child, <-chan error) {
		done := make(chan error, 1)
		go func() {
			req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, e.URL+"/staff/parts/"+part+"/attachments", bytes.NewReader(body.Bytes()))
			req.Header.Set("Content-Type", mw.FormDataContentType())
			resp, err := client.Do(req)
			if err != nil {
				done <- err
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther {
				err = errors.New("upload: " + resp.Status)
			}
			done <- err
		}()
		return nil, done
	}
}

// attachOutcome: run's attachment row is there or not; either way every
// row's file is on disk under its SHA-256 (never a row without its file).
func attachOutcome(t *testing.T, e *Env, run int) bool {
	_, visit, _ := strings.Cut(e.Keys[-1], " ")
	id, _ := strconv.ParseInt(visit, 10, 64)
	st := e.open()
	defer st.Close()
	in, err := st.Inspection(t.Context(), domain.System, id)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, x := range in.Attachments {
		if _, err := os.Stat(filepath.Join(attachFiles(e), x.SHA256[:2], x.SHA256)); err != nil {
			t.Fatalf("attachment %d (%s) has no file after the crash: %v", x.ID, x.Name, err)
		}
		found = found || x.Name == e.Keys[run]
	}
	return found
}
