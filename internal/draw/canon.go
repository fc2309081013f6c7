package draw

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// codeAlphabet is the alphabet of the unified social credit code (GB 32100).
const codeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// CheckCode reports whether s is a credit code in canonical form: 18
// characters of the GB 32100 alphabet. The check character is not tested:
// registries hold a few codes whose check character is wrong, and the draw
// must treat them like any other.
func CheckCode(s string) error {
	if len(s) != 18 {
		return fmt.Errorf("credit code %q: not 18 characters", s)
	}
	for i := 0; i < len(s); i++ {
		if !inCodeAlphabet[s[i]] {
			return fmt.Errorf("credit code %q: character %q is not in the GB 32100 alphabet", s, s[i])
		}
	}
	return nil
}

// inCodeAlphabet marks the bytes of codeAlphabet.
var inCodeAlphabet = func() (t [256]bool) {
	for i := 0; i < len(codeAlphabet); i++ {
		t[codeAlphabet[i]] = true
	}
	return t
}()

// checkName reports whether s is an identifier: 1 to 64 characters of
// A–Z a–z 0–9 . _ - (stratum names, department codes, inspector and draw ids).
func checkName(what, s string) error {
	if s == "" || len(s) > 64 {
		return fmt.Errorf("%s %q: must be 1 to 64 characters", what, s)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !nameByte(c) {
			return fmt.Errorf("%s %q: character %q not allowed (A-Z a-z 0-9 . _ -)", what, s, c)
		}
	}
	return nil
}

func nameByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-'
}

// isName is checkName's verdict without the error: the pool's checks ask it
// first so that a million valid businesses build no error messages.
func isName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !nameByte(s[i]) {
			return false
		}
	}
	return true
}

// CanonicalText returns s as the canonical encoding stores free text
// (names, titles, reasons): Unicode NFC, every run of white space (including
// tabs and line breaks) turned into one U+0020, no leading or trailing space,
// other control characters removed. Producers apply it before freezing;
// Verify rejects text that is not already canonical.
func CanonicalText(s string) string {
	if plainCanonical(s) {
		return s // already canonical (FuzzPlainCanonical)
	}
	return canonicalText(s)
}

// canonicalText is CanonicalText without the fast path.
func canonicalText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r) || r == '\u200b' || r == '\ufeff':
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// checkText reports whether s is canonical free text.
func checkText(what, s string) error {
	if plainCanonical(s) {
		return nil
	}
	if !utf8.ValidString(s) || canonicalText(s) != s {
		return fmt.Errorf("%s %q: not canonical text (NFC, single spaces, no control characters)", what, s)
	}
	return nil
}

// plainCanonical is the fast path of checkText, for the million names of
// a pool: single inner spaces, no other white space, no control or
// zero-width character, no U+FFFD, already NFC. false means "look closer".
func plainCanonical(s string) bool {
	space := true // a leading space is not canonical
	inert := true // every rune is nfcInert: the string is NFC as it stands
	for _, r := range s {
		switch {
		case r == ' ':
			if space {
				return false
			}
			space = true
			continue
		case 0x4E00 <= r && r <= 0x9FFF: // a CJK ideograph: no space, no control, NFC-inert
			space = false
			continue
		case r < 0x20 || r == 0x7f || r == utf8.RuneError || r == '\u200b' || r == '\ufeff' || r >= 0x80 && (unicode.IsSpace(r) || unicode.IsControl(r)):
			return false
		}
		space = false
		inert = inert && nfcInert(r)
	}
	return (s == "" || !space) && (inert || norm.NFC.IsNormalString(s))
}

// nfcInert reports whether r is one of the characters that make up nearly
// every Chinese business name and that NFC leaves alone wherever they
// stand: ASCII and the CJK Unified Ideographs (U+4E00–U+9FFF). Each has no
// canonical decomposition, combining class 0 and NFC_Quick_Check=Yes, so it
// neither changes nor combines with its neighbours (TestNFCInert checks this
// against the NFC tables); a string made only of them is NFC without asking
// the tables, which is the costly part of checking a million names.
func nfcInert(r rune) bool { return r < 0x80 || 0x4E00 <= r && r <= 0x9FFF }

// checkLabel reports whether s is a canonical list item: canonical text,
// non-empty, without a comma.
func checkLabel(what, s string) error {
	if s == "" || strings.Contains(s, ",") {
		return fmt.Errorf("%s %q: must be non-empty and contain no comma", what, s)
	}
	return checkText(what, s)
}

// checkDate reports whether s is a date YYYY-MM-DD (or empty when optional).
func checkDate(what, s string, optional bool) error {
	if s == "" && optional {
		return nil
	}
	if t, err := time.Parse(time.DateOnly, s); err != nil || t.Format(time.DateOnly) != s {
		return fmt.Errorf("%s %q: not a date YYYY-MM-DD", what, s)
	}
	return nil
}

// joinList returns the canonical form of a list field: items sorted
// bytewise, duplicates removed, joined by ",".
func joinList(items []string) string {
	s := slices.Clone(items)
	slices.Sort(s)
	return strings.Join(slices.Compact(s), ",")
}

// writer builds a canonical text: lines of TAB-separated fields, each ended
// by LF, fed straight into a SHA-256 (and optionally kept).
type writer struct {
	h    hash.Hash
	keep *strings.Builder
	buf  []byte
}

func newWriter(kind string, keep bool) *writer {
	w := &writer{h: sha256.New()}
	if keep {
		w.keep = &strings.Builder{}
	}
	w.line(Version + "/" + kind)
	return w
}

func (w *writer) line(fields ...string) {
	w.buf = w.buf[:0]
	for i, f := range fields {
		if i > 0 {
			w.buf = append(w.buf, '\t')
		}
		w.buf = append(w.buf, f...)
	}
	w.buf = append(w.buf, '\n')
	w.h.Write(w.buf)
	if w.keep != nil {
		w.keep.Write(w.buf)
	}
}

func (w *writer) sum() string { return hex.EncodeToString(w.h.Sum(nil)) }

func (w *writer) text() string {
	if w.keep == nil {
		return ""
	}
	return w.keep.String()
}

func itoa(n int) string { return strconv.Itoa(n) }

func bit(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
