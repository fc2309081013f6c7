package translog

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// SignTree returns the signed checkpoint of t: the note whose text is
// tlog.FormatTree(t) ("go.sum database tree", size, root hash), signed by
// the log key. Ed25519 signatures are deterministic, so signing the same
// tree twice gives the same bytes, which witnesses rely on.
func SignTree(k *Key, t tlog.Tree) ([]byte, error) {
	msg, err := note.Sign(&note.Note{Text: string(tlog.FormatTree(t))}, k.Signer)
	if err != nil {
		return nil, fmt.Errorf("translog: sign checkpoint: %w", err)
	}
	return msg, nil
}

// OpenCheckpoint checks msg's signature by the log (logVerifier) and
// returns the tree it states. Other signatures (witnesses') are returned
// unverified in the note's UnverifiedSigs; check them with
// CheckCosignatures.
func OpenCheckpoint(msg []byte, logVerifier note.Verifier) (tlog.Tree, *note.Note, error) {
	n, err := note.Open(msg, note.VerifierList(logVerifier))
	if err != nil {
		return tlog.Tree{}, nil, fmt.Errorf("translog: checkpoint not signed by %s: %w", logVerifier.Name(), err)
	}
	t, err := tlog.ParseTree([]byte(n.Text))
	if err != nil {
		return tlog.Tree{}, nil, fmt.Errorf("translog: checkpoint: %w", err)
	}
	return t, n, nil
}

// Cosign is what a witness does: check that msg is a checkpoint signed by
// the log, and return the witness's signature line for it ("— name
// base64\n"), to be added to the checkpoint.
func Cosign(msg []byte, logVerifier note.Verifier, witness *Key) (tlog.Tree, string, error) {
	t, n, err := OpenCheckpoint(msg, logVerifier)
	if err != nil {
		return tlog.Tree{}, "", err
	}
	signed, err := note.Sign(&note.Note{Text: n.Text}, witness.Signer)
	if err != nil {
		return tlog.Tree{}, "", fmt.Errorf("translog: cosign: %w", err)
	}
	line := signed[len(n.Text)+1:]
	return t, string(line), nil
}

// CheckCosignature checks that line (one "— name base64" signature line)
// is the signature of witness over the checkpoint text.
func CheckCosignature(text string, line string, witness note.Verifier) error {
	line = strings.TrimSuffix(line, "\n") + "\n"
	if strings.Count(line, "\n") != 1 {
		return errors.New("translog: a co-signature is one line")
	}
	n, err := note.Open([]byte(text+"\n"+line), note.VerifierList(witness))
	if err != nil {
		return fmt.Errorf("translog: co-signature of %s: %w", witness.Name(), err)
	}
	if len(n.Sigs) != 1 || len(n.UnverifiedSigs) != 0 {
		return fmt.Errorf("translog: co-signature of %s: not signed by this witness", witness.Name())
	}
	return nil
}

// AddSignatures appends signature lines (co-signatures) to a signed note.
func AddSignatures(msg []byte, lines ...string) []byte {
	out := bytes.Clone(msg)
	for _, l := range lines {
		out = append(out, strings.TrimSuffix(l, "\n")+"\n"...)
	}
	return out
}

// CheckConsistency checks that the tree newer is an append-only extension
// of older, given the consistency proof from the log. A log that shrank or
// that rewrote history fails.
func CheckConsistency(older, newer tlog.Tree, proof tlog.TreeProof) error {
	switch {
	case newer.N < older.N:
		return fmt.Errorf("translog: log shrank from %d to %d records", older.N, newer.N)
	case newer.N == older.N:
		if newer.Hash != older.Hash {
			return fmt.Errorf("translog: two different trees of size %d: the log was rewritten", older.N)
		}
		return nil
	case older.N == 0:
		return nil
	}
	if err := tlog.CheckTree(proof, newer.N, newer.Hash, older.N, older.Hash); err != nil {
		return fmt.Errorf("translog: tree of size %d is not an extension of the saved tree of size %d: %w", newer.N, older.N, err)
	}
	return nil
}

// CheckInclusion checks that leaf is record index of tree t, given the
// inclusion proof from the log.
func CheckInclusion(t tlog.Tree, index int64, leaf []byte, proof tlog.RecordProof) error {
	if index < 0 || index >= t.N {
		return fmt.Errorf("translog: record %d is outside a tree of size %d", index, t.N)
	}
	if err := tlog.CheckRecord(proof, t.N, t.Hash, index, tlog.RecordHash(leaf)); err != nil {
		return fmt.Errorf("translog: record %d is not in the tree of size %d: %w", index, t.N, err)
	}
	return nil
}

// CheckWitnessed checks that the checkpoint msg, signed by the log
// (logVerifier), also carries a valid co-signature of witness: the witness
// saw this very tree, so the log cannot show others a different one
// without the witness's signature being missing there.
func CheckWitnessed(msg []byte, logVerifier, witness note.Verifier) error {
	n, err := note.Open(msg, note.VerifierList(logVerifier, witness))
	if err != nil {
		return fmt.Errorf("translog: checkpoint: %w", err)
	}
	for _, s := range n.Sigs {
		if s.Name == witness.Name() && s.Hash == witness.KeyHash() {
			return nil
		}
	}
	return fmt.Errorf("translog: the checkpoint carries no co-signature of %s", witness.Name())
}
