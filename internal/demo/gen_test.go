package demo

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/validate"
)

var fixedToday = domain.Date{Year: 2026, Month: 3, Day: 1}

// hashDataset hashes every generated row: businesses, departments,
// inspectors (with resolved conflicts) and accounts.
func hashDataset(t *testing.T, o Options) string {
	t.Helper()
	o = o.withDefaults()
	g := newGenerator(o)
	h := sha256.New()
	enc := json.NewEncoder(h)
	for i := range o.Entities {
		if err := enc.Encode(g.entity(i)); err != nil {
			t.Fatal(err)
		}
	}
	ds := g.dataset()
	ids := make([]int64, len(ds.departments))
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	for _, v := range []any{ds.departments, g.inspectors(ds.people, ids), ds.accounts} {
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestGenerateIsDeterministic(t *testing.T) {
	base := Options{Entities: 3000, Inspectors: 300, Seed: 7, Today: fixedToday}
	first := hashDataset(t, base)
	for _, tc := range []struct {
		name string
		o    Options
		same bool
	}{
		{"same seed", base, true},
		{"other seed", Options{Entities: 3000, Inspectors: 300, Seed: 8, Today: fixedToday}, false},
		{"other day", Options{Entities: 3000, Inspectors: 300, Seed: 7, Today: fixedToday.AddDays(1)}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := hashDataset(t, tc.o); (got == first) != tc.same {
				t.Errorf("hash %s vs %s: same = %v, want %v", got, first, got == first, tc.same)
			}
		})
	}
}

func TestBusinessDoesNotDependOnTotal(t *testing.T) {
	small := newGenerator(Options{Entities: 10, Seed: 3, Today: fixedToday}.withDefaults())
	large := newGenerator(Options{Entities: 1000000, Seed: 3, Today: fixedToday}.withDefaults())
	for i := range 10 {
		if a, b := small.entity(i), large.entity(i); a != b {
			t.Errorf("business %d differs with the total:\n%+v\n%+v", i, a, b)
		}
	}
	if a, b := Accounts(Options{Entities: 10, Inspectors: 50, Seed: 3}), Accounts(Options{Seed: 3}); a[0] != b[0] {
		t.Errorf("office account depends on sizes: %+v vs %+v", a[0], b[0])
	}
}

func TestBusinessesAreValidAndVaried(t *testing.T) {
	const n = 20000
	g := newGenerator(Options{Entities: n, Today: fixedToday}.withDefaults())
	codes := map[string]bool{}
	risk := map[domain.RiskClass]int{}
	status := map[domain.RegStatus]int{}
	kinds := map[domain.EntityKind]int{}
	industries := map[string]int{}
	towns := map[string]int{}
	for i := range n {
		e := g.entity(i)
		if p := validate.CheckCreditCode(e.Code); p != validate.OK {
			t.Fatalf("business %d: code %s: %q", i, e.Code, p)
		}
		if e.Code[2:8] != Division {
			t.Fatalf("business %d: code %s not in division %s", i, e.Code, Division)
		}
		if codes[e.Code] {
			t.Fatalf("business %d: code %s repeated", i, e.Code)
		}
		codes[e.Code] = true
		if domain.KindFromCode(e.Code) != e.Kind {
			t.Fatalf("business %d: kind %s does not match code %s", i, e.Kind, e.Code)
		}
		domain.NormalizeEntity(&e)
		if v := domain.ValidateEntity(&e, i+2, false); v.Err() != nil {
			t.Fatalf("business %d invalid: %v", i, v)
		}
		if !strings.HasPrefix(e.Name, CountyName) && !strings.HasPrefix(e.Name, "山西") {
			t.Errorf("business %d: name %q", i, e.Name)
		}
		risk[e.RiskClass]++
		status[e.Status]++
		kinds[e.Kind]++
		industries[e.IndustryCode]++
		towns[e.TownshipCode]++
	}
	for _, c := range domain.RiskClasses {
		if risk[c] < n/50 {
			t.Errorf("risk class %s has %d businesses", c, risk[c])
		}
	}
	if risk[domain.RiskB] < n/2 {
		t.Errorf("risk B has %d of %d businesses, want most", risk[domain.RiskB], n)
	}
	if status[domain.StatusActive] < n*9/10 || status[domain.StatusActive] == n {
		t.Errorf("active businesses: %d of %d", status[domain.StatusActive], n)
	}
	for _, k := range []domain.EntityKind{domain.KindEnterprise, domain.KindIndividual, domain.KindCooperative} {
		if kinds[k] == 0 {
			t.Errorf("no business of kind %s", k)
		}
	}
	if len(industries) != len(Industries) || len(towns) != len(Townships) {
		t.Errorf("businesses cover %d industries and %d townships", len(industries), len(towns))
	}
}

func TestPeople(t *testing.T) {
	g := newGenerator(Options{Entities: 5000, Today: fixedToday}.withDefaults())
	ds := g.dataset()
	ids := make([]int64, len(ds.departments))
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	ins := g.inspectors(ds.people, ids)
	if len(ins) != DefaultInspectors {
		t.Fatalf("%d inspectors, want %d", len(ins), DefaultInspectors)
	}
	var expired, uncertifiedExperts, conflicts, away int
	certs := map[string]bool{}
	for i := range ins {
		in := ins[i]
		domain.NormalizeInspector(&in)
		if v := domain.ValidateInspector(&in, i+2); v.Err() != nil {
			t.Fatalf("inspector %d invalid: %v", i, v)
		}
		if in.CertNo != "" {
			if certs[in.CertNo] {
				t.Fatalf("certificate %s repeated", in.CertNo)
			}
			certs[in.CertNo] = true
			if !in.Certified(fixedToday) {
				expired++
			}
		} else if in.Expert {
			uncertifiedExperts++
		}
		for _, c := range in.Conflicts {
			if validate.CheckCreditCode(c.EntityCode) != validate.OK {
				t.Errorf("conflict with invalid code %s", c.EntityCode)
			}
			conflicts++
		}
		if in.Status != domain.InspectorOnDuty {
			away++
		}
	}
	for name, n := range map[string]int{"expired certificates": expired, "experts without certificate": uncertifiedExperts, "conflicts": conflicts, "inspectors on leave or transferred": away} {
		if n == 0 {
			t.Errorf("no %s", name)
		}
	}
	roles := map[domain.Role]int{}
	for _, a := range ds.accounts {
		roles[a.Role]++
		u := domain.User{Username: a.Username, DisplayName: a.displayName, Role: a.Role, DepartmentID: 1}
		if v := domain.ValidateUser(&u, a.Password, true); v.Err() != nil {
			t.Errorf("account %s invalid: %v", a.Username, v)
		}
		if a.Role == domain.RoleInspector && a.certNo == "" {
			t.Errorf("inspector account %s is not linked to a directory record", a.Username)
		}
	}
	for _, r := range domain.Roles {
		if roles[r] == 0 {
			t.Errorf("no demo account for role %s", r)
		}
	}
}
