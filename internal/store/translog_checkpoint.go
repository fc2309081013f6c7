package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/translog"
)

// LogCheckpoint signs the current tree with the log key and returns the
// signed checkpoint with the co-signatures witnesses have added to it.
// Every checkpoint signed is kept (log_checkpoints), and the key never
// signs a tree that is not an append-only extension of the last tree it
// signed: a log rewritten in the database is refused here, before anyone
// is shown a checkpoint of it.
func (s *Store) LogCheckpoint(ctx context.Context, key *translog.Key) ([]byte, tlog.Tree, error) {
	const op = "LogCheckpoint"
	tree, err := s.LogTree(ctx)
	if err != nil {
		return nil, tlog.Tree{}, err
	}
	var lastSize int64
	var lastRoot []byte
	err = s.read.QueryRowContext(ctx, `SELECT size, root_hash FROM log_checkpoints ORDER BY size DESC LIMIT 1`).Scan(&lastSize, &lastRoot)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		lastSize = -1
	case err != nil:
		return nil, tlog.Tree{}, internal(op, err)
	}
	if lastSize > 0 {
		var last tlog.Tree
		last.N = lastSize
		copy(last.Hash[:], lastRoot)
		if lastSize > tree.N {
			return nil, tlog.Tree{}, domain.E("store."+op, domain.KindConflict, "translog.err.rewritten", "size", lastSize).
				Wrap(fmt.Errorf("log has %d records, %d were signed", tree.N, lastSize))
		}
		var proof tlog.TreeProof
		if lastSize < tree.N {
			if proof, err = tlog.ProveTree(tree.N, lastSize, hashReader{ctx, s.read}); err != nil {
				return nil, tlog.Tree{}, internal(op, err)
			}
		}
		if err := translog.CheckConsistency(last, tree, proof); err != nil {
			return nil, tlog.Tree{}, domain.E("store."+op, domain.KindConflict, "translog.err.rewritten", "size", lastSize).Wrap(err)
		}
	}
	if lastSize == tree.N {
		msg, err := s.LogCheckpointAt(ctx, tree.N)
		return msg, tree, err
	}
	msg, err := translog.SignTree(key, tree)
	if err != nil {
		return nil, tlog.Tree{}, internal(op, err)
	}
	if _, err := s.write.ExecContext(ctx, `INSERT INTO log_checkpoints (size, root_hash, note, at) VALUES ($1, $2, $3, $4) ON CONFLICT (size) DO NOTHING`,
		tree.N, tree.Hash[:], string(msg), s.ts(s.now())); err != nil {
		return nil, tlog.Tree{}, internal(op, err)
	}
	msg, err = s.LogCheckpointAt(ctx, tree.N)
	return msg, tree, err
}

// LogCheckpointAt returns the checkpoint signed for size n, with its
// co-signatures; KindNotFound if none was signed at that size.
func (s *Store) LogCheckpointAt(ctx context.Context, n int64) ([]byte, error) {
	const op = "LogCheckpointAt"
	var text string
	err := s.read.QueryRowContext(ctx, `SELECT note FROM log_checkpoints WHERE size = $1`, n).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op)
	}
	if err != nil {
		return nil, internal(op, err)
	}
	cs, err := s.LogCosignatures(ctx, n)
	if err != nil {
		return nil, err
	}
	lines := make([]string, len(cs))
	for i, c := range cs {
		lines[i] = c.Signature
	}
	return translog.AddSignatures([]byte(text), lines...), nil
}

// LogWitness is a party whose key may co-sign checkpoints (见证方), e.g. the
// discipline office (纪检).
type LogWitness struct {
	Name     string // the key name, as in its signature lines
	Verifier string // the verifier key
	Label    string // who it is, for people: "县纪委监委驻县市场监管局纪检组"
	AddedAt  time.Time
}

// LogCosignature is one witness's signature over one checkpoint.
type LogCosignature struct {
	Size      int64
	Witness   string
	Label     string
	Signature string // "— name base64" line
	At        time.Time
}

// AddLogWitness registers a witness key. Only the office may.
func (s *Store) AddLogWitness(ctx context.Context, a domain.Actor, w *LogWitness) error {
	const op = "AddLogWitness"
	if err := domain.Require("store."+op, a, domain.ActManageLog, 0); err != nil {
		return err
	}
	if err := refuseBadText(op, "label", w.Label, "verifier", w.Verifier); err != nil {
		return err
	}
	v, err := note.NewVerifier(strings.TrimSpace(w.Verifier))
	if err != nil {
		return domain.E("store."+op, domain.KindInvalid, "translog.err.bad_verifier").WithField("verifier").Wrap(err)
	}
	w.Name, w.Verifier, w.Label = v.Name(), strings.TrimSpace(w.Verifier), strings.TrimSpace(w.Label)
	w.AddedAt = s.clock()
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO log_witnesses (name, verifier, label, added_at) VALUES ($1, $2, $3, $4)`,
			w.Name, w.Verifier, w.Label, s.ts(w.AddedAt))
		if isUnique(err) {
			return domain.E("store."+op, domain.KindConflict, "translog.err.witness_taken", "name", w.Name).WithField("verifier")
		}
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auditRec{Action: "log.witness.add", ObjectType: "log_witness", ObjectKey: w.Name, After: w})
	})
}

// LogWitnesses lists the registered witnesses by name.
func (s *Store) LogWitnesses(ctx context.Context) ([]LogWitness, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT name, verifier, label, added_at FROM log_witnesses ORDER BY name`)
	if err != nil {
		return nil, internal("LogWitnesses", err)
	}
	defer rows.Close()
	out := []LogWitness{}
	for rows.Next() {
		var w LogWitness
		if err := rows.Scan(&w.Name, &w.Verifier, &w.Label, timeCol{&w.AddedAt}); err != nil {
			return nil, internal("LogWitnesses", err)
		}
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, internal("LogWitnesses", err)
	}
	return out, nil
}

// AddLogCosignature stores a witness's signature line over the checkpoint
// of size n. Anyone may hand one in (the portal accepts uploads without
// login): the signature itself, checked against a registered witness's
// key and the checkpoint the log signed, is the authority.
func (s *Store) AddLogCosignature(ctx context.Context, n int64, line string) (*LogCosignature, error) {
	const op = "AddLogCosignature"
	line = strings.TrimSpace(line)
	if err := refuseBadText(op, "signature", line); err != nil {
		return nil, err
	}
	name, _, _ := strings.Cut(strings.TrimPrefix(line, "— "), " ")
	var w LogWitness
	err := s.read.QueryRowContext(ctx, `SELECT name, verifier, label FROM log_witnesses WHERE name = $1`, name).Scan(&w.Name, &w.Verifier, &w.Label)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.E("store."+op, domain.KindInvalid, "translog.err.unknown_witness", "name", name).WithField("signature")
	}
	if err != nil {
		return nil, internal(op, err)
	}
	var signed string
	err = s.read.QueryRowContext(ctx, `SELECT note FROM log_checkpoints WHERE size = $1`, n).Scan(&signed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.E("store."+op, domain.KindNotFound, "translog.err.no_checkpoint", "size", n)
	}
	if err != nil {
		return nil, internal(op, err)
	}
	v, err := note.NewVerifier(w.Verifier)
	if err != nil {
		return nil, internal(op, err)
	}
	text, _, _ := bytes.Cut([]byte(signed), []byte("\n\n"))
	if err := translog.CheckCosignature(string(text)+"\n", line, v); err != nil {
		return nil, domain.E("store."+op, domain.KindInvalid, "translog.err.bad_cosignature", "name", name).WithField("signature").Wrap(err)
	}
	c := &LogCosignature{Size: n, Witness: w.Name, Label: w.Label, Signature: line, At: s.clock()}
	err = s.inTx(ctx, op, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO log_cosignatures (size, witness, signature, at) VALUES ($1, $2, $3, $4)`,
			n, w.Name, line, s.ts(c.At))
		if isUnique(err) {
			return domain.E("store."+op, domain.KindConflict, "translog.err.cosigned_already", "name", w.Name, "size", n)
		}
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, domain.Actor{Name: "witness:" + w.Name}, auditRec{Action: "log.cosign", ObjectType: "log_checkpoint", ObjectKey: fmt.Sprint(n), After: c})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// LogCosignatures lists the co-signatures of the checkpoint of size n.
func (s *Store) LogCosignatures(ctx context.Context, n int64) ([]LogCosignature, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT c.size, c.witness, w.label, c.signature, c.at FROM log_cosignatures c
JOIN log_witnesses w ON w.name = c.witness WHERE c.size = $1 ORDER BY c.witness`, n)
	if err != nil {
		return nil, internal("LogCosignatures", err)
	}
	defer rows.Close()
	out := []LogCosignature{}
	for rows.Next() {
		var c LogCosignature
		if err := rows.Scan(&c.Size, &c.Witness, &c.Label, &c.Signature, timeCol{&c.At}); err != nil {
			return nil, internal("LogCosignatures", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, internal("LogCosignatures", err)
	}
	return out, nil
}

// LatestCosignedSize returns the size of the newest checkpoint that has at
// least one co-signature, or 0.
func (s *Store) LatestCosignedSize(ctx context.Context) (int64, error) {
	var n sql.NullInt64
	if err := s.read.QueryRowContext(ctx, `SELECT max(size) FROM log_cosignatures`).Scan(&n); err != nil {
		return 0, internal("LatestCosignedSize", err)
	}
	return n.Int64, nil
}

// LogProofs proves the logged objects refs (role → [type, key]) in the
// latest checkpoint, signed with key: what a published file such as a draw
// bundle carries so that it can be checked offline (translog.Proofs).
// KindNotFound when an object was never logged.
func (s *Store) LogProofs(ctx context.Context, key *translog.Key, refs map[string][2]string) (*translog.Proofs, error) {
	const op = "LogProofs"
	msg, tree, err := s.LogCheckpoint(ctx, key)
	if err != nil {
		return nil, err
	}
	p := &translog.Proofs{Verifier: key.VerifierKey, Checkpoint: string(msg), Records: map[string]translog.Inclusion{}}
	for role, ref := range refs {
		idx, err := s.LogIndexOf(ctx, ref[0], ref[1])
		if err != nil {
			return nil, err
		}
		e, err := s.LogEntry(ctx, idx)
		if err != nil {
			return nil, err
		}
		proof, err := s.LogProveRecord(ctx, tree.N, idx)
		if err != nil {
			return nil, internal(op, err)
		}
		p.Records[role] = translog.Inclusion{Index: idx, Leaf: string(e.Leaf), Proof: proof}
	}
	return p, nil
}
