package demo

import (
	"io"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// Options size and seed the dataset.
type Options struct {
	Entities   int       // businesses; 0 means 20,000
	Inspectors int       // inspectors and experts; 0 means 300
	Seed       int64     // 0 means DefaultSeed
	Progress   io.Writer // progress lines for long runs; nil for none

	// Today anchors relative dates (certificate expiry, risk class dates)
	// so that some certificates are always expired; zero means the current
	// date. Fix it to get byte-identical data on different days.
	Today domain.Date
	// BatchSize is the number of businesses per import transaction; 0
	// means 20,000.
	BatchSize int
	// OnProgress, if set, is called after each batch of businesses, for a
	// caller that prints progress its own way (the CLI, in its language).
	OnProgress func(done, total int, elapsed time.Duration)
}

// Defaults of Options.
const (
	DefaultEntities   = 20000
	DefaultInspectors = 300
	DefaultBatchSize  = 20000
)

func (o Options) withDefaults() Options {
	if o.Entities == 0 {
		o.Entities = DefaultEntities
	}
	if o.Entities < 0 {
		o.Entities = 0
	}
	if o.Inspectors <= 0 {
		o.Inspectors = DefaultInspectors
	}
	if o.Seed == 0 {
		o.Seed = DefaultSeed
	}
	if o.Today.IsZero() {
		o.Today = domain.DateOf(time.Now())
	}
	if o.BatchSize <= 0 {
		o.BatchSize = DefaultBatchSize
	}
	return o
}

// Accounts returns the demo accounts of the dataset o describes, as
// Generate creates them, so that a reused demo database can print them
// again without regenerating.
func Accounts(o Options) []Account {
	g := newGenerator(o.withDefaults())
	ds := g.dataset()
	out := make([]Account, len(ds.accounts))
	for i, a := range ds.accounts {
		out[i] = a.Account
	}
	return out
}

// Businesses calls fn with each business of the dataset o describes, in
// order, without a store: for benchmarks and test files that need
// realistic rows.
func Businesses(o Options, fn func(i int, e domain.Entity) error) error {
	o = o.withDefaults()
	g := newGenerator(o)
	for i := range o.Entities {
		if err := fn(i, g.entity(i)); err != nil {
			return err
		}
	}
	return nil
}
