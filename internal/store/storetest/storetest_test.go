package storetest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestUnreachablePostgresFails checks that a set but unreachable
// YIYEYICHA_TEST_POSTGRES fails the test instead of skipping it: CI sets
// the variable to require PostgreSQL, and a skip would let it pass
// silently. The check runs in a child process because a failing test is
// the expected outcome.
func TestUnreachablePostgresFails(t *testing.T) {
	if os.Getenv("STORETEST_CHILD") == "1" {
		NewPostgres(t)
		return
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestUnreachablePostgresFails$", "-test.v")
	cmd.Env = append(os.Environ(), "STORETEST_CHILD=1", EnvPostgres+"=postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("child passed with an unreachable server:\n%s", out)
	}
	if !strings.Contains(string(out), "--- FAIL") || !strings.Contains(string(out), "unreachable") {
		t.Fatalf("child did not fail naming the unreachable server:\n%s", out)
	}
}

func TestNewSQLite(t *testing.T) {
	s := New(t)
	cur, latest, err := s.SchemaStatus(t.Context())
	if err != nil || cur != latest || cur == 0 {
		t.Fatalf("SchemaStatus = %d, %d, %v; want a migrated store", cur, latest, err)
	}
	if s.Engine() != "sqlite" {
		t.Errorf("Engine = %q", s.Engine())
	}
}
