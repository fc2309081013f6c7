package draw

import (
	"cmp"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"
)

// Rounding is how a stratum's quota ratio × N is made a whole number.
type Rounding string

// The rounding rules. Ceil is the default of the policy (向上取整).
const (
	RoundCeil   Rounding = "ceil"
	RoundFloor  Rounding = "floor"
	RoundHalfUp Rounding = "half_up"
)

// Stratum is one stratum of the draw (a risk class) with its ratio, an
// exact rational "p/q" in lowest terms (CanonicalRatio), and the minimum
// number drawn from it when it is not empty.
type Stratum struct {
	Name    string `json:"name"`
	Ratio   string `json:"ratio"`
	Minimum int    `json:"minimum"`
	Pool    int    `json:"pool"` // businesses of the stratum in the pool
}

// DepartmentSlot is how many certified officers a joint department
// contributes to every visit.
type DepartmentSlot struct {
	Department string `json:"department"`
	Count      int    `json:"count"`
}

// TeamRules are the rules of team selection.
type TeamRules struct {
	Departments []DepartmentSlot `json:"departments"`
	// Lead is the department whose officers top a team up to Officers.
	Lead string `json:"lead"`
	// Officers is the minimum number of certified officers per visit (≥ 2).
	Officers int `json:"officers"`
	// Cap is the most visits one inspector gets in this draw; 0 is no cap.
	Cap int `json:"cap"`
	// Expert asks for one expert (业务专家) per visit whose labels include
	// the business's industry.
	Expert bool `json:"expert"`
}

// Announcement is published before any entropy exists: it fixes the pool,
// the roster, the strata, the rules and the entropy plan.
type Announcement struct {
	Draw        string    `json:"draw"`         // draw id, unique
	Task        string    `json:"task"`         // task reference
	Batch       string    `json:"batch"`        // batch reference
	Title       string    `json:"title"`        // canonical text
	AnnouncedAt string    `json:"announced_at"` // RFC 3339 UTC, seconds: 2026-03-02T09:00:00Z
	WindowStart string    `json:"window_start"` // first day of the inspection window
	WindowEnd   string    `json:"window_end"`   // last day; certificates must be valid through it
	PoolHash    string    `json:"pool_hash"`
	PoolSize    int       `json:"pool_size"`
	PoolExcl    int       `json:"pool_excluded"`
	RosterHash  string    `json:"roster_hash"`
	RosterSize  int       `json:"roster_size"`
	RosterExcl  int       `json:"roster_excluded"`
	Strata      []Stratum `json:"strata"`
	Rounding    Rounding  `json:"rounding"`
	Team        TeamRules `json:"team"`
	// Parties are the departments whose liaisons commit and reveal a secret.
	Parties []string `json:"parties"`
	// PublicValue describes the public future value that will be used (e.g.
	// a named future lottery draw), or "" for none.
	PublicValue string `json:"public_value"`
	// Supersedes is the id of the aborted draw this one redraws, or "".
	Supersedes string `json:"supersedes"`
}

// ParseRatio reads a ratio as a fraction "1/20", a decimal "0.05" or a
// percentage "5%" and returns it exactly, between 0 and 1 inclusive.
func ParseRatio(s string) (*big.Rat, error) {
	t := strings.TrimSpace(s)
	pct := strings.HasSuffix(t, "%")
	t = strings.TrimSuffix(t, "%")
	if t == "" || strings.ContainsAny(t, "eE+-") {
		return nil, fmt.Errorf("ratio %q: not a fraction, decimal or percentage", s)
	}
	r, ok := new(big.Rat).SetString(t)
	if !ok {
		return nil, fmt.Errorf("ratio %q: not a fraction, decimal or percentage", s)
	}
	if pct {
		r.Quo(r, big.NewRat(100, 1))
	}
	if r.Sign() < 0 || r.Cmp(big.NewRat(1, 1)) > 0 {
		return nil, fmt.Errorf("ratio %q: must be between 0 and 1", s)
	}
	return r, nil
}

// CanonicalRatio returns the canonical form of a ratio: "p/q" in lowest
// terms, q ≥ 1 ("1/20", "0/1", "1/1").
func CanonicalRatio(s string) (string, error) {
	r, err := ParseRatio(s)
	if err != nil {
		return "", err
	}
	return r.Num().String() + "/" + r.Denom().String(), nil
}

// Quota returns how many of n businesses a stratum draws: ratio × n rounded
// by the rule, raised to the minimum when n > 0, never more than n.
func Quota(n int, ratio string, rounding Rounding, minimum int) (int, error) {
	r, err := ParseRatio(ratio)
	if err != nil {
		return 0, err
	}
	num := new(big.Int).Mul(big.NewInt(int64(n)), r.Num())
	den := r.Denom()
	q := new(big.Int)
	switch rounding {
	case RoundCeil:
		q.Add(num, den).Sub(q, big.NewInt(1)).Quo(q, den)
	case RoundFloor:
		q.Quo(num, den)
	case RoundHalfUp:
		// floor(n·p/q + 1/2) = floor((2·n·p + q) / 2q)
		q.Mul(num, big.NewInt(2)).Add(q, den).Quo(q, new(big.Int).Mul(den, big.NewInt(2)))
	default:
		return 0, fmt.Errorf("rounding %q: not ceil, floor or half_up", rounding)
	}
	k := int(q.Int64())
	if n > 0 && k < minimum {
		k = minimum
	}
	return min(k, n), nil
}

// Check reports whether the announcement is complete and canonical.
func (a *Announcement) Check() error {
	if err := checkName("draw id", a.Draw); err != nil {
		return err
	}
	for _, f := range []struct{ what, v string }{{"task", a.Task}, {"batch", a.Batch}, {"title", a.Title}, {"public value", a.PublicValue}} {
		if err := checkText(f.what, f.v); err != nil {
			return err
		}
	}
	if t, err := time.Parse(time.RFC3339, a.AnnouncedAt); err != nil || t.UTC().Format(time.RFC3339) != a.AnnouncedAt {
		return fmt.Errorf("announced_at %q: not RFC 3339 UTC to the second (2026-03-02T09:00:00Z)", a.AnnouncedAt)
	}
	if err := checkDate("window start", a.WindowStart, false); err != nil {
		return err
	}
	if err := checkDate("window end", a.WindowEnd, false); err != nil {
		return err
	}
	if a.WindowEnd < a.WindowStart {
		return fmt.Errorf("window %s – %s ends before it starts", a.WindowStart, a.WindowEnd)
	}
	if err := checkHash("pool hash", a.PoolHash); err != nil {
		return err
	}
	if err := checkHash("roster hash", a.RosterHash); err != nil {
		return err
	}
	if len(a.Strata) == 0 {
		return fmt.Errorf("no strata")
	}
	total := 0
	for i, s := range a.Strata {
		if err := checkName("stratum", s.Name); err != nil {
			return err
		}
		if i > 0 && s.Name <= a.Strata[i-1].Name {
			return fmt.Errorf("strata: %s not after %s (sorted, unique)", s.Name, a.Strata[i-1].Name)
		}
		c, err := CanonicalRatio(s.Ratio)
		if err != nil {
			return fmt.Errorf("stratum %s: %w", s.Name, err)
		}
		if c != s.Ratio {
			return fmt.Errorf("stratum %s: ratio %q not canonical (%s)", s.Name, s.Ratio, c)
		}
		if s.Minimum < 0 || s.Pool < 0 {
			return fmt.Errorf("stratum %s: negative minimum or pool", s.Name)
		}
		total += s.Pool
	}
	if total != a.PoolSize {
		return fmt.Errorf("strata hold %d businesses, the pool %d", total, a.PoolSize)
	}
	if _, err := Quota(0, "0", a.Rounding, 0); err != nil {
		return err
	}
	t := a.Team
	if len(t.Departments) == 0 {
		return fmt.Errorf("team: no departments")
	}
	lead := false
	for i, d := range t.Departments {
		if err := checkName("team department", d.Department); err != nil {
			return err
		}
		if i > 0 && d.Department <= t.Departments[i-1].Department {
			return fmt.Errorf("team: department %s not after %s (sorted, unique)", d.Department, t.Departments[i-1].Department)
		}
		if d.Count < 1 {
			return fmt.Errorf("team: department %s contributes %d (at least 1)", d.Department, d.Count)
		}
		lead = lead || d.Department == t.Lead
	}
	if !lead {
		return fmt.Errorf("team: lead department %q is not a team department", t.Lead)
	}
	if t.Officers < 2 {
		return fmt.Errorf("team: %d officers per visit (at least 2)", t.Officers)
	}
	if t.Cap < 0 {
		return fmt.Errorf("team: negative cap")
	}
	if len(a.Parties) == 0 && a.PublicValue == "" {
		return fmt.Errorf("no entropy: neither parties nor a public value")
	}
	for i, p := range a.Parties {
		if err := checkName("party", p); err != nil {
			return err
		}
		if i > 0 && p <= a.Parties[i-1] {
			return fmt.Errorf("parties: %s not after %s (sorted, unique)", p, a.Parties[i-1])
		}
	}
	if a.Supersedes != "" {
		return checkName("superseded draw id", a.Supersedes)
	}
	return nil
}

// Normalize puts the lists of the announcement in canonical order and the
// ratios in canonical form, so that callers may give them in any order.
func (a *Announcement) Normalize() error {
	slices.SortFunc(a.Strata, func(x, y Stratum) int { return cmp.Compare(x.Name, y.Name) })
	for i := range a.Strata {
		c, err := CanonicalRatio(a.Strata[i].Ratio)
		if err != nil {
			return fmt.Errorf("stratum %s: %w", a.Strata[i].Name, err)
		}
		a.Strata[i].Ratio = c
	}
	slices.SortFunc(a.Team.Departments, func(x, y DepartmentSlot) int { return cmp.Compare(x.Department, y.Department) })
	slices.Sort(a.Parties)
	a.Parties = slices.Compact(a.Parties)
	return nil
}

// Canonical returns the canonical text of the announcement; its SHA-256 is
// the announcement hash.
func (a *Announcement) Canonical() (text, hash string, err error) {
	if err := a.Check(); err != nil {
		return "", "", fmt.Errorf("announcement: %w", err)
	}
	w := newWriter("announcement", true)
	w.line("draw", a.Draw)
	w.line("task", a.Task)
	w.line("batch", a.Batch)
	w.line("title", a.Title)
	w.line("announced", a.AnnouncedAt)
	w.line("window", a.WindowStart, a.WindowEnd)
	w.line("pool", a.PoolHash, itoa(a.PoolSize), itoa(a.PoolExcl))
	w.line("roster", a.RosterHash, itoa(a.RosterSize), itoa(a.RosterExcl))
	for _, s := range a.Strata {
		w.line("stratum", s.Name, s.Ratio, itoa(s.Minimum), itoa(s.Pool))
	}
	w.line("rounding", string(a.Rounding))
	for _, d := range a.Team.Departments {
		w.line("department", d.Department, itoa(d.Count))
	}
	w.line("lead", a.Team.Lead)
	w.line("officers", itoa(a.Team.Officers))
	w.line("cap", itoa(a.Team.Cap))
	w.line("expert", bit(a.Team.Expert))
	for _, p := range a.Parties {
		w.line("party", p)
	}
	w.line("public", a.PublicValue)
	w.line("supersedes", a.Supersedes)
	return w.text(), w.sum(), nil
}
