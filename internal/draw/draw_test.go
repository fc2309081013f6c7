package draw

import (
	"bytes"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestRFC3797Example(t *testing.T) {
	k, err := KeyString([]string{"9319", "2 5 12 8 10", "9 18 26 34 41 45"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "9319./2.5.8.10.12./9.18.26.34.41.45./"; k != want {
		t.Fatalf("key string %q, want %q", k, want)
	}
	got, err := RFC3797Select(k, 25, 5)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{17, 7, 2, 16, 25}; !slices.Equal(got, want) {
		t.Fatalf("picks %v, want %v", got, want)
	}
}

func TestKeyerIsHKDFExpand(t *testing.T) {
	seed := Seed("x")
	var got [32]byte
	NewKeyer(seed).Entity("A", "91350100M000100Y43", &got)
	want, err := hkdf.Expand(sha256.New, seed, "yiyeyicha-draw-v1/entity\tA\t91350100M000100Y43", 32)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got[:], want) {
		t.Fatalf("key %x, want %x", got, want)
	}
	prk, err := hkdf.Extract(sha256.New, []byte("x"), []byte(Version))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(prk, seed) {
		t.Fatalf("seed %x, HKDF-Extract %x", seed, prk)
	}
}

func TestQuota(t *testing.T) {
	tests := []struct {
		n     int
		ratio string
		round Rounding
		min   int
		want  int
	}{
		{0, "1/10", RoundCeil, 2, 0},
		{1, "1%", RoundCeil, 0, 1},
		{100, "1%", RoundCeil, 0, 1},
		{101, "1%", RoundCeil, 0, 2},
		{101, "1%", RoundFloor, 0, 1},
		{150, "1%", RoundHalfUp, 0, 2},
		{149, "1%", RoundHalfUp, 0, 1},
		{10, "0.05", RoundFloor, 3, 3},
		{2, "0.05", RoundFloor, 3, 2},
		{7, "1", RoundCeil, 0, 7},
		{3, "0", RoundCeil, 0, 0},
		// Exact rationals: 1/3 of 3,000,000,000 is exact, floats are not needed.
		{300000000, "1/3", RoundCeil, 0, 100000000},
		{1000001, "3/10", RoundCeil, 0, 300001},
	}
	for _, tt := range tests {
		got, err := Quota(tt.n, tt.ratio, tt.round, tt.min)
		if err != nil || got != tt.want {
			t.Errorf("Quota(%d, %s, %s, %d) = %d, %v; want %d", tt.n, tt.ratio, tt.round, tt.min, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "1.5", "-1/10", "abc", "1e-2", "101%", "1/0"} {
		if _, err := ParseRatio(bad); err == nil {
			t.Errorf("ParseRatio(%q) accepted", bad)
		}
	}
}

func TestExecuteVerify(t *testing.T) {
	f := newFixture(t, 3000, 12, 1)
	b := f.execute(t)
	if len(b.Result.Visits) == 0 {
		t.Fatal("nothing drawn")
	}
	for _, salts := range [][]ConflictSalt{nil, f.salts} {
		rep, err := Verify(b, salts)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() {
			t.Fatalf("verify: %v", rep.Differences)
		}
	}
	var buf bytes.Buffer
	if err := b.Write(&buf); err != nil {
		t.Fatal(err)
	}
	b2, err := ReadBundle(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(b2, nil)
	if err != nil || !rep.OK() {
		t.Fatalf("verify after JSON round trip: %v %v", err, rep)
	}
	if !strings.Contains(rep.Summary(), b.Announcement.Draw) {
		t.Errorf("summary %q", rep.Summary())
	}
}

func TestPoolTextRoundTrip(t *testing.T) {
	f := newFixture(t, 500, 3, 21)
	sum, text, err := f.in.Pool.Text()
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParsePoolText(text)
	if err != nil {
		t.Fatal(err)
	}
	sum2, text2, err := p.Text()
	if err != nil || text2 != text || sum2.Hash != sum.Hash {
		t.Fatalf("round trip changed the pool: %v", err)
	}
	for _, bad := range []string{"", "yiyeyicha-draw-v1/pool\nb\tX\n", "yiyeyicha-draw-v1/pool\nb\t1\t2\t3\t4\t5"} {
		if _, err := ParsePoolText(bad); err == nil {
			t.Errorf("ParsePoolText(%q) accepted", bad)
		}
	}
}

// The fast path of checkText never accepts what CanonicalText would change.
func FuzzPlainCanonical(f *testing.F) {
	for _, s := range []string{"垣曲县 老街饭店", " a", "a ", "a  b", "a\tb", "e\u0301", "a\u200bb", "\ufffd", "Ａ１", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if plainCanonical(s) && (!utf8.ValidString(s) || canonicalText(s) != s) {
			t.Fatalf("plainCanonical(%q) but CanonicalText gives %q", s, canonicalText(s))
		}
		if CanonicalText(s) != canonicalText(s) {
			t.Fatalf("CanonicalText(%q) = %q, without the fast path %q", s, CanonicalText(s), canonicalText(s))
		}
	})
}

// nfcInert claims only characters that NFC never changes or combines: no
// canonical decomposition, combining class 0, and a boundary before (no
// character composes with the one before it), so a string of them is NFC.
func TestNFCInert(t *testing.T) {
	n := 0
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !nfcInert(r) {
			continue
		}
		n++
		p := norm.NFC.PropertiesString(string(r))
		if p.CCC() != 0 || !p.BoundaryBefore() || p.Decomposition() != nil || !norm.NFC.IsNormalString(string(r)) {
			t.Fatalf("U+%04X is not NFC-inert: ccc %d, boundary before %v, decomposition %q", r, p.CCC(), p.BoundaryBefore(), p.Decomposition())
		}
	}
	if n != 0x80+0x9FFF-0x4E00+1 {
		t.Fatalf("%d inert characters", n)
	}
	for _, s := range []string{"垣曲县老街饭店", "abc 甲乙 123"} {
		if !plainCanonical(s) {
			t.Errorf("plainCanonical(%q) = false", s)
		}
	}
}

// A draw executed from the pool's canonical text is the draw executed from
// the pool, byte for byte; a text changed in one byte fails on the hash.
func TestExecuteFromPoolText(t *testing.T) {
	f := newFixture(t, 500, 6, 7)
	want := f.execute(t)
	_, text, err := f.in.Pool.Text()
	if err != nil {
		t.Fatal(err)
	}
	in := f.in
	in.Pool, in.PoolText = Pool{}, text
	got, err := Execute(in)
	if err != nil {
		t.Fatal(err)
	}
	var w, g bytes.Buffer
	if err := want.Write(&w); err != nil {
		t.Fatal(err)
	}
	if err := got.Write(&g); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(w.Bytes(), g.Bytes()) {
		t.Fatal("the bundle executed from the pool's text differs from the one executed from the pool")
	}
	in.PoolText = strings.Replace(text, "垣曲县测试商户1\n", "垣曲县测试商户X\n", 1)
	var de *DifferenceError
	if _, err := Execute(in); !errors.As(err, &de) || de.Diffs[0].What != "pool.hash" {
		t.Fatalf("changed text: %v", err)
	}
}
