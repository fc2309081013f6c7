package cli

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/translog"
)

const backupUsage = `Usage: yiyeyicha backup FILE --db DB

Writes a consistent backup (备份) of the database to FILE while the server
keeps running. FILE must not exist yet; it appears only when complete.

  SQLite:     FILE is a compacted SQLite database (VACUUM INTO), one
              snapshot, taken without holding up writers.
  PostgreSQL: FILE is a gzip-compressed tar archive of every table, COPYed
              in one REPEATABLE READ snapshot (no pg_dump needed).

Prints each table's row count and content digest (校验和); restore checks
the restored database against them.

The transparency log's signing key (日志签名密钥) is NOT in the backup: it
is a secret, and a backup travels further than the server (other disks,
other people). backup names the key file (DB.logkey beside a SQLite file,
or --log-key): copy it once, separately, to a safe place (docs/operator.md).
`

func (m *Main) runBackup(ctx context.Context, args []string) error {
	f := m.newFlags("backup", backupUsage)
	db := f.DB()
	logKey := f.String("log-key", "YIYEYICHA_LOG_KEY", "", "the transparency log's signing key file, named in the reminder that it is not in the backup")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := f.args(pos, 1, 1, "FILE"); err != nil {
		return err
	}
	if *db == "" {
		return m.usageErr(f.cmd, "cli.usage.no_db")
	}
	// Not openStore: a database on an older schema must be backed up
	// before it is migrated.
	st, err := store.Open(ctx, *db)
	if err != nil {
		m.errorLine(m.printer().T("cli.err.open_db", "db", redact(*db), "err", err.Error()))
		return failed(err)
	}
	m.mu.Lock()
	m.store = st
	m.mu.Unlock()
	start := time.Now()
	info, err := st.Backup(ctx, pos[0])
	if err != nil {
		return err
	}
	m.printSums(info)
	var size int64
	if fi, err := os.Stat(pos[0]); err == nil {
		size = fi.Size()
	}
	fmt.Fprintln(m.Stdout, m.printer().T("ops.backup.done", "file", pos[0], "engine", info.Engine,
		"version", info.SchemaVersion, "rows", totalRows(info), "mib", fmt.Sprintf("%.1f", float64(size)/(1<<20)),
		"elapsed", time.Since(start).Round(time.Millisecond)))
	m.remindLogKey(*db, *logKey)
	return nil
}

// remindLogKey tells the operator that the log's signing key is not in the
// backup and where it is. It stays out by design: whoever holds a backup
// and the key could sign a rewritten log, and the key never changes, so
// one separate copy in a safe place is enough.
func (m *Main) remindLogKey(dsn, path string) {
	p := m.printer()
	if path == "" && !strings.Contains(dsn, "://") {
		path = translog.KeyPath(dsn)
	}
	if path == "" {
		fmt.Fprintln(m.Stdout, p.T("ops.backup.log_key_unknown"))
		return
	}
	if _, err := os.Stat(path); err != nil {
		fmt.Fprintln(m.Stdout, p.T("ops.backup.log_key_missing", "file", path))
		return
	}
	fmt.Fprintln(m.Stdout, p.T("ops.backup.log_key", "file", path))
}

const restoreUsage = `Usage: yiyeyicha restore FILE --db DB

Restores a backup written by 'yiyeyicha backup' (恢复) into a NEW database:
a SQLite file that does not exist yet, or an empty PostgreSQL database
(create it first: createdb yiyeyicha_restored). Restore never overwrites
data: to replace a database, stop the server, move the old one aside,
restore, and point the server at the restored one.

The restored content is checked against the row counts and digests
recorded in the backup before it is committed; a damaged or truncated
backup writes nothing. A backup from an older program restores at its own
schema version; run 'yiyeyicha migrate' afterwards.
`

func (m *Main) runRestore(ctx context.Context, args []string) error {
	f := m.newFlags("restore", restoreUsage)
	db := f.DB()
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := f.args(pos, 1, 1, "FILE"); err != nil {
		return err
	}
	if *db == "" {
		return m.usageErr(f.cmd, "cli.usage.no_db")
	}
	if _, err := os.Stat(pos[0]); err != nil {
		m.errorLine(m.printer().T("cli.err.open_file", "file", pos[0], "err", err.Error()))
		return failed(err)
	}
	start := time.Now()
	info, err := store.Restore(ctx, pos[0], *db)
	if err != nil {
		return err
	}
	m.printSums(info)
	p := m.printer()
	fmt.Fprintln(m.Stdout, p.T("ops.restore.done", "db", redact(*db), "engine", info.Engine,
		"version", info.SchemaVersion, "rows", totalRows(info), "elapsed", time.Since(start).Round(time.Millisecond)))
	ms, err := store.Migrations(info.Engine)
	if err != nil {
		return err
	}
	if info.SchemaVersion < len(ms) {
		fmt.Fprintln(m.Stdout, p.T("ops.restore.migrate", "version", info.SchemaVersion, "latest", len(ms)))
	}
	return nil
}

func (m *Main) printSums(info *store.BackupInfo) {
	p := m.printer()
	rows := make([][]string, 0, len(info.Tables))
	for _, t := range info.Tables {
		rows = append(rows, []string{t.Table, strconv.FormatInt(t.Rows, 10), t.Digest[:16]})
	}
	writeTable(m.Stdout, []string{p.T("ops.col.table"), p.T("ops.col.rows"), p.T("ops.col.digest")}, rows)
}

func totalRows(info *store.BackupInfo) int64 {
	var n int64
	for _, t := range info.Tables {
		n += t.Rows
	}
	return n
}
