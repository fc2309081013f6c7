package draw_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/draw"
)

// The independent verifier tools/verify-draw/verify_draw.py was written from
// docs/draw-spec.md alone, in Python with the standard library. These tests
// run it on the spec bundle and on draws made here with the package's public
// API, and check that it agrees with them and names tampering.

const independentScript = "../../tools/verify-draw/verify_draw.py"

// runIndependent runs the Python verifier on a bundle file and returns its
// exit status and output.
func runIndependent(t *testing.T, args ...string) (int, string) {
	t.Helper()
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed: the independent verifier (tools/verify-draw) cannot run here; CI runs it")
	}
	cmd := exec.Command(python, append([]string{independentScript}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	if err == nil {
		return 0, out.String()
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String()
	}
	t.Fatalf("running %s: %v", independentScript, err)
	return 0, ""
}

func writeBundle(t *testing.T, b *draw.Bundle, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	var buf bytes.Buffer
	if err := b.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestIndependentSelfTest(t *testing.T) {
	if code, out := runIndependent(t, "--self-test"); code != 0 {
		t.Fatalf("self-test of the spec's single-function vectors failed (exit %d):\n%s", code, out)
	}
}

func TestIndependentSpecBundle(t *testing.T) {
	code, out := runIndependent(t, "testdata/spec-bundle.json")
	if code != 0 {
		t.Fatalf("independent verifier disagrees with the spec bundle (exit %d):\n%s", code, out)
	}
	if !strings.Contains(out, "028c37fb32dab347dee1eb8f5eef7e96a127256218f429fda5186ffacf413e09") {
		t.Errorf("summary does not give the spec's seed:\n%s", out)
	}
}

// generatedDraw is one draw made with the public API, with the discipline
// office's conflict salts.
type generatedDraw struct {
	name   string
	bundle *draw.Bundle
	salts  []draw.ConflictSalt
}

// genDraw makes a draw from a seed: pools and rosters of varied shape, names
// with characters a verifier must handle byte-exactly, every team rule.
func genDraw(t *testing.T, seed uint64) generatedDraw {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	alphabet := "0123456789ABCDEFGHJKLMNPQRTUWXY"
	code := func() string {
		var sb strings.Builder
		for range 18 {
			sb.WriteByte(alphabet[r.IntN(len(alphabet))])
		}
		return sb.String()
	}
	// Names as typed: CanonicalText makes them canonical (§3), and the
	// verifier must agree that the result is.
	names := []string{"垣曲县老街饭店", "Cafe\u0301 Ａ１\u3000小吃\u200b", "\t绛县\u0085古绛镇 \u200b 面馆\ufeff",
		"闻喜县“一业一查”示范店", "U\u0308nïcödé (运城)\u00a0酒家\a", "盐湖区 𠀋 餐厅\r\n", "e\u0301\u0323 Ω\u2126"}
	industries := []string{"catering", "hotel", "food", "", "bakery"}
	strata := []string{"A", "B", "C", "D", "E"} // E stays empty
	roundings := []draw.Rounding{draw.RoundCeil, draw.RoundFloor, draw.RoundHalfUp}
	depts := []string{"SCJG", "XF", "WJ", "SW"}

	var pool draw.Pool
	used := map[string]bool{}
	n := 20 + r.IntN(300)
	for range n {
		c := code()
		if used[c] {
			continue
		}
		used[c] = true
		b := draw.Business{
			Code:     c,
			Name:     draw.CanonicalText(fmt.Sprintf("%s 第%d号", names[r.IntN(len(names))], r.IntN(1000))),
			Stratum:  strata[r.IntN(4)],
			Industry: industries[r.IntN(len(industries))],
		}
		for range r.IntN(3) {
			b.LastInspectors = append(b.LastInspectors, fmt.Sprintf("%s-%02d", depts[r.IntN(len(depts))], r.IntN(8)))
		}
		pool.Businesses = append(pool.Businesses, b)
	}
	for i := range r.IntN(5) {
		c := code()
		if used[c] {
			continue
		}
		used[c] = true
		x := draw.Exclusion{Code: c, Reason: []string{"deregistered", "cap_reached", "in_open_task"}[i%3]}
		if i%2 == 0 {
			x.Detail = draw.CanonicalText(fmt.Sprintf("  本年度已被抽查 %d 次\t", i+1))
		}
		pool.Exclusions = append(pool.Exclusions, x)
	}

	var roster draw.Roster
	var salts []draw.ConflictSalt
	conflicts := map[[2]string]string{}
	teamDepts := depts[:2+r.IntN(2)]
	for _, d := range depts {
		for i := range 2 + r.IntN(6) {
			in := draw.Inspector{
				ID:         fmt.Sprintf("%s-%02d", d, i),
				Department: d,
				Name:       draw.CanonicalText(fmt.Sprintf("检查员 %s %d", d, i)),
				CertNo:     fmt.Sprintf("1408%07d", r.IntN(10000000)),
				CertExpiry: fmt.Sprintf("%d-%02d-%02d", 2026+r.IntN(3), 1+r.IntN(12), 1+r.IntN(28)),
			}
			if r.IntN(6) == 0 {
				in.CertNo, in.CertExpiry = "", ""
			}
			if r.IntN(3) == 0 {
				in.Expert = true
				labels := []string{"catering", "hotel", "food", "bakery"}
				in.Labels = []string{labels[r.IntN(len(labels))], labels[r.IntN(len(labels))]}
			}
			// Declared conflicts with a few businesses, some of which are drawn.
			for range r.IntN(3) {
				biz := pool.Businesses[r.IntN(len(pool.Businesses))].Code
				if _, dup := conflicts[[2]string{in.ID, biz}]; dup {
					continue
				}
				salt := make([]byte, 16)
				for j := range salt {
					salt[j] = byte(r.Uint32())
				}
				c := draw.ConflictCommitment(salt, biz)
				in.Conflicts = append(in.Conflicts, c)
				conflicts[[2]string{in.ID, biz}] = c
				salts = append(salts, draw.ConflictSalt{Inspector: in.ID, Code: biz, Salt: hex.EncodeToString(salt)})
			}
			roster.Inspectors = append(roster.Inspectors, in)
		}
	}
	roster.Exclusions = append(roster.Exclusions, draw.RosterExclusion{ID: "XF-99", Department: "XF", Reason: "on_leave"})

	a := draw.Announcement{
		Draw:        fmt.Sprintf("GEN-%d", seed),
		Task:        "2026年度餐饮服务行业联合抽查",
		Batch:       fmt.Sprintf("第%d批", 1+seed%3),
		Title:       "生成的抽取 generated draw",
		AnnouncedAt: "2026-03-02T09:00:00Z",
		WindowStart: "2026-04-01",
		WindowEnd:   fmt.Sprintf("2026-%02d-28", 4+r.IntN(8)),
		Rounding:    roundings[r.IntN(len(roundings))],
		Team: draw.TeamRules{
			Lead:     teamDepts[0],
			Officers: 2 + r.IntN(3),
			Cap:      r.IntN(4),
			Expert:   r.IntN(2) == 0,
		},
	}
	for _, s := range strata {
		a.Strata = append(a.Strata, draw.Stratum{
			Name:    s,
			Ratio:   []string{"1/10", "1/4", "1/3", "1/2", "3/7", "0/1", "1/1"}[r.IntN(7)],
			Minimum: r.IntN(3),
		})
	}
	for _, d := range teamDepts {
		a.Team.Departments = append(a.Team.Departments, draw.DepartmentSlot{Department: d, Count: 1 + r.IntN(2)})
	}
	// Entropy plans: parties only, public value only, or both.
	plan := seed % 3
	if plan != 1 {
		a.Parties = depts[:1+r.IntN(len(depts))]
	}
	if plan != 0 {
		a.PublicValue = "中国福利彩票双色球第2026025期开奖号码"
	}
	if seed%4 == 3 {
		a.Supersedes = fmt.Sprintf("GEN-%d", seed-1)
	}
	ah, err := draw.Announce(&a, &pool, &roster)
	if err != nil {
		t.Fatalf("announce: %v", err)
	}
	in := draw.Input{Announcement: a, Pool: pool, Roster: roster}
	for _, p := range a.Parties {
		secret := make([]byte, draw.MinSecret+r.IntN(draw.MaxSecret-draw.MinSecret+1))
		for j := range secret {
			secret[j] = byte(r.Uint32())
		}
		in.Commitments = append(in.Commitments, draw.Commit{Party: p, Commitment: draw.Commitment(ah, p, secret)})
		in.Entropy.Reveals = append(in.Entropy.Reveals, draw.Reveal{Party: p, Secret: hex.EncodeToString(secret)})
	}
	if a.PublicValue != "" {
		pv, err := draw.ParsePublicValue(fmt.Sprintf("%d\n\n%02d %02d %02d, %02d\nＳＨ%d\n", r.IntN(100000), r.IntN(34), r.IntN(34), r.IntN(34), r.IntN(17), r.IntN(1000000)))
		if err != nil {
			t.Fatalf("public value: %v", err)
		}
		in.Entropy.Public = &pv
	}
	in.Conflict = func(inspector, code string) (string, bool) {
		c, ok := conflicts[[2]string{inspector, code}]
		return c, ok
	}
	b, err := draw.Execute(in)
	if err != nil {
		t.Fatalf("execute: %v", err)
	}
	return generatedDraw{name: a.Draw, bundle: b, salts: salts}
}

func TestIndependentAgreesOnGeneratedDraws(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed: the independent verifier (tools/verify-draw) cannot run here; CI runs it")
	}
	var visits, skips, conflicts, shortfalls int
	for seed := range uint64(8) {
		g := genDraw(t, seed)
		path := writeBundle(t, g.bundle, g.name+".json")
		if code, out := runIndependent(t, path); code != 0 {
			t.Errorf("%s: independent verifier disagrees with the platform (exit %d):\n%s", g.name, code, out)
		}
		// The discipline office's check, with every salt.
		saltPath := filepath.Join(t.TempDir(), "salts.json")
		var buf bytes.Buffer
		fmt.Fprint(&buf, "[")
		for i, s := range g.salts {
			if i > 0 {
				fmt.Fprint(&buf, ",")
			}
			fmt.Fprintf(&buf, `{"inspector":%q,"code":%q,"salt":%q}`, s.Inspector, s.Code, s.Salt)
		}
		fmt.Fprint(&buf, "]")
		if err := os.WriteFile(saltPath, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if code, out := runIndependent(t, path, "--conflict-salts", saltPath); code != 0 {
			t.Errorf("%s with conflict salts: independent verifier disagrees (exit %d):\n%s", g.name, code, out)
		}
		for _, v := range g.bundle.Result.Visits {
			visits++
			skips += len(v.Skips)
			shortfalls += len(v.Shortfalls)
			for _, s := range v.Skips {
				if s.Reason == draw.SkipConflict {
					conflicts++
				}
			}
		}
	}
	// The generated draws must exercise what the verifier recomputes.
	if visits < 50 || skips < 50 || conflicts == 0 || shortfalls == 0 {
		t.Errorf("generated draws too thin: %d visits, %d skips, %d conflict skips, %d shortfalls",
			visits, skips, conflicts, shortfalls)
	}
}

func TestIndependentNamesTampering(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed: the independent verifier (tools/verify-draw) cannot run here; CI runs it")
	}
	spec, err := os.Open("testdata/spec-bundle.json")
	if err != nil {
		t.Fatal(err)
	}
	defer spec.Close()
	base, err := draw.ReadBundle(spec)
	if err != nil {
		t.Fatal(err)
	}
	g := genDraw(t, 2) // parties and a public value

	for _, tc := range []struct {
		name   string
		bundle *draw.Bundle
		tamper func(b *draw.Bundle) []string // returns what the output must name
	}{
		{"swapped business", base, swapSelected},
		{"tampered reveal", base, tamperReveal},
		{"generated swapped business", g.bundle, swapSelected},
		{"generated tampered reveal", g.bundle, tamperReveal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.bundle.Write(&buf); err != nil {
				t.Fatal(err)
			}
			b, err := draw.ReadBundle(&buf)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.tamper(b)
			if want == nil {
				t.Fatal("the bundle has no business to swap")
			}
			code, out := runIndependent(t, writeBundle(t, b, "tampered.json"))
			if code != 1 {
				t.Fatalf("exit %d, want 1 for a tampered bundle:\n%s", code, out)
			}
			for _, w := range want {
				if !strings.Contains(out, w) {
					t.Errorf("output does not name %q:\n%s", w, out)
				}
			}
		})
	}
}

// swapSelected replaces a drawn business by a business of the same stratum
// that was not drawn.
func swapSelected(b *draw.Bundle) []string {
	drawn := map[string]bool{}
	for _, v := range b.Result.Visits {
		drawn[v.Code] = true
	}
	for i := range b.Result.Visits {
		v := &b.Result.Visits[i]
		for _, x := range b.Pool.Businesses {
			if x.Stratum == v.Stratum && !drawn[x.Code] {
				old := v.Code
				v.Code = x.Code
				return []string{"selection " + old, "selection " + x.Code}
			}
		}
	}
	return nil // the test fails: nothing could be swapped
}

// tamperReveal changes one byte of the last party's secret.
func tamperReveal(b *draw.Bundle) []string {
	r := &b.Entropy.Reveals[len(b.Entropy.Reveals)-1]
	s := []byte(r.Secret)
	s[0] = "10"[map[bool]int{true: 1, false: 0}[s[0] == '1']]
	r.Secret = string(s)
	return []string{"commitment " + r.Party, "seed"}
}

// TestIndependentAgreesOnMutations edits the spec bundle one way at a time and
// checks that the platform's Verify and the independent verifier accept or
// reject each edit alike: the rules on order, omitted members, JSON types and
// canonical forms of §3 and §13 are read the same way by both.
func TestIndependentAgreesOnMutations(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed: the independent verifier (tools/verify-draw) cannot run here; CI runs it")
	}
	raw, err := os.ReadFile("testdata/spec-bundle.json")
	if err != nil {
		t.Fatal(err)
	}
	type obj = map[string]any
	at := func(v any, path ...any) any {
		for _, p := range path {
			switch p := p.(type) {
			case string:
				v = v.(obj)[p]
			case int:
				v = v.([]any)[p]
			}
		}
		return v
	}
	reverse := func(path ...any) func(b obj) {
		return func(b obj) { slices.Reverse(at(b, path...).([]any)) }
	}
	set := func(value any, path ...any) func(b obj) {
		return func(b obj) { at(b, path[:len(path)-1]...).(obj)[path[len(path)-1].(string)] = value }
	}
	for _, tc := range []struct {
		name   string
		accept bool
		edit   func(b obj)
	}{
		{"businesses in another order", true, reverse("pool", "businesses")},
		{"inspectors in another order", true, reverse("roster", "inspectors")},
		{"commitments and reveals in another order", true, func(b obj) {
			reverse("commitments")(b)
			reverse("entropy", "reveals")(b)
		}},
		{"result strata in another order", true, reverse("result", "strata")},
		{"labels in another order and repeated", true, func(b obj) {
			l := at(b, "roster", "inspectors", 5).(obj)
			l["labels"] = []any{"food", "catering", "food"}
		}},
		{"empty list omitted", true, func(b obj) { delete(at(b, "result", "visits", 1).(obj), "shortfalls") }},
		{"parties out of order", false, reverse("announcement", "parties")},
		{"strata out of order", false, reverse("announcement", "strata")},
		{"unknown member", false, set("x", "pool", "businesses", 0, "note")},
		{"name not canonical", false, set("垣曲县古城酒家有限公司 ", "pool", "businesses", 0, "name")},
		{"secret in upper-case hex", false, set("00112233445566778899AABBCCDDEEFF", "entropy", "reveals", 1, "secret")},
		{"expert flag as a number", false, set(1, "announcement", "team", "expert")},
		{"count as a string", false, set("12", "announcement", "pool_size")},
		{"ratio changed", false, set("1/5", "announcement", "strata", 0, "ratio")},
		{"cap changed", false, set(3, "announcement", "team", "cap")},
		{"exclusion dropped", false, func(b obj) {
			x := at(b, "pool").(obj)
			x["exclusions"] = x["exclusions"].([]any)[1:]
		}},
		{"quota changed", false, set(2, "result", "strata", 1, "quota")},
		{"visits in another order", false, func(b obj) {
			v := at(b, "result", "visits").([]any)
			v[0], v[1] = v[1], v[0]
		}},
		{"skip dropped", false, func(b obj) { delete(at(b, "result", "visits", 1).(obj), "skips") }},
		{"shortfall changed", false, set(2, "result", "visits", 3, "shortfalls", 0, "missing")},
		{"member key changed", false, set(strings.Repeat("0", 64), "result", "visits", 0, "team", 0, "key")},
		{"conflict cited for another inspector", false, set("SCJG-01", "result", "visits", 4, "skips", 3, "inspector")},
		{"reveal missing", false, func(b obj) {
			e := at(b, "entropy").(obj)
			e["reveals"] = e["reveals"].([]any)[1:]
		}},
		{"public value dropped", false, func(b obj) { delete(at(b, "entropy").(obj), "public_value") }},
		{"public value source not canonical", false, func(b obj) {
			srcs := at(b, "entropy", "public_value", "sources").([]any)
			srcs[0] = " " + srcs[0].(string)
		}},
		{"public value source empty", false, func(b obj) {
			p := at(b, "entropy", "public_value").(obj)
			p["sources"] = append(p["sources"].([]any), "")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b obj
			if err := json.Unmarshal(raw, &b); err != nil {
				t.Fatal(err)
			}
			tc.edit(b)
			data, err := json.MarshalIndent(b, "", " ")
			if err != nil {
				t.Fatal(err)
			}
			goAccepts := false
			if bundle, err := draw.ReadBundle(bytes.NewReader(data)); err == nil {
				if r, err := draw.Verify(bundle, nil); err == nil && r.OK() {
					goAccepts = true
				}
			}
			path := filepath.Join(t.TempDir(), "bundle.json")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			code, out := runIndependent(t, path)
			if goAccepts != tc.accept || (code == 0) != tc.accept {
				t.Errorf("want accepted=%v; platform accepted=%v, independent verifier exit %d:\n%s",
					tc.accept, goAccepts, code, out)
			}
		})
	}
}

// TestDuplicateMembersRefused: a bundle naming one member twice in an
// object is refused by ReadBundle (naming the member and where) and by the
// independent verifier, wherever the duplicate is.
func TestDuplicateMembersRefused(t *testing.T) {
	raw, err := os.ReadFile("testdata/spec-bundle.json")
	if err != nil {
		t.Fatal(err)
	}
	python := true
	if _, err := exec.LookPath("python3"); err != nil {
		python = false
		t.Log("python3 is not installed: only the platform's reader is checked; CI runs the independent verifier")
	}
	for _, tc := range []struct{ name, old, new, want string }{
		{"top level", `"format": "yiyeyicha-draw-bundle-v1",`, `"format": "yiyeyicha-draw-bundle-v1", "format": "yiyeyicha-draw-bundle-v1",`, `duplicate member "format" in the bundle`},
		{"announcement", `"pool_size": 12,`, `"pool_size": 12, "pool_size": 13,`, `duplicate member "pool_size" in announcement`},
		{"nested in a list", `"stratum": "A",`, `"stratum": "A", "stratum": "B",`, `duplicate member "stratum" in pool.businesses[`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := strings.Replace(string(raw), tc.old, tc.new, 1)
			if data == string(raw) {
				t.Fatalf("the spec bundle has no %s", tc.old)
			}
			_, err := draw.ReadBundle(strings.NewReader(data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadBundle: %v, want an error naming %s", err, tc.want)
			}
			if !python {
				return
			}
			path := filepath.Join(t.TempDir(), "bundle.json")
			if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
			if code, out := runIndependent(t, path); code == 0 || !strings.Contains(out, "duplicate") {
				t.Errorf("independent verifier exit %d:\n%s", code, out)
			}
		})
	}
}
