package draw

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Business is one entity of the frozen object pool (检查对象).
type Business struct {
	Code     string `json:"code"`     // 统一社会信用代码, canonical (CheckCode)
	Name     string `json:"name"`     // canonical text
	Stratum  string `json:"stratum"`  // e.g. the risk class "A".."D"
	Industry string `json:"industry"` // industry label, matched against experts' labels; may be ""
	// LastInspectors are the roster ids of the inspectors of the business's
	// last visit: none of them may inspect it again in this draw.
	LastInspectors []string `json:"last_inspectors,omitempty"`
}

// Exclusion is an entity in the task's scope that is not in the pool, with
// the documented reason (注销, cap reached, in another open task …), so that
// an auditor sees that nothing was dropped quietly.
type Exclusion struct {
	Code   string `json:"code"`
	Reason string `json:"reason"`           // reason code, e.g. "deregistered"
	Detail string `json:"detail,omitempty"` // canonical text, e.g. the other task
}

// Pool is the frozen object pool of a draw: the businesses drawn from and
// the exclusions from the task's scope.
type Pool struct {
	Businesses []Business  `json:"businesses"`
	Exclusions []Exclusion `json:"exclusions"`
}

func (b *Business) check() error {
	if err := CheckCode(b.Code); err != nil {
		return err
	}
	// The plain predicates first: the messages are built only for a value
	// that fails.
	if !isName(b.Stratum) {
		return checkName("stratum of "+b.Code, b.Stratum)
	}
	if !plainCanonical(b.Name) {
		if err := checkText("name of "+b.Code, b.Name); err != nil {
			return err
		}
	}
	if b.Industry != "" && (strings.Contains(b.Industry, ",") || !plainCanonical(b.Industry)) {
		if err := checkLabel("industry of "+b.Code, b.Industry); err != nil {
			return err
		}
	}
	for _, id := range b.LastInspectors {
		if err := checkName("last inspector of "+b.Code, id); err != nil {
			return err
		}
	}
	return nil
}

func (x *Exclusion) check() error {
	if err := CheckCode(x.Code); err != nil {
		return err
	}
	if err := checkName("exclusion reason of "+x.Code, x.Reason); err != nil {
		return err
	}
	return checkText("exclusion detail of "+x.Code, x.Detail)
}

// PoolHasher computes the snapshot hash of a pool whose businesses and then
// exclusions are added in ascending code order, without holding the pool in
// memory (a province-scale pool is streamed from the store).
type PoolHasher struct {
	w          *writer
	last       string
	exclusions bool
	n, x       int
	strata     map[string]int
}

// NewPoolHasher starts a pool snapshot. With keep, Text returns the
// canonical text as well (tests and the spec's vectors).
func NewPoolHasher(keep bool) *PoolHasher {
	return &PoolHasher{w: newWriter("pool", keep), strata: map[string]int{}}
}

// AddBusiness adds the next business; codes must be strictly ascending.
func (h *PoolHasher) AddBusiness(b *Business) error {
	if h.exclusions {
		return fmt.Errorf("pool: business %s after the exclusions", b.Code)
	}
	if err := b.check(); err != nil {
		return fmt.Errorf("pool: %w", err)
	}
	if b.Code <= h.last {
		return fmt.Errorf("pool: business %s not after %s (codes must be unique and ascending)", b.Code, h.last)
	}
	h.last = b.Code
	h.n++
	h.strata[b.Stratum]++
	h.w.line("b", b.Code, b.Stratum, b.Industry, joinList(b.LastInspectors), b.Name)
	return nil
}

// AddExclusion adds the next exclusion; codes must be strictly ascending.
func (h *PoolHasher) AddExclusion(x *Exclusion) error {
	if err := x.check(); err != nil {
		return fmt.Errorf("pool: %w", err)
	}
	if !h.exclusions {
		h.exclusions, h.last = true, ""
	}
	if x.Code <= h.last {
		return fmt.Errorf("pool: exclusion %s not after %s (codes must be unique and ascending)", x.Code, h.last)
	}
	h.last = x.Code
	h.x++
	h.w.line("x", x.Code, x.Reason, x.Detail)
	return nil
}

// Summary returns the snapshot: hash, counts and businesses per stratum.
func (h *PoolHasher) Summary() PoolSummary {
	return PoolSummary{Hash: h.w.sum(), Businesses: h.n, Excluded: h.x, Strata: h.strata}
}

// Text returns the canonical text when the hasher keeps it.
func (h *PoolHasher) Text() string { return h.w.text() }

// PoolSummary is what the announcement says of the pool.
type PoolSummary struct {
	Hash       string
	Businesses int
	Excluded   int
	Strata     map[string]int // businesses per stratum
}

// Sorted returns a copy of the pool in canonical order (by code); the
// order in which businesses are given never matters.
func (p *Pool) Sorted() Pool {
	q := Pool{Businesses: slices.Clone(p.Businesses), Exclusions: slices.Clone(p.Exclusions)}
	slices.SortFunc(q.Businesses, compareBusinesses)
	slices.SortFunc(q.Exclusions, compareExclusions)
	return q
}

func compareBusinesses(a, b Business) int { return cmp.Compare(a.Code, b.Code) }

func compareExclusions(a, b Exclusion) int { return cmp.Compare(a.Code, b.Code) }

// inOrder returns the pool in canonical order: p itself when it already is
// (a pool read back from its canonical text, or streamed from the store in
// code order), else a sorted copy. Either way the caller must not change it.
func (p *Pool) inOrder() *Pool {
	if slices.IsSortedFunc(p.Businesses, compareBusinesses) && slices.IsSortedFunc(p.Exclusions, compareExclusions) {
		return p
	}
	q := p.Sorted()
	return &q
}

// Summarize checks the pool and computes its snapshot: a code twice, in the
// pool or among the exclusions or in both, is an error.
func (p *Pool) Summarize() (PoolSummary, error) {
	s, _, err := p.canonical(false)
	return s, err
}

// canonical checks the pool and returns its snapshot and, with keep, its
// canonical text.
func (p *Pool) canonical(keep bool) (PoolSummary, string, error) {
	q := p.inOrder()
	h := NewPoolHasher(keep)
	for i := range q.Businesses {
		if err := h.AddBusiness(&q.Businesses[i]); err != nil {
			return PoolSummary{}, "", err
		}
	}
	for i := range q.Exclusions {
		if err := h.AddExclusion(&q.Exclusions[i]); err != nil {
			return PoolSummary{}, "", err
		}
	}
	in := make(map[string]bool, len(q.Exclusions))
	for _, x := range q.Exclusions {
		in[x.Code] = true
	}
	for _, b := range q.Businesses {
		if in[b.Code] {
			return PoolSummary{}, "", fmt.Errorf("pool: %s is both in the pool and excluded", b.Code)
		}
	}
	return h.Summary(), h.Text(), nil
}

// Text returns the pool's snapshot and its canonical text (§4 of the
// spec), which is also the most compact way to store a frozen pool.
func (p *Pool) Text() (PoolSummary, string, error) { return p.canonical(true) }

// ParsePoolText reads a pool back from its canonical text, in canonical
// order. It checks the line structure only; Summarize checks the values.
func ParsePoolText(text string) (*Pool, error) {
	head := Version + "/pool\n"
	if !strings.HasPrefix(text, head) {
		return nil, fmt.Errorf("pool text: does not start with %q", strings.TrimSpace(head))
	}
	rest := text[len(head):]
	p := &Pool{Businesses: make([]Business, 0, strings.Count(rest, "\nb\t")+1), Exclusions: []Exclusion{}}
	var f [7]string // one more than a line may have, to catch an extra field
	for n := 2; rest != ""; n++ {
		line, after, ok := strings.Cut(rest, "\n")
		if !ok {
			return nil, fmt.Errorf("pool text: line %d does not end with LF", n)
		}
		rest = after
		k := splitTabs(line, f[:])
		switch {
		case f[0] == "b" && k == 6:
			b := Business{Code: f[1], Stratum: f[2], Industry: f[3], Name: f[5]}
			if f[4] != "" {
				b.LastInspectors = strings.Split(f[4], ",")
			}
			p.Businesses = append(p.Businesses, b)
		case f[0] == "x" && k == 4:
			p.Exclusions = append(p.Exclusions, Exclusion{Code: f[1], Reason: f[2], Detail: f[3]})
		default:
			return nil, fmt.Errorf("pool text: line %d is not a business or exclusion line", n)
		}
	}
	return p, nil
}

// splitTabs splits line at its TABs into f and returns the number of
// fields, or len(f)+1 when there are more than f holds.
func splitTabs(line string, f []string) int {
	for k := range f {
		field, after, more := strings.Cut(line, "\t")
		f[k] = field
		if !more {
			return k + 1
		}
		line = after
	}
	return len(f) + 1
}
