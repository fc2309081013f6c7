package draw

import (
	"bytes"
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

// Selector draws the businesses of each stratum: the Quota businesses with
// the smallest keys. Businesses are added one at a time in any order; only
// the current candidates are held, so a province-scale pool streams through
// in bounded memory.
type Selector struct {
	keyer  *Keyer
	strata map[string]*stratumHeap
	order  []string
	last   *stratumHeap // the stratum of the previous Add: pools come in runs
}

// slot is a heap entry: the first 8 bytes of the key, big-endian, where
// nearly every comparison stops, and the index of the pick.
type slot struct {
	hi uint64
	i  int32
}

// stratumHeap is a max-heap of the best candidates so far: the root is the
// candidate the next better business replaces.
type stratumHeap struct {
	res   StratumResult
	seen  int
	heap  []slot
	picks []Pick
}

// above reports whether a orders after b.
func (h *stratumHeap) above(a, b slot) bool {
	if a.hi != b.hi {
		return a.hi > b.hi
	}
	return comparePicks(&h.picks[a.i], &h.picks[b.i]) > 0
}

func (h *stratumHeap) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !h.above(h.heap[i], h.heap[parent]) {
			return
		}
		h.heap[i], h.heap[parent] = h.heap[parent], h.heap[i]
		i = parent
	}
}

func (h *stratumHeap) down(i int) {
	n := len(h.heap)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		c := l
		if r := l + 1; r < n && h.above(h.heap[r], h.heap[l]) {
			c = r
		}
		if !h.above(h.heap[c], h.heap[i]) {
			return
		}
		h.heap[i], h.heap[c] = h.heap[c], h.heap[i]
		i = c
	}
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
		s.strata[st.Name] = &stratumHeap{res: StratumResult{Name: st.Name, Pool: st.Pool, Quota: q}, heap: make([]slot, 0, q), picks: make([]Pick, 0, q)}
		s.order = append(s.order, st.Name)
	}
	return s, nil
}

// Add offers one business to its stratum.
func (s *Selector) Add(b *Business) error {
	h := s.last
	if h == nil || h.res.Name != b.Stratum {
		if h = s.strata[b.Stratum]; h == nil {
			return fmt.Errorf("business %s: stratum %q is not announced", b.Code, b.Stratum)
		}
		s.last = h
	}
	h.seen++
	if h.res.Quota == 0 {
		return nil
	}
	var key [32]byte
	s.keyer.Entity(b.Stratum, b.Code, &key)
	hi := binary.BigEndian.Uint64(key[:8])
	if len(h.heap) < h.res.Quota {
		h.picks = append(h.picks, Pick{Business: *b, Key: key})
		h.heap = append(h.heap, slot{hi: hi, i: int32(len(h.picks) - 1)})
		h.up(len(h.heap) - 1)
		return nil
	}
	top := &h.heap[0]
	if hi > top.hi || hi == top.hi && comparePicks(&Pick{Business: *b, Key: key}, &h.picks[top.i]) > 0 {
		return nil
	}
	top.hi = hi
	h.picks[top.i] = Pick{Business: *b, Key: key}
	h.down(0)
	return nil
}

// Result returns the quotas and the picks of every stratum, in visit order:
// all picks by key, then code. It fails if a stratum received a number of
// businesses other than announced.
func (s *Selector) Result() ([]StratumResult, []Pick, error) {
	var res []StratumResult
	var all []*Pick
	for _, name := range s.order {
		h := s.strata[name]
		if h.seen != h.res.Pool {
			return nil, nil, fmt.Errorf("stratum %s: %d businesses, announced %d", name, h.seen, h.res.Pool)
		}
		res = append(res, h.res)
		for i := range h.picks {
			all = append(all, &h.picks[i])
		}
	}
	slices.SortFunc(all, comparePicks)
	picks := make([]Pick, len(all))
	for i, p := range all {
		picks[i] = *p
	}
	return res, picks, nil
}

func keyHex(k [32]byte) string { return hex.EncodeToString(k[:]) }
