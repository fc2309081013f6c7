package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/draw"
)

// specBundle is the bundle of docs/draw-spec.md's worked draw.
const specBundle = "../draw/testdata/spec-bundle.json"

func readSpecBundle(t *testing.T) *draw.Bundle {
	t.Helper()
	f, err := os.Open(specBundle)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := draw.ReadBundle(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeBundle(t *testing.T, b *draw.Bundle) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bundle.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Write(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestVerify(t *testing.T) {
	t.Run("ok", func(t *testing.T) {
		r := run(t, nil, "verify", specBundle, "--lang", "en")
		if r.code != 0 || strings.Count(r.stdout, "\n") != 1 || !strings.Contains(r.stdout, "Draw 2026-CY01-B1-R1 verified: 12 businesses in the pool, 5 visits (") {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("ok in Chinese", func(t *testing.T) {
		r := run(t, nil, "verify", specBundle)
		if r.code != 0 || !strings.Contains(r.stdout, "验证通过") {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("one selected business swapped", func(t *testing.T) {
		b := readSpecBundle(t)
		old := b.Result.Visits[0].Code
		var swapped string
		for _, x := range b.Pool.Businesses {
			if x.Stratum == b.Result.Visits[0].Stratum && x.Code != old {
				swapped = x.Code
				break
			}
		}
		b.Result.Visits[0].Code = swapped
		r := run(t, nil, "verify", writeBundle(t, b), "--lang", "en")
		if r.code != ExitError {
			t.Fatalf("exit %d, want %d\n%s%s", r.code, ExitError, r.stdout, r.stderr)
		}
		for _, want := range []string{"selection " + old + ": drawn (visit 1", "selection " + swapped + ": in the bundle (visit 1) but not drawn"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("output lacks %q:\n%s", want, r.stdout)
			}
		}
		if !strings.Contains(r.stderr, "does NOT verify") {
			t.Errorf("stderr %q", r.stderr)
		}
	})
	t.Run("tampered reveal", func(t *testing.T) {
		b := readSpecBundle(t)
		b.Entropy.Reveals[1].Secret = strings.Repeat("ab", 16)
		r := run(t, nil, "verify", writeBundle(t, b), "--lang", "en")
		if r.code != ExitError || !strings.Contains(r.stdout, "commitment WJ: the revealed secret does not match the commitment") {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("public value source not canonical", func(t *testing.T) {
		b := readSpecBundle(t)
		b.Entropy.Public.Sources[1] = b.Entropy.Public.Sources[1] + " "
		r := run(t, nil, "verify", writeBundle(t, b), "--lang", "en")
		if r.code != ExitError || !strings.Contains(r.stdout, "canonical public_value source 2") {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("duplicate member", func(t *testing.T) {
		raw, err := os.ReadFile(specBundle)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "dup.json")
		os.WriteFile(path, []byte(strings.Replace(string(raw), `"pool_size": 12,`, `"pool_size": 12, "pool_size": 11,`, 1)), 0o600)
		r := run(t, nil, "verify", path, "--lang", "en")
		if r.code != ExitError || !strings.Contains(r.stderr, `duplicate member "pool_size" in announcement`) {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("with salts", func(t *testing.T) {
		salts := filepath.Join(t.TempDir(), "salts.json")
		data, _ := json.Marshal([]draw.ConflictSalt{{Inspector: "SCJG-03", Code: "91140827N10005072M", Salt: "a1b2c3d4e5f60718293a4b5c6d7e8f90"}})
		os.WriteFile(salts, data, 0o600)
		if r := run(t, nil, "verify", specBundle, "--conflict-salts", salts); r.code != 0 {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		data, _ = json.Marshal([]draw.ConflictSalt{{Inspector: "SCJG-03", Code: "91140827N10005072M", Salt: "00"}})
		os.WriteFile(salts, data, 0o600)
		r := run(t, nil, "verify", specBundle, "--conflict-salts", salts, "--lang", "en")
		if r.code != ExitError || !strings.Contains(r.stdout, "conflict SCJG-03 91140827N10005072M: the salt opens no commitment") {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("not a bundle", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "x.json")
		os.WriteFile(path, []byte(`{"format":"other"}`), 0o600)
		r := run(t, nil, "verify", path, "--lang", "en")
		if r.code != ExitError || !strings.Contains(r.stderr, "is not a draw bundle") {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("usage", func(t *testing.T) {
		if r := run(t, nil, "verify"); r.code != ExitUsage {
			t.Fatalf("exit %d", r.code)
		}
	})
}
