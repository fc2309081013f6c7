// Package validate checks the identifiers the directories hold: the unified
// social credit code (统一社会信用代码, GB 32100-2015) with its embedded
// organisation code (GB 11714), the resident ID number (GB 11643), and
// enforcement certificate validity. It is pure: no I/O, no clock.
package validate

import (
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// codeAlphabet is the 31-character alphabet of credit codes; a character's
// value is its index. I, O, S, V and Z are not used.
const codeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var codeWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// orgWeights are the GB 11714 weights of the 8-character body of the
// organisation code (主体标识码) inside a credit code.
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// Problem names what is wrong with a code; each value is also the suffix of
// its i18n key ("err.code.<problem>").
type Problem string

// The problems a credit code can have, in the order they are checked.
const (
	OK           Problem = ""
	CodeEmpty    Problem = "empty"
	CodeLength   Problem = "length"   // not 18 characters
	CodeCharset  Problem = "charset"  // a character outside the alphabet
	CodeChecksum Problem = "checksum" // the 18th character is wrong
	CodeOrgCheck Problem = "orgcheck" // the GB 11714 check of characters 9–17 is wrong
)

// Flaggable reports whether a code with problem p may still be accepted,
// flagged, when the office says so: the code is well-formed and only a check
// character disagrees, as happens in real registries.
func (p Problem) Flaggable() bool { return p == CodeChecksum || p == CodeOrgCheck }

// NormalizeCode trims spaces, turns full-width characters into half-width
// ones and upper-cases, as registries and spreadsheets vary in all three.
func NormalizeCode(s string) string {
	s = width.Narrow.String(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' {
			return -1
		}
		return unicode.ToUpper(r)
	}, s)
	return s
}

func codeValue(c byte) int { return strings.IndexByte(codeAlphabet, c) }

// CreditCodeCheck returns the check character for the first 17 characters
// of a credit code, or 0 if they are not all in the alphabet.
func CreditCodeCheck(first17 string) byte {
	if len(first17) != 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := codeValue(first17[i])
		if v < 0 {
			return 0
		}
		sum += v * codeWeights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return codeAlphabet[c]
}

// CheckCreditCode checks an already normalised credit code and says what is
// wrong with it, or OK.
func CheckCreditCode(code string) Problem {
	switch {
	case code == "":
		return CodeEmpty
	case len(code) != 18:
		return CodeLength
	}
	for i := 0; i < 18; i++ {
		if codeValue(code[i]) < 0 {
			return CodeCharset
		}
	}
	if CreditCodeCheck(code[:17]) != code[17] {
		return CodeChecksum
	}
	if OrgCodeCheck(code[8:16]) != code[16] {
		return CodeOrgCheck
	}
	return OK
}

// OrgCodeCheck returns the GB 11714 check character ('0'–'9' or 'X') for
// the 8-character body of an organisation code, or 0 if the body has a
// character other than a digit or capital letter.
func OrgCodeCheck(body string) byte {
	if len(body) != 8 {
		return 0
	}
	sum := 0
	for i := 0; i < 8; i++ {
		c := body[i]
		var v int
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		default:
			return 0
		}
		sum += v * orgWeights[i]
	}
	c := 11 - sum%11
	switch c {
	case 10:
		return 'X'
	case 11:
		return '0'
	}
	return byte('0' + c)
}

// MakeCreditCode builds a valid credit code from its parts: registration
// authority and category ("91" for an enterprise), 6-digit division code,
// and the 8-character organisation body; it appends both check characters.
// The demo generator and tests use it; ok is false for malformed parts.
func MakeCreditCode(prefix, division, orgBody string) (code string, ok bool) {
	oc := OrgCodeCheck(orgBody)
	if len(prefix) != 2 || len(division) != 6 || oc == 0 {
		return "", false
	}
	first := prefix + division + orgBody + string(oc)
	cc := CreditCodeCheck(first)
	if cc == 0 {
		return "", false
	}
	return first + string(cc), true
}
