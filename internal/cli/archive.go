package cli

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/archive"
	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

const archiveUsage = `Usage: yiyeyicha archive VISIT_ID -o FILE.zip --db DB [--files DIR]

Writes the archive (立卷归档) of a closed joint visit (联合检查) as one zip:
record.json (the whole record: visit, tasks, business, every department's
results and findings, the joint record 联合总表 with its category and
disposal, publication dates, the attachments' SHA-256), record.html (a
printable page of it) and every attachment (附件) under attachments/. Each
attachment is checked against its recorded SHA-256 as it is copied; one
that differs or is missing fails the command and no file is written. The
file appears only once complete. --files is the attachment directory
(default: beside the SQLite file, DB.files).
`

func (m *Main) runArchive(ctx context.Context, args []string) error {
	f := m.newFlags("archive", archiveUsage)
	db := f.DB()
	files := f.files()
	out := f.String("o", "", "", "output file (.zip)")
	f.fs.StringVar(out, "output", "", "same as -o")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := f.args(pos, 1, 1, "VISIT_ID"); err != nil {
		return err
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil || id <= 0 {
		return m.usageErr(f.cmd, "archive.cli.bad_id", "id", pos[0])
	}
	if *out == "" || *out == "-" {
		return m.usageErr(f.cmd, "archive.cli.no_file")
	}
	st, err := m.openStore(ctx, f, *db, false)
	if err != nil {
		return err
	}
	if _, err := m.setBlobs(st, *db, *files); err != nil {
		return err
	}
	var rec *domain.ArchiveRecord
	if err := writeFileAtomic(*out, func(fl *os.File) error {
		rec, err = archive.Write(ctx, fl, st, domain.System, id, m.printer())
		return err
	}); err != nil {
		return err
	}
	fmt.Fprintln(m.Stderr, m.printer().T("archive.cli.done", "file", *out, "files", len(rec.Files)))
	return nil
}
