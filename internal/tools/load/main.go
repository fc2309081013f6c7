// Command load is the load generator of yiyeyicha: it sends requests to a
// running server on the loopback interface from a fixed number of
// connections for a bounded time and reports requests per second and
// latency percentiles per kind of request.
//
//	go run ./internal/tools/load -url http://127.0.0.1:8080 -db bench.db -portal 64 -d 20s
//
// Kinds of request, each with its own number of connections (each
// connection runs one request after another, closed loop):
//
//	-portal N   GET /entity/{code}: a business's public page (公示页), codes
//	            sampled at random from the store named by -db
//	-search N   GET /search?q=…: public search by the first characters of a
//	            sampled code
//	-staff N    GET /staff/entities?q={code} and ?page=…: the staff directory,
//	            logged in as -user with -password
//	-writers N  PUT /api/v1/entities/{code} (after a GET): staff writes
//	            through the API with a token created for -user in the
//	            store (revoked at the end); the new address carries a counter
//	-results N  PUT /api/v1/parts/{id}/results: result entry (录入检查结果)
//	            by -results-user's department into its parts of visits not
//	            yet signed off, through a token created for that user; every
//	            item 符合 (or its first option) with a note carrying a counter
//
// It refuses any address that is not loopback and runs at most 5 minutes.
// A request that fails or answers other than 2xx is an error; with
// writers and result entry, zero errors means no SQLITE_BUSY reached anyone.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

const (
	maxDuration    = 5 * time.Minute
	maxConnections = 1024
	sampleCodes    = 20000
)

type config struct {
	base                                    *url.URL
	db, user, password, resultsUser         string
	portal, search, staff, writers, results int
	duration, warmup                        time.Duration
	seed                                    uint64
	pid                                     int
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run() error {
	var c config
	rawURL := flag.String("url", "http://127.0.0.1:8080", "base URL of the server (loopback only)")
	flag.StringVar(&c.db, "db", os.Getenv("YIYEYICHA_DB"), "the server's database, to sample business codes from (and create the writers' token in)")
	flag.StringVar(&c.user, "user", "office", "staff user for -staff and -writers")
	flag.StringVar(&c.password, "password", os.Getenv("YIYEYICHA_PASSWORD"), "password of -user, for -staff")
	flag.IntVar(&c.portal, "portal", 64, "connections requesting business pages")
	flag.IntVar(&c.search, "search", 0, "connections running public searches")
	flag.IntVar(&c.staff, "staff", 0, "connections reading the staff directory")
	flag.IntVar(&c.writers, "writers", 0, "connections updating businesses through the API")
	flag.IntVar(&c.results, "results", 0, "connections entering inspection results through the API")
	flag.StringVar(&c.resultsUser, "results-user", "scjg", "department staff user for -results")
	flag.DurationVar(&c.duration, "d", 20*time.Second, "measured duration (at most 5m)")
	flag.DurationVar(&c.warmup, "warmup", 3*time.Second, "warm-up before measuring, not counted")
	flag.Uint64Var(&c.seed, "seed", 1, "seed of the random choices")
	flag.IntVar(&c.pid, "pid", 0, "process ID of the server (Linux): report its CPU time per request")
	flag.Parse()
	var err error
	if c.base, err = loopbackURL(*rawURL); err != nil {
		return err
	}
	total := c.portal + c.search + c.staff + c.writers + c.results
	switch {
	case c.duration <= 0 || c.duration > maxDuration || c.warmup < 0 || c.warmup > time.Minute:
		return fmt.Errorf("-d must be in (0, %v] and -warmup in [0, 1m]", maxDuration)
	case total < 1 || total > maxConnections || c.portal < 0 || c.search < 0 || c.staff < 0 || c.writers < 0 || c.results < 0:
		return fmt.Errorf("connections must add up to 1…%d", maxConnections)
	case c.db == "":
		return errors.New("give the server's database with -db (or YIYEYICHA_DB) to sample business codes")
	case c.staff > 0 && c.password == "":
		return errors.New("-staff needs -password (or YIYEYICHA_PASSWORD) of -user")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return c.run(ctx)
}

// loopbackURL parses the base URL and refuses every host that is not a
// loopback address: this tool must never load someone else's server.
func loopbackURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("bad -url %q", raw)
	}
	ips, err := net.LookupIP(u.Hostname())
	if err != nil {
		return nil, fmt.Errorf("-url %q: %w", raw, err)
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return nil, fmt.Errorf("-url %q is not a loopback address (%v): refused", raw, ip)
		}
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	return u, nil
}

// kind is one kind of request with its measurements.
type kind struct {
	name  string
	conns int
	do    func(ctx context.Context, w *worker) (int, error) // one request; the status
	mu    sync.Mutex
	lat   []time.Duration
	stats map[int]int // status → count
	errs  int
	first []string // the first few errors
}

type worker struct {
	rng *rand.Rand
	n   int
}

func (c *config) run(ctx context.Context) error {
	st, err := store.Open(ctx, c.db)
	if err != nil {
		return err
	}
	defer st.Close()
	return c.runOn(ctx, st, os.Stdout)
}

// runOn runs the load with st as the server's store and writes the report
// to out.
func (c *config) runOn(ctx context.Context, st *store.Store, out io.Writer) error {
	rng := rand.New(rand.NewPCG(c.seed, 0))
	codes, err := st.SampleEntityCodes(ctx, sampleCodes, rng)
	if err != nil {
		return err
	}
	if len(codes) == 0 {
		return errors.New("the store has no businesses")
	}
	conns := c.portal + c.search + c.staff + c.writers + c.results
	tr := &http.Transport{MaxConnsPerHost: conns, MaxIdleConnsPerHost: conns, DisableCompression: true, IdleConnTimeout: time.Minute}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Transport: tr, Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(ctx context.Context, path string, hdr http.Header) (int, []byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base.String()+path, nil)
		if err != nil {
			return 0, nil, err
		}
		copyHeader(req.Header, hdr)
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return resp.StatusCode, body, err
	}
	pick := func(w *worker) string { return codes[w.rng.IntN(len(codes))] }

	var kinds []*kind
	if c.portal > 0 {
		kinds = append(kinds, &kind{name: "portal /entity/{code}", conns: c.portal, do: func(ctx context.Context, w *worker) (int, error) {
			code, _, err := get(ctx, "/entity/"+pick(w), nil)
			return code, err
		}})
	}
	if c.search > 0 {
		kinds = append(kinds, &kind{name: "portal /search", conns: c.search, do: func(ctx context.Context, w *worker) (int, error) {
			code, _, err := get(ctx, "/search?q="+url.QueryEscape(pick(w)[:12]), nil)
			return code, err
		}})
	}
	if c.staff > 0 {
		if err := c.login(ctx, client); err != nil {
			return err
		}
		kinds = append(kinds, &kind{name: "staff /staff/entities", conns: c.staff, do: func(ctx context.Context, w *worker) (int, error) {
			w.n++
			path := "/staff/entities?q=" + pick(w)
			if w.n%2 == 0 {
				path = "/staff/entities?page=" + strconv.Itoa(1+w.rng.IntN(50))
			}
			code, _, err := get(ctx, path, nil)
			return code, err
		}})
	}
	if c.writers > 0 {
		token, revoke, err := token(ctx, st, c.user)
		if err != nil {
			return err
		}
		defer revoke()
		auth := http.Header{"Authorization": {"Bearer " + token}}
		var counter atomic.Int64
		kinds = append(kinds, &kind{name: "staff PUT /api/v1/entities/{code}", conns: c.writers, do: func(ctx context.Context, w *worker) (int, error) {
			code := pick(w)
			status, body, err := get(ctx, "/api/v1/entities/"+code, auth)
			if err != nil || status != http.StatusOK {
				return status, fmt.Errorf("GET before PUT: %d %v", status, err)
			}
			var e map[string]any
			if err := json.Unmarshal(body, &e); err != nil {
				return status, err
			}
			e["address"] = fmt.Sprintf("垣曲县新城镇压力测试路%d号", counter.Add(1))
			return putJSON(ctx, client, c.base.String(), "/api/v1/entities/"+code, auth, e, http.StatusOK)
		}})
	}

	if c.results > 0 {
		k, revoke, err := c.resultsKind(ctx, st, client)
		if err != nil {
			return err
		}
		defer revoke()
		kinds = append(kinds, k)
	}

	fmt.Fprintf(out, "target %s (loopback), %d connections: ", c.base, conns)
	for i, k := range kinds {
		if i > 0 {
			fmt.Fprint(out, ", ")
		}
		fmt.Fprintf(out, "%d %s", k.conns, k.name)
	}
	fmt.Fprintf(out, "; warm-up %v, measured %v; %d sampled codes\n", c.warmup, c.duration, len(codes))

	var measuring atomic.Bool
	runCtx, cancel := context.WithTimeout(ctx, c.warmup+c.duration)
	defer cancel()
	var wg sync.WaitGroup
	seed := c.seed
	for _, k := range kinds {
		k.stats = map[int]int{}
		for range k.conns {
			seed++
			w := &worker{rng: rand.New(rand.NewPCG(seed, 1))}
			wg.Go(func() {
				var lat []time.Duration
				stats := map[int]int{}
				var errs []string
				nerr := 0
				for runCtx.Err() == nil {
					t0 := time.Now()
					status, err := k.do(runCtx, w)
					d := time.Since(t0)
					if runCtx.Err() != nil {
						break // cut short by the end of the run: not counted
					}
					if !measuring.Load() {
						continue
					}
					lat = append(lat, d)
					stats[status]++
					if err == nil && (status < 200 || status > 299) {
						err = fmt.Errorf("status %d", status)
					}
					if err != nil {
						nerr++
						if len(errs) < 3 {
							errs = append(errs, err.Error())
						}
					}
				}
				k.mu.Lock()
				defer k.mu.Unlock()
				k.lat = append(k.lat, lat...)
				for s, n := range stats {
					k.stats[s] += n
				}
				k.errs += nerr
				for _, e := range errs {
					if len(k.first) < 5 {
						k.first = append(k.first, e)
					}
				}
			})
		}
	}
	time.Sleep(c.warmup)
	measuring.Store(true)
	start := time.Now()
	srv0, self0 := cpuTime(c.pid), cpuTime(os.Getpid())
	wg.Wait()
	elapsed := time.Since(start)
	srv1, self1 := cpuTime(c.pid), cpuTime(os.Getpid())
	if ctx.Err() != nil {
		return ctx.Err()
	}
	report(out, kinds, elapsed)
	var n int
	for _, k := range kinds {
		n += len(k.lat)
	}
	// CPU time per request does not depend on what else the machine runs,
	// so it tells what idle cores would sustain when a shared machine
	// cannot show it.
	if n > 0 && self1 > 0 {
		fmt.Fprintf(out, "load generator CPU: %.0fµs per request\n", float64(self1-self0)/float64(n)/1e3)
		if c.pid > 0 && srv1 > 0 {
			per := float64(srv1-srv0) / float64(n)
			fmt.Fprintf(out, "server CPU: %.0fµs per request; %.2f cores busy; one idle core would serve about %.0f req/s\n",
				per/1e3, float64(srv1-srv0)/float64(elapsed), 1e9/per)
		}
	}
	for _, k := range kinds {
		if k.errs > 0 {
			return fmt.Errorf("%d errors in %s", k.errs, k.name)
		}
	}
	return nil
}

func copyHeader(dst, src http.Header) {
	for k, v := range src {
		dst[k] = v
	}
}

// login opens a staff session; its cookie is shared by the staff workers.
func (c *config) login(ctx context.Context, client *http.Client) error {
	form := url.Values{"username": {c.user}, "password": {c.password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base.String()+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("login as %s: %s", c.user, resp.Status)
	}
	return nil
}

// token creates an API token for -user in the store, and a function that
// revokes it.
func token(ctx context.Context, st *store.Store, username string) (string, func(), error) {
	u, err := st.GetUserByUsername(ctx, domain.System, username)
	if err != nil {
		return "", nil, fmt.Errorf("user %s: %w", username, err)
	}
	a := domain.ActorOf(u)
	name := "load test " + time.Now().UTC().Format(time.RFC3339)
	tok, err := st.CreateToken(ctx, a, name)
	if err != nil {
		return "", nil, err
	}
	revoke := func() {
		ts, err := st.ListTokens(context.Background(), a)
		if err != nil {
			fmt.Fprintln(os.Stderr, "load: revoke the test token:", err)
			return
		}
		for _, t := range ts {
			if t.Name == name {
				if err := st.RevokeToken(context.Background(), a, t.ID); err != nil {
					fmt.Fprintln(os.Stderr, "load: revoke the test token:", err)
				}
			}
		}
	}
	return tok, revoke, nil
}

func pct(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[int(q*float64(len(sorted)-1)+0.5)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

func report(out io.Writer, kinds []*kind, elapsed time.Duration) {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "kind\tconns\trequests\treq/s\terrors\tp50\tp90\tp99\tp99.9\tmax\t")
	for _, k := range kinds {
		slices.Sort(k.lat)
		n := len(k.lat)
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%d\t%s\t%s\t%s\t%s\t%s\t\n", k.name, k.conns, n, float64(n)/elapsed.Seconds(), k.errs,
			ms(pct(k.lat, 0.5)), ms(pct(k.lat, 0.9)), ms(pct(k.lat, 0.99)), ms(pct(k.lat, 0.999)), ms(pct(k.lat, 1)))
	}
	tw.Flush()
	for _, k := range kinds {
		var parts []string
		for _, s := range slices.Sorted(maps.Keys(k.stats)) {
			parts = append(parts, fmt.Sprintf("%d×%d", s, k.stats[s]))
		}
		fmt.Fprintf(out, "%s: status %s", k.name, strings.Join(parts, " "))
		if len(k.first) > 0 {
			fmt.Fprintf(out, "; first errors: %s", strings.Join(k.first, " | "))
		}
		fmt.Fprintln(out)
	}
	fmt.Fprintf(out, "measured over %v\n", elapsed.Round(time.Millisecond))
}

// cpuTime is the user and system CPU time a Linux process has used, from
// /proc; 0 when unknown.
func cpuTime(pid int) time.Duration {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces; fields count from after it.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	const ticksPerSecond = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticksPerSecond
}

// maxResultParts bounds the parts the result-entry connections write into.
const maxResultParts = 500

// openPart is a department's part of a visit not yet signed off.
type openPart struct {
	id    int64
	items []domain.ChecklistItem
}

// resultsKind is result entry by -results-user's department: its token
// (revoked by the returned function) and the parts it writes into, found
// in the store among the department's visits waiting for or under
// inspection.
func (c *config) resultsKind(ctx context.Context, st *store.Store, client *http.Client) (*kind, func(), error) {
	u, err := st.GetUserByUsername(ctx, domain.System, c.resultsUser)
	if err != nil {
		return nil, nil, fmt.Errorf("-results-user %s: %w", c.resultsUser, err)
	}
	a := domain.ActorOf(u)
	var parts []openPart
	for _, state := range []domain.VisitState{domain.VisitDispatched, domain.VisitInProgress} {
		vs, err := st.ListVisits(ctx, a, domain.VisitFilter{DepartmentID: u.DepartmentID, State: state, Page: domain.Page{Number: 1, Size: maxResultParts}})
		if err != nil {
			return nil, nil, err
		}
		for _, v := range vs.Items {
			in, err := st.Inspection(ctx, a, v.ID)
			if err != nil {
				return nil, nil, err
			}
			for _, p := range in.Parts {
				if p.DepartmentID == u.DepartmentID && p.SignOff == nil && len(p.Items) > 0 && len(parts) < maxResultParts {
					parts = append(parts, openPart{id: p.ID, items: p.Items})
				}
			}
		}
	}
	if len(parts) == 0 {
		return nil, nil, fmt.Errorf("-results: %s's department has no visit part open for results", c.resultsUser)
	}
	tok, revoke, err := token(ctx, st, c.resultsUser)
	if err != nil {
		return nil, nil, err
	}
	auth := http.Header{"Authorization": {"Bearer " + tok}}
	var counter atomic.Int64
	k := &kind{name: "staff PUT /api/v1/parts/{id}/results", conns: c.results, do: func(ctx context.Context, w *worker) (int, error) {
		p := parts[w.rng.IntN(len(parts))]
		results := make([]domain.ResultInput, 0, len(p.items))
		note := fmt.Sprintf("压力测试录入第%d次", counter.Add(1))
		for _, it := range p.items {
			r := "符合"
			if len(it.Options) > 0 {
				r = it.Options[0]
			}
			results = append(results, domain.ResultInput{ItemID: it.ItemID, Result: r, Note: note})
		}
		return putJSON(ctx, client, c.base.String(), "/api/v1/parts/"+strconv.FormatInt(p.id, 10)+"/results", auth,
			map[string]any{"results": results}, http.StatusNoContent)
	}}
	return k, revoke, nil
}

// putJSON sends v as JSON in a PUT to base+path with the auth headers; an
// answer other than want is an error carrying the server's message.
func putJSON(ctx context.Context, client *http.Client, base, path string, auth http.Header, v any, want int) (int, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, base+path, bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	copyHeader(req.Header, auth)
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		return resp.StatusCode, fmt.Errorf("PUT %s: %d %s", path, resp.StatusCode, bytes.TrimSpace(msg))
	}
	return resp.StatusCode, nil
}
