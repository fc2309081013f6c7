package draw

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzReadBundle: any bytes either fail to parse or give a bundle that
// Verify handles without panicking; a parsed bundle written again parses
// to the same bytes.
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
	f.Add([]byte(`{"format":"yiyeyicha-draw-bundle-v1"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ReadBundle(bytes.NewReader(data))
		if err != nil {
			return
		}
		rep, err := Verify(b, nil)
		if err == nil && rep == nil {
			t.Fatal("nil report without error")
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
		b2.Write(&out2)
		if !bytes.Equal(out.Bytes(), out2.Bytes()) {
			t.Fatal("write → read → write not stable")
		}
	})
}

// FuzzParsePublicValue: the key string of any accepted input is in RFC 3797
// canonical form, and parsing it back (as its sources) gives it again.
func FuzzParsePublicValue(f *testing.F) {
	for _, s := range []string{"9319\n2 5 12 8 10\n9 18 26 34 41 45", "03,07,12,19,25,31+09", "dow jones 10,123.45\n\n", "２０２６\r\n1", "ＡＢＣ-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pv, err := ParsePublicValue(s)
		if err != nil {
			return
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
