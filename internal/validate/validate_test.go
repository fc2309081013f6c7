package validate

import (
	"fmt"
	"testing"
)

func TestCheckCreditCode(t *testing.T) {
	for _, tc := range []struct {
		name, code string
		want       Problem
	}{
		{"valid GB 32100 example", "91350100M000100Y43", OK},
		{"valid with X org check", "9131000063159284XQ", OK},
		{"wrong check character", "91310115MA1H8R7C6D", CodeChecksum},
		{"empty", "", CodeEmpty},
		{"too short", "91350100M000100Y4", CodeLength},
		{"too long", "91350100M000100Y433", CodeLength},
		{"letter I not in alphabet", "91350100I000100Y43", CodeCharset},
		{"lower case not normalised", "9131000063159284xq", CodeCharset},
		{"org check wrong, overall check recomputed", fixCheck("91350100M000100Y5"), CodeOrgCheck},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CheckCreditCode(tc.code); got != tc.want {
				t.Errorf("CheckCreditCode(%q) = %q, want %q", tc.code, got, tc.want)
			}
		})
	}
}

// fixCheck appends the correct overall check character to 17 characters.
func fixCheck(first17 string) string { return first17 + string(CreditCodeCheck(first17)) }

func TestNormalizeCode(t *testing.T) {
	for in, want := range map[string]string{
		" 91350100m000100y43 ": "91350100M000100Y43",
		"９１３５０１００Ｍ０００１００Ｙ４３":       "91350100M000100Y43",
		"\ufeff9131000063159284xq": "9131000063159284XQ",
		"9131 0000 6315 9284 XQ":   "9131000063159284XQ",
	} {
		got := NormalizeCode(in)
		if got != want {
			t.Errorf("NormalizeCode(%q) = %q, want %q", in, got, want)
		}
		if CheckCreditCode(got) != OK {
			t.Errorf("normalised %q does not validate", got)
		}
	}
}

func TestMakeCreditCodeValidates(t *testing.T) {
	for i := range 2000 {
		body := fmt.Sprintf("MA%06X", i*7919)
		code, ok := MakeCreditCode("92", "140827", body)
		if !ok {
			t.Fatalf("MakeCreditCode(%q) failed", body)
		}
		if p := CheckCreditCode(code); p != OK {
			t.Fatalf("generated %q: %q", code, p)
		}
	}
	if _, ok := MakeCreditCode("91", "14082", "MA000001"); ok {
		t.Error("a 5-digit division was accepted")
	}
	if _, ok := MakeCreditCode("91", "140827", "MA00000!"); ok {
		t.Error("a body with punctuation was accepted")
	}
}

// Every single-character substitution of a valid code must be caught: the
// MOD 31 check detects all of them.
func TestCheckCreditCodeCatchesEverySubstitution(t *testing.T) {
	valid := "91350100M000100Y43"
	for i := range 18 {
		for j := 0; j < len(codeAlphabet); j++ {
			c := codeAlphabet[j]
			if c == valid[i] {
				continue
			}
			mutated := valid[:i] + string(c) + valid[i+1:]
			if CheckCreditCode(mutated) == OK {
				t.Errorf("substitution at %d (%c) not detected: %s", i, c, mutated)
			}
		}
	}
}

func TestCheckResidentID(t *testing.T) {
	base := "11010519491231002"
	valid := base + string(ResidentIDCheck(base))
	for _, tc := range []struct {
		name, id string
		want     Problem
	}{
		{"valid", valid, OK},
		{"valid with X", "11010119900307001" + string(ResidentIDCheck("11010119900307001")), OK},
		{"wrong check", base + string(wrongOf(ResidentIDCheck(base))), IDChecksum},
		{"short", "1101051949123100", IDLength},
		{"letter inside", "11010519491231A02X", IDCharset},
		{"bad birth date", "110105194902300021", IDBirth},
		{"empty", "", CodeEmpty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CheckResidentID(tc.id); got != tc.want {
				t.Errorf("CheckResidentID(%q) = %q, want %q", tc.id, got, tc.want)
			}
		})
	}
	// The national standard's published example.
	if got := CheckResidentID("11010519491231002X"); got != OK {
		t.Errorf("GB 11643 example: %q", got)
	}
}

func wrongOf(c byte) byte {
	if c == '1' {
		return '2'
	}
	return '1'
}
