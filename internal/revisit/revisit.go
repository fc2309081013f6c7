// Package revisit draws the discipline office's random sample of completed
// visits for revisits (回访) with the draw engine's primitives, so that the
// sample is as checkable as a draw of businesses: the pool of completed
// visits is frozen and hashed in an announcement published before any
// entropy exists; the discipline office commits to a secret with it; after
// a named public future value exists, the secret is revealed, the seed is
// derived from announcement, secret and public value (draw.EntropyText,
// draw.Seed), every visit gets a keyed hash (draw.Keyer) and the sample is
// the Count smallest keys. Anyone with the announcement, the pool, the
// secret and the public value recomputes it with Draw.
package revisit

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/draw"
)

// Version names this sampling scheme in every hashed text.
const Version = "yiyeyicha-revisit-v1"

// Party is the committing party: the discipline office (纪检).
const Party = "discipline"

// Visit is one completed visit of the pool with its business's credit code.
type Visit struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
}

// ref is the visit's label in the key: "code.id".
func (v Visit) ref() string { return v.Code + "." + strconv.FormatInt(v.ID, 10) }

// PoolHash is SHA-256 (hex) of the pool's canonical text: one line
// "visit TAB id TAB code LF" per visit in ascending id, after a first line
// with Version. The order the pool is given in does not matter.
func PoolHash(pool []Visit) string {
	vs := slices.Clone(pool)
	slices.SortFunc(vs, func(a, b Visit) int { return cmp.Compare(a.ID, b.ID) })
	h := sha256.New()
	h.Write([]byte(Version + "/pool\n"))
	for _, v := range vs {
		fmt.Fprintf(h, "visit\t%d\t%s\n", v.ID, v.Code)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Announcement fixes a revisit sample before any entropy exists.
type Announcement struct {
	Year        int    `json:"year"`
	Count       int    `json:"count"`        // visits to revisit
	AnnouncedAt string `json:"announced_at"` // RFC 3339 UTC to the second
	PublicValue string `json:"public_value"` // the public future value that will be used, described
	PoolHash    string `json:"pool_hash"`
	PoolSize    int    `json:"pool_size"`
}

// Text is the announcement's canonical text: Version, then one
// "name TAB value" line per field in the order of the struct.
func (a Announcement) Text() string {
	var b strings.Builder
	b.WriteString(Version + "/announcement\n")
	fmt.Fprintf(&b, "year\t%d\ncount\t%d\nannounced\t%s\npublic\t%s\npool\t%s\t%d\n",
		a.Year, a.Count, a.AnnouncedAt, draw.CanonicalText(a.PublicValue), a.PoolHash, a.PoolSize)
	return b.String()
}

// Hash is SHA-256 (hex) of Text.
func (a Announcement) Hash() string {
	s := sha256.Sum256([]byte(a.Text()))
	return hex.EncodeToString(s[:])
}

// Commitment is the discipline office's commitment to its secret for a.
func Commitment(a Announcement, secret []byte) string {
	return draw.Commitment(a.Hash(), Party, secret)
}

// Pick is a visit of the sample with its key.
type Pick struct {
	Visit
	Key string `json:"key"` // hex
}

// Sample is a drawn sample and the seed it came from.
type Sample struct {
	Seed  string `json:"seed"` // hex
	Picks []Pick `json:"picks"`
}

// Draw recomputes the sample: it checks the pool against the announcement
// and the secret against the commitment, derives the seed from the
// announcement hash, the revealed secret and the public value's RFC 3797
// key string, and returns the Count visits with the smallest keys (ties by
// id), in key order.
func Draw(a Announcement, pool []Visit, commitment, secretHex string, public draw.PublicValue) (*Sample, error) {
	if got := PoolHash(pool); got != a.PoolHash || len(pool) != a.PoolSize {
		return nil, fmt.Errorf("revisit: the pool (%d visits, %s) is not the announced one (%d, %s)", len(pool), got, a.PoolSize, a.PoolHash)
	}
	if a.Count < 1 {
		return nil, fmt.Errorf("revisit: count %d", a.Count)
	}
	secret, err := draw.ParseSecret(secretHex)
	if err != nil {
		return nil, err
	}
	if Commitment(a, secret) != commitment {
		return nil, fmt.Errorf("revisit: the secret does not match the commitment")
	}
	if a.PublicValue != "" && public.KeyString == "" {
		return nil, fmt.Errorf("revisit: the announcement names a public value; none given")
	}
	seed := draw.Seed(draw.EntropyText(a.Hash(), []draw.Reveal{{Party: Party, Secret: secretHex}}, public.KeyString))
	k := draw.NewKeyer(seed)
	type keyed struct {
		v   Visit
		key [32]byte
	}
	ks := make([]keyed, len(pool))
	for i, v := range pool {
		ks[i].v = v
		k.Entity("revisit", v.ref(), &ks[i].key)
	}
	slices.SortFunc(ks, func(x, y keyed) int {
		if c := bytes.Compare(x.key[:], y.key[:]); c != 0 {
			return c
		}
		return cmp.Compare(x.v.ID, y.v.ID)
	})
	s := &Sample{Seed: hex.EncodeToString(seed)}
	for _, kv := range ks[:min(a.Count, len(ks))] {
		s.Picks = append(s.Picks, Pick{Visit: kv.v, Key: hex.EncodeToString(kv.key[:])})
	}
	return s, nil
}
