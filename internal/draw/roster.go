package draw

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
)

// Inspector is one person of the frozen inspector roster (执法检查人员).
type Inspector struct {
	ID         string `json:"id"`         // stable roster id
	Department string `json:"department"` // department code
	Name       string `json:"name"`       // canonical text
	CertNo     string `json:"cert_no"`    // 执法证号, "" for a non-certified expert
	CertExpiry string `json:"cert_expiry"`
	Expert     bool   `json:"expert"` // 业务专家
	// Labels are the industry labels of the inspector's expertise; an expert
	// is matched to a business whose industry is one of them.
	Labels []string `json:"labels,omitempty"`
	// Conflicts are the commitments (ConflictCommitment) to the inspector's
	// declared conflicts of interest (回避). The businesses stay private.
	Conflicts []string `json:"conflicts,omitempty"`
}

// RosterExclusion is an inspector left out of the roster, with the reason
// (on leave, transferred, certificate expired …).
type RosterExclusion struct {
	ID         string `json:"id"`
	Department string `json:"department"`
	Reason     string `json:"reason"`
	Detail     string `json:"detail,omitempty"`
}

// Roster is the frozen inspector roster of a draw.
type Roster struct {
	Inspectors []Inspector       `json:"inspectors"`
	Exclusions []RosterExclusion `json:"exclusions"`
}

// ConflictCommitment returns the public commitment to a private conflict of
// interest between an inspector and a business: SHA-256 of
// "yiyeyicha-draw-v1/conflict" TAB salt (hex) TAB code, in hex. The salt is
// 16 or more random bytes kept by the discipline office (纪检).
func ConflictCommitment(salt []byte, code string) string {
	s := sha256.Sum256([]byte(Version + "/conflict\t" + hex.EncodeToString(salt) + "\t" + code))
	return hex.EncodeToString(s[:])
}

func checkHash(what, s string) error {
	if len(s) != 64 {
		return fmt.Errorf("%s %q: not 64 lowercase hex digits", what, s)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return fmt.Errorf("%s %q: not 64 lowercase hex digits", what, s)
		}
	}
	return nil
}

func (in *Inspector) check() error {
	if err := checkName("inspector id", in.ID); err != nil {
		return err
	}
	if err := checkName("department of inspector "+in.ID, in.Department); err != nil {
		return err
	}
	if err := checkText("name of inspector "+in.ID, in.Name); err != nil {
		return err
	}
	if err := checkText("certificate of inspector "+in.ID, in.CertNo); err != nil {
		return err
	}
	if err := checkDate("certificate expiry of inspector "+in.ID, in.CertExpiry, true); err != nil {
		return err
	}
	for _, l := range in.Labels {
		if err := checkLabel("label of inspector "+in.ID, l); err != nil {
			return err
		}
	}
	for _, c := range in.Conflicts {
		if err := checkHash("conflict commitment of inspector "+in.ID, c); err != nil {
			return err
		}
	}
	return nil
}

// Certified reports whether the inspector holds a certificate valid through
// the last day of the window (inclusive).
func (in *Inspector) Certified(windowEnd string) bool {
	return in.CertNo != "" && in.CertExpiry != "" && in.CertExpiry >= windowEnd
}

// Summarize checks the roster and computes its snapshot hash; it returns
// the number of inspectors per department as well.
func (r *Roster) Summarize() (RosterSummary, error) {
	s, _, err := r.canonical(false)
	return s, err
}

// canonical checks the roster and returns its snapshot and, with keep, its
// canonical text.
func (r *Roster) canonical(keep bool) (RosterSummary, string, error) {
	ins := slices.Clone(r.Inspectors)
	slices.SortFunc(ins, func(a, b Inspector) int { return cmp.Compare(a.ID, b.ID) })
	xs := slices.Clone(r.Exclusions)
	slices.SortFunc(xs, func(a, b RosterExclusion) int { return cmp.Compare(a.ID, b.ID) })
	w := newWriter("roster", keep)
	s := RosterSummary{Departments: map[string]int{}}
	seen := map[string]bool{}
	for i := range ins {
		in := &ins[i]
		if err := in.check(); err != nil {
			return RosterSummary{}, "", fmt.Errorf("roster: %w", err)
		}
		if seen[in.ID] {
			return RosterSummary{}, "", fmt.Errorf("roster: inspector %s twice", in.ID)
		}
		seen[in.ID] = true
		s.Departments[in.Department]++
		w.line("i", in.ID, in.Department, in.CertNo, in.CertExpiry, bit(in.Expert), joinList(in.Labels), joinList(in.Conflicts), in.Name)
	}
	for i := range xs {
		x := &xs[i]
		if err := checkName("excluded inspector id", x.ID); err != nil {
			return RosterSummary{}, "", fmt.Errorf("roster: %w", err)
		}
		if err := checkName("department of excluded inspector "+x.ID, x.Department); err != nil {
			return RosterSummary{}, "", fmt.Errorf("roster: %w", err)
		}
		if err := checkName("exclusion reason of inspector "+x.ID, x.Reason); err != nil {
			return RosterSummary{}, "", fmt.Errorf("roster: %w", err)
		}
		if err := checkText("exclusion detail of inspector "+x.ID, x.Detail); err != nil {
			return RosterSummary{}, "", fmt.Errorf("roster: %w", err)
		}
		if seen[x.ID] {
			return RosterSummary{}, "", fmt.Errorf("roster: inspector %s twice (in the roster or excluded)", x.ID)
		}
		seen[x.ID] = true
		w.line("x", x.ID, x.Department, x.Reason, x.Detail)
	}
	s.Hash, s.Inspectors, s.Excluded = w.sum(), len(ins), len(xs)
	return s, w.text(), nil
}

// RosterSummary is what the announcement says of the roster.
type RosterSummary struct {
	Hash        string
	Inspectors  int
	Excluded    int
	Departments map[string]int
}
