package password

import (
	"errors"
	"strings"
	"testing"
)

func TestHashVerify(t *testing.T) {
	phc, err := Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(phc, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("unexpected PHC prefix: %s", phc)
	}
	other, _ := Hash("correct horse battery")
	if other == phc {
		t.Error("two hashes of one password are equal: salt not random")
	}
	tests := []struct {
		name string
		pw   string
		ok   bool
	}{
		{"right", "correct horse battery", true},
		{"wrong", "correct horse battery!", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := Verify(tt.pw, phc)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.ok {
				t.Errorf("Verify(%q) ok = %v, want %v", tt.pw, ok, tt.ok)
			}
			if rehash {
				t.Error("needsRehash for a hash made with Default")
			}
		})
	}
}

func TestNeedsRehash(t *testing.T) {
	old := Params{Memory: 8 * 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	phc, err := HashWith("secret password", old)
	if err != nil {
		t.Fatal(err)
	}
	ok, rehash, err := Verify("secret password", phc)
	if err != nil || !ok || !rehash {
		t.Fatalf("Verify = %v, %v, %v; want true, true, nil", ok, rehash, err)
	}
	ok, rehash, _ = Verify("wrong password", phc)
	if ok || rehash {
		t.Errorf("wrong password: ok=%v rehash=%v, want false,false", ok, rehash)
	}
}

func TestMalformed(t *testing.T) {
	for _, s := range []string{
		"",
		"plaintext",
		"$2a$10$abcdefghijklmnopqrstuv",
		"$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=18$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=0,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=19456,t=2,p=1$!!!$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFz",
	} {
		if _, _, err := Verify("x", s); !errors.Is(err, ErrFormat) {
			t.Errorf("Verify(%q) err = %v, want ErrFormat", s, err)
		}
	}
}
