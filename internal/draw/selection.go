package draw

import (
	"bytes"
	"container/heap"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// StratumResult is the quota of one stratum.
type StratumResult struct {
	Name  string `json:"name"`
	Pool  int    `json:"pool"`
	Quota int    `json:"quota"`
}

// Pick is a drawn business with its key.
type Pick struct {
	Business
	Key [32]byte
}

// comparePicks orders picks by key bytewise, then by code (the tie rule).
func comparePicks(p, q *Pick) int {
	if c := bytes.Compare(p.Key[:], q.Key[:]); c != 0 {
		return c
	}
	return strings.Compare(p.Code, q.Code)
}

func (p *Pick) less(q *Pick) bool { return comparePicks(p, q) < 0 }

// Selector draws the businesses of each stratum: the Quota businesses with
// the smallest keys. Businesses are added one at a time in any order; only
// the current candidates are held, so a province-scale pool streams through
// in bounded memory.
type Selector struct {
	keyer  *Keyer
	strata map[string]*stratumHeap
	order  []string
}

type cand struct {
	hi uint64 // the key's first 8 bytes, big-endian: most comparisons stop here
	p  Pick
}

// stratumHeap is a max-heap of the best candidates so far.
type stratumHeap struct {
	res   StratumResult
	seen  int
	items []*cand
}

func (h *stratumHeap) Len() int { return len(h.items) }
func (h *stratumHeap) Less(i, j int) bool {
	a, b := h.items[i], h.items[j]
	if a.hi != b.hi {
		return a.hi > b.hi
	}
	return b.p.less(&a.p)
}
func (h *stratumHeap) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *stratumHeap) Push(x any)    { h.items = append(h.items, x.(*cand)) }
func (h *stratumHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}

// NewSelector returns a Selector for the strata of a checked announcement:
// quotas come from the announced stratum sizes and ratios.
func NewSelector(seed []byte, a *Announcement) (*Selector, error) {
	s := &Selector{keyer: NewKeyer(seed), strata: map[string]*stratumHeap{}}
	for _, st := range a.Strata {
		q, err := Quota(st.Pool, st.Ratio, a.Rounding, st.Minimum)
		if err != nil {
			return nil, fmt.Errorf("stratum %s: %w", st.Name, err)
		}
		s.strata[st.Name] = &stratumHeap{res: StratumResult{Name: st.Name, Pool: st.Pool, Quota: q}, items: make([]*cand, 0, q)}
		s.order = append(s.order, st.Name)
	}
	return s, nil
}

// Add offers one business to its stratum.
func (s *Selector) Add(b *Business) error {
	h := s.strata[b.Stratum]
	if h == nil {
		return fmt.Errorf("business %s: stratum %q is not announced", b.Code, b.Stratum)
	}
	h.seen++
	if h.res.Quota == 0 {
		return nil
	}
	var key [32]byte
	s.keyer.Entity(b.Stratum, b.Code, &key)
	hi := binary.BigEndian.Uint64(key[:8])
	if len(h.items) == h.res.Quota {
		top := h.items[0]
		if hi > top.hi || hi == top.hi && !(&Pick{Business: *b, Key: key}).less(&top.p) {
			return nil
		}
		top.hi, top.p = hi, Pick{Business: *b, Key: key}
		heap.Fix(h, 0)
		return nil
	}
	heap.Push(h, &cand{hi: hi, p: Pick{Business: *b, Key: key}})
	return nil
}

// Result returns the quotas and the picks of every stratum, in visit order:
// all picks by key, then code. It fails if a stratum received a number of
// businesses other than announced.
func (s *Selector) Result() ([]StratumResult, []Pick, error) {
	var res []StratumResult
	var picks []Pick
	for _, name := range s.order {
		h := s.strata[name]
		if h.seen != h.res.Pool {
			return nil, nil, fmt.Errorf("stratum %s: %d businesses, announced %d", name, h.seen, h.res.Pool)
		}
		res = append(res, h.res)
		for _, c := range h.items {
			picks = append(picks, c.p)
		}
	}
	sortPicks(picks)
	return res, picks, nil
}

func sortPicks(p []Pick) {
	slices.SortFunc(p, func(a, b Pick) int { return comparePicks(&a, &b) })
}

func keyHex(k [32]byte) string { return hex.EncodeToString(k[:]) }

func parseKey(s string) ([32]byte, error) {
	var k [32]byte
	if err := checkHash("key", s); err != nil {
		return k, err
	}
	hex.Decode(k[:], []byte(s))
	return k, nil
}
