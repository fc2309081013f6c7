package translog

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Inclusion proves that one record is in the tree of a checkpoint.
type Inclusion struct {
	Index int64       `json:"index"`
	Leaf  string      `json:"leaf"`  // the record's canonical JSON
	Proof []tlog.Hash `json:"proof"` // tlog.RecordProof
}

// Proofs is what a published file (a draw bundle, say) carries to prove
// that its records are in the log, offline: the log's verifier key, a
// checkpoint it signed (with any co-signatures), and each record's
// inclusion proof in that checkpoint's tree, by role ("announcement",
// "result", …).
type Proofs struct {
	Verifier   string               `json:"verifier"`
	Checkpoint string               `json:"checkpoint"`
	Records    map[string]Inclusion `json:"records"`
}

// Verify checks the checkpoint's signature and every inclusion proof, and
// returns the checkpoint's tree and the records by role. pinned, when not
// empty, is the verifier key the caller trusts (from the portal's /log
// page); the bundle's own Verifier must then equal it.
func (p *Proofs) Verify(pinned string) (tlog.Tree, map[string]Record, error) {
	vkey := strings.TrimSpace(p.Verifier)
	if pinned != "" && strings.TrimSpace(pinned) != vkey {
		return tlog.Tree{}, nil, fmt.Errorf("translog: the proofs are signed by %s, not by the log key given", vkey)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return tlog.Tree{}, nil, fmt.Errorf("translog: proofs: bad verifier key: %w", err)
	}
	t, _, err := OpenCheckpoint([]byte(p.Checkpoint), v)
	if err != nil {
		return tlog.Tree{}, nil, err
	}
	roles := make([]string, 0, len(p.Records))
	for r := range p.Records {
		roles = append(roles, r)
	}
	sort.Strings(roles)
	out := make(map[string]Record, len(roles))
	for _, role := range roles {
		inc := p.Records[role]
		rec, err := ParseLeaf([]byte(inc.Leaf))
		if err != nil {
			return tlog.Tree{}, nil, fmt.Errorf("translog: %s: %w", role, err)
		}
		if err := CheckInclusion(t, inc.Index, []byte(inc.Leaf), inc.Proof); err != nil {
			return tlog.Tree{}, nil, fmt.Errorf("translog: %s: %w", role, err)
		}
		out[role] = rec
	}
	return t, out, nil
}

// The record types of the draw (抽取) that a draw bundle proves.
const (
	TypeDrawAnnouncement = "draw.announcement"
	TypeDrawResult       = "draw.result"
)

// VerifyDrawProofs checks a draw bundle's log proofs against the bundle:
// the announcement record (role "announcement", type draw.announcement,
// key drawKey) states the bundle's announcement hash; the result record
// (role "result", type draw.result, key drawKey) states the same
// announcement hash and the bundle's seed; and the announcement was logged
// before the result. It returns the checkpoint's tree.
func VerifyDrawProofs(p *Proofs, pinned, drawKey, announcementHash, seed string) (tlog.Tree, error) {
	t, recs, err := p.Verify(pinned)
	if err != nil {
		return tlog.Tree{}, err
	}
	var body struct {
		AnnouncementHash string `json:"announcement_hash"`
		Result           struct {
			Seed string `json:"seed"`
		} `json:"result"`
	}
	for _, want := range []struct{ role, typ string }{{"announcement", TypeDrawAnnouncement}, {"result", TypeDrawResult}} {
		rec, ok := recs[want.role]
		if !ok {
			return tlog.Tree{}, fmt.Errorf("translog: the bundle's log proofs lack the %s", want.role)
		}
		if rec.Type != want.typ || rec.Key != drawKey {
			return tlog.Tree{}, fmt.Errorf("translog: the %s proved is %s %s, not %s %s", want.role, rec.Type, rec.Key, want.typ, drawKey)
		}
		body.AnnouncementHash, body.Result.Seed = "", ""
		if err := json.Unmarshal(rec.Body, &body); err != nil {
			return tlog.Tree{}, fmt.Errorf("translog: the %s logged: %w", want.role, err)
		}
		if body.AnnouncementHash != announcementHash {
			return tlog.Tree{}, fmt.Errorf("translog: the %s logged has announcement hash %s, the bundle %s", want.role, body.AnnouncementHash, announcementHash)
		}
		if want.role == "result" && body.Result.Seed != seed {
			return tlog.Tree{}, fmt.Errorf("translog: the result logged has seed %s, the bundle %s", body.Result.Seed, seed)
		}
	}
	if p.Records["announcement"].Index >= p.Records["result"].Index {
		return tlog.Tree{}, fmt.Errorf("translog: the announcement (record %d) was not logged before the result (record %d)", p.Records["announcement"].Index, p.Records["result"].Index)
	}
	return t, nil
}
