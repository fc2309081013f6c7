package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// TestLogVerifyWitness: 'log verify --witness KEY' passes only while the
// latest checkpoint carries that witness's co-signature: not before it
// co-signs, not with another witness's key, not once the log has grown
// past what it co-signed.
func TestLogVerifyWitness(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "y.db")
	if r := run(t, nil, "migrate", "--db", db); r.code != 0 {
		t.Fatalf("migrate: %s", r.stderr)
	}
	st := openStore(t, db)
	f := storetest.Seed(t, st)
	storetest.SeedJointList(t, st, f, "catering")
	keygen := func(name string) (file, verifier string) {
		t.Helper()
		file = filepath.Join(dir, name+".key")
		r := run(t, nil, "log", "witness", "keygen", "--name", name, "-o", file)
		if r.code != 0 {
			t.Fatal(r.stderr)
		}
		return file, strings.TrimSpace(r.stdout)
	}
	wkey, wv := keygen("yuanqu-jijian")
	_, other := keygen("yuanqu-renda")
	for _, v := range []string{wv, other} {
		if r := run(t, nil, "log", "witness", "add", v, "--label", "见证方", "--db", db); r.code != 0 {
			t.Fatalf("witness add: %s", r.stderr)
		}
	}
	verify := func(witness string) result {
		t.Helper()
		return run(t, nil, "log", "verify", "--db", db, "--witness", witness, "--lang", "en")
	}
	if r := verify(wv); r.code != ExitError || !strings.Contains(r.stderr, "not co-signed by the witness yuanqu-jijian") {
		t.Errorf("before the witness co-signs: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, nil, "log", "cosign", "--key", wkey, "--db", db); r.code != 0 {
		t.Fatalf("cosign: exit %d %s", r.code, r.stderr)
	}
	if r := verify(wv); r.code != 0 || !strings.Contains(r.stdout, "(1 records) is co-signed by the witness yuanqu-jijian") {
		t.Errorf("after the witness co-signed: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := verify(other); r.code != ExitError || !strings.Contains(r.stderr, "not co-signed by the witness yuanqu-renda") {
		t.Errorf("another witness's key: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := verify("not a key"); r.code != ExitUsage {
		t.Errorf("malformed witness key: exit %d, want 2", r.code)
	}
	// The log grows: the new checkpoint is not co-signed until the witness
	// signs again.
	storetest.SeedJointList(t, st, f, "hotel")
	if r := verify(wv); r.code != ExitError || !strings.Contains(r.stderr, "(2 records) is not co-signed") {
		t.Errorf("after the log grew: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, nil, "log", "cosign", "--key", wkey, "--db", db); r.code != 0 {
		t.Fatalf("second cosign: exit %d %s", r.code, r.stderr)
	}
	if r := verify(wv); r.code != 0 {
		t.Errorf("after the second co-signature: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
