package validate_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/yiyeyicha/yiyeyicha/internal/i18n"
	"github.com/yiyeyicha/yiyeyicha/internal/validate"
)

// FuzzCreditCode feeds arbitrary text to the credit code (统一社会信用代码)
// and resident ID checks, as a form field or a spreadsheet cell would.
// Canonicalisation (NormalizeCode) is idempotent; every problem found has
// a message in both catalogues; a code that is valid stays valid however
// it is re-typed (lower case, full-width, spaces around); a valid code's
// check characters are the ones CreditCodeCheck and OrgCodeCheck compute,
// and changing any one character makes it invalid.
// Seeds: testdata/fuzz/FuzzCreditCode.
func FuzzCreditCode(f *testing.F) {
	for _, s := range []string{
		"91350100M000100Y43", "9131000063159284XQ", " ９１３５０１００ｍ０００１００ｙ４３ ", "91350100m000100y43\u200b",
		"91310115MA1H8R7C6D", "\ufeff91350100M000100Y43", "", "140827199001011234", "11010519491231002X",
	} {
		f.Add(s)
	}
	messages := map[string]int{}
	for _, l := range i18n.Langs {
		for _, k := range i18n.Keys(l) {
			messages[k]++
		}
	}
	hasMessage := func(t *testing.T, key string) {
		t.Helper()
		if messages[key] != len(i18n.Langs) {
			t.Fatalf("%s lacks a message in some language", key)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := validate.NormalizeCode(s)
		if again := validate.NormalizeCode(n); again != n {
			t.Fatalf("NormalizeCode not idempotent: %q → %q → %q", s, n, again)
		}
		p := validate.CheckCreditCode(n)
		if p != validate.OK {
			hasMessage(t, "err.code."+string(p))
		}
		if id := validate.CheckResidentID(n); id != validate.OK && n != "" {
			hasMessage(t, "err.id."+string(id))
		}
		if p != validate.OK {
			if p.Flaggable() && (len(n) != 18 || strings.IndexFunc(n, func(r rune) bool { return !strings.ContainsRune(alphabet, r) }) >= 0) {
				t.Fatalf("%q is flaggable (%s) but not well-formed", n, p)
			}
			return
		}
		// A valid code is 18 characters of the alphabet, canonical already,
		// and its check characters are the computed ones.
		if len(n) != 18 || !utf8.ValidString(n) || strings.Trim(n, alphabet) != "" {
			t.Fatalf("valid code %q is not 18 characters of the alphabet", n)
		}
		if validate.CreditCodeCheck(n[:17]) != n[17] || validate.OrgCodeCheck(n[8:16]) != n[16] {
			t.Fatalf("valid code %q has check characters other than the computed ones", n)
		}
		if made, ok := validate.MakeCreditCode(n[:2], n[2:8], n[8:16]); ok && made != n {
			t.Fatalf("MakeCreditCode of the parts of %q gives %q", n, made)
		}
		for _, retyped := range []string{strings.ToLower(n), width.Widen.String(n), " " + n + "\t", "\ufeff" + strings.ToLower(width.Widen.String(n)) + "\u200b"} {
			if got := validate.NormalizeCode(retyped); got != n {
				t.Fatalf("%q re-typed as %q normalises to %q", n, retyped, got)
			}
		}
		// Any single changed character is caught (the check character over
		// the whole code is a weighted sum modulo the alphabet's prime size).
		b := []byte(n)
		i := len(s) % 18
		for _, c := range []byte(alphabet) {
			if c == n[i] {
				continue
			}
			b[i] = c
			if validate.CheckCreditCode(string(b)) == validate.OK {
				t.Fatalf("%q with character %d changed to %c is still valid", n, i+1, c)
			}
		}
	})
}

const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
