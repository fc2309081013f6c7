package fault

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/translog"
)

// drawEntities is the demo directory of the draw case: large enough that
// the execution (a pool of some 8,000 catering businesses) takes a while
// to kill in.
const drawEntities = 20000

// drawLogKey is the log's signing key file of the draw case, the same for
// both engines (PostgreSQL has no default beside the database).
func drawLogKey(e *Env) string { return filepath.Join(e.Dir, "log.key") }

// setupDraw adds the two departments' liaisons (联络员) who commit and
// reveal the draws' secrets.
func setupDraw(t *testing.T, e *Env) {
	for _, u := range [][2]string{{"scjg-liaison", "SCJG"}, {"xfjy-liaison", "XFJY"}} {
		e.Run("user", "add", u[0], "--role", "department", "--name", "联络员", "--department", u[1], "--password", "password1234", "--db", e.DB)
	}
}

var announced = regexp.MustCompile(`Draw (\S+) announced`)

// prepareDraw announces run's draw, both parties commit and reveal; the
// write is `yiyeyicha draw execute`, the process killed.
func prepareDraw(t *testing.T, e *Env, run int) func() (*Child, <-chan error) {
	out := e.Run("draw", "announce", "--db", e.DB, "--industry", "catering", "--lead", "SCJG", "--dept", "SCJG:1", "--dept", "XFJY:1",
		"--ratio", "A=1%", "--ratio", "B=2%", "--ratio", "C=10%", "--ratio", "D=30%", "--window", "2026-04-01:2026-06-30",
		"--task", "故障测试", "--batch", "第"+strconv.Itoa(run)+"批")
	m := announced.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("announce printed %q", out)
	}
	key := m[1]
	e.Keys[run] = key
	for _, step := range []string{"commit", "reveal"} {
		for _, p := range [][2]string{{"SCJG", "scjg-liaison"}, {"XFJY", "xfjy-liaison"}} {
			secret := filepath.Join(e.Dir, key+"-"+p[0]+".secret")
			e.Run("draw", step, key, p[0], "--secret-file", secret, "--as", p[1], "--db", e.DB)
		}
	}
	return func() (*Child, <-chan error) {
		c := e.Spawn("draw", "execute", key, "--db", e.DB)
		done := make(chan error, 1)
		go func() { done <- c.Wait() }()
		return c, done
	}
}

// drawOutcome: after the crash the draw is either still revealing — and
// then it can be executed now — or executed; either way its bundle then
// verifies with the log's proofs (`verify BUNDLE --log-verifier`), the
// whole log verifies against the published tables (`log verify`), and the
// audit log and the transparency log agree: one draw.execute audit row and
// one draw.result record.
func drawOutcome(t *testing.T, e *Env, run int) bool {
	key := e.Keys[run]
	st := e.open()
	d, err := st.GetDraw(t.Context(), key)
	st.Close()
	if err != nil {
		t.Fatalf("draw %s after the crash: %v", key, err)
	}
	executed := d.State == domain.DrawExecuted
	switch {
	case executed:
	case d.State == domain.DrawRevealing:
		// Nothing of the execution is left: nothing logged, nothing audited.
		executions, logged := drawTraces(t, e, key)
		if executions != 0 || logged {
			t.Fatalf("draw %s is not executed, yet %d execution audit rows, logged result: %v", key, executions, logged)
		}
		e.Run("draw", "execute", key, "--db", e.DB)
	default:
		t.Fatalf("draw %s after the crash is %s", key, d.State)
	}
	bundle := filepath.Join(e.Dir, key+".bundle.json")
	e.Run("draw", "bundle", key, "-o", bundle, "--db", e.DB, "--log-key", drawLogKey(e))
	lines := strings.Fields(e.Run("log", "key", "--db", e.DB, "--log-key", drawLogKey(e)))
	if len(lines) == 0 {
		t.Fatal("log key printed nothing")
	}
	if out := e.Run("verify", bundle, "--log-verifier", lines[len(lines)-1]); !strings.Contains(out, "transparency-log proofs valid") {
		t.Fatalf("verify %s: %s", key, out)
	}
	os.Remove(bundle)
	e.Run("log", "verify", "--db", e.DB, "--log-key", drawLogKey(e))
	if executions, logged := drawTraces(t, e, key); executions != 1 || !logged {
		t.Fatalf("draw %s executed: %d execution audit rows, logged result: %v; want one and logged", key, executions, logged)
	}
	return executed
}

// drawTraces counts the draw's execution audit rows and says whether its
// result is in the transparency log.
func drawTraces(t *testing.T, e *Env, key string) (executions int, logged bool) {
	st := e.open()
	defer st.Close()
	ctx := t.Context()
	list, err := st.ListAudit(ctx, domain.System, domain.AuditFilter{ObjectType: "draw", ObjectKey: key, Page: domain.Page{Size: 100}})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range list.Items {
		if a.Action == "draw.execute" {
			executions++
		}
	}
	_, err = st.LogIndexOf(ctx, translog.TypeDrawResult, key)
	switch {
	case err == nil:
		logged = true
	case domain.ErrorKind(err) != domain.KindNotFound:
		t.Fatal(err)
	}
	return executions, logged
}
