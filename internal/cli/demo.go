package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/demo"
	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

// DefaultDemoDB is the demo database file, in the working directory.
const DefaultDemoDB = "yiyeyicha-demo.db"

const demoUsage = `Usage: yiyeyicha demo [--addr ADDR] [--db FILE] [--fresh] [--entities N] [--generate-only]

Serves the platform on the embedded SQLite store with the deterministic demo
data (演示数据) of Yuanqu County (垣曲县, 运城市, 山西省): 11 townships (乡镇),
15 departments (部门) with liaisons (联络员) and leaders (分管领导), 12
industries (行业), businesses (检查对象) with valid credit codes (统一社会信用代码)
over all four risk classes (信用风险分类), inspectors and experts
(执法检查人员/业务专家), and one account per role. It prints the URL and the
demo accounts (username, password, department).

An existing demo database is reused; --fresh deletes and regenerates it.
The same seed always gives the same data. For benchmarks:
  yiyeyicha demo --db bench.db --fresh --entities 1000000 --generate-only

The demo database has its own environment variable, YIYEYICHA_DEMO_DB, so
that a YIYEYICHA_DB pointing at real data is never touched by --fresh.
`

func (m *Main) runDemo(ctx context.Context, args []string) error {
	f := m.newFlags("demo", demoUsage)
	addr := f.String("addr", "YIYEYICHA_ADDR", DefaultAddr, "address to serve on, host:port")
	public := f.String("public-addr", "YIYEYICHA_PUBLIC_ADDR", "", "optional second address serving the public portal only")
	db := f.String("db", "YIYEYICHA_DEMO_DB", DefaultDemoDB, "demo database: a SQLite file (演示数据库)")
	fresh := f.Bool("fresh", "", false, "delete the demo database and generate it again")
	entities := f.Int("entities", "YIYEYICHA_DEMO_ENTITIES", demo.DefaultEntities, "number of businesses (检查对象) to generate")
	inspectors := f.Int("inspectors", "", demo.DefaultInspectors, "number of inspectors and experts (执法检查人员) to generate")
	seed := f.Int("seed", "", demo.DefaultSeed, "seed of the generator: the same seed gives the same data")
	batch := f.Int("batch", "", demo.DefaultBatchSize, "businesses per import transaction (tuning for large runs)")
	genOnly := f.Bool("generate-only", "", false, "write the demo database and exit without serving (for benchmarks)")
	kf := f.logKey()
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := f.args(pos, 0, 0, "no arguments"); err != nil {
		return err
	}
	if *entities < 1 || *inspectors < 1 || *batch < 1 {
		return m.usageErr(f.cmd, "cli.usage.bad_size")
	}
	p := m.printer()
	postgres := strings.HasPrefix(*db, "postgres://") || strings.HasPrefix(*db, "postgresql://")
	if *fresh {
		if postgres {
			return m.usageErr(f.cmd, "cli.usage.fresh_postgres")
		}
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(*db + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	// A demo database is the demo's own: migrate it without asking.
	st, err := m.openStore(ctx, f, *db, true)
	if err != nil {
		return err
	}
	o := demo.Options{Entities: *entities, Inspectors: *inspectors, Seed: int64(*seed), BatchSize: *batch}
	accounts, err := m.demoData(ctx, st, *db, o)
	if err != nil {
		return err
	}
	if *genOnly {
		return nil
	}
	if _, err := m.loadLogKey(*db, kf); err != nil {
		return err
	}
	if err := m.attachFiles(ctx, st, *db, ""); err != nil {
		return err
	}
	if err := m.serve(st, *addr, *public, false); err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout)
	fmt.Fprintln(m.Stdout, p.T("cli.demo.accounts"))
	rows := make([][]string, 0, len(accounts))
	for _, a := range accounts {
		rows = append(rows, []string{p.T("cli.role." + string(a.Role)), a.Username, a.Password, a.Department})
	}
	writeTable(m.Stdout, []string{p.T("cli.col.role"), p.T("field.username"), p.T("field.password"), p.T("field.department")}, rows)
	fmt.Fprintln(m.Stdout)
	fmt.Fprintln(m.Stdout, p.T("cli.demo.stop"))
	return nil
}

// demoData generates the dataset into an empty database, or recognises a
// demo database generated before and reuses it.
func (m *Main) demoData(ctx context.Context, st *store.Store, db string, o demo.Options) ([]demo.Account, error) {
	p := m.printer()
	stats, err := st.Stats(ctx)
	if err != nil {
		return nil, err
	}
	users, err := st.ListUsers(ctx, domain.System)
	if err != nil {
		return nil, err
	}
	if stats.Entities > 0 || len(users) > 0 {
		if _, err := st.GetUserByUsername(ctx, domain.System, "office"); err != nil {
			m.errorLine(p.T("cli.demo.not_demo", "db", redact(db)))
			return nil, failed(err)
		}
		fmt.Fprintln(m.Stderr, p.T("cli.demo.reuse", "db", redact(db), "n", stats.Entities))
		return demo.Accounts(o), nil
	}
	fmt.Fprintln(m.Stderr, p.T("cli.demo.generating", "db", redact(db), "n", o.Entities))
	start := time.Now()
	long := o.Entities > 2*o.BatchSize
	o.OnProgress = func(done, total int, el time.Duration) {
		if long {
			fmt.Fprintln(m.Stderr, p.T("cli.demo.progress", "done", done, "total", total, "pct", done*100/total, "elapsed", el.Round(time.Second)))
		}
	}
	accounts, err := demo.Generate(ctx, st, o)
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(m.Stderr, p.T("cli.demo.generated", "n", o.Entities, "elapsed", time.Since(start).Round(time.Millisecond)))
	return accounts, nil
}
