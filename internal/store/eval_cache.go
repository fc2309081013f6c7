package store

import (
	"context"
	"sync"

	"github.com/yiyeyicha/yiyeyicha/internal/metrics"
)

// evalCache keeps the last facts loaded for each year with the version of
// the data they were loaded at. Loading a year of a county's visits reads
// hundreds of thousands of rows; the dashboard is opened far more often than
// the visits change.
//
// The version is read from the audit log: every write of the store is one
// transaction with its audit row(s), so the log's last id moves whenever
// anything the facts come from changes. On PostgreSQL ids are handed out
// before commit, so a transaction may commit with an id below the highest
// one seen; the count of the ids in the window just below the highest one
// catches that too.
type evalCache struct {
	mu     sync.Mutex
	byYear map[int]cachedFacts
}

type cachedFacts struct {
	version dataVersion
	facts   *metrics.Facts
}

// dataVersion identifies the state of the data: the audit log's highest id
// and how many rows lie in the window below it.
type dataVersion struct {
	maxID, recent int64
}

// versionWindow is how far below the highest audit id a late commit is
// looked for: far more transactions than ever run at once.
const versionWindow = 100000

func (s *Store) dataVersion(ctx context.Context) (dataVersion, error) {
	return dataVersionOf(ctx, s.read)
}

func dataVersionOf(ctx context.Context, q querier) (dataVersion, error) {
	var v dataVersion
	err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0),
(SELECT COUNT(*) FROM audit_log WHERE id > (SELECT COALESCE(MAX(id), 0) FROM audit_log) - $1) FROM audit_log`, versionWindow).Scan(&v.maxID, &v.recent)
	return v, err
}

// cachedFacts returns the facts of year, loading them again only when the
// data changed since the last load. The caller gets its own copy of the
// top-level struct, with today's date.
func (s *Store) cachedFacts(ctx context.Context, year int) (*metrics.Facts, error) {
	v, err := s.dataVersion(ctx)
	if err != nil {
		return nil, err
	}
	c := &s.evalCache
	c.mu.Lock()
	hit, ok := c.byYear[year]
	c.mu.Unlock()
	if !ok || hit.version != v {
		f, at, err := s.evalFacts(ctx, year)
		if err != nil {
			return nil, err
		}
		hit = cachedFacts{version: at, facts: f}
		c.mu.Lock()
		if c.byYear == nil {
			c.byYear = map[int]cachedFacts{}
		}
		c.byYear[year] = hit
		c.mu.Unlock()
	}
	f := *hit.facts
	f.Today = dateOf(s.clock())
	return &f, nil
}
