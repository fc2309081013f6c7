package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/revisit"
)

// The transparency-log records of a revisit sample (回访抽取), like a
// draw's: the announcement with its commitment when it is made, before
// any entropy exists, and the sample when drawn, with the revealed secret
// and the public value, so that anyone can recompute it with revisit.Draw.
// Key: the revisit draw's id.
const (
	logRevisitAnnouncement = "revisit.announcement"
	logRevisitSample       = "revisit.sample"
)

func init() {
	registerLogBuilder(logRevisitAnnouncement, func(ctx context.Context, q querier, key string, _ int) (any, error) {
		id, err := strconv.ParseInt(key, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("revisit log: bad key %q", key)
		}
		var ann revisit.Announcement
		var annJSON, hash, commitment string
		err = q.QueryRowContext(ctx, `SELECT announcement, announcement_hash, commitment FROM revisit_draws WHERE id = $1`, id).Scan(&annJSON, &hash, &commitment)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, notFound("revisitAnnouncementLog")
		}
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(annJSON), &ann); err != nil {
			return nil, err
		}
		return revisitAnnouncementLog(ann, hash, commitment), nil
	})
	registerLogBuilder(logRevisitSample, func(ctx context.Context, q querier, key string, _ int) (any, error) {
		id, err := strconv.ParseInt(key, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("revisit log: bad key %q", key)
		}
		d := &RevisitDraw{ID: id}
		err = q.QueryRowContext(ctx, `SELECT announcement_hash, commitment, secret, public_sources, public_key, seed FROM revisit_draws WHERE id = $1`, id).
			Scan(&d.Hash, &d.Commitment, &d.Secret, &d.PublicSources, &d.PublicKey, &d.Seed)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !d.Drawn()) {
			return nil, notFound("revisitSampleLog")
		}
		if err != nil {
			return nil, err
		}
		var picks []revisitPickLog
		err = scanAll(ctx, q, `SELECT r.visit_id, p.code, r.key FROM revisits r
JOIN revisit_pool p ON p.draw_id = r.draw_id AND p.visit_id = r.visit_id WHERE r.draw_id = $1 ORDER BY r.position`, []any{id}, func(r *sql.Rows) error {
			var p revisitPickLog
			if err := r.Scan(&p.VisitID, &p.Code, &p.Key); err != nil {
				return err
			}
			picks = append(picks, p)
			return nil
		})
		if err != nil {
			return nil, err
		}
		return revisitSampleLog(d, picks), nil
	})
}

func revisitAnnouncementLog(ann revisit.Announcement, hash, commitment string) any {
	return map[string]any{"announcement": ann, "announcement_hash": hash, "commitment": commitment}
}

// revisitPickLog is one sampled visit as logged.
type revisitPickLog struct {
	VisitID int64  `json:"visit_id"`
	Code    string `json:"code"`
	Key     string `json:"key"`
}

func revisitSampleLog(d *RevisitDraw, picks []revisitPickLog) any {
	return map[string]any{"announcement_hash": d.Hash, "commitment": d.Commitment, "secret": d.Secret,
		"public_value": map[string]string{"sources": d.PublicSources, "key_string": d.PublicKey}, "seed": d.Seed, "picks": picks}
}
