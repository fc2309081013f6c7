package cli

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version is the program's version, set at build time with
// -ldflags "-X github.com/yiyeyicha/yiyeyicha/internal/cli.Version=v1.2.3".
var Version = "dev"

const migrateUsage = `Usage: yiyeyicha migrate --db DB

Applies the pending database migrations (数据库迁移), forward only, and
prints the schema version before and after. Back up the database first.
`

func (m *Main) runMigrate(ctx context.Context, args []string) error {
	f := m.newFlags("migrate", migrateUsage)
	db := f.DB()
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := f.args(pos, 0, 0, "no arguments"); err != nil {
		return err
	}
	st, err := m.openStore(ctx, f, *db, true)
	if err != nil {
		return err
	}
	cur, _, err := st.SchemaStatus(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, m.printer().T("cli.migrate.current", "version", cur))
	return nil
}

const versionUsage = `Usage: yiyeyicha version

Prints the program's version, its source revision and the Go version.
`

func (m *Main) runVersion(ctx context.Context, args []string) error {
	f := m.newFlags("version", versionUsage)
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := f.args(pos, 0, 0, "no arguments"); err != nil {
		return err
	}
	rev := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				rev = " " + s.Value[:12]
			}
		}
	}
	fmt.Fprintf(m.Stdout, "yiyeyicha %s%s (%s %s/%s)\n", Version, rev, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}
