package draw

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Secret sizes a liaison's secret may have, in bytes.
const (
	MinSecret = 16
	MaxSecret = 64
)

// Commitment returns a liaison's commitment to a secret: SHA-256 of
// "yiyeyicha-draw-v1/commit" TAB announcement hash TAB party LF followed by
// the secret's bytes, in hex. Binding the announcement and the party means a
// commitment cannot be replayed in another draw or by another department.
func Commitment(announcementHash, party string, secret []byte) string {
	h := sha256.New()
	h.Write([]byte(Version + "/commit\t" + announcementHash + "\t" + party + "\n"))
	h.Write(secret)
	return hex.EncodeToString(h.Sum(nil))
}

// ParseSecret reads a secret given as hex (what the browser generates and
// the bundle stores).
func ParseSecret(s string) ([]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil || hex.EncodeToString(b) != s {
		return nil, fmt.Errorf("secret: not lowercase hex")
	}
	if len(b) < MinSecret || len(b) > MaxSecret {
		return nil, fmt.Errorf("secret: %d bytes (between %d and %d)", len(b), MinSecret, MaxSecret)
	}
	return b, nil
}

// Commit is a party's published commitment.
type Commit struct {
	Party      string `json:"party"`
	Commitment string `json:"commitment"`
}

// Reveal is a party's revealed secret, in lowercase hex.
type Reveal struct {
	Party  string `json:"party"`
	Secret string `json:"secret"`
}

// PublicValue is the public future value as entered: the description the
// announcement named and the sources, one per line, each a list of numbers
// ("2 5 12 8 10") or a word.
type PublicValue struct {
	Sources []string `json:"sources"`
	// KeyString is the RFC 3797 canonical key string of Sources.
	KeyString string `json:"key_string"`
}

// KeyString returns the RFC 3797 canonical form of the public value's
// sources (RFC 3797 §4): each source in turn, then "/". Each source is
// first put in Unicode NFKC (full-width digits and letters become ASCII). A
// source with an ASCII letter is a word: upper-cased, everything but A–Z and
// 0–9 removed, followed by ".". Any other source is a list of numbers (the
// runs of digits 0–9; everything else separates them), in ascending numeric
// order, each in decimal without leading zeros and followed by ".". "9319", "2 5 12 8 10", "9 18 26 34 41 45" give
// "9319./2.5.8.10.12./9.18.26.34.41.45./".
func KeyString(sources []string) (string, error) {
	if len(sources) == 0 {
		return "", fmt.Errorf("public value: no sources")
	}
	var b strings.Builder
	for i, src := range sources {
		src = norm.NFKC.String(src)
		if strings.IndexFunc(src, func(r rune) bool { return 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' }) >= 0 {
			b.WriteString(strings.Map(func(r rune) rune {
				switch {
				case 'a' <= r && r <= 'z':
					return r - 'a' + 'A'
				case 'A' <= r && r <= 'Z' || '0' <= r && r <= '9':
					return r
				}
				return -1
			}, src))
			b.WriteString("./")
			continue
		}
		fields := strings.FieldsFunc(src, func(r rune) bool { return r < '0' || r > '9' })
		if len(fields) == 0 {
			return "", fmt.Errorf("public value: source %d (%q) has no numbers", i+1, src)
		}
		nums := make([]*big.Int, len(fields))
		for j, f := range fields {
			if len(f) > 40 {
				return "", fmt.Errorf("public value: source %d: number %q longer than 40 digits", i+1, f)
			}
			nums[j], _ = new(big.Int).SetString(f, 10)
		}
		slices.SortFunc(nums, func(x, y *big.Int) int { return x.Cmp(y) })
		for _, n := range nums {
			b.WriteString(n.String())
			b.WriteByte('.')
		}
		b.WriteByte('/')
	}
	return b.String(), nil
}

// ParsePublicValue reads a public value typed as lines, one source a line
// (blank lines ignored), and returns it with its key string.
func ParsePublicValue(text string) (PublicValue, error) {
	var srcs []string
	for _, l := range strings.Split(strings.ReplaceAll(text, "\r", "\n"), "\n") {
		if l = CanonicalText(l); l != "" {
			srcs = append(srcs, l)
		}
	}
	k, err := KeyString(srcs)
	if err != nil {
		return PublicValue{}, err
	}
	if len(k) > 4096 {
		return PublicValue{}, fmt.Errorf("public value: longer than 4096 characters")
	}
	return PublicValue{Sources: srcs, KeyString: k}, nil
}

// RFC3797Select is the selection of RFC 3797 §5, kept as a compatibility
// check of KeyString: for i = 0, 1, …, MD5 of the 2-byte big-endian i, the
// key string and i again, read as a 128-bit big-endian number, modulo the
// number of members left, picks the (remainder+1)-th member left, which
// leaves the list. Members are numbered 1..pool; count ≤ pool ≤ 65535.
func RFC3797Select(keyString string, pool, count int) ([]int, error) {
	if pool < 1 || pool > 65535 || count < 0 || count > pool {
		return nil, fmt.Errorf("rfc3797: pool %d, count %d", pool, count)
	}
	left := make([]int, pool)
	for i := range left {
		left[i] = i + 1
	}
	out := make([]int, 0, count)
	for i := 0; i < count; i++ {
		c := []byte{byte(i >> 8), byte(i)}
		msg := slices.Concat(c, []byte(keyString), c)
		sum := md5.Sum(msg)
		m := new(big.Int).Mod(new(big.Int).SetBytes(sum[:]), big.NewInt(int64(len(left)))).Int64()
		out = append(out, left[m])
		left = slices.Delete(left, int(m), int(m)+1)
	}
	return out, nil
}

// Entropy is what the seed is derived from besides the announcement.
type Entropy struct {
	Reveals []Reveal     `json:"reveals"`
	Public  *PublicValue `json:"public_value,omitempty"`
}

// EntropyText returns the canonical entropy text: the announcement hash,
// each party's revealed secret in party order, then the public value's key
// string when the announcement names one.
func EntropyText(announcementHash string, reveals []Reveal, public string) string {
	rs := slices.Clone(reveals)
	slices.SortFunc(rs, func(a, b Reveal) int { return strings.Compare(a.Party, b.Party) })
	w := newWriter("entropy", true)
	w.line("announcement", announcementHash)
	for _, r := range rs {
		w.line("reveal", r.Party, r.Secret)
	}
	if public != "" {
		w.line("public", public)
	}
	return w.text()
}

// Seed derives the draw's seed: HKDF-Extract with SHA-256, salt the ASCII
// bytes of Version, input keying material the entropy text. That is
// HMAC-SHA-256(key "yiyeyicha-draw-v1", entropy text).
func Seed(entropyText string) []byte {
	m := hmac.New(sha256.New, []byte(Version))
	m.Write([]byte(entropyText))
	return m.Sum(nil)
}

// CheckEntropy checks the reveals against the announcement's parties and
// their commitments, and the public value against the announcement, and
// returns the entropy text. Each error names the party or value concerned.
func CheckEntropy(a *Announcement, announcementHash string, commits []Commit, e Entropy) (string, []Difference) {
	var diffs []Difference
	commitOf := map[string]string{}
	for _, c := range commits {
		commitOf[c.Party] = c.Commitment
	}
	revealed := map[string]bool{}
	for _, r := range e.Reveals {
		if revealed[r.Party] {
			diffs = append(diffs, Difference{What: "reveal", Ref: r.Party, Detail: "revealed twice"})
			continue
		}
		revealed[r.Party] = true
		if !slices.Contains(a.Parties, r.Party) {
			diffs = append(diffs, Difference{What: "reveal", Ref: r.Party, Detail: "not a party of the announcement"})
			continue
		}
		sec, err := ParseSecret(r.Secret)
		if err != nil {
			diffs = append(diffs, Difference{What: "reveal", Ref: r.Party, Detail: err.Error()})
			continue
		}
		c, ok := commitOf[r.Party]
		if !ok {
			diffs = append(diffs, Difference{What: "commitment", Ref: r.Party, Detail: "no commitment"})
			continue
		}
		if got := Commitment(announcementHash, r.Party, sec); got != c {
			diffs = append(diffs, Difference{What: "commitment", Ref: r.Party, Detail: "the revealed secret does not match the commitment", Want: c, Got: got})
		}
	}
	for _, p := range a.Parties {
		if !revealed[p] {
			diffs = append(diffs, Difference{What: "reveal", Ref: p, Detail: "missing"})
		}
	}
	public := ""
	switch {
	case a.PublicValue == "" && e.Public != nil:
		diffs = append(diffs, Difference{What: "public_value", Detail: "given but the announcement names none"})
	case a.PublicValue != "" && e.Public == nil:
		diffs = append(diffs, Difference{What: "public_value", Detail: "missing"})
	case e.Public != nil:
		if len(e.Public.Sources) == 0 {
			diffs = append(diffs, Difference{What: "public_value", Detail: "no sources"})
		}
		for i, src := range e.Public.Sources {
			if src == "" || CanonicalText(src) != src {
				diffs = append(diffs, Difference{What: "canonical", Ref: "public_value source " + strconv.Itoa(i+1),
					Detail: "not canonical text (§3, §8): a source is stored as entered after canonicalisation, never empty", Got: strconv.Quote(src)})
			}
		}
		k, err := KeyString(e.Public.Sources)
		switch {
		case err != nil:
			diffs = append(diffs, Difference{What: "public_value", Detail: err.Error()})
		case k != e.Public.KeyString:
			diffs = append(diffs, Difference{What: "public_value", Detail: "key string", Want: k, Got: e.Public.KeyString})
		}
		public = k
	}
	return EntropyText(announcementHash, e.Reveals, public), diffs
}

// Difference is one thing that does not match: what (seed, selection,
// team …), which (a business code, a party, an inspector), and both values.
type Difference struct {
	What   string `json:"what"`
	Ref    string `json:"ref,omitempty"`
	Detail string `json:"detail,omitempty"`
	Want   string `json:"want,omitempty"` // recomputed
	Got    string `json:"got,omitempty"`  // in the bundle
}

func (d Difference) String() string {
	var b strings.Builder
	b.WriteString(d.What)
	if d.Ref != "" {
		b.WriteString(" " + d.Ref)
	}
	if d.Detail != "" {
		b.WriteString(": " + d.Detail)
	}
	if d.Want != "" || d.Got != "" {
		b.WriteString(" (recomputed " + strconv.Quote(d.Want) + ", bundle " + strconv.Quote(d.Got) + ")")
	}
	return b.String()
}
