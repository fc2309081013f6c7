package draw

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/validate"
)

// fixture is a complete, deterministic draw input.
type fixture struct {
	in      Input
	secrets map[string][]byte
	salts   []ConflictSalt
}

// code returns the i-th valid credit code of the fixtures.
func code(i int) string {
	c, ok := validate.MakeCreditCode("91", "140827", fmt.Sprintf("MA%06d", i))
	if !ok {
		panic("bad fixture code")
	}
	return c
}

// newFixture builds a draw over n businesses in strata A–D and a roster of
// m inspectors per department in three departments, from a PCG seed.
func newFixture(t testing.TB, n, m int, seed uint64) *fixture {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	f := &fixture{secrets: map[string][]byte{}}
	depts := []string{"SCJG", "WJ", "XF"}
	industries := []string{"catering", "hotel", "school"}
	var ros Roster
	for d, dept := range depts {
		for j := 0; j < m; j++ {
			in := Inspector{ID: fmt.Sprintf("%s-%03d", dept, j), Department: dept, Name: fmt.Sprintf("检查员%d%02d", d, j),
				CertNo: fmt.Sprintf("14%02d%05d", d, j), CertExpiry: "2027-12-31"}
			switch r.IntN(10) {
			case 0:
				in.CertExpiry = "2026-05-01" // expires inside the window
			case 1:
				in.CertNo, in.CertExpiry, in.Expert = "", "", true
				in.Labels = []string{industries[r.IntN(len(industries))]}
			case 2:
				in.Expert = true
				in.Labels = []string{industries[r.IntN(len(industries))], "food"}
			}
			ros.Inspectors = append(ros.Inspectors, in)
		}
		ros.Exclusions = append(ros.Exclusions, RosterExclusion{ID: fmt.Sprintf("%s-L", dept), Department: dept, Reason: "on_leave"})
	}
	var pool Pool
	strata := []string{"A", "B", "C", "D"}
	for i := 0; i < n; i++ {
		b := Business{Code: code(i), Name: fmt.Sprintf("垣曲县测试商户%d", i), Stratum: strata[r.IntN(4)], Industry: industries[r.IntN(len(industries))]}
		if r.IntN(4) == 0 {
			in := ros.Inspectors[r.IntN(len(ros.Inspectors))]
			b.LastInspectors = []string{in.ID}
		}
		if r.IntN(20) == 0 {
			pool.Exclusions = append(pool.Exclusions, Exclusion{Code: b.Code, Reason: "deregistered", Detail: "注销"})
			continue
		}
		pool.Businesses = append(pool.Businesses, b)
	}
	// Conflicts: a few inspectors declare one with a business.
	conflicts := map[string]string{}
	for i := 0; i < len(ros.Inspectors)/5 && len(pool.Businesses) > 0; i++ {
		in := &ros.Inspectors[r.IntN(len(ros.Inspectors))]
		b := pool.Businesses[r.IntN(len(pool.Businesses))]
		salt := make([]byte, 16)
		for j := range salt {
			salt[j] = byte(r.Uint32())
		}
		c := ConflictCommitment(salt, b.Code)
		if _, dup := conflicts[in.ID+"\x00"+b.Code]; dup {
			continue
		}
		in.Conflicts = append(in.Conflicts, c)
		conflicts[in.ID+"\x00"+b.Code] = c
		f.salts = append(f.salts, ConflictSalt{Inspector: in.ID, Code: b.Code, Salt: fmt.Sprintf("%x", salt)})
	}
	a := Announcement{Draw: fmt.Sprintf("2026-T%03d-B1", seed%1000), Task: "2026-餐饮-01", Batch: "第一批", Title: "2026年餐饮服务联合抽查 第一批",
		AnnouncedAt: "2026-03-02T09:00:00Z", WindowStart: "2026-04-01", WindowEnd: "2026-06-30",
		Strata:   []Stratum{{Name: "A", Ratio: "1%"}, {Name: "B", Ratio: "0.02"}, {Name: "C", Ratio: "1/10", Minimum: 1}, {Name: "D", Ratio: "3/10", Minimum: 2}},
		Rounding: RoundCeil,
		Team:     TeamRules{Departments: []DepartmentSlot{{"SCJG", 1}, {"XF", 1}, {"WJ", 1}}, Lead: "SCJG", Officers: 2, Cap: 3, Expert: true},
		Parties:  []string{"XF", "SCJG", "WJ"}, PublicValue: "中国福利彩票双色球 2026025 期开奖号码"}
	hash, err := Announce(&a, &pool, &ros)
	if err != nil {
		t.Fatal(err)
	}
	f.in = Input{Announcement: a, Pool: pool, Roster: ros, Conflict: func(in, code string) (string, bool) {
		c, ok := conflicts[in+"\x00"+code]
		return c, ok
	}}
	for _, p := range a.Parties {
		s := make([]byte, 32)
		for j := range s {
			s[j] = byte(r.Uint32())
		}
		f.secrets[p] = s
		f.in.Commitments = append(f.in.Commitments, Commit{Party: p, Commitment: Commitment(hash, p, s)})
		f.in.Entropy.Reveals = append(f.in.Entropy.Reveals, Reveal{Party: p, Secret: fmt.Sprintf("%x", s)})
	}
	pv, err := ParsePublicValue(fmt.Sprintf("%d %d %d %d %d %d\n%d", r.IntN(33)+1, r.IntN(33)+1, r.IntN(33)+1, r.IntN(33)+1, r.IntN(33)+1, r.IntN(33)+1, r.IntN(16)+1))
	if err != nil {
		t.Fatal(err)
	}
	f.in.Entropy.Public = &pv
	return f
}

func (f *fixture) execute(t testing.TB) *Bundle {
	t.Helper()
	b, err := Execute(f.in)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
