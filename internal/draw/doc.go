// Package draw is the publicly verifiable double-random draw (双随机抽取):
// canonical snapshots of the object pool and the inspector roster, the draw
// announcement, the entropy (multi-party commit–reveal and a public future
// value in RFC 3797 canonical form), the seed, per-business keys, stratified
// selection with exact rational quotas, joint inspection teams under the
// rules, and the bundle that lets anyone recompute all of it (Verify).
//
// The package is pure: no database, no clock, no global state. Every byte
// that is hashed is specified in docs/draw-spec.md, whose test vectors the
// tests of this package read back from the document.
package draw

// Version names the algorithm. It is the first line of every canonical text
// and the prefix of every label, so that a future version can never produce
// the same bytes.
const Version = "yiyeyicha-draw-v1"
