package draw

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/yiyeyicha/yiyeyicha/internal/translog"
)

// FuzzReadBundle: any bytes either fail to parse or give a bundle that
// Verify and the log-proof check (translog.VerifyDrawProofs, as `verify
// BUNDLE` runs them) handle without panicking; a parsed bundle written
// again parses to the same bytes. One seed carries log proofs, so that the
// fuzzer reaches the checkpoint and inclusion-proof parsing too.
// Seeds: testdata/fuzz/FuzzReadBundle.
func FuzzReadBundle(f *testing.F) {
	fx := newFixture(f, 60, 3, 9)
	b, err := Execute(fx.in)
	if err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	if err := b.Write(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	b.Log = logProofs(f, b)
	if _, err := translog.VerifyDrawProofs(b.Log, "", b.Announcement.Draw, b.AnnouncementHash, b.Result.Seed); err != nil {
		f.Fatalf("the seed's log proofs do not verify: %v", err)
	}
	buf.Reset()
	if err := b.Write(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(`{"format":"yiyeyicha-draw-bundle-v1"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ReadBundle(bytes.NewReader(data))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "bundle: ") {
				t.Fatalf("error %q does not say it is the bundle's", err)
			}
			return
		}
		rep, err := Verify(b, nil)
		if err == nil && rep == nil {
			t.Fatal("nil report without error")
		}
		if b.Log != nil {
			_, err := translog.VerifyDrawProofs(b.Log, "", b.Announcement.Draw, b.AnnouncementHash, b.Result.Seed)
			if err != nil && !strings.HasPrefix(err.Error(), "translog: ") {
				t.Fatalf("log proof error %q does not say it is the log's", err)
			}
		}
		var out bytes.Buffer
		if err := b.Write(&out); err != nil {
			t.Fatal(err)
		}
		b2, err := ReadBundle(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("written bundle does not parse: %v", err)
		}
		var out2 bytes.Buffer
		if err := b2.Write(&out2); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), out2.Bytes()) {
			t.Fatal("write → read → write not stable")
		}
	})
}

// logProofs builds, with a fixed test key, a log of five records in which
// b's announcement is record 1 and its result record 3, and returns the
// proofs a served bundle would carry.
func logProofs(t testing.TB, b *Bundle) *translog.Proofs {
	t.Helper()
	skey, vkey, err := note.GenerateKey(rand.NewChaCha8([32]byte{'l', 'o', 'g'}), "fuzz-log")
	if err != nil {
		t.Fatal(err)
	}
	k, err := translog.ParseKey([]byte(skey + "\n" + vkey))
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		Seed string `json:"seed"`
	}
	bodies := []struct {
		typ, key string
		body     map[string]any
	}{
		{"lists.version", "1/1", map[string]any{"name": "餐饮服务"}},
		{translog.TypeDrawAnnouncement, b.Announcement.Draw, map[string]any{"announcement_hash": b.AnnouncementHash}},
		{"draw.reveal", b.Announcement.Draw + "/SCJG", map[string]any{"secret": "00"}},
		{translog.TypeDrawResult, b.Announcement.Draw, map[string]any{"announcement_hash": b.AnnouncementHash, "result": result{Seed: b.Result.Seed}}},
		{"plans.plan", "2026", map[string]any{"title": "年度计划"}},
	}
	var leaves [][]byte
	var hashes []tlog.Hash
	read := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = hashes[x]
		}
		return out, nil
	})
	for i, r := range bodies {
		rec, err := translog.NewRecord(r.typ, 1, r.key, r.body)
		if err != nil {
			t.Fatal(err)
		}
		leaf, err := rec.Leaf()
		if err != nil {
			t.Fatal(err)
		}
		h, err := tlog.StoredHashes(int64(i), leaf, read)
		if err != nil {
			t.Fatal(err)
		}
		leaves, hashes = append(leaves, leaf), append(hashes, h...)
	}
	n := int64(len(leaves))
	root, err := tlog.TreeHash(n, read)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := translog.SignTree(k, tlog.Tree{N: n, Hash: root})
	if err != nil {
		t.Fatal(err)
	}
	p := &translog.Proofs{Verifier: k.VerifierKey, Checkpoint: string(cp), Records: map[string]translog.Inclusion{}}
	for role, i := range map[string]int64{"announcement": 1, "result": 3} {
		proof, err := tlog.ProveRecord(n, i, read)
		if err != nil {
			t.Fatal(err)
		}
		p.Records[role] = translog.Inclusion{Index: i, Leaf: string(leaves[i]), Proof: proof}
	}
	return p
}

// FuzzParsePublicValue: the key string of any accepted input is in RFC 3797
// canonical form, and parsing it back (as its sources) gives it again; the
// sources, written one a line as they are stored and shown, parse to the
// same value; a refusal says it is the public value's (the store turns it
// into the localised err "bad_public_value" on the public_value field).
// Seeds: testdata/fuzz/FuzzParsePublicValue.
func FuzzParsePublicValue(f *testing.F) {
	for _, s := range []string{"9319\n2 5 12 8 10\n9 18 26 34 41 45", "03,07,12,19,25,31+09", "dow jones 10,123.45\n\n", "２０２６\r\n1", "ＡＢＣ-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pv, err := ParsePublicValue(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "public value: ") {
				t.Fatalf("error %q does not say it is the public value's", err)
			}
			return
		}
		again, err := ParsePublicValue(strings.Join(pv.Sources, "\n"))
		if err != nil || again.KeyString != pv.KeyString || !slices.Equal(again.Sources, pv.Sources) {
			t.Fatalf("sources %q re-parse to %q, %v", pv.Sources, again.Sources, err)
		}
		k := pv.KeyString
		if !strings.HasSuffix(k, "/") || strings.ContainsAny(k, " \t\n") {
			t.Fatalf("key string %q not canonical", k)
		}
		// Each source of the key string re-parses to itself.
		var srcs []string
		for _, part := range strings.Split(strings.TrimSuffix(k, "/"), "/") {
			srcs = append(srcs, strings.ReplaceAll(strings.TrimSuffix(part, "."), ".", " "))
		}
		k2, err := KeyString(srcs)
		if err != nil || k2 != k {
			t.Fatalf("key string %q re-parses to %q, %v", k, k2, err)
		}
		if _, err := RFC3797Select(k, 10, 3); err != nil {
			t.Fatal(err)
		}
	})
}
