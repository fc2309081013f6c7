package draw

import (
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the output vectors of docs/draw-spec.md")

const specPath = "../../docs/draw-spec.md"

// specBundle is the bundle of the spec's worked draw, kept beside the tests
// for the verify command's tests and for other implementations.
const specBundle = "testdata/spec-bundle.json"

// specVector matches a vector in the spec: a marker comment naming it,
// then a fenced block holding it.
var specVector = regexp.MustCompile("(?s)<!-- vector ([a-z0-9-]+) -->\n```[a-z]*\n(.*?)```\n")

// specInput is the input vector of the spec's worked draw.
type specInput struct {
	Announcement Announcement      `json:"announcement"`
	Pool         Pool              `json:"pool"`
	Roster       Roster            `json:"roster"`
	Secrets      map[string]string `json:"secrets"`
	PublicValue  []string          `json:"public_value"`
	Conflicts    []ConflictSalt    `json:"conflicts"`
}

// specPrimitives is the input of the spec's vectors of single functions.
type specPrimitives struct {
	Texts  []string `json:"texts"`
	Ratios []string `json:"ratios"`
	Quotas []struct {
		N        int      `json:"n"`
		Ratio    string   `json:"ratio"`
		Rounding Rounding `json:"rounding"`
		Minimum  int      `json:"minimum"`
	} `json:"quotas"`
	PublicValues [][]string `json:"public_values"`
}

// computeVectors computes every output vector from the input vectors.
func computeVectors(t *testing.T, inputs map[string]string) map[string]string {
	t.Helper()
	out := map[string]string{}

	var prim specPrimitives
	if err := json.Unmarshal([]byte(inputs["primitives"]), &prim); err != nil {
		t.Fatalf("primitives: %v", err)
	}
	var b strings.Builder
	for _, s := range prim.Texts {
		fmt.Fprintf(&b, "%+q → %q\n", s, CanonicalText(s))
	}
	out["canonical-text"] = b.String()
	b.Reset()
	for _, s := range prim.Ratios {
		c, err := CanonicalRatio(s)
		if err != nil {
			c = "error"
		}
		fmt.Fprintf(&b, "%s → %s\n", s, c)
	}
	out["ratios"] = b.String()
	b.Reset()
	for _, q := range prim.Quotas {
		k, err := Quota(q.N, q.Ratio, q.Rounding, q.Minimum)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "n=%d ratio=%s rounding=%s minimum=%d → %d\n", q.N, q.Ratio, q.Rounding, q.Minimum, k)
	}
	out["quotas"] = b.String()
	b.Reset()
	for _, pv := range prim.PublicValues {
		k, err := KeyString(pv)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%q → %s\n", pv, k)
	}
	out["key-strings"] = b.String()
	k, _ := KeyString([]string{"9319", "2 5 12 8 10", "9 18 26 34 41 45"})
	picks, _ := RFC3797Select(k, 25, 10)
	out["rfc3797"] = fmt.Sprintf("key string %s\npool 25, 10 picks: %v\n", k, picks)

	var in specInput
	if err := json.Unmarshal([]byte(inputs["input"]), &in); err != nil {
		t.Fatalf("input: %v", err)
	}
	a := in.Announcement
	ps, poolText, err := in.Pool.canonical(true)
	if err != nil {
		t.Fatal(err)
	}
	out["pool-text"] = poolText
	out["pool-hash"] = ps.Hash + "\n"
	rs, rosterText, err := in.Roster.canonical(true)
	if err != nil {
		t.Fatal(err)
	}
	out["roster-text"] = rosterText
	out["roster-hash"] = rs.Hash + "\n"
	hash, err := Announce(&a, &in.Pool, &in.Roster)
	if err != nil {
		t.Fatal(err)
	}
	annText, _, _ := a.Canonical()
	out["announcement-text"] = annText
	out["announcement-hash"] = hash + "\n"

	open := map[string]string{}
	b.Reset()
	for _, c := range in.Conflicts {
		salt, _ := hex.DecodeString(c.Salt)
		cm := ConflictCommitment(salt, c.Code)
		open[c.Inspector+"\x00"+c.Code] = cm
		fmt.Fprintf(&b, "%s %s salt %s → %s\n", c.Inspector, c.Code, c.Salt, cm)
	}
	out["conflicts"] = b.String()

	ex := Input{Announcement: a, Pool: in.Pool, Roster: in.Roster,
		Conflict: func(i, c string) (string, bool) { cm, ok := open[i+"\x00"+c]; return cm, ok }}
	b.Reset()
	for _, p := range slices.Sorted(maps.Keys(in.Secrets)) {
		sec, err := ParseSecret(in.Secrets[p])
		if err != nil {
			t.Fatal(err)
		}
		c := Commitment(hash, p, sec)
		ex.Commitments = append(ex.Commitments, Commit{Party: p, Commitment: c})
		ex.Entropy.Reveals = append(ex.Entropy.Reveals, Reveal{Party: p, Secret: in.Secrets[p]})
		fmt.Fprintf(&b, "%s %s\n", p, c)
	}
	out["commitments"] = b.String()
	pv, err := ParsePublicValue(strings.Join(in.PublicValue, "\n"))
	if err != nil {
		t.Fatal(err)
	}
	ex.Entropy.Public = &pv
	et := EntropyText(hash, ex.Entropy.Reveals, pv.KeyString)
	out["entropy-text"] = et
	seed := Seed(et)
	out["seed"] = hex.EncodeToString(seed) + "\n"

	b.Reset()
	keyer := NewKeyer(seed)
	sorted := in.Pool.Sorted()
	for _, bz := range sorted.Businesses {
		var key [32]byte
		keyer.Entity(bz.Stratum, bz.Code, &key)
		fmt.Fprintf(&b, "%s %s %x\n", bz.Stratum, bz.Code, key)
	}
	out["keys"] = b.String()

	bundle, err := Execute(ex)
	if err != nil {
		t.Fatal(err)
	}
	b.Reset()
	for _, s := range bundle.Result.Strata {
		fmt.Fprintf(&b, "%s pool %d quota %d\n", s.Name, s.Pool, s.Quota)
	}
	out["strata"] = b.String()
	b.Reset()
	for i, v := range bundle.Result.Visits {
		fmt.Fprintf(&b, "visit %d %s %s %s\n", i+1, v.Stratum, v.Code, v.Key)
		for _, s := range v.Skips {
			fmt.Fprintf(&b, "  skip %s %s %s %s%s\n", s.Role, s.Department, s.Inspector, s.Reason, strings.TrimRight(" "+s.Commitment, " "))
		}
		for _, m := range v.Team {
			fmt.Fprintf(&b, "  team %s %s %s %s\n", m.Role, m.Department, m.Inspector, m.Key)
		}
		for _, s := range v.Shortfalls {
			fmt.Fprintf(&b, "  shortfall %s\n", strings.Join(slices.DeleteFunc([]string{s.Role, s.Department, fmt.Sprint(s.Missing)}, func(f string) bool { return f == "" }), " "))
		}
	}
	out["visits"] = b.String()
	rep, err := Verify(bundle, in.Conflicts)
	if err != nil || !rep.OK() {
		t.Fatalf("the spec's draw does not verify: %v %v", err, rep)
	}
	var js strings.Builder
	if err := bundle.Write(&js); err != nil {
		t.Fatal(err)
	}
	out[specBundle] = js.String()
	return out
}

// TestSpecVectors recomputes every output vector of docs/draw-spec.md from
// its input vectors: the document cannot drift from the code. With -update
// it rewrites the output vectors instead.
func TestSpecVectors(t *testing.T) {
	doc, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	inputs := map[string]string{}
	found := map[string]string{}
	for _, m := range specVector.FindAllStringSubmatch(string(doc), -1) {
		found[m[1]] = m[2]
		if m[1] == "input" || m[1] == "primitives" {
			inputs[m[1]] = m[2]
		}
	}
	if len(inputs) != 2 {
		t.Fatalf("the spec has input vectors %v, want input and primitives", slices.Sorted(maps.Keys(inputs)))
	}
	want := computeVectors(t, inputs)
	bundle := want[specBundle]
	delete(want, specBundle)
	if *update {
		if err := os.WriteFile(specBundle, []byte(bundle), 0o644); err != nil {
			t.Fatal(err)
		}
		newDoc := specVector.ReplaceAllStringFunc(string(doc), func(block string) string {
			m := specVector.FindStringSubmatch(block)
			v, ok := want[m[1]]
			if !ok {
				return block
			}
			fence := block[strings.Index(block, "```"):]
			fence = fence[:strings.Index(fence, "\n")+1]
			return "<!-- vector " + m[1] + " -->\n" + fence + v + "```\n"
		})
		if err := os.WriteFile(specPath, []byte(newDoc), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got, err := os.ReadFile(specBundle); err != nil || string(got) != bundle {
		t.Errorf("%s differs from the bundle of the spec's draw (%v); run go test -run TestSpecVectors -update", specBundle, err)
	}
	for _, name := range slices.Sorted(maps.Keys(want)) {
		got, ok := found[name]
		switch {
		case !ok:
			t.Errorf("vector %s: missing from the spec", name)
		case got != want[name]:
			t.Errorf("vector %s differs from the code:\n--- spec\n%s--- code\n%s", name, got, want[name])
		}
	}
}
