package web

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/draw"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
	"github.com/yiyeyicha/yiyeyicha/internal/translog"
)

// TestDrawPages serves the public draw pages on both engines: the list, an
// executed draw with its seed, selection, teams and chart, its bundle
// (with log proofs) that verifies, a draw awaiting commitments, an aborted
// one, and a draw that does not exist.
func TestDrawPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		storetest.SeedDrawWorld(t, s, f)
		key := storetest.RunDraw(t, s, f)
		open, err := s.AnnounceDraw(ctx, f.Office, storetest.DrawParams(f))
		if err != nil {
			t.Fatal(err)
		}
		aborted, err := s.AnnounceDraw(ctx, f.Office, storetest.DrawParams(f))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AbortDraw(ctx, f.Office, aborted.Key, "联络员未按期揭示"); err != nil {
			t.Fatal(err)
		}
		logKey, err := translog.LoadOrCreateKey(filepath.Join(t.TempDir(), "log.key"), "yuanqu-log")
		if err != nil {
			t.Fatal(err)
		}
		ts := logServer(t, s, logKey)

		code, body := fetch(t, ts.URL+"/draws?lang=en")
		if code != 200 || !bytes.Contains(body, []byte(key)) || !bytes.Contains(body, []byte("Aborted")) {
			t.Fatalf("list: %d\n%s", code, body)
		}
		b, err := s.DrawBundle(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		code, body = fetch(t, ts.URL+"/draws/"+key+"?lang=en")
		page := string(body)
		for _, want := range []string{b.Result.Seed, b.AnnouncementHash, b.Result.Visits[0].Key, b.Result.Visits[0].Code,
			`id="draw-strata-t"`, "<svg", "/draws/" + key + "/bundle.json", "yiyeyicha verify draw-" + key + ".json", "status_cancelled: 4"} {
			if !strings.Contains(page, want) {
				t.Errorf("draw page lacks %q", want)
			}
		}
		if code != 200 {
			t.Fatalf("draw page: %d", code)
		}
		code, body = fetch(t, ts.URL+"/draws/"+key+"/bundle.json")
		if code != 200 {
			t.Fatalf("bundle: %d %s", code, body)
		}
		got, err := draw.ReadBundle(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if rep, err := draw.Verify(got, nil); err != nil || !rep.OK() {
			t.Fatalf("downloaded bundle: %v %v", err, rep)
		}
		if got.Log == nil {
			t.Fatal("bundle without log proofs")
		}
		if _, err := translog.VerifyDrawProofs(got.Log, logKey.VerifierKey, key, got.AnnouncementHash, got.Result.Seed); err != nil {
			t.Fatalf("log proofs: %v", err)
		}
		code, body = fetch(t, ts.URL+"/draws/"+open.Key+"?lang=en")
		if code != 200 || !bytes.Contains(body, []byte("awaiting commitment")) || bytes.Contains(body, []byte("bundle.json")) {
			t.Fatalf("open draw: %d\n%s", code, body)
		}
		if code, _ := fetch(t, ts.URL+"/draws/"+open.Key+"/bundle.json"); code != 409 {
			t.Fatalf("bundle of an open draw: %d", code)
		}
		code, body = fetch(t, ts.URL+"/draws/"+aborted.Key+"?lang=en")
		if code != 200 || !bytes.Contains(body, []byte("联络员未按期揭示")) {
			t.Fatalf("aborted draw: %d\n%s", code, body)
		}
		if code, _ := fetch(t, ts.URL+"/draws/nope"); code != 404 {
			t.Fatalf("missing draw: %d", code)
		}
	})
}
