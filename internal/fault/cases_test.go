package fault

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/demo"
	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/importx"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

// demoEntities is the size of the demo directory each case starts from;
// importRows the businesses of one import. Each run imports businesses
// that are new to the store (the demo generator's next ones), so every
// whole import makes the same change.
const (
	demoEntities = 100
	importRows   = 1000
)

// cases are the writes that are killed.
var cases = []Case{
	{Name: "cli-import", Prepare: prepareCLIImport},
	{Name: "web-import", Server: true, Prepare: prepareWebImport},
	{Name: "draw-execute", Entities: drawEntities, Setup: setupDraw, Prepare: prepareDraw, Outcome: drawOutcome, Vary: []string{"log_hashes"}},
	{Name: "web-evidence", Server: true, Setup: setupAttach, Prepare: prepareAttach, Outcome: attachOutcome},
	{Name: "web-results", Server: true, MaxRuns: resultRuns, Entities: resultEntities, Setup: setupResults, Prepare: prepareResults, Outcome: resultsOutcome},
	{Name: "web-sign", Server: true, MaxRuns: resultRuns, Entities: resultEntities, Setup: setupResults, Prepare: prepareSign, Outcome: signOutcome},
	{Name: "web-publish", Server: true, MaxRuns: resultRuns, Entities: resultEntities, Setup: setupResults, Prepare: preparePublish, Outcome: publishOutcome, Vary: []string{"log_hashes"}},
}

func TestKill(t *testing.T) {
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			for _, engine := range []string{store.EngineSQLite, store.EnginePostgres} {
				t.Run(engine, func(t *testing.T) {
					if engine == store.EnginePostgres && os.Getenv("YIYEYICHA_FAULT_RUNS") == "" {
						// Keeps go test ./... short; the long run covers both.
						t.Skip("PostgreSQL crash runs only with YIYEYICHA_FAULT_RUNS set")
					}
					runCase(t, engine, c)
				})
			}
		})
	}
}

// importFile writes the CSV of run's businesses and returns its path.
func importFile(t *testing.T, e *Env, run int) string {
	t.Helper()
	st := e.open()
	defer st.Close()
	ctx := t.Context()
	var ref importx.Reference
	var err error
	if ref.Departments, err = st.ListDepartments(ctx); err != nil {
		t.Fatal(err)
	}
	if ref.Industries, err = st.ListIndustries(ctx); err != nil {
		t.Fatal(err)
	}
	if ref.Townships, err = st.ListTownships(ctx); err != nil {
		t.Fatal(err)
	}
	from := demoEntities + run*importRows
	var rows []domain.Entity
	if err := demo.Businesses(demo.Options{Entities: from + importRows}, func(i int, b domain.Entity) error {
		if i >= from {
			rows = append(rows, b)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := importx.WriteEntities(&buf, "csv", ref, func(fn func(*domain.Entity) error) error {
		for i := range rows {
			if err := fn(&rows[i]); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(e.Dir, "run"+strconv.Itoa(run)+".csv")
	if err := os.WriteFile(name, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

// prepareCLIImport: `yiyeyicha import entities FILE`, the process killed.
func prepareCLIImport(t *testing.T, e *Env, run int) func() (*Child, <-chan error) {
	file := importFile(t, e, run)
	return func() (*Child, <-chan error) {
		c := e.Spawn("import", "entities", file, "--db", e.DB)
		done := make(chan error, 1)
		go func() {
			err := c.Wait()
			if err != nil {
				err = fmt.Errorf("%w\n%s", err, c.Output())
			}
			done <- err
		}()
		return c, done
	}
}

var uploadID = regexp.MustCompile(`/staff/import/entities/([0-9a-f]{32})"`)

// prepareWebImport: the office logs in, uploads the file and sees the
// preview; the confirmation is the write, and the server is killed.
func prepareWebImport(t *testing.T, e *Env, run int) func() (*Child, <-chan error) {
	file := importFile(t, e, run)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var office demo.Account
	for _, a := range demo.Accounts(demo.Options{Entities: demoEntities, Inspectors: 30}) {
		if a.Role == domain.RoleOffice {
			office = a
		}
	}
	resp, err := client.PostForm(e.URL+"/login", url.Values{"username": {office.Username}, "password": {office.Password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login as %s: %s", office.Username, resp.Status)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", filepath.Base(file))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	resp, err = client.Post(e.URL+"/staff/import/entities", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := uploadID.FindSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("upload: %s\n%.2000s", resp.Status, page)
	}
	confirm := e.URL + "/staff/import/entities/" + string(m[1])
	return func() (*Child, <-chan error) {
		done := make(chan error, 1)
		go func() {
			req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, confirm, nil)
			resp, err := client.Do(req)
			if err != nil {
				done <- err
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				err = errors.New("confirm: " + resp.Status)
			}
			done <- err
		}()
		return nil, done
	}
}
