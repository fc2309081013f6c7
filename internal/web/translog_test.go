package web

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
	"github.com/yiyeyicha/yiyeyicha/internal/translog"
)

func logServer(t *testing.T, st *store.Store, key *translog.Key) *httptest.Server {
	t.Helper()
	srv, err := New(Options{Store: st, Logger: slog.New(slog.DiscardHandler), LogKey: key})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.PortalHandler())
	t.Cleanup(ts.Close)
	return ts
}

func fetch(t *testing.T, u string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// TestLogEndpoints checks the portal's log endpoints with the client a
// verifier uses: checkpoint, records with inclusion proofs, consistency
// proofs, tiles, the entry page, co-signature upload, and bad requests.
func TestLogEndpoints(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, st)
		for _, ind := range []string{"catering", "food_retail", "hotel"} {
			storetest.SeedJointList(t, st, f, ind)
		}
		key, err := translog.LoadOrCreateKey(filepath.Join(t.TempDir(), "log.key"), "yuanqu-log")
		if err != nil {
			t.Fatal(err)
		}
		ts := logServer(t, st, key)
		c := &translog.Client{Base: ts.URL}
		msg, err := c.Checkpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tree, _, err := translog.OpenCheckpoint(msg, key.Verifier)
		if err != nil || tree.N != 3 {
			t.Fatalf("checkpoint %v: %v", tree, err)
		}
		for i := range int64(3) {
			r, err := c.Record(ctx, i, tree.N)
			if err != nil {
				t.Fatal(err)
			}
			rec, err := translog.VerifyRecord(tree, i, r)
			if err != nil || rec.Type != store.LogTypeListVersion {
				t.Fatalf("record %d: %+v, %v", i, rec, err)
			}
			r.Leaf = strings.Replace(r.Leaf, "经营者", "经营户", 1)
			if _, err := translog.VerifyRecord(tree, i, r); err == nil {
				t.Errorf("record %d: an altered leaf passes", i)
			}
		}
		older, err := st.LogTreeAt(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := translog.VerifyExtension(ctx, c, older, tree); err != nil {
			t.Errorf("1 → 3: %v", err)
		}

		// Hash tiles: the partial tile of level 0 holds the 3 record hashes.
		status, tile := fetch(t, ts.URL+"/log/tile/8/0/000.p/3")
		want, _ := tlog.ReadTileData(tlog.Tile{H: 8, L: 0, N: 0, W: 3}, tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
			return st.ReadLogHashes(ctx, idx)
		}))
		if status != 200 || len(tile) != 3*tlog.HashSize || !bytes.Equal(tile, want) {
			t.Errorf("tile: %d, %d bytes", status, len(tile))
		}
		if status, _ := fetch(t, ts.URL+"/log/tile/8/0/000.p/4"); status != 404 {
			t.Errorf("tile beyond the log: %d, want 404", status)
		}

		// A published list's public page links its log entry.
		if status, page := fetch(t, ts.URL+"/lists/catering"); status != 200 || !bytes.Contains(page, []byte(`href="/log/entry/0"`)) {
			t.Errorf("list page: %d, no link to its log entry", status)
		}
		status, page := fetch(t, ts.URL+"/log/entry/2")
		if status != 200 || !bytes.Contains(page, []byte(`id="proof-ok"`)) {
			t.Errorf("entry page: %d", status)
		}
		status, page = fetch(t, ts.URL+"/log?lang=en")
		if status != 200 || !bytes.Contains(page, []byte(`<dd id="log-size">3</dd>`)) || !bytes.Contains(page, []byte("joint list version")) {
			t.Errorf("log page: %d", status)
		}

		for path, want := range map[string]int{
			"/log/record/abc":        422,
			"/log/record/3":          404,
			"/log/record/0?tree=9":   404,
			"/log/proof?old=0&new=2": 422,
			"/log/proof?old=2&new=1": 422,
			"/log/checkpoint/7":      404,
			"/log/tile/8/x/000":      404,
		} {
			if status, body := fetch(t, ts.URL+path); status != want {
				t.Errorf("%s: %d, want %d (%s)", path, status, want, body)
			}
		}

		// A co-signature from an unregistered key is refused, a registered
		// witness's is accepted and then served with the checkpoint.
		w, err := translog.LoadOrCreateKey(filepath.Join(t.TempDir(), "w.key"), "yuanqu-jijian")
		if err != nil {
			t.Fatal(err)
		}
		_, line, err := translog.Cosign(msg, key.Verifier, w)
		if err != nil {
			t.Fatal(err)
		}
		post := func() int {
			resp, err := http.PostForm(ts.URL+translog.PathCosign, url.Values{"size": {"3"}, "signature": {line}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		if got := post(); got != 422 {
			t.Errorf("unregistered witness: %d, want 422", got)
		}
		if err := st.AddLogWitness(ctx, f.Office, &store.LogWitness{Verifier: w.VerifierKey, Label: "纪检组"}); err != nil {
			t.Fatal(err)
		}
		if got := post(); got != 200 {
			t.Errorf("registered witness: %d, want 200", got)
		}
		if _, cp := fetch(t, ts.URL+"/log/checkpoint"); !bytes.Contains(cp, []byte(strings.TrimSpace(line))) {
			t.Errorf("checkpoint lacks the co-signature:\n%s", cp)
		}

		// Without the key, the portal still serves proofs but signs nothing.
		bare := logServer(t, st, nil)
		if status, _ := fetch(t, bare.URL+"/log/checkpoint"); status != 409 {
			t.Errorf("checkpoint without key: %d, want 409", status)
		}
		if status, _ := fetch(t, bare.URL+"/log/record/0"); status != 200 {
			t.Errorf("record without key: %d, want 200", status)
		}
	})
}
