package draw

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func bundleJSON(t *testing.T, b *Bundle) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := b.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDeterministicAndOrderFree(t *testing.T) {
	f := newFixture(t, 2000, 10, 2)
	want := bundleJSON(t, f.execute(t))
	if again := bundleJSON(t, f.execute(t)); !bytes.Equal(want, again) {
		t.Fatal("two runs differ")
	}
	r := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 3; i++ {
		g := *f
		g.in.Pool.Businesses = slices.Clone(f.in.Pool.Businesses)
		r.Shuffle(len(g.in.Pool.Businesses), func(i, j int) {
			g.in.Pool.Businesses[i], g.in.Pool.Businesses[j] = g.in.Pool.Businesses[j], g.in.Pool.Businesses[i]
		})
		g.in.Roster.Inspectors = slices.Clone(f.in.Roster.Inspectors)
		r.Shuffle(len(g.in.Roster.Inspectors), func(i, j int) {
			g.in.Roster.Inspectors[i], g.in.Roster.Inspectors[j] = g.in.Roster.Inspectors[j], g.in.Roster.Inspectors[i]
		})
		g.in.Entropy.Reveals = slices.Clone(f.in.Entropy.Reveals)
		slices.Reverse(g.in.Entropy.Reveals)
		if got := bundleJSON(t, g.execute(t)); !bytes.Equal(want, got) {
			t.Fatalf("shuffle %d: the input order changed the bundle", i)
		}
	}
}

// mustDiffer verifies a tampered bundle and wants a difference whose What
// is what and whose text contains ref.
func mustDiffer(t *testing.T, b *Bundle, what, ref string) {
	t.Helper()
	rep, err := Verify(b, nil)
	if err != nil {
		if strings.Contains(err.Error(), ref) {
			return
		}
		t.Fatalf("verify error %v does not name %q", err, ref)
	}
	for _, d := range rep.Differences {
		if d.What == what && strings.Contains(d.String(), ref) {
			return
		}
	}
	t.Fatalf("no %s difference naming %q in %v", what, ref, rep.Differences)
}

func TestTamperedBundleFails(t *testing.T) {
	f := newFixture(t, 2000, 10, 3)
	orig := bundleJSON(t, f.execute(t))
	fresh := func() *Bundle {
		b, err := ReadBundle(bytes.NewReader(orig))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	t.Run("business stratum", func(t *testing.T) {
		b := fresh()
		x := &b.Pool.Businesses[10]
		x.Stratum = map[string]string{"A": "B", "B": "C", "C": "D", "D": "A"}[x.Stratum]
		mustDiffer(t, b, "pool.hash", "")
	})
	t.Run("business removed", func(t *testing.T) {
		b := fresh()
		b.Pool.Businesses = slices.Delete(b.Pool.Businesses, 5, 6)
		mustDiffer(t, b, "pool.size", "")
	})
	t.Run("business moved to the exclusions", func(t *testing.T) {
		b := fresh()
		x := b.Pool.Businesses[7]
		b.Pool.Businesses = slices.Delete(b.Pool.Businesses, 7, 8)
		b.Pool.Exclusions = append(b.Pool.Exclusions, Exclusion{Code: x.Code, Reason: "cap_reached"})
		mustDiffer(t, b, "pool.hash", "")
	})
	t.Run("ratio", func(t *testing.T) {
		b := fresh()
		b.Announcement.Strata[3].Ratio = "7/20"
		mustDiffer(t, b, "announcement_hash", "")
	})
	t.Run("ratio and announcement hash", func(t *testing.T) {
		// Even recomputing the announcement hash cannot hide a changed
		// ratio: the reveals' commitments are bound to the old hash.
		b := fresh()
		b.Announcement.Strata[3].Ratio = "7/20"
		_, h, err := b.Announcement.Canonical()
		if err != nil {
			t.Fatal(err)
		}
		b.AnnouncementHash = h
		mustDiffer(t, b, "commitment", b.Announcement.Parties[0])
	})
	t.Run("reveal", func(t *testing.T) {
		b := fresh()
		s := []byte(b.Entropy.Reveals[1].Secret)
		if s[0] == '0' {
			s[0] = '1'
		} else {
			s[0] = '0'
		}
		b.Entropy.Reveals[1].Secret = string(s)
		mustDiffer(t, b, "commitment", b.Entropy.Reveals[1].Party)
	})
	t.Run("missing reveal", func(t *testing.T) {
		b := fresh()
		p := b.Entropy.Reveals[0].Party
		b.Entropy.Reveals = b.Entropy.Reveals[1:]
		mustDiffer(t, b, "reveal", p)
	})
	t.Run("public value", func(t *testing.T) {
		b := fresh()
		b.Entropy.Public.Sources[0] = "1 2 3 4 5 6"
		mustDiffer(t, b, "public_value", "key string")
	})
	t.Run("public value and key string", func(t *testing.T) {
		b := fresh()
		b.Entropy.Public.Sources[0] = "1 2 3 4 5 6"
		b.Entropy.Public.KeyString, _ = KeyString(b.Entropy.Public.Sources)
		mustDiffer(t, b, "seed", "")
	})
	t.Run("roster", func(t *testing.T) {
		b := fresh()
		b.Roster.Inspectors[4].CertExpiry = "2030-01-01"
		mustDiffer(t, b, "roster.hash", "")
	})
	t.Run("selected business swapped", func(t *testing.T) {
		b := fresh()
		v := &b.Result.Visits[0]
		old := v.Code
		for _, x := range b.Pool.Businesses {
			if x.Stratum == v.Stratum && !slices.ContainsFunc(b.Result.Visits, func(w Visit) bool { return w.Code == x.Code }) {
				v.Code = x.Code
				break
			}
		}
		mustDiffer(t, b, "selection", old)
		mustDiffer(t, b, "selection", v.Code)
	})
	t.Run("key", func(t *testing.T) {
		b := fresh()
		v := &b.Result.Visits[2]
		v.Key = strings.Repeat("0", 64)
		mustDiffer(t, b, "key", v.Code)
	})
	t.Run("team member", func(t *testing.T) {
		b := fresh()
		v := &b.Result.Visits[1]
		v.Team[0].Inspector = "SCJG-999"
		mustDiffer(t, b, "team", v.Code)
	})
	t.Run("skip hidden", func(t *testing.T) {
		b := fresh()
		for i := range b.Result.Visits {
			v := &b.Result.Visits[i]
			if len(v.Skips) > 0 {
				v.Skips = v.Skips[1:]
				mustDiffer(t, b, "skips", v.Code)
				return
			}
		}
		t.Fatal("no visit with skips in the fixture")
	})
	t.Run("conflict invented", func(t *testing.T) {
		// Citing a commitment the inspector never froze is caught.
		b := fresh()
		v := &b.Result.Visits[0]
		m := v.Team[0]
		v.Skips = append([]Skip{{Inspector: m.Inspector, Department: m.Department, Role: m.Role, Reason: SkipConflict, Commitment: strings.Repeat("ab", 32)}}, v.Skips...)
		mustDiffer(t, b, "conflict", m.Inspector)
	})
	t.Run("seed", func(t *testing.T) {
		b := fresh()
		b.Result.Seed = strings.Repeat("1", 64)
		mustDiffer(t, b, "seed", "")
	})
	t.Run("quota", func(t *testing.T) {
		b := fresh()
		b.Result.Strata[0].Quota++
		mustDiffer(t, b, "quota", b.Result.Strata[0].Name)
	})
}

// Any change of a committed input changes the seed or the selection.
func TestInputsChangeTheOutcome(t *testing.T) {
	f := newFixture(t, 1500, 8, 4)
	base := f.execute(t)
	outcome := func(b *Bundle) string {
		var s strings.Builder
		s.WriteString(b.Result.Seed)
		for _, v := range b.Result.Visits {
			s.WriteString(v.Code + v.Key)
		}
		return s.String()
	}
	rerun := func(change func(in *Input)) string {
		g := *f
		g.in.Pool.Businesses = slices.Clone(f.in.Pool.Businesses)
		g.in.Roster.Inspectors = slices.Clone(f.in.Roster.Inspectors)
		g.in.Announcement.Strata = slices.Clone(f.in.Announcement.Strata)
		change(&g.in)
		a := g.in.Announcement
		h, err := Announce(&a, &g.in.Pool, &g.in.Roster)
		if err != nil {
			t.Fatal(err)
		}
		g.in.Announcement = a
		g.in.Commitments = nil
		for _, r := range g.in.Entropy.Reveals {
			sec, err := ParseSecret(r.Secret)
			if err != nil {
				t.Fatal(err)
			}
			g.in.Commitments = append(g.in.Commitments, Commit{Party: r.Party, Commitment: Commitment(h, r.Party, sec)})
		}
		return outcome(g.execute(t))
	}
	want := outcome(base)
	for name, change := range map[string]func(*Input){
		"one business":  func(in *Input) { in.Pool.Businesses[3].Name += "（分店）" },
		"one ratio":     func(in *Input) { in.Announcement.Strata[2].Ratio = "11/100" },
		"one inspector": func(in *Input) { in.Roster.Inspectors[0].CertExpiry = "2028-01-01" },
		"one reveal": func(in *Input) {
			in.Entropy.Reveals = slices.Clone(in.Entropy.Reveals)
			in.Entropy.Reveals[0].Secret = strings.Repeat("42", 32)
		},
	} {
		if got := rerun(change); got == want {
			t.Errorf("%s: the outcome did not change", name)
		}
	}
}

// TestUniformity draws 3 of 12 businesses of one stratum under 4000 fixed
// seeds: each business must be picked about 4000 × 3/12 = 1000 times. The
// chi-square statistic with 11 degrees of freedom exceeds 31.26 with
// probability 0.001; the seed list is fixed, so the test is not flaky.
func TestUniformity(t *testing.T) {
	const n, k, runs = 12, 3, 4000
	a := &Announcement{Strata: []Stratum{{Name: "C", Ratio: "1/4", Pool: n}}, Rounding: RoundCeil}
	var bs []Business
	for i := 0; i < n; i++ {
		bs = append(bs, Business{Code: code(i), Stratum: "C"})
	}
	count := make([]int, n)
	first := make([]int, n)
	for run := 0; run < runs; run++ {
		s, err := NewSelector(Seed(fmt.Sprintf("uniformity %d", run)), a)
		if err != nil {
			t.Fatal(err)
		}
		for i := range bs {
			s.Add(&bs[i])
		}
		_, picks, err := s.Result()
		if err != nil || len(picks) != k {
			t.Fatalf("%d picks, %v", len(picks), err)
		}
		for j, p := range picks {
			i := slices.IndexFunc(bs, func(b Business) bool { return b.Code == p.Code })
			count[i]++
			if j == 0 {
				first[i]++
			}
		}
	}
	chi := func(obs []int, exp float64) float64 {
		x := 0.0
		for _, o := range obs {
			x += (float64(o) - exp) * (float64(o) - exp) / exp
		}
		return x
	}
	if x := chi(count, runs*k/n); x > 31.26 {
		t.Errorf("picks: chi-square %.2f > 31.26: %v", x, count)
	}
	if x := chi(first, runs/n); x > 31.26 {
		t.Errorf("first picks: chi-square %.2f > 31.26: %v", x, first)
	}
	if math.IsNaN(chi(count, 1)) {
		t.Fatal("nan")
	}
}

// TestTeamRules checks every team of random rosters against the rules, and
// that every visit short of them says so exactly.
func TestTeamRules(t *testing.T) {
	reasons := map[string]int{}
	shortfalls := 0
	for seed := uint64(10); seed < 40; seed++ {
		m := 2 + int(seed%7) // small rosters: caps and conflicts bite
		f := newFixture(t, 400+int(seed)*20, m, seed)
		b := f.execute(t)
		a := &b.Announcement
		byID := map[string]*Inspector{}
		for i := range b.Roster.Inspectors {
			byID[b.Roster.Inspectors[i].ID] = &b.Roster.Inspectors[i]
		}
		business := map[string]*Business{}
		for i := range b.Pool.Businesses {
			business[b.Pool.Businesses[i].Code] = &b.Pool.Businesses[i]
		}
		load := map[string]int{}
		for _, v := range b.Result.Visits {
			bz := business[v.Code]
			for _, s := range v.Skips {
				reasons[s.Reason]++
			}
			shortfalls += len(v.Shortfalls)
			perDept := map[string]int{}
			officers, experts := 0, 0
			seen := map[string]bool{}
			for _, mem := range v.Team {
				in := byID[mem.Inspector]
				if seen[in.ID] {
					t.Fatalf("seed %d visit %s: %s twice", seed, v.Code, in.ID)
				}
				seen[in.ID] = true
				load[in.ID]++
				if _, ok := f.in.Conflict(in.ID, v.Code); ok {
					t.Fatalf("seed %d visit %s: %s has a conflict", seed, v.Code, in.ID)
				}
				if slices.Contains(bz.LastInspectors, in.ID) {
					t.Fatalf("seed %d visit %s: %s was the last inspector", seed, v.Code, in.ID)
				}
				switch mem.Role {
				case RoleOfficer:
					if !in.Certified(a.WindowEnd) {
						t.Fatalf("seed %d visit %s: officer %s not certified through %s", seed, v.Code, in.ID, a.WindowEnd)
					}
					officers++
					perDept[in.Department]++
				case RoleExpert:
					if !in.Expert || !slices.Contains(in.Labels, bz.Industry) {
						t.Fatalf("seed %d visit %s: %s is no %s expert", seed, v.Code, in.ID, bz.Industry)
					}
					experts++
				}
			}
			short := map[string]int{}
			for _, s := range v.Shortfalls {
				short[s.Role+"/"+s.Department] = s.Missing
			}
			for _, d := range a.Team.Departments {
				if got := perDept[d.Department]; got+short[RoleOfficer+"/"+d.Department] < d.Count ||
					(got < d.Count) != (short[RoleOfficer+"/"+d.Department] > 0) {
					t.Fatalf("seed %d visit %s: %s has %d of %d officers, shortfall %v", seed, v.Code, d.Department, got, d.Count, v.Shortfalls)
				}
			}
			if (officers < a.Team.Officers) != (short[RoleOfficers+"/"+a.Team.Lead] > 0) {
				t.Fatalf("seed %d visit %s: %d officers, shortfall %v", seed, v.Code, officers, v.Shortfalls)
			}
			if (experts < 1) != (short[RoleExpert+"/"] > 0) {
				t.Fatalf("seed %d visit %s: %d experts, shortfall %v", seed, v.Code, experts, v.Shortfalls)
			}
		}
		for id, n := range load {
			if n > a.Team.Cap {
				t.Fatalf("seed %d: %s has %d visits, cap %d", seed, id, n, a.Team.Cap)
			}
		}
	}
	// The fixtures must exercise every rule, or the checks above prove little.
	for _, r := range []string{SkipInTeam, SkipNotCertified, SkipConflict, SkipLastInspector, SkipWorkloadCap} {
		if reasons[r] == 0 {
			t.Errorf("no skip for %s in any fixture", r)
		}
	}
	if shortfalls == 0 {
		t.Error("no shortfall in any fixture")
	}
	t.Logf("skips %v, shortfalls %d", reasons, shortfalls)
}

// TestConflictsNeedSalts: a draw that ignored declared conflicts passes
// Verify without the discipline office's salts (the conflicts are private)
// and fails with them, naming the visit.
func TestConflictsNeedSalts(t *testing.T) {
	f := newFixture(t, 300, 4, 5)
	// Every XF inspector declares a conflict with every business.
	var salts []ConflictSalt
	open := map[string]string{}
	for i := range f.in.Roster.Inspectors {
		in := &f.in.Roster.Inspectors[i]
		if in.Department != "XF" {
			continue
		}
		in.Conflicts = nil
		for j, bz := range f.in.Pool.Businesses {
			salt := []byte(fmt.Sprintf("salt-%s-%06d", in.ID, j))
			c := ConflictCommitment(salt, bz.Code)
			in.Conflicts = append(in.Conflicts, c)
			open[in.ID+"\x00"+bz.Code] = c
			salts = append(salts, ConflictSalt{Inspector: in.ID, Code: bz.Code, Salt: fmt.Sprintf("%x", salt)})
		}
	}
	a := f.in.Announcement
	h, err := Announce(&a, &f.in.Pool, &f.in.Roster)
	if err != nil {
		t.Fatal(err)
	}
	f.in.Announcement = a
	for i, r := range f.in.Entropy.Reveals {
		f.in.Commitments[i] = Commit{Party: r.Party, Commitment: Commitment(h, r.Party, f.secrets[r.Party])}
	}
	slices.SortFunc(f.in.Commitments, func(x, y Commit) int { return strings.Compare(x.Party, y.Party) })

	f.in.Conflict = func(in, code string) (string, bool) { c, ok := open[in+"\x00"+code]; return c, ok }
	honest := f.execute(t)
	for _, v := range honest.Result.Visits {
		for _, m := range v.Team {
			if m.Department == "XF" {
				t.Fatalf("visit %s: conflicted %s in the team", v.Code, m.Inspector)
			}
		}
	}
	if rep, err := Verify(honest, salts); err != nil || !rep.OK() {
		t.Fatalf("honest draw with salts: %v %v", err, rep.Differences)
	}

	f.in.Conflict = nil
	cheat := f.execute(t)
	if rep, err := Verify(cheat, nil); err != nil || !rep.OK() {
		t.Fatalf("without salts: %v %v", err, rep.Differences)
	}
	rep, err := Verify(cheat, salts)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range rep.Differences {
		if d.What == "team" && strings.Contains(d.Ref, cheat.Result.Visits[0].Code) {
			return
		}
	}
	t.Fatalf("with salts: no team difference for %s in %v", cheat.Result.Visits[0].Code, rep.Differences)
}
