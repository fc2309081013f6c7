package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestIndependentVerifierOnDemoDraws runs draws from the command line on a
// demo database, writes their bundles and salts, and checks that the
// independent verifier tools/verify-draw/verify_draw.py, written from
// docs/draw-spec.md alone, agrees with each; and that it names a drawn
// business swapped for another.
func TestIndependentVerifierOnDemoDraws(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed: the independent verifier (tools/verify-draw) cannot run here; CI runs it")
	}
	script := filepath.Join("..", "..", "tools", "verify-draw", "verify_draw.py")
	independent := func(args ...string) (int, string) {
		t.Helper()
		cmd := exec.Command(python, append([]string{script}, args...)...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), out.String()
		} else if err != nil {
			t.Fatalf("running %s: %v", script, err)
		}
		return 0, out.String()
	}

	db := demoDB(t)
	dir := t.TempDir()
	env := map[string]string{"YIYEYICHA_DB": db, "YIYEYICHA_LANG": "en"}
	must := func(args ...string) string {
		t.Helper()
		r := run(t, env, args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
		return r.stdout
	}
	must("user", "add", "scjg1", "--role", "department", "--name", "市场监管联络员", "--department", "SCJG", "--password", "password1234")
	must("user", "add", "xfjy1", "--role", "department", "--name", "消防联络员", "--department", "XFJY", "--password", "password1234")
	must("user", "add", "scjg2", "--role", "department", "--name", "市场监管录入员", "--department", "SCJG", "--password", "password1234")
	liaison := map[string]string{"SCJG": "scjg1", "XFJY": "xfjy1"}

	common := []string{"draw", "announce", "--industry", "catering", "--lead", "SCJG", "--dept", "SCJG:1", "--dept", "XFJY:1",
		"--window", "2026-04-01:2026-06-30", "--task", "2026年餐饮服务联合抽查"}
	var bundles []string
	for i, variant := range [][]string{
		{"--batch", "第一批", "--ratio", "A=1%", "--ratio", "B=2%", "--ratio", "C=1/10", "--ratio", "D=30%", "--min", "A=1",
			"--public-value", "中国福利彩票双色球第2026025期开奖号码", "--cap", "5"},
		{"--batch", "第二批", "--ratio", "A=5%", "--ratio", "B=1/8", "--ratio", "C=25%", "--ratio", "D=1/2",
			"--expert", "--officers", "3", "--cap", "2", "--rounding", "half_up"},
		{"--batch", "第三批", "--ratio", "A=0", "--ratio", "B=10%", "--ratio", "C=0.2", "--ratio", "D=40%", "--min", "A=2",
			"--public-value", "上海证券交易所2026年4月1日收盘指数", "--rounding", "floor", "--expert"},
	} {
		out := must(append(append([]string{}, common...), variant...)...)
		m := regexp.MustCompile(`Draw (\S+) announced`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("announce printed %q", out)
		}
		id := m[1]
		for _, step := range []string{"commit", "reveal"} {
			for _, party := range []string{"SCJG", "XFJY"} {
				must("draw", step, id, party, "--secret-file", filepath.Join(dir, id+"-"+party+".secret"), "--as", liaison[party])
			}
		}
		if strings.Contains(strings.Join(variant, " "), "--public-value") {
			value := []string{"03 07 12 19 25 31\n09", "3345.12\nＳＨ０００００１ 3345"}[i/2]
			must("draw", "public-value", id, value)
			must("draw", "public-value", id, value, "--as", "scjg2")
		}
		must("draw", "execute", id)
		bundle := filepath.Join(dir, id+".json")
		salts := filepath.Join(dir, id+"-salts.json")
		must("draw", "bundle", id, "-o", bundle)
		must("draw", "salts", id, "-o", salts)
		if code, out := independent(bundle); code != 0 {
			t.Errorf("draw %s: the independent verifier disagrees with the platform (exit %d):\n%s", id, code, out)
		} else {
			t.Log(strings.TrimSpace(out))
		}
		if code, out := independent(bundle, "--conflict-salts", salts); code != 0 {
			t.Errorf("draw %s with the discipline office's salts: the independent verifier disagrees (exit %d):\n%s", id, code, out)
		}
		bundles = append(bundles, bundle)
	}

	// One selected business swapped for one of the same stratum not drawn.
	raw, err := os.ReadFile(bundles[0])
	if err != nil {
		t.Fatal(err)
	}
	var b struct {
		Pool struct {
			Businesses []struct{ Code, Stratum string } `json:"businesses"`
		} `json:"pool"`
		Result struct {
			Visits []struct{ Code, Stratum string } `json:"visits"`
		} `json:"result"`
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatal(err)
	}
	drawn := map[string]bool{}
	for _, v := range b.Result.Visits {
		drawn[v.Code] = true
	}
	if len(b.Result.Visits) == 0 {
		t.Fatal("the demo draw drew nobody")
	}
	first := b.Result.Visits[0]
	swap := ""
	for _, x := range b.Pool.Businesses {
		if x.Stratum == first.Stratum && !drawn[x.Code] {
			swap = x.Code
			break
		}
	}
	if swap == "" {
		t.Fatalf("stratum %s of the demo draw has no business left to swap in", first.Stratum)
	}
	tampered := filepath.Join(dir, "swapped.json")
	if err := os.WriteFile(tampered, bytes.Replace(raw, []byte(`"code": "`+first.Code+`",
    "stratum"`), []byte(`"code": "`+swap+`",
    "stratum"`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out := independent(tampered)
	if code != 1 || !strings.Contains(out, "selection "+first.Code) || !strings.Contains(out, "selection "+swap) {
		t.Errorf("swapped business %s → %s: exit %d, want 1 naming both:\n%s", first.Code, swap, code, out)
	}
}
