package draw

import (
	"crypto/hmac"
	"crypto/sha256"
	"hash"
)

// Keyer computes the keys of a draw: HKDF-Expand (SHA-256) with the seed as
// pseudorandom key, the label as info and 32 bytes of output, which is
// HMAC-SHA-256(seed, label ‖ 0x01). One Keyer is not safe for concurrent use.
type Keyer struct {
	mac hash.Hash
	buf []byte
}

// NewKeyer returns a Keyer for a seed.
func NewKeyer(seed []byte) *Keyer {
	return &Keyer{mac: hmac.New(sha256.New, seed), buf: make([]byte, 0, 128)}
}

func (k *Keyer) sum(out *[32]byte, parts ...string) {
	k.buf = k.buf[:0]
	k.buf = append(k.buf, Version...)
	for i, p := range parts {
		if i == 0 {
			k.buf = append(k.buf, '/')
		} else {
			k.buf = append(k.buf, '\t')
		}
		k.buf = append(k.buf, p...)
	}
	k.buf = append(k.buf, 1)
	k.mac.Reset()
	k.mac.Write(k.buf)
	k.mac.Sum(out[:0])
}

// Entity sets out to the key of a business: label
// "yiyeyicha-draw-v1/entity" TAB stratum TAB code.
func (k *Keyer) Entity(stratum, code string, out *[32]byte) {
	k.sum(out, "entity", stratum, code)
}

// Inspector sets out to the key of an inspector for the visit of one
// business: label "yiyeyicha-draw-v1/inspector" TAB code TAB inspector id.
func (k *Keyer) Inspector(code, id string, out *[32]byte) {
	k.sum(out, "inspector", code, id)
}
