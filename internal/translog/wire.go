package translog

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// The portal's log endpoints (docs/transparency-log.md), all public:
//
//	GET  /log/checkpoint             latest signed checkpoint, note text with co-signatures
//	GET  /log/checkpoint/{size}      an earlier signed checkpoint
//	GET  /log/record/{index}?tree=N  RecordResponse: the leaf and its inclusion proof
//	GET  /log/proof?old=M&new=N      ProofResponse: the consistency proof
//	GET  /log/tile/{H}/{L}/{NNN}     tlog hash tiles (tlog.Tile.Path, without "tile/")
//	POST /log/cosign                 a witness's signature line (form fields size, signature)
const (
	PathCheckpoint = "/log/checkpoint"
	PathRecord     = "/log/record/"
	PathProof      = "/log/proof"
	PathCosign     = "/log/cosign"
)

// RecordResponse is a record with its inclusion proof in the tree of size
// TreeSize.
type RecordResponse struct {
	Index    int64       `json:"index"`
	Type     string      `json:"type"`
	Version  int         `json:"version"`
	Key      string      `json:"key"`
	Leaf     string      `json:"leaf"`      // the canonical JSON that was hashed
	LeafHash tlog.Hash   `json:"leaf_hash"` // RFC 6962 leaf hash, base64
	At       string      `json:"logged_at"` // RFC 3339, informative (not hashed)
	TreeSize int64       `json:"tree_size"`
	TreeHash tlog.Hash   `json:"tree_hash"`
	Proof    []tlog.Hash `json:"proof"` // tlog.RecordProof, base64 hashes
}

// ProofResponse is the consistency proof between the trees of sizes Old
// and New.
type ProofResponse struct {
	Old     int64       `json:"old"`
	OldHash tlog.Hash   `json:"old_hash"`
	New     int64       `json:"new"`
	NewHash tlog.Hash   `json:"new_hash"`
	Proof   []tlog.Hash `json:"proof"` // tlog.TreeProof, base64 hashes
}

// Source is where a verifier reads the log: the portal over HTTP
// (Client), or the database directly.
type Source interface {
	Checkpoint(ctx context.Context) ([]byte, error)
	Record(ctx context.Context, index, treeSize int64) (*RecordResponse, error)
	Proof(ctx context.Context, old, new int64) (*ProofResponse, error)
}

// Client reads the log from a portal.
type Client struct {
	Base string // e.g. https://yiyeyicha.example.gov.cn
	HTTP *http.Client
}

func (c *Client) get(ctx context.Context, path string) ([]byte, error) {
	u := strings.TrimSuffix(c.Base, "/") + path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("translog: %w", err)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("translog: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("translog: %s: %w", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("translog: %s: %s: %s", u, resp.Status, strings.TrimSpace(string(b[:min(len(b), 300)])))
	}
	return b, nil
}

// Checkpoint fetches the latest signed checkpoint.
func (c *Client) Checkpoint(ctx context.Context) ([]byte, error) { return c.get(ctx, PathCheckpoint) }

// Record fetches record index with its proof in the tree of size treeSize.
func (c *Client) Record(ctx context.Context, index, treeSize int64) (*RecordResponse, error) {
	b, err := c.get(ctx, PathRecord+strconv.FormatInt(index, 10)+"?tree="+strconv.FormatInt(treeSize, 10))
	if err != nil {
		return nil, err
	}
	var r RecordResponse
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("translog: record %d: %w", index, err)
	}
	return &r, nil
}

// Proof fetches the consistency proof from old to new.
func (c *Client) Proof(ctx context.Context, old, new int64) (*ProofResponse, error) {
	q := url.Values{"old": {strconv.FormatInt(old, 10)}, "new": {strconv.FormatInt(new, 10)}}
	b, err := c.get(ctx, PathProof+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	var p ProofResponse
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("translog: proof: %w", err)
	}
	return &p, nil
}

// VerifyRecord checks r against the tree t the verifier trusts (from a
// checkpoint it opened): the leaf's canonical form, its type and key, and
// its inclusion proof. It returns the parsed record.
func VerifyRecord(t tlog.Tree, index int64, r *RecordResponse) (Record, error) {
	if r.Index != index || r.TreeSize != t.N {
		return Record{}, fmt.Errorf("translog: asked for record %d in tree %d, got %d in %d", index, t.N, r.Index, r.TreeSize)
	}
	rec, err := ParseLeaf([]byte(r.Leaf))
	if err != nil {
		return Record{}, fmt.Errorf("translog: record %d: %w", index, err)
	}
	if rec.Type != r.Type || rec.Key != r.Key || rec.Version != r.Version {
		return Record{}, fmt.Errorf("translog: record %d: the leaf says %s %s, the response %s %s", index, rec.Type, rec.Key, r.Type, r.Key)
	}
	if err := CheckInclusion(t, index, []byte(r.Leaf), r.Proof); err != nil {
		return Record{}, err
	}
	return rec, nil
}

// VerifyExtension checks that newer extends older, fetching the proof from
// src when it is needed.
func VerifyExtension(ctx context.Context, src Source, older, newer tlog.Tree) error {
	var proof tlog.TreeProof
	if older.N > 0 && newer.N > older.N {
		p, err := src.Proof(ctx, older.N, newer.N)
		if err != nil {
			return err
		}
		if p.Old != older.N || p.New != newer.N {
			return fmt.Errorf("translog: asked for the proof %d → %d, got %d → %d", older.N, newer.N, p.Old, p.New)
		}
		proof = p.Proof
	}
	return CheckConsistency(older, newer, proof)
}
