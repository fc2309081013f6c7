// Package password hashes and verifies staff passwords with argon2id and
// stores them as PHC strings ($argon2id$v=19$m=…,t=…,p=…$salt$hash), so the
// parameters travel with each hash and can be raised later: Verify reports
// when a stored hash was made with other parameters than the current ones,
// and the store rehashes on the next successful login.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// Default are the parameters new hashes are made with: the OWASP minimum
// for argon2id (19 MiB, 2 passes, 1 lane), which keeps a login well under
// 100 ms on a small county server while making offline guessing costly.
// Tests and operators may change it; hashes made with other parameters are
// reported by Verify as needing a rehash.
var Default = Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// ErrFormat is returned by Verify for a string that is not an argon2id PHC
// hash (a corrupted or foreign value in the database).
var ErrFormat = errors.New("password: not an argon2id PHC string")

var b64 = base64.RawStdEncoding

// Hash returns the PHC string of pw under Default.
func Hash(pw string) (string, error) {
	return HashWith(pw, Default)
}

// HashWith returns the PHC string of pw under p.
func HashWith(pw string, p Params) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether pw matches the PHC string phc, and whether phc
// was made with parameters other than Default (so the caller should store a
// fresh Hash). err is non-nil only for a malformed phc.
func Verify(pw, phc string) (ok, needsRehash bool, err error) {
	p, salt, key, err := decode(phc)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return false, false, nil
	}
	d := Default
	needsRehash = p.Memory != d.Memory || p.Time != d.Time || p.Threads != d.Threads ||
		uint32(len(salt)) != d.SaltLen || uint32(len(key)) != d.KeyLen
	return true, needsRehash, nil
}

func decode(phc string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(phc, "$")
	// "", "argon2id", "v=19", "m=…,t=…,p=…", salt, hash
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, ErrFormat
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, ErrFormat
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, ErrFormat
	}
	if p.Memory == 0 || p.Time == 0 || p.Threads == 0 {
		return p, nil, nil, ErrFormat
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) == 0 {
		return p, nil, nil, ErrFormat
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 {
		return p, nil, nil, ErrFormat
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}
