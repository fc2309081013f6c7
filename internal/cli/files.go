package cli

import (
	"context"
	"strings"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/attach"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

// files defines the --files flag: where attachment bytes (inspection
// evidence) are kept.
func (f *flags) files() *string {
	return f.String("files", "YIYEYICHA_FILES", "", "directory of the attachments (附件目录); default: beside the SQLite file (DB.files); required for evidence uploads on PostgreSQL")
}

// attachFiles gives st its attachment store: dir, or beside a SQLite
// file. With PostgreSQL and no --files, uploads are refused with a message
// saying so. Blobs that no attachment refers to and that are older than an
// hour (a crash between storing a file and saving its record) are swept.
func (m *Main) attachFiles(ctx context.Context, st *store.Store, dsn, dir string) error {
	ok, err := m.setBlobs(st, dsn, dir)
	if err != nil || !ok {
		return err
	}
	n, err := st.SweepAttachments(ctx, time.Hour)
	if err != nil {
		m.logger().Warn("attachment sweep", "err", err)
	} else if n > 0 {
		m.logger().Info("attachment sweep removed orphan files", "files", n)
	}
	return nil
}

// setBlobs gives st the attachment store in dir, or beside a SQLite file;
// false when there is none (PostgreSQL without --files).
func (m *Main) setBlobs(st *store.Store, dsn, dir string) (bool, error) {
	if dir == "" {
		if strings.Contains(dsn, "://") {
			m.logger().Warn("no attachment directory (--files): evidence uploads are refused")
			return false, nil
		}
		dir = strings.TrimPrefix(dsn, "file:")
		if i := strings.IndexByte(dir, '?'); i >= 0 {
			dir = dir[:i]
		}
		dir += ".files"
	}
	blobs, err := attach.NewDisk(dir)
	if err != nil {
		return false, failed(err)
	}
	st.SetBlobs(blobs)
	return true, nil
}
