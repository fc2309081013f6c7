package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/draw"
)

// The transparency-log records of a draw's entropy, one per event, so that
// the log's order shows the announcement came before every commitment,
// reveal and public value (the announcement, result and abort records are
// in draws.go). Keys: "<draw>/<party>" for a party's commitment and
// reveal, "<draw>" for the public value.
const (
	logDrawCommitment  = "draw.commitment"
	logDrawReveal      = "draw.reveal"
	logDrawPublicValue = "draw.public_value"
)

func commitmentLog(d *domain.Draw, p *domain.DrawParty) any {
	return map[string]any{"draw": d.Key, "announcement_hash": d.AnnouncementHash, "party": p.Party, "commitment": p.Commitment}
}

func revealLog(d *domain.Draw, p *domain.DrawParty) any {
	return map[string]any{"draw": d.Key, "announcement_hash": d.AnnouncementHash, "party": p.Party, "commitment": p.Commitment, "secret": p.Secret}
}

func publicValueLog(d *domain.Draw, pv *draw.PublicValue) any {
	return map[string]any{"draw": d.Key, "announcement_hash": d.AnnouncementHash, "public_value": pv}
}

// logDrawParty appends a party's commitment or reveal, in its transaction.
func (s *Store) logDrawParty(ctx context.Context, tx *sql.Tx, typ string, d *domain.Draw, p domain.DrawParty) error {
	body := commitmentLog(d, &p)
	if typ == logDrawReveal {
		body = revealLog(d, &p)
	}
	_, err := s.logAppend(ctx, tx, LogRecord{Type: typ, Version: 1, Key: d.Key + "/" + p.Party, Body: body})
	return err
}

// drawPartyByKey loads the draw and the party of a "<draw>/<party>" key.
func drawPartyByKey(ctx context.Context, q querier, key string) (*domain.Draw, *domain.DrawParty, error) {
	i := strings.LastIndexByte(key, '/')
	if i < 0 {
		return nil, nil, fmt.Errorf("draw log: bad key %q", key)
	}
	d, err := loadDraw(ctx, q, key[:i])
	if err != nil {
		return nil, nil, err
	}
	p := partyOf(d, key[i+1:])
	if p == nil {
		return nil, nil, notFound("drawPartyByKey")
	}
	return d, p, nil
}

func init() {
	registerLogBuilder(logDrawCommitment, func(ctx context.Context, q querier, key string, _ int) (any, error) {
		d, p, err := drawPartyByKey(ctx, q, key)
		if err != nil {
			return nil, err
		}
		return commitmentLog(d, p), nil
	})
	registerLogBuilder(logDrawReveal, func(ctx context.Context, q querier, key string, _ int) (any, error) {
		d, p, err := drawPartyByKey(ctx, q, key)
		if err != nil {
			return nil, err
		}
		return revealLog(d, p), nil
	})
	registerLogBuilder(logDrawPublicValue, func(ctx context.Context, q querier, key string, _ int) (any, error) {
		d, err := loadDraw(ctx, q, key)
		if err != nil {
			return nil, err
		}
		if d.PublicValue == nil {
			return nil, notFound("publicValueLog")
		}
		return publicValueLog(d, d.PublicValue), nil
	})
}
