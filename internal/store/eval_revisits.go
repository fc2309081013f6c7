package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/draw"
	"github.com/yiyeyicha/yiyeyicha/internal/revisit"
)

// RevisitDraw is one revisit sample (回访抽取): announced with its frozen
// pool and commitment, then drawn once the secret and the public value
// are entered.
type RevisitDraw struct {
	ID            int64                `json:"id"`
	Announcement  revisit.Announcement `json:"announcement"`
	Hash          string               `json:"announcement_hash"`
	Commitment    string               `json:"commitment"`
	AnnouncedBy   string               `json:"announced_by"`
	Secret        string               `json:"secret,omitempty"`
	PublicSources string               `json:"public_sources,omitempty"`
	PublicKey     string               `json:"public_key,omitempty"`
	Seed          string               `json:"seed,omitempty"`
	DrawnAt       time.Time            `json:"drawn_at,omitzero"`
	DrawnBy       string               `json:"drawn_by,omitempty"`
	Pool          []revisit.Visit      `json:"pool"`
	Revisits      []Revisit            `json:"revisits"`
}

// Drawn reports whether the sample has been drawn.
func (d *RevisitDraw) Drawn() bool { return d.Seed != "" }

// Revisit is one sampled visit and what the revisit found.
type Revisit struct {
	VisitID    int64     `json:"visit_id"`
	Code       string    `json:"code"`
	Name       string    `json:"name"`
	Key        string    `json:"key"`
	Outcome    string    `json:"outcome"` // "", "ok", "problem"
	Note       string    `json:"note,omitempty"`
	RecordedAt time.Time `json:"recorded_at,omitzero"`
	RecordedBy string    `json:"recorded_by,omitempty"`
}

// AnnounceRevisits freezes the completed (closed) visits of year as the
// pool of a revisit sample of count visits, with the discipline office's
// commitment to secretHex (which is not stored) and the description of
// the public future value that will be used. The discipline office only.
func (s *Store) AnnounceRevisits(ctx context.Context, a domain.Actor, year, count int, public, secretHex string) (*RevisitDraw, error) {
	const op = "AnnounceRevisits"
	if err := domain.Require("store."+op, a, domain.ActRevisit, 0); err != nil {
		return nil, err
	}
	public = draw.CanonicalText(public)
	v := &domain.ValidationError{Op: "store." + op}
	checkYear(v, year)
	if count < 1 || count > 10000 {
		v.Add(domain.FieldError{Field: "count", Value: strconv.Itoa(count), Key: "eval.err.count"})
	}
	domain.CheckText(v, 0, "public_value", public, true)
	secret, err := draw.ParseSecret(strings.TrimSpace(secretHex))
	if err != nil {
		v.Add(domain.FieldError{Field: "secret", Key: "eval.err.secret"})
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	d := &RevisitDraw{AnnouncedBy: actorName(a)}
	err = s.inTx(ctx, op, func(tx *sql.Tx) error {
		if err := scanAll(ctx, tx, `SELECT v.id, e.code FROM visits v JOIN entities e ON e.id = v.entity_id
WHERE v.year = $1 AND v.state = $2 ORDER BY v.id`, []any{year, string(domain.VisitClosed)}, func(r *sql.Rows) error {
			var rv revisit.Visit
			if err := r.Scan(&rv.ID, &rv.Code); err != nil {
				return err
			}
			d.Pool = append(d.Pool, rv)
			return nil
		}); err != nil {
			return err
		}
		if len(d.Pool) == 0 {
			return domain.E("store."+op, domain.KindInvalid, "eval.err.no_completed", "year", year).WithField("count")
		}
		d.Announcement = revisit.Announcement{Year: year, Count: count, AnnouncedAt: s.clock().Format(time.RFC3339),
			PublicValue: public, PoolHash: revisit.PoolHash(d.Pool), PoolSize: len(d.Pool)}
		d.Hash, d.Commitment = d.Announcement.Hash(), revisit.Commitment(d.Announcement, secret)
		ann, _ := json.Marshal(d.Announcement)
		if err := tx.QueryRowContext(ctx, `INSERT INTO revisit_draws (year, announcement, announcement_hash, commitment, announced_by)
VALUES ($1, $2, $3, $4, $5) RETURNING id`, year, string(ann), d.Hash, d.Commitment, d.AnnouncedBy).Scan(&d.ID); err != nil {
			return err
		}
		for _, rv := range d.Pool {
			if _, err := tx.ExecContext(ctx, `INSERT INTO revisit_pool (draw_id, visit_id, code) VALUES ($1, $2, $3)`, d.ID, rv.ID, rv.Code); err != nil {
				return err
			}
		}
		if _, err := s.logAppend(ctx, tx, LogRecord{Type: logRevisitAnnouncement, Version: 1, Key: strconv.FormatInt(d.ID, 10),
			Body: revisitAnnouncementLog(d.Announcement, d.Hash, d.Commitment)}); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auditRec{Action: "eval.revisit.announce", ObjectType: "revisit_draw", ObjectKey: strconv.FormatInt(d.ID, 10),
			After: map[string]any{"announcement": d.Announcement, "hash": d.Hash, "commitment": d.Commitment}})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// DrawRevisits reveals the secret of an announced revisit draw with the
// public value (one source a line), recomputes the sample with
// revisit.Draw and records it. A wrong secret or a missing public value is
// refused and nothing is written. The discipline office only.
func (s *Store) DrawRevisits(ctx context.Context, a domain.Actor, id int64, secretHex, publicText string) (*RevisitDraw, error) {
	const op = "DrawRevisits"
	if err := domain.Require("store."+op, a, domain.ActRevisit, 0); err != nil {
		return nil, err
	}
	secretHex = strings.TrimSpace(secretHex)
	var d *RevisitDraw
	err := s.inTx(ctx, op, func(tx *sql.Tx) error {
		var err error
		if d, err = s.revisitDraw(ctx, tx, id); err != nil {
			return err
		}
		if d.Drawn() {
			return domain.E("store."+op, domain.KindConflict, "eval.err.drawn")
		}
		var pv draw.PublicValue
		if strings.TrimSpace(publicText) != "" || d.Announcement.PublicValue != "" {
			if pv, err = draw.ParsePublicValue(publicText); err != nil {
				return domain.E("store."+op, domain.KindInvalid, "eval.err.public_value").WithField("public_value")
			}
		}
		smp, err := revisit.Draw(d.Announcement, d.Pool, d.Commitment, secretHex, pv)
		if err != nil {
			return domain.E("store."+op, domain.KindInvalid, "eval.err.secret").WithField("secret")
		}
		now := s.clock()
		d.Secret, d.PublicSources, d.PublicKey, d.Seed, d.DrawnAt, d.DrawnBy = secretHex, strings.Join(pv.Sources, "\n"), pv.KeyString, smp.Seed, now, actorName(a)
		if _, err := tx.ExecContext(ctx, `UPDATE revisit_draws SET secret = $1, public_sources = $2, public_key = $3, seed = $4, drawn_at = $5, drawn_by = $6 WHERE id = $7`,
			d.Secret, d.PublicSources, d.PublicKey, d.Seed, s.ts(now), d.DrawnBy, id); err != nil {
			return err
		}
		picks := make([]revisitPickLog, 0, len(smp.Picks))
		for i, p := range smp.Picks {
			if _, err := tx.ExecContext(ctx, `INSERT INTO revisits (draw_id, visit_id, position, key) VALUES ($1, $2, $3, $4)`, id, p.ID, i, p.Key); err != nil {
				return err
			}
			d.Revisits = append(d.Revisits, Revisit{VisitID: p.ID, Code: p.Code, Key: p.Key})
			picks = append(picks, revisitPickLog{VisitID: p.ID, Code: p.Code, Key: p.Key})
		}
		if _, err := s.logAppend(ctx, tx, LogRecord{Type: logRevisitSample, Version: 1, Key: strconv.FormatInt(id, 10), Body: revisitSampleLog(d, picks)}); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auditRec{Action: "eval.revisit.draw", ObjectType: "revisit_draw", ObjectKey: strconv.FormatInt(id, 10),
			After: map[string]any{"seed": d.Seed, "public_key": d.PublicKey, "picks": smp.Picks}})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// RecordRevisit records the outcome of the revisit of one sampled visit:
// "ok" or "problem", with a note (required for a problem).
func (s *Store) RecordRevisit(ctx context.Context, a domain.Actor, drawID, visitID int64, outcome, note string) error {
	const op = "RecordRevisit"
	if err := domain.Require("store."+op, a, domain.ActRevisit, 0); err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	v := &domain.ValidationError{Op: "store." + op}
	if outcome != "ok" && outcome != "problem" {
		v.Add(domain.FieldError{Field: "outcome", Value: outcome, Key: "eval.err.outcome"})
	}
	checkBody(v, "note", note, outcome == "problem")
	if err := v.Err(); err != nil {
		return err
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE revisits SET outcome = $1, note = $2, recorded_at = $3, recorded_by = $4 WHERE draw_id = $5 AND visit_id = $6`,
			outcome, note, s.ts(s.clock()), actorName(a), drawID, visitID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound(op)
		}
		return s.audit(ctx, tx, a, auditRec{Action: "eval.revisit.record", ObjectType: "revisit", ObjectKey: strconv.FormatInt(drawID, 10) + "/" + strconv.FormatInt(visitID, 10),
			After: map[string]string{"outcome": outcome, "note": note}})
	})
}

// ListRevisitDraws returns the revisit draws of year, newest first, with
// their pools and revisits: the office and the discipline office.
func (s *Store) ListRevisitDraws(ctx context.Context, a domain.Actor, year int) ([]*RevisitDraw, error) {
	const op = "ListRevisitDraws"
	if err := domain.Require("store."+op, a, domain.ActViewDashboard, 0); err != nil {
		return nil, err
	}
	var ids []int64
	if err := scanAll(ctx, s.read, `SELECT id FROM revisit_draws WHERE year = $1 ORDER BY id DESC`, []any{year}, func(r *sql.Rows) error {
		var id int64
		if err := r.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	}); err != nil {
		return nil, internal(op, err)
	}
	out := make([]*RevisitDraw, 0, len(ids))
	for _, id := range ids {
		d, err := s.revisitDraw(ctx, s.read, id)
		if err != nil {
			return nil, internal(op, err)
		}
		out = append(out, d)
	}
	return out, nil
}

// GetRevisitDraw returns one revisit draw: its bundle, which anyone given
// it can recompute with revisit.Draw.
func (s *Store) GetRevisitDraw(ctx context.Context, a domain.Actor, id int64) (*RevisitDraw, error) {
	const op = "GetRevisitDraw"
	if err := domain.Require("store."+op, a, domain.ActViewDashboard, 0); err != nil {
		return nil, err
	}
	d, err := s.revisitDraw(ctx, s.read, id)
	return d, internal(op, err)
}

func (s *Store) revisitDraw(ctx context.Context, q querier, id int64) (*RevisitDraw, error) {
	d := &RevisitDraw{ID: id}
	var ann string
	err := q.QueryRowContext(ctx, `SELECT announcement, announcement_hash, commitment, announced_by, secret, public_sources, public_key, seed, drawn_at, drawn_by
FROM revisit_draws WHERE id = $1`, id).Scan(&ann, &d.Hash, &d.Commitment, &d.AnnouncedBy, &d.Secret, &d.PublicSources, &d.PublicKey, &d.Seed, timeCol{&d.DrawnAt}, &d.DrawnBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("GetRevisitDraw")
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(ann), &d.Announcement); err != nil {
		return nil, err
	}
	if err := scanAll(ctx, q, `SELECT visit_id, code FROM revisit_pool WHERE draw_id = $1 ORDER BY visit_id`, []any{id}, func(r *sql.Rows) error {
		var v revisit.Visit
		if err := r.Scan(&v.ID, &v.Code); err != nil {
			return err
		}
		d.Pool = append(d.Pool, v)
		return nil
	}); err != nil {
		return nil, err
	}
	err = scanAll(ctx, q, `SELECT r.visit_id, p.code, e.name, r.key, r.outcome, r.note, r.recorded_at, r.recorded_by
FROM revisits r JOIN revisit_pool p ON p.draw_id = r.draw_id AND p.visit_id = r.visit_id
JOIN visits v ON v.id = r.visit_id JOIN entities e ON e.id = v.entity_id WHERE r.draw_id = $1 ORDER BY r.position`, []any{id}, func(r *sql.Rows) error {
		var rv Revisit
		if err := r.Scan(&rv.VisitID, &rv.Code, &rv.Name, &rv.Key, &rv.Outcome, &rv.Note, timeCol{&rv.RecordedAt}, &rv.RecordedBy); err != nil {
			return err
		}
		d.Revisits = append(d.Revisits, rv)
		return nil
	})
	return d, err
}
