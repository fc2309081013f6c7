package draw

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/translog"
)

// BundleFormat is the format name of a draw bundle.
const BundleFormat = "yiyeyicha-draw-bundle-v1"

// Result is the outcome of a draw.
type Result struct {
	Seed   string          `json:"seed"`
	Strata []StratumResult `json:"strata"`
	Visits []Visit         `json:"visits"`
}

// Unstaffed returns the visits that could not be staffed as the rules say.
func (r *Result) Unstaffed() []Visit {
	var out []Visit
	for _, v := range r.Visits {
		if !v.Staffed() {
			out = append(out, v)
		}
	}
	return out
}

// Bundle is everything needed to recompute a draw: what was announced,
// frozen, committed and revealed, and what was drawn.
type Bundle struct {
	Format           string       `json:"format"`
	Announcement     Announcement `json:"announcement"`
	AnnouncementHash string       `json:"announcement_hash"`
	Pool             Pool         `json:"pool"`
	Roster           Roster       `json:"roster"`
	Commitments      []Commit     `json:"commitments"`
	Entropy          Entropy      `json:"entropy"`
	Result           Result       `json:"result"`
	// Log proves, offline, that the announcement and the result are in the
	// transparency log (公示日志) and that the announcement came first; the
	// platform adds it when it serves the bundle (translog.VerifyDrawProofs).
	Log *translog.Proofs `json:"log,omitempty"`
}

// Input is what a draw is executed from. Conflict answers from the private
// declarations; nil means none.
type Input struct {
	Announcement Announcement
	Pool         Pool
	// PoolText, when not "", is the pool as frozen, in its canonical text
	// (§4), and Pool is ignored: Execute reads the pool from it, and the
	// snapshot hash is the text's own, so a pool of a million businesses is
	// not serialised and checked again (any other text cannot have the
	// announced hash).
	PoolText    string
	Roster      Roster
	Commitments []Commit
	Entropy     Entropy
	Conflict    ConflictFunc
}

// DifferenceError is the error of a draw whose inputs do not agree.
type DifferenceError struct{ Diffs []Difference }

func (e *DifferenceError) Error() string {
	s := make([]string, len(e.Diffs))
	for i, d := range e.Diffs {
		s[i] = d.String()
	}
	return "draw: " + strings.Join(s, "; ")
}

// Announce fills the announcement's snapshot fields from the pool and the
// roster (hashes, counts, businesses per stratum), normalises it and returns
// its hash. Strata named in the announcement with no business get a pool of 0;
// a business in a stratum not named is an error.
func Announce(a *Announcement, pool *Pool, roster *Roster) (string, error) {
	ps, err := pool.Summarize()
	if err != nil {
		return "", err
	}
	return AnnounceSnapshot(a, ps, roster)
}

// AnnounceSnapshot is Announce for a pool already snapshotted, e.g. by a
// PoolHasher as the pool streamed from the store: ps must come from a
// checked pool (PoolHasher or Summarize).
func AnnounceSnapshot(a *Announcement, ps PoolSummary, roster *Roster) (string, error) {
	rs, err := roster.Summarize()
	if err != nil {
		return "", err
	}
	if err := a.Normalize(); err != nil {
		return "", err
	}
	a.PoolHash, a.PoolSize, a.PoolExcl = ps.Hash, ps.Businesses, ps.Excluded
	a.RosterHash, a.RosterSize, a.RosterExcl = rs.Hash, rs.Inspectors, rs.Excluded
	for name := range ps.Strata {
		if !slices.ContainsFunc(a.Strata, func(s Stratum) bool { return s.Name == name }) {
			return "", fmt.Errorf("announcement: the pool has stratum %q, which has no ratio", name)
		}
	}
	for i := range a.Strata {
		a.Strata[i].Pool = ps.Strata[a.Strata[i].Name]
	}
	_, h, err := a.Canonical()
	return h, err
}

// Execute runs a draw: it checks the pool and roster against the
// announcement, the reveals against the commitments, derives the seed,
// selects and staffs, and returns the bundle.
func Execute(in Input) (*Bundle, error) {
	var snap *PoolSummary
	if in.PoolText != "" {
		p, err := ParsePoolText(in.PoolText)
		if err != nil {
			return nil, err
		}
		in.Pool = *p
		s := textSnapshot(in.PoolText, p)
		snap = &s
	}
	b := &Bundle{Format: BundleFormat, Announcement: in.Announcement, Pool: *in.Pool.inOrder(), Roster: in.Roster,
		Commitments: in.Commitments, Entropy: in.Entropy}
	slices.SortFunc(b.Roster.Inspectors, func(x, y Inspector) int { return strings.Compare(x.ID, y.ID) })
	slices.SortFunc(b.Roster.Exclusions, func(x, y RosterExclusion) int { return strings.Compare(x.ID, y.ID) })
	slices.SortFunc(b.Commitments, func(x, y Commit) int { return strings.Compare(x.Party, y.Party) })
	slices.SortFunc(b.Entropy.Reveals, func(x, y Reveal) int { return strings.Compare(x.Party, y.Party) })
	conflict := in.Conflict
	if conflict == nil {
		conflict = func(string, string) (string, bool) { return "", false }
	}
	res, hash, diffs, err := recompute(b, snap, conflict)
	if err != nil {
		return nil, err
	}
	if len(diffs) > 0 {
		return nil, &DifferenceError{Diffs: diffs}
	}
	b.AnnouncementHash, b.Result = hash, *res
	return b, nil
}

// textSnapshot is the snapshot of pool p read from its canonical text.
func textSnapshot(text string, p *Pool) PoolSummary {
	h := sha256.New()
	for i := 0; i < len(text); i += 1 << 16 {
		h.Write([]byte(text[i:min(i+1<<16, len(text))]))
	}
	s := PoolSummary{Hash: hex.EncodeToString(h.Sum(nil)), Businesses: len(p.Businesses), Excluded: len(p.Exclusions), Strata: map[string]int{}}
	for i := range p.Businesses {
		s.Strata[p.Businesses[i].Stratum]++
	}
	return s
}

// recompute derives the result of a bundle from its inputs. Differences of
// the inputs among themselves (pool vs announcement, reveal vs commitment)
// are returned; err is for input that cannot be used at all. snap is the
// pool's snapshot when the caller has it from the pool's text, or nil.
func recompute(b *Bundle, snap *PoolSummary, conflict ConflictFunc) (*Result, string, []Difference, error) {
	a := &b.Announcement
	_, hash, err := a.Canonical()
	if err != nil {
		return nil, "", nil, err
	}
	var diffs []Difference
	if snap == nil {
		ps, err := b.Pool.Summarize()
		if err != nil {
			return nil, "", nil, err
		}
		snap = &ps
	}
	ps := *snap
	rs, err := b.Roster.Summarize()
	if err != nil {
		return nil, "", nil, err
	}
	cmpField := func(what, want, got string) {
		if want != got {
			diffs = append(diffs, Difference{What: what, Detail: "announced value differs from the snapshot", Want: want, Got: got})
		}
	}
	cmpField("pool.hash", ps.Hash, a.PoolHash)
	cmpField("pool.size", itoa(ps.Businesses), itoa(a.PoolSize))
	cmpField("pool.excluded", itoa(ps.Excluded), itoa(a.PoolExcl))
	cmpField("roster.hash", rs.Hash, a.RosterHash)
	cmpField("roster.size", itoa(rs.Inspectors), itoa(a.RosterSize))
	cmpField("roster.excluded", itoa(rs.Excluded), itoa(a.RosterExcl))
	for _, s := range a.Strata {
		cmpField("stratum."+s.Name+".pool", itoa(ps.Strata[s.Name]), itoa(s.Pool))
	}
	for _, name := range slices.Sorted(maps.Keys(ps.Strata)) {
		if !slices.ContainsFunc(a.Strata, func(s Stratum) bool { return s.Name == name }) {
			diffs = append(diffs, Difference{What: "stratum", Ref: name, Detail: "in the pool but not announced"})
		}
	}
	text, ediffs := CheckEntropy(a, hash, b.Commitments, b.Entropy)
	diffs = append(diffs, ediffs...)
	if len(diffs) > 0 {
		return nil, hash, diffs, nil
	}
	seed := Seed(text)
	sel, err := NewSelector(seed, a)
	if err != nil {
		return nil, "", nil, err
	}
	for i := range b.Pool.Businesses {
		if err := sel.Add(&b.Pool.Businesses[i]); err != nil {
			return nil, "", nil, err
		}
	}
	strata, picks, err := sel.Result()
	if err != nil {
		return nil, "", nil, err
	}
	visits := Teams(seed, a, b.Roster.Inspectors, picks, conflict)
	return &Result{Seed: hex.EncodeToString(seed), Strata: strata, Visits: visits}, hash, nil, nil
}

// ReadBundle decodes a bundle, refusing unknown fields, a member given
// twice in one object, trailing data and other formats.
func ReadBundle(r io.Reader) (*Bundle, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	if err := checkMembers(data); err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var b Bundle
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("bundle: data after the bundle")
	}
	if b.Format != BundleFormat {
		return nil, fmt.Errorf("bundle: format %q, want %q", b.Format, BundleFormat)
	}
	return &b, nil
}

// Write encodes the bundle as indented JSON.
func (b *Bundle) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	return enc.Encode(b)
}

// ConflictSalt opens one conflict commitment: the discipline office's salt
// and the business it concerns.
type ConflictSalt struct {
	Inspector string `json:"inspector"`
	Code      string `json:"code"`
	Salt      string `json:"salt"` // hex
}

// Report is the outcome of Verify.
type Report struct {
	Draw        string
	Seed        string
	Businesses  int // pool size
	Visits      int
	Unstaffed   int
	Differences []Difference
}

// OK reports whether nothing differs.
func (r *Report) OK() bool { return len(r.Differences) == 0 }

// MaxDifferences bounds the differences a report lists one by one.
const MaxDifferences = 200

// Verify recomputes a bundle from its inputs and lists every difference.
// Without salts, the conflicts of interest that the bundle's skips cite are
// taken as declared, after checking that each cites a commitment of that
// inspector's frozen roster entry and no commitment is cited for two
// businesses. With the discipline office's salts, every conflict is opened
// and checked, cited or not.
func Verify(b *Bundle, salts []ConflictSalt) (*Report, error) {
	rep := &Report{Draw: b.Announcement.Draw, Seed: b.Result.Seed, Businesses: len(b.Pool.Businesses), Visits: len(b.Result.Visits)}
	add := func(d Difference) { rep.Differences = append(rep.Differences, d) }
	commitsOf := map[string][]string{}
	for _, in := range b.Roster.Inspectors {
		commitsOf[in.ID] = in.Conflicts
	}
	var conflict ConflictFunc
	if salts != nil {
		open := map[string]string{} // inspector \x00 code → commitment
		for _, s := range salts {
			salt, err := hex.DecodeString(s.Salt)
			if err != nil {
				return nil, fmt.Errorf("conflict salts: inspector %s: salt not hex", s.Inspector)
			}
			c := ConflictCommitment(salt, s.Code)
			if !slices.Contains(commitsOf[s.Inspector], c) {
				add(Difference{What: "conflict", Ref: s.Inspector + " " + s.Code, Detail: "the salt opens no commitment of this inspector in the roster", Want: c})
				continue
			}
			open[s.Inspector+"\x00"+s.Code] = c
		}
		conflict = func(in, code string) (string, bool) { c, ok := open[in+"\x00"+code]; return c, ok }
	} else {
		cited := map[string]string{} // inspector \x00 code → commitment
		citedFor := map[string]string{}
		for _, v := range b.Result.Visits {
			for _, s := range v.Skips {
				if s.Reason != SkipConflict {
					continue
				}
				ref := s.Inspector + " " + v.Code
				if !slices.Contains(commitsOf[s.Inspector], s.Commitment) {
					add(Difference{What: "conflict", Ref: ref, Detail: "cites a commitment that is not in the inspector's frozen roster entry", Got: s.Commitment})
					continue
				}
				k := s.Inspector + "\x00" + s.Commitment
				if other, ok := citedFor[k]; ok && other != v.Code {
					add(Difference{What: "conflict", Ref: ref, Detail: "the same commitment is cited for business " + other, Got: s.Commitment})
					continue
				}
				citedFor[k] = v.Code
				cited[s.Inspector+"\x00"+v.Code] = s.Commitment
			}
		}
		conflict = func(in, code string) (string, bool) { c, ok := cited[in+"\x00"+code]; return c, ok }
	}
	res, hash, diffs, err := recompute(b, nil, conflict)
	if err != nil {
		return nil, err
	}
	if hash != b.AnnouncementHash {
		add(Difference{What: "announcement_hash", Want: hash, Got: b.AnnouncementHash})
	}
	for _, d := range diffs {
		add(d)
	}
	if res == nil {
		return rep, nil
	}
	rep.Unstaffed = len(res.Unstaffed())
	compareResults(res, &b.Result, add)
	if len(rep.Differences) > MaxDifferences {
		n := len(rep.Differences) - MaxDifferences
		rep.Differences = append(rep.Differences[:MaxDifferences], Difference{What: "more", Detail: fmt.Sprintf("%d more differences", n)})
	}
	return rep, nil
}

// compareResults lists how got (the bundle) differs from want (recomputed).
func compareResults(want, got *Result, add func(Difference)) {
	if want.Seed != got.Seed {
		add(Difference{What: "seed", Want: want.Seed, Got: got.Seed})
	}
	if !slices.Equal(want.Strata, got.Strata) {
		for _, w := range want.Strata {
			i := slices.IndexFunc(got.Strata, func(g StratumResult) bool { return g.Name == w.Name })
			switch {
			case i < 0:
				add(Difference{What: "stratum", Ref: w.Name, Detail: "missing from the result"})
			case got.Strata[i] != w:
				add(Difference{What: "quota", Ref: w.Name, Want: fmt.Sprintf("%d of %d", w.Quota, w.Pool), Got: fmt.Sprintf("%d of %d", got.Strata[i].Quota, got.Strata[i].Pool)})
			}
		}
		if len(got.Strata) != len(want.Strata) {
			add(Difference{What: "strata", Detail: "number of strata", Want: itoa(len(want.Strata)), Got: itoa(len(got.Strata))})
		}
	}
	gotAt := map[string]int{}
	for i, v := range got.Visits {
		gotAt[v.Code] = i
	}
	wantAt := map[string]int{}
	for i, v := range want.Visits {
		wantAt[v.Code] = i
		j, ok := gotAt[v.Code]
		if !ok {
			add(Difference{What: "selection", Ref: v.Code, Detail: fmt.Sprintf("drawn (visit %d, key %s) but missing from the bundle", i+1, v.Key)})
			continue
		}
		g := &got.Visits[j]
		ref := fmt.Sprintf("%s (visit %d)", v.Code, i+1)
		if g.Key != v.Key {
			add(Difference{What: "key", Ref: ref, Want: v.Key, Got: g.Key})
		}
		if j != i {
			add(Difference{What: "order", Ref: ref, Detail: fmt.Sprintf("at visit %d in the bundle", j+1)})
		}
		if g.Stratum != v.Stratum {
			add(Difference{What: "stratum", Ref: ref, Want: v.Stratum, Got: g.Stratum})
		}
		if !slices.Equal(g.Team, v.Team) {
			add(Difference{What: "team", Ref: ref, Want: teamString(v.Team), Got: teamString(g.Team)})
		}
		if !slices.Equal(g.Skips, v.Skips) {
			add(Difference{What: "skips", Ref: ref, Want: skipString(v.Skips), Got: skipString(g.Skips)})
		}
		if !slices.Equal(g.Shortfalls, v.Shortfalls) {
			add(Difference{What: "shortfalls", Ref: ref, Want: shortString(v.Shortfalls), Got: shortString(g.Shortfalls)})
		}
	}
	for j, g := range got.Visits {
		if _, ok := wantAt[g.Code]; !ok {
			add(Difference{What: "selection", Ref: g.Code, Detail: fmt.Sprintf("in the bundle (visit %d) but not drawn", j+1)})
		}
	}
}

func teamString(t []Member) string {
	var b bytes.Buffer
	for i, m := range t {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s/%s/%s", m.Inspector, m.Department, m.Role)
	}
	return b.String()
}

func skipString(s []Skip) string {
	var b bytes.Buffer
	for i, k := range s {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s:%s", k.Inspector, k.Reason)
	}
	return b.String()
}

func shortString(s []Shortfall) string {
	var b bytes.Buffer
	for i, k := range s {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s −%d", k.Role, k.Department, k.Missing)
	}
	return b.String()
}

// Summary is the one line verify prints when everything matches.
func (r *Report) Summary() string {
	return fmt.Sprintf("draw %s verified: %d businesses, %d visits (%d not fully staffed), seed %s", r.Draw, r.Businesses, r.Visits, r.Unstaffed, r.Seed)
}
