package draw

import (
	"bytes"
	"slices"
	"strings"
)

// Roles of team members and shortfalls.
const (
	RoleOfficer = "officer" // certified enforcement officer of a department
	RoleExpert  = "expert"  // 业务专家 matched by industry label
	// RoleOfficers names the shortfall of a team below the minimum number of
	// certified officers after the lead department's top-up.
	RoleOfficers = "officers"
)

// Skip reasons, in the order the rules are applied to a candidate.
const (
	SkipInTeam        = "in_team"        // expert already in this team as an officer
	SkipNotCertified  = "not_certified"  // no certificate valid through the window's last day
	SkipConflict      = "conflict"       // declared conflict of interest (回避) with the business
	SkipLastInspector = "last_inspector" // inspected this business at its last visit
	SkipWorkloadCap   = "workload_cap"   // already has Cap visits in this draw
)

// Member is an inspector in a visit's team.
type Member struct {
	Inspector  string `json:"inspector"`
	Department string `json:"department"`
	Role       string `json:"role"`
	Key        string `json:"key"`
}

// Skip is a candidate passed over, with the rule that excluded it; for a
// conflict, the roster commitment it rests on.
type Skip struct {
	Inspector  string `json:"inspector"`
	Department string `json:"department"`
	Role       string `json:"role"`
	Reason     string `json:"reason"`
	Commitment string `json:"commitment,omitempty"`
}

// Shortfall says that a visit could not be staffed as the rules require:
// Missing more were needed in Role (of Department).
type Shortfall struct {
	Role       string `json:"role"`
	Department string `json:"department,omitempty"`
	Missing    int    `json:"missing"`
}

// Visit is one drawn business with its key, its team, the candidates
// skipped and what could not be staffed.
type Visit struct {
	Code       string      `json:"code"`
	Stratum    string      `json:"stratum"`
	Key        string      `json:"key"`
	Team       []Member    `json:"team"`
	Skips      []Skip      `json:"skips,omitempty"`
	Shortfalls []Shortfall `json:"shortfalls,omitempty"`
}

// Staffed reports whether the visit's team satisfies every rule.
func (v *Visit) Staffed() bool { return len(v.Shortfalls) == 0 }

// ConflictFunc says whether an inspector declared a conflict of interest
// with a business, and the roster commitment of that declaration.
type ConflictFunc func(inspector, code string) (commitment string, ok bool)

type ranked struct {
	in  *Inspector
	key [32]byte
}

// Teams staffs the visits of the picks, in order. For each visit, each team
// department in code order contributes its count of officers: its roster
// inspectors ranked by their key for this visit (then id) are taken in turn
// unless a rule skips them (not certified, conflict, last inspector,
// workload cap). If the team then has fewer than Officers members, the lead
// department's ranking continues where it stopped. With Expert, one expert
// whose labels include the business's industry is taken from the experts of
// every department ranked the same way (in team, conflict, last inspector,
// workload cap). Whatever is missing is a Shortfall of the visit; the
// members found stay in the team and count against the cap.
func Teams(seed []byte, a *Announcement, roster []Inspector, picks []Pick, conflict ConflictFunc) []Visit {
	byDept := map[string][]*Inspector{}
	var experts []*Inspector
	for i := range roster {
		in := &roster[i]
		byDept[in.Department] = append(byDept[in.Department], in)
		if in.Expert {
			experts = append(experts, in)
		}
	}
	k := NewKeyer(seed)
	load := map[string]int{}
	rank := func(code string, ins []*Inspector) []ranked {
		r := make([]ranked, len(ins))
		for i, in := range ins {
			r[i].in = in
			k.Inspector(code, in.ID, &r[i].key)
		}
		slices.SortFunc(r, func(x, y ranked) int {
			if c := bytes.Compare(x.key[:], y.key[:]); c != 0 {
				return c
			}
			return strings.Compare(x.in.ID, y.in.ID)
		})
		return r
	}
	visits := make([]Visit, len(picks))
	for vi := range picks {
		p := &picks[vi]
		v := Visit{Code: p.Code, Stratum: p.Stratum, Key: keyHex(p.Key), Team: []Member{}}
		inTeam := map[string]bool{}
		// take walks r from *pos and adds up to need members of role; it
		// returns how many are still missing.
		take := func(r []ranked, pos *int, need int, role string) int {
			for need > 0 && *pos < len(r) {
				c := r[*pos]
				*pos++
				reason, commitment := "", ""
				switch {
				case role == RoleExpert && inTeam[c.in.ID]:
					reason = SkipInTeam
				case role == RoleOfficer && !c.in.Certified(a.WindowEnd):
					reason = SkipNotCertified
				default:
					if cm, ok := conflict(c.in.ID, p.Code); ok {
						reason, commitment = SkipConflict, cm
					} else if slices.Contains(p.LastInspectors, c.in.ID) {
						reason = SkipLastInspector
					} else if a.Team.Cap > 0 && load[c.in.ID] >= a.Team.Cap {
						reason = SkipWorkloadCap
					}
				}
				if reason != "" {
					v.Skips = append(v.Skips, Skip{Inspector: c.in.ID, Department: c.in.Department, Role: role, Reason: reason, Commitment: commitment})
					continue
				}
				v.Team = append(v.Team, Member{Inspector: c.in.ID, Department: c.in.Department, Role: role, Key: keyHex(c.key)})
				inTeam[c.in.ID] = true
				load[c.in.ID]++
				need--
			}
			return need
		}
		var leadRank []ranked
		leadPos := 0
		for _, d := range a.Team.Departments {
			r := rank(p.Code, byDept[d.Department])
			pos := 0
			if miss := take(r, &pos, d.Count, RoleOfficer); miss > 0 {
				v.Shortfalls = append(v.Shortfalls, Shortfall{Role: RoleOfficer, Department: d.Department, Missing: miss})
			}
			if d.Department == a.Team.Lead {
				leadRank, leadPos = r, pos
			}
		}
		if len(v.Team) < a.Team.Officers {
			if miss := take(leadRank, &leadPos, a.Team.Officers-len(v.Team), RoleOfficer); miss > 0 {
				v.Shortfalls = append(v.Shortfalls, Shortfall{Role: RoleOfficers, Department: a.Team.Lead, Missing: miss})
			}
		}
		if a.Team.Expert {
			var match []*Inspector
			for _, e := range experts {
				if p.Industry != "" && slices.Contains(e.Labels, p.Industry) {
					match = append(match, e)
				}
			}
			pos := 0
			if miss := take(rank(p.Code, match), &pos, 1, RoleExpert); miss > 0 {
				v.Shortfalls = append(v.Shortfalls, Shortfall{Role: RoleExpert, Missing: miss})
			}
		}
		visits[vi] = v
	}
	return visits
}
