package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/validate"
)

// DefaultSeed is the seed of the dataset a newcomer sees.
const DefaultSeed = 140827

// Streams of the generator. Every business draws from its own stream, keyed
// by its index, so business i is the same whatever the batch size, the total
// or the order of generation; the people (departments, inspectors, accounts)
// share one sequential stream.
const (
	streamEntity = 1 << 56
	streamPeople = 2 << 56
)

// generator makes the dataset of one seed. It is pure: no store, no clock
// (today is given).
type generator struct {
	seed  uint64
	today domain.Date
	n     int // businesses
	m     int // inspectors

	codeOffset uint64
}

// codeSpace is 31^6, the number of six-character serials in the credit
// code alphabet.
const codeSpace = 887503681

// codeMul is coprime to 31, so i → i*codeMul+offset (mod codeSpace) is a
// bijection: every business gets a different, random-looking serial.
const codeMul = 387420489

const codeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

func newGenerator(o Options) *generator {
	seed := uint64(o.Seed)
	return &generator{seed: seed, today: o.Today, n: o.Entities, m: o.Inspectors, codeOffset: splitmix(seed) % codeSpace}
}

// splitmix is SplitMix64's finaliser, to turn small consecutive numbers into
// well-spread PCG sequence values.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func (g *generator) rng(stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(g.seed, splitmix(stream)))
}

// weighted picks an index with probability proportional to its weight.
func weighted(r *rand.Rand, w []int) int {
	total := 0
	for _, x := range w {
		total += x
	}
	n := r.IntN(total)
	for i, x := range w {
		if n < x {
			return i
		}
		n -= x
	}
	return len(w) - 1
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func personName(r *rand.Rand) string {
	first := pick(r, givenChars)
	name := pick(r, surnames) + first
	if r.IntN(10) < 7 {
		if second := pick(r, givenChars); second != first {
			name += second
		}
	}
	return name
}

func mobile(r *rand.Rand) string {
	return fmt.Sprintf("%s%08d", pick(r, mobilePrefixes), r.IntN(100000000))
}

// code returns the credit code of business i with the given prefix (91,
// 92, 93): the county's division, "MA" and a serial unique to i.
func (g *generator) code(prefix string, i int) string {
	v := (uint64(i)*codeMul + g.codeOffset) % codeSpace
	var serial [6]byte
	for k := 5; k >= 0; k-- {
		serial[k] = codeAlphabet[v%31]
		v /= 31
	}
	code, ok := validate.MakeCreditCode(prefix, Division, "MA"+string(serial[:]))
	if !ok {
		panic("demo: malformed credit code parts") // the alphabet above cannot produce one
	}
	return code
}

var (
	industryWeights []int
	riskWeights     = []int{150, 640, 160, 50} // A, B, C, D: mostly general risk
	statusWeights   = []int{965, 15, 10, 3, 7} // as domain.RegStatuses
	kindPrefix      = [3]string{"91", "92", "93"}
	kinds           = [3]domain.EntityKind{domain.KindEnterprise, domain.KindIndividual, domain.KindCooperative}
)

func init() {
	for _, p := range profiles {
		industryWeights = append(industryWeights, p.weight)
	}
}

// entity returns business i. It depends only on the seed, i and today.
func (g *generator) entity(i int) domain.Entity {
	r := g.rng(streamEntity | uint64(i))
	ind := weighted(r, industryWeights)
	p := &profiles[ind]
	k := weighted(r, p.kindPermill[:])
	tw := weighted(r, townshipWeight)
	town := Townships[tw].Name

	var name string
	brand := pick(r, brands)
	switch k {
	case 0:
		if r.IntN(5) == 0 {
			name = "山西" + brand + pick(r, p.enterprise)
		} else {
			name = CountyName + brand + pick(r, p.enterprise)
		}
	case 1:
		switch n := r.IntN(10); {
		case n < 5:
			name = CountyName + brand + pick(r, p.individual)
		case n < 8:
			name = CountyName + town + brand + pick(r, p.individual)
		default:
			name = CountyName + town + pick(r, surnames) + "记" + pick(r, p.individual)
		}
	default:
		name = CountyName + town + brand + pick(r, p.cooperative)
	}

	var addr string
	if tw == 0 {
		addr = fmt.Sprintf("%s%s%s%d号", CountyName, town, pick(r, streets), 1+r.IntN(300))
	} else {
		addr = fmt.Sprintf("%s%s%s村%d号", CountyName, town, pick(r, villages), 1+r.IntN(200))
	}
	return domain.Entity{
		Code:         g.code(kindPrefix[k], i),
		Name:         name,
		Kind:         kinds[k],
		IndustryCode: Industries[ind].Code,
		TownshipCode: Townships[tw].Code,
		Address:      addr,
		LegalRep:     personName(r),
		Status:       domain.RegStatuses[weighted(r, statusWeights)],
		RiskClass:    domain.RiskClasses[weighted(r, riskWeights)],
		RiskSetOn:    g.today.AddDays(-20 - r.IntN(700)),
	}
}

// departmentRecords returns the departments with their liaisons and leaders.
func (g *generator) departmentRecords(r *rand.Rand) []domain.Department {
	out := make([]domain.Department, len(departments))
	for i, d := range departments {
		out[i] = domain.Department{
			Code:         d.code,
			Name:         d.name,
			ShortName:    d.short,
			Liaison:      personName(r),
			LiaisonPhone: fmt.Sprintf("0359-60%05d", r.IntN(100000)),
			Leader:       personName(r),
			LeaderPhone:  mobile(r),
		}
	}
	return out
}

// person is an inspector as generated, with its department's index and the
// indices of the businesses it declared conflicts with (resolved to codes
// once the businesses exist, so the people stream does not depend on them).
type person struct {
	dept      int
	inspector domain.Inspector
	conflicts []uint64
}

func (g *generator) residentID(r *rand.Rand) string {
	birth := domain.Date{Year: 1966 + r.IntN(34), Month: 1, Day: 1}.AddDays(r.IntN(365))
	first := fmt.Sprintf("%s%04d%02d%02d%03d", Division, birth.Year, birth.Month, birth.Day, r.IntN(1000))
	return first + string(validate.ResidentIDCheck(first))
}

// people returns the inspectors and experts (执法检查人员/专家).
func (g *generator) people(r *rand.Rand) []person {
	w := make([]int, len(departments))
	for i, d := range departments {
		w[i] = d.weight
	}
	seq := make([]int, len(departments))
	out := make([]person, 0, g.m)
	for range g.m {
		di := weighted(r, w)
		d := &departments[di]
		in := domain.Inspector{Name: personName(r), Status: domain.InspectorOnDuty}
		if r.IntN(10) < 8 {
			in.IDNumber = g.residentID(r)
		}
		in.Expert = r.IntN(100) < 12
		if !in.Expert || r.IntN(10) < 3 {
			seq[di]++
			in.CertNo = fmt.Sprintf("%s%02d%04d", Division, di+1, seq[di])
			if r.IntN(100) < 8 {
				in.CertExpiry = g.today.AddDays(-1 - r.IntN(400))
			} else {
				in.CertExpiry = g.today.AddDays(20 + r.IntN(1800))
			}
		}
		in.Labels = []string{pick(r, d.labels)}
		if r.IntN(3) == 0 {
			in.Labels = append(in.Labels, pick(r, d.labels))
		}
		if in.Expert {
			in.Labels = append(in.Labels, "业务专家")
		}
		in.Expertise = pick(r, d.expertise)
		switch n := r.IntN(100); {
		case n < 6:
			in.Status = domain.InspectorOnLeave
		case n < 10:
			in.Status = domain.InspectorTransferred
		}
		if r.IntN(100) < 85 {
			in.Phone = mobile(r)
		}
		p := person{dept: di, inspector: in}
		if r.IntN(100) < 6 {
			for range 1 + r.IntN(2) {
				// Uint64, not IntN: the number of values drawn must not
				// depend on the number of businesses.
				p.conflicts = append(p.conflicts, r.Uint64())
			}
		}
		out = append(out, p)
	}
	return out
}

// inspectors returns the directory records, with the conflicts resolved
// to real businesses' codes; deptIDs maps a department index to its store ID.
func (g *generator) inspectors(ps []person, deptIDs []int64) []domain.Inspector {
	r := g.rng(streamPeople | 1)
	out := make([]domain.Inspector, len(ps))
	for i, p := range ps {
		in := p.inspector
		in.Labels = append([]string(nil), in.Labels...)
		in.DepartmentID = deptIDs[p.dept]
		in.Conflicts = nil
		seen := map[string]bool{}
		for _, c := range p.conflicts {
			if g.n == 0 {
				break
			}
			code := g.entity(int(c % uint64(g.n))).Code
			if seen[code] {
				continue
			}
			seen[code] = true
			in.Conflicts = append(in.Conflicts, domain.Conflict{
				EntityCode: code,
				Reason:     pick(r, conflictReasons),
				DeclaredOn: g.today.AddDays(-r.IntN(365)),
			})
		}
		out[i] = in
	}
	return out
}

// Account is a demo login printed for the newcomer.
type Account struct {
	Role       domain.Role
	Username   string
	Password   string
	Department string // department name, "" for office and discipline
}

// account is an Account with what the store needs to create it.
type account struct {
	Account
	displayName string
	dept        int    // department index, -1 for none
	certNo      string // the directory record of an inspector user
}

// departmentUsers are the departments that get a staff account.
var departmentUsers = []string{"SCJG", "XFJY", "WSJK", "GA", "JYKJ"}

// inspectorUsers are the departments one of whose inspectors gets an account.
var inspectorUsers = []string{"SCJG", "XFJY", "WSJK"}

func deptIndex(code string) int {
	for i, d := range departments {
		if d.code == code {
			return i
		}
	}
	return -1
}

func password(r *rand.Rand) string {
	const alpha = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	var b strings.Builder
	b.WriteString("yq-")
	for i := range 12 {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(alpha[r.IntN(len(alpha))])
	}
	return b.String()
}

// accounts returns one or more accounts per role. Inspector accounts are
// linked to an on-duty, certified inspector of their department.
func (g *generator) accounts(r *rand.Rand, ps []person) []account {
	out := []account{{Account: Account{Role: domain.RoleOffice, Username: "office"}, displayName: "双随机办 " + personName(r), dept: -1}}
	for _, c := range departmentUsers {
		di := deptIndex(c)
		out = append(out, account{
			Account:     Account{Role: domain.RoleDepartment, Username: strings.ToLower(c), Department: departments[di].name},
			displayName: departments[di].short + " " + personName(r),
			dept:        di,
		})
	}
	for _, c := range inspectorUsers {
		di := deptIndex(c)
		for _, p := range ps {
			in := p.inspector
			if p.dept == di && !in.Expert && in.Status == domain.InspectorOnDuty && in.Certified(g.today) {
				out = append(out, account{
					Account:     Account{Role: domain.RoleInspector, Username: "inspector." + strings.ToLower(c), Department: departments[di].name},
					displayName: in.Name,
					dept:        di,
					certNo:      in.CertNo,
				})
				break
			}
		}
	}
	out = append(out, account{Account: Account{Role: domain.RoleDiscipline, Username: "jijian"}, displayName: "纪检 " + personName(r), dept: -1})
	for i := range out {
		out[i].Password = password(r)
	}
	return out
}

// dataset is the generated people side of the demo: departments,
// inspectors and accounts, all drawn from one stream in a fixed order.
type dataset struct {
	departments []domain.Department
	people      []person
	accounts    []account
}

func (g *generator) dataset() *dataset {
	// Separate streams, so that the accounts' passwords do not change
	// with the number of inspectors.
	ds := &dataset{}
	ds.departments = g.departmentRecords(g.rng(streamPeople | 3))
	ds.people = g.people(g.rng(streamPeople))
	ds.accounts = g.accounts(g.rng(streamPeople|2), ds.people)
	return ds
}
