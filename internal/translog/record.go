// Package translog is the transparency log (公示记录透明日志) of everything
// yiyeyicha publishes: joint-list versions, plans and adjustments, draw
// announcements, commitments, reveals, public values and results, published
// inspection results. Each published record is one leaf of an append-only
// Merkle tree (RFC 6962 hashing, golang.org/x/mod/sumdb/tlog); the log's
// key signs checkpoints of the tree (golang.org/x/mod/sumdb/note, Ed25519),
// other parties may co-sign them (witnesses, 见证), and anyone can check
// with inclusion and consistency proofs that a record is in the log and
// that the log only ever grew.
//
// This package holds what needs no database: the canonical record
// encoding, the key file, checkpoint signing and the checks a verifier
// runs. The store keeps the leaves and hashes (store.logAppend); the portal
// serves them (docs/transparency-log.md).
package translog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/tlog"
)

// Record is one leaf of the log: a published object's type (e.g.
// "lists.version"), the version of that type's encoding, the object's
// stable key (e.g. "12/3": joint list 12, version 3) and its public content.
// A (Type, Key) pair is logged at most once: published objects are
// immutable, and a change is a new object with a new key.
type Record struct {
	Type    string          `json:"type"`
	Version int             `json:"v"`
	Key     string          `json:"key"`
	Body    json.RawMessage `json:"body"`
}

// NewRecord builds a record with body in canonical form. Body is anything
// encoding/json can marshal; its canonical form is what is hashed.
func NewRecord(typ string, version int, key string, body any) (Record, error) {
	switch {
	case typ == "" || strings.ContainsAny(typ, " \t\n/") || !utf8.ValidString(typ):
		return Record{}, fmt.Errorf("translog: bad record type %q", typ)
	case version < 1:
		return Record{}, fmt.Errorf("translog: record %s: version must be ≥ 1", typ)
	case key == "" || !utf8.ValidString(key) || strings.ContainsRune(key, 0):
		return Record{}, fmt.Errorf("translog: record %s: bad key %q", typ, key)
	}
	b, err := Canonical(body)
	if err != nil {
		return Record{}, fmt.Errorf("translog: record %s %s: %w", typ, key, err)
	}
	return Record{Type: typ, Version: version, Key: key, Body: b}, nil
}

// Leaf returns the bytes the log hashes for r: its canonical JSON,
// {"body":…,"key":…,"type":…,"v":…}.
func (r Record) Leaf() ([]byte, error) {
	return Canonical(r)
}

// Hash is the record hash (RFC 6962 leaf hash) of r's leaf.
func (r Record) Hash() (tlog.Hash, error) {
	leaf, err := r.Leaf()
	if err != nil {
		return tlog.Hash{}, err
	}
	return tlog.RecordHash(leaf), nil
}

// ParseLeaf decodes a leaf and checks that it is in canonical form, so that
// two different byte strings never stand for the same record.
func ParseLeaf(leaf []byte) (Record, error) {
	var r Record
	dec := json.NewDecoder(bytes.NewReader(leaf))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return Record{}, fmt.Errorf("translog: bad leaf: %w", err)
	}
	c, err := r.Leaf()
	if err != nil {
		return Record{}, err
	}
	if !bytes.Equal(c, leaf) {
		return Record{}, errors.New("translog: leaf is not in canonical form")
	}
	return r, nil
}

// Canonical returns the canonical JSON of v: object keys sorted by their
// UTF-8 bytes, no insignificant white space, strings escaped as
// encoding/json does but without HTML escaping (only ", \ and control
// characters are escaped; invalid UTF-8 is refused), numbers as written by
// encoding/json (integers have no exponent or fraction). Bodies should hold
// integers and strings only: money, ratios and instants go as strings.
func Canonical(v any) ([]byte, error) {
	raw, err := marshal(v)
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(raw) {
		return nil, errors.New("translog: invalid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, fmt.Errorf("translog: canonical JSON: %w", err)
	}
	// encoding/json writes map keys sorted and json.Number verbatim.
	return marshal(tree)
}

func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("translog: canonical JSON: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
