package translog

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// DefaultKeyName is the name in the log key (and so in every signature line
// of its checkpoints) unless the operator chooses another, e.g. the
// county's domain name.
const DefaultKeyName = "yiyeyicha-log"

// Key is the log's signing key, read from a file outside the database.
type Key struct {
	Signer   note.Signer
	Verifier note.Verifier
	// VerifierKey is the public verifier string (name+hash+key) that the
	// portal shows and verifiers keep.
	VerifierKey string
}

// KeyPath is where the key of the SQLite database at dbPath lives by
// default: beside it, so that a copy of the directory keeps both, and a
// copy of the database alone does not carry the key.
func KeyPath(dbPath string) string {
	dbPath = strings.TrimPrefix(dbPath, "file:")
	if i := strings.IndexByte(dbPath, '?'); i >= 0 {
		dbPath = dbPath[:i]
	}
	return dbPath + ".logkey"
}

// LoadOrCreateKey reads the signing key at path, creating it (mode 0600,
// named name) if the file does not exist. The file holds the private key
// line and the verifier key line, as note.GenerateKey writes them.
func LoadOrCreateKey(path, name string) (*Key, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createKey(path, name)
	}
	if err != nil {
		return nil, fmt.Errorf("translog: read key: %w", err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("translog: read key: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("translog: key file %s is readable by others (mode %v): chmod 600 it", path, fi.Mode().Perm())
	}
	return ParseKey(b)
}

// LoadKey reads an existing key file (a witness's key, say) without
// creating one.
func LoadKey(path string) (*Key, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("translog: read key: %w", err)
	}
	return ParseKey(b)
}

func createKey(path, name string) (*Key, error) {
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		return nil, fmt.Errorf("translog: generate key: %w", err)
	}
	data := []byte(skey + "\n" + vkey + "\n")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("translog: key directory: %w", err)
	}
	// O_EXCL: two servers starting at once must not each write a key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadOrCreateKey(path, name)
	}
	if err != nil {
		return nil, fmt.Errorf("translog: create key: %w", err)
	}
	_, werr := f.Write(data)
	serr := f.Sync()
	if cerr := f.Close(); werr == nil && serr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = serr
	}
	if werr != nil {
		os.Remove(path)
		return nil, fmt.Errorf("translog: write key: %w", werr)
	}
	return ParseKey(data)
}

// GenerateKeyFile writes a new key named name at path (which must not
// exist): how a witness (the discipline office, say) makes its key.
func GenerateKeyFile(path, name string) (*Key, error) {
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("translog: %s exists already", path)
	}
	return createKey(path, name)
}

// ParseKey reads a key file's content: the private key line, then
// optionally the verifier key line (derived if absent).
func ParseKey(b []byte) (*Key, error) {
	lines := strings.Fields(string(bytes.TrimSpace(b)))
	if len(lines) == 0 {
		return nil, errors.New("translog: empty key file")
	}
	s, err := note.NewSigner(lines[0])
	if err != nil {
		return nil, fmt.Errorf("translog: bad key file: %w", err)
	}
	if len(lines) < 2 {
		return nil, errors.New("translog: key file lacks the verifier line")
	}
	vkey := lines[1]
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("translog: bad verifier in key file: %w", err)
	}
	if v.Name() != s.Name() || v.KeyHash() != s.KeyHash() {
		return nil, errors.New("translog: key file's verifier does not match its private key")
	}
	// The signature must verify: a verifier line pasted from another key
	// with the same name and hash is caught here.
	msg := []byte("translog key check\n")
	sig, err := s.Sign(msg)
	if err != nil || !v.Verify(msg, sig) {
		return nil, errors.New("translog: key file's verifier does not match its private key")
	}
	return &Key{Signer: s, Verifier: v, VerifierKey: vkey}, nil
}
