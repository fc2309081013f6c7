package fault

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/yiyeyicha/yiyeyicha/internal/cli"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// envChild makes the test binary act as the yiyeyicha program: the
// children are this binary, so no separate build is needed.
const envChild = "YIYEYICHA_FAULT_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(envChild) == "1" {
		os.Exit(cli.Execute(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// Case is one kind of write that a kill -9 must leave before or after,
// never between.
type Case struct {
	Name string
	// Server makes the harness run `serve` as a child: the server is the
	// process killed, and it is restarted before the store is checked.
	Server bool
	// Setup prepares the store once, after the demo data is in place.
	Setup func(t *testing.T, e *Env)
	// Prepare readies write number run (run 0 is the calibration, not
	// killed) and returns the function that starts it. Start returns the
	// child to kill (nil: the server) and a channel that delivers the
	// write's outcome.
	Prepare func(t *testing.T, e *Env, run int) (start func() (*Child, <-chan error))
	// Entities is the size of the demo directory (default demoEntities).
	Entities int
	// MaxRuns caps the killed runs when each run needs a record of its own
	// that the demo has only so many of (0: no cap).
	MaxRuns int
	// Outcome, when set, decides from the restarted store whether write
	// run happened (after) or not (before), and fails the test if the
	// store is between; the row counts must then agree with it.
	Outcome func(t *testing.T, e *Env, run int) (after bool)
	// Vary names the tables whose row change differs between two whole
	// writes (the transparency log's stored hashes: their number depends
	// on the record's index); only that they change is compared.
	Vary []string
}

// Env is the world of one case on one engine.
type Env struct {
	Dir    string // scratch directory
	DB     string // database: SQLite path or PostgreSQL URL
	Tmp    string // TMPDIR of the children (upload directories live there)
	Server *Child // the running server, for Server cases
	URL    string // its base URL
	Engine string
	// Keys holds what a case's Prepare made for each run (a draw's id).
	Keys map[int]string
	// State is what a case's Setup keeps for its Prepare and Outcome.
	State any

	t *testing.T
}

// Child is a running yiyeyicha process.
type Child struct {
	cmd    *exec.Cmd
	out    *syncBuffer
	waited chan struct{}
	err    error
}

// Spawn starts the program with args.
func (e *Env) Spawn(args ...string) *Child {
	e.t.Helper()
	self, err := os.Executable()
	if err != nil {
		e.t.Fatal(err)
	}
	cmd := exec.Command(self, args...)
	cmd.Env = append(os.Environ(), envChild+"=1", "TMPDIR="+e.Tmp, "YIYEYICHA_LANG=en", "YIYEYICHA_FILES="+attachFiles(e))
	c := &Child{cmd: cmd, out: &syncBuffer{}, waited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = c.out, c.out
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	go func() {
		c.err = cmd.Wait()
		close(c.waited)
	}()
	e.t.Cleanup(func() { c.Kill() })
	return c
}

// Run runs the program to its end and fails the test unless it succeeds.
func (e *Env) Run(args ...string) string {
	e.t.Helper()
	c := e.Spawn(args...)
	if err := c.Wait(); err != nil {
		e.t.Fatalf("yiyeyicha %s: %v\n%s", strings.Join(args, " "), err, c.Output())
	}
	return c.Output()
}

// Wait waits for the process to end and returns its exit error.
func (c *Child) Wait() error {
	<-c.waited
	return c.err
}

// Done is closed when the process has ended.
func (c *Child) Done() <-chan struct{} { return c.waited }

// Kill sends SIGKILL and waits for the process to be gone.
func (c *Child) Kill() {
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.waited
}

// Output is what the process printed so far.
func (c *Child) Output() string { return c.out.String() }

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listening = regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+/`)

// startServer starts `serve` and waits until it listens.
func (e *Env) startServer() {
	e.t.Helper()
	c := e.Spawn("serve", "--db", e.DB, "--addr", "127.0.0.1:0")
	deadline := time.After(30 * time.Second)
	for {
		if m := listening.FindString(c.Output()); m != "" {
			e.Server, e.URL = c, strings.TrimSuffix(m, "/")
			return
		}
		select {
		case <-c.Done():
			e.t.Fatalf("serve ended: %v\n%s", c.err, c.Output())
		case <-deadline:
			e.t.Fatalf("serve did not listen within 30 s\n%s", c.Output())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// runs is the number of killed runs per case and engine.
func runs(t *testing.T) int {
	if v := os.Getenv("YIYEYICHA_FAULT_RUNS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("YIYEYICHA_FAULT_RUNS=%q: want a positive number", v)
		}
		return n
	}
	return 1
}

func seed(t *testing.T) uint64 {
	if v := os.Getenv("YIYEYICHA_FAULT_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("YIYEYICHA_FAULT_SEED=%q: %v", v, err)
		}
		return n
	}
	return uint64(time.Now().UnixNano())
}

// newEnv makes an empty database of the engine with the demo data.
func newEnv(t *testing.T, engine string, entities int) *Env {
	dir := t.TempDir()
	e := &Env{Dir: dir, Tmp: filepath.Join(dir, "tmp"), Engine: engine, Keys: map[int]string{}, t: t}
	if err := os.Mkdir(e.Tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	if engine == store.EngineSQLite {
		e.DB = filepath.Join(dir, "fault.db")
	} else {
		e.DB = storetest.EmptyPostgres(t)
	}
	e.Run("demo", "--db", e.DB, "--entities", strconv.Itoa(entities), "--inspectors", "30", "--generate-only")
	return e
}

// Counts is the number of rows of every table.
type Counts map[string]int64

func (e *Env) open() *store.Store {
	e.t.Helper()
	st, err := store.Open(context.Background(), e.DB)
	if err != nil {
		e.t.Fatalf("open the store after the crash: %v", err)
	}
	return st
}

func (e *Env) counts() Counts {
	e.t.Helper()
	st := e.open()
	defer st.Close()
	sums, err := st.Checksums(e.t.Context())
	if err != nil {
		e.t.Fatal(err)
	}
	c := Counts{}
	for _, s := range sums {
		c[s.Table] = s.Rows
	}
	return c
}

func delta(before, after Counts) Counts {
	d := Counts{}
	for k, v := range after {
		if v != before[k] {
			d[k] = v - before[k]
		}
	}
	for k, v := range before {
		if _, ok := after[k]; !ok {
			d[k] = -v
		}
	}
	return d
}

// checkHealthy is what every crash must leave: a store that opens, whose
// schema is current, that SQLite finds intact, and no upload file of the
// dead server.
func (e *Env) checkHealthy(t *testing.T) {
	t.Helper()
	st := e.open()
	defer st.Close()
	cur, latest, err := st.SchemaStatus(t.Context())
	if err != nil || cur != latest {
		t.Errorf("schema status after the crash: %d of %d (%v)", cur, latest, err)
	}
	if e.Engine == store.EngineSQLite {
		db, err := sql.Open("sqlite", "file:"+e.DB)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var res string
		if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
			t.Errorf("integrity_check after the crash: %q (%v)", res, err)
		}
	}
	left, err := os.ReadDir(e.Tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range left {
		t.Errorf("after the restart the temporary directory still holds %s (%s)", d.Name(), listDir(filepath.Join(e.Tmp, d.Name())))
	}
}

func listDir(dir string) string {
	es, _ := os.ReadDir(dir)
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return strings.Join(names, ", ")
}

// runCase calibrates the case with one write that is not killed, then
// kills n writes at random moments within 1.2 times its duration.
func runCase(t *testing.T, engine string, c Case) {
	if c.Entities == 0 {
		c.Entities = demoEntities
	}
	e := newEnv(t, engine, c.Entities)
	if c.Setup != nil {
		c.Setup(t, e)
	}
	if c.Server {
		e.startServer()
	}
	// fire prepares run, counts the rows, and starts the write.
	fire := func(run int) (victim *Child, done <-chan error, before Counts, started time.Time) {
		start := c.Prepare(t, e, run)
		before = e.counts()
		started = time.Now()
		victim, done = start()
		if victim == nil {
			victim = e.Server
		}
		return victim, done, before, started
	}

	_, done, before, t0 := fire(0)
	if err := <-done; err != nil {
		t.Fatalf("calibration write: %v", err)
	}
	took := time.Since(t0)
	want := delta(before, e.counts())
	if len(want) == 0 {
		t.Fatal("the calibration write changed nothing")
	}
	if c.Outcome != nil && !c.Outcome(t, e, 0) {
		t.Fatal("the calibration write finished but the store is before it")
	}
	t.Logf("%s/%s: an uninterrupted write takes %v and changes %v", c.Name, engine, took.Round(time.Millisecond), want)

	sd := seed(t)
	rng := rand.New(rand.NewPCG(sd, 0))
	n := runs(t)
	if c.MaxRuns > 0 && n > c.MaxRuns {
		t.Logf("%s: %d runs asked for, %d done (each needs a record of its own)", c.Name, n, c.MaxRuns)
		n = c.MaxRuns
	}
	outcomes := map[string]int{}
	for run := 1; run <= n; run++ {
		at := time.Duration(rng.Int64N(int64(took) * 6 / 5))
		victim, done, before, started := fire(run)
		// A write that ends before its kill moment narrows the window of
		// the next ones: the first (calibration) write can be slow (cold
		// caches), and kills after the end test nothing.
		finished, ended := false, false
		select {
		case err := <-done:
			finished, ended = err == nil, true
			if finished {
				took = min(took, time.Since(started))
			}
		case <-time.After(time.Until(started.Add(at))):
		}
		victim.Kill()
		if c.Server {
			e.startServer()
		}
		if !ended {
			select {
			case err := <-done:
				finished = err == nil
			case <-time.After(5 * time.Second):
			}
		}
		e.checkHealthy(t)
		got := delta(before, e.counts())
		isBefore, isAfter := len(got) == 0 && !finished, c.same(got, want)
		if c.Outcome != nil {
			// The case's own judgement, which the counts must agree with.
			after := c.Outcome(t, e, run)
			isBefore, isAfter = isBefore && !after, isAfter && after
		}
		switch {
		case isBefore:
			outcomes["before"]++
		case isAfter:
			outcomes["after"]++
		default:
			t.Fatalf("run %d (seed %d), killed after %v: the store is between before and after: changed %v, a whole write changes %v (reported finished: %v)",
				run, sd, at, got, want, finished)
		}
	}
	keys := slices.Sorted(maps.Keys(outcomes))
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, outcomes[k]))
	}
	t.Logf("%s/%s: %d kill -9 runs (seed %d): %s; every one consistent", c.Name, engine, n, sd, strings.Join(parts, ", "))
}

// same reports whether the row changes of a killed write equal those of a
// whole one, the Vary tables compared only by sign.
func (c Case) same(got, want Counts) bool {
	g, w := maps.Clone(got), maps.Clone(want)
	for _, table := range c.Vary {
		if (g[table] > 0) != (w[table] > 0) {
			return false
		}
		delete(g, table)
		delete(w, table)
	}
	return cmp.Equal(g, w)
}
