// Package archive writes the archive file of a closed visit (立卷归档,
// issue 6): one zip holding record.json (the whole record,
// domain.ArchiveRecord), record.html (a printable page of it:
// self-contained, print stylesheet, no external resources) and every
// attachment under attachments/, named so that a clerk can read them. Each
// attachment's bytes are checked against the SHA-256 and size recorded when
// it was attached; one that differs or is missing fails the whole archive
// with a message naming it, so a bad file is never shipped.
package archive

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/i18n"
)

// The files of the archive besides the attachments.
const (
	RecordJSON = "record.json"
	RecordHTML = "record.html"
)

// Source is what an archive is made from (the store): the record, for
// whoever may read the visit, and each attachment's bytes.
type Source interface {
	ArchiveRecord(ctx context.Context, a domain.Actor, visitID int64) (*domain.ArchiveRecord, error)
	OpenAttachment(ctx context.Context, a domain.Actor, id int64) (*domain.Attachment, io.ReadCloser, error)
}

// Write writes the archive of visit as actor a into w, the page in p's
// language, and returns its record. On an error w holds part of an
// archive: write into a temporary file and keep it only on success (Build
// does).
func Write(ctx context.Context, w io.Writer, src Source, a domain.Actor, visitID int64, p *i18n.Printer) (*domain.ArchiveRecord, error) {
	rec, err := src.ArchiveRecord(ctx, a, visitID)
	if err != nil {
		return nil, err
	}
	zw := zip.NewWriter(w)
	mod := rec.GeneratedAt
	for _, f := range rec.Files {
		if err := copyVerified(ctx, zw, src, a, f, mod); err != nil {
			return nil, err
		}
	}
	js, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := put(zw, RecordJSON, mod, js); err != nil {
		return nil, err
	}
	page, err := Page(rec, p)
	if err != nil {
		return nil, err
	}
	if err := put(zw, RecordHTML, mod, page); err != nil {
		return nil, err
	}
	return rec, zw.Close()
}

func put(zw *zip.Writer, name string, mod time.Time, b []byte) error {
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: mod})
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// copyVerified copies an attachment's bytes into the archive, checking
// them against its recorded size and SHA-256 as they pass.
func copyVerified(ctx context.Context, zw *zip.Writer, src Source, a domain.Actor, f domain.ArchiveFile, mod time.Time) error {
	const op = "archive.Write"
	_, rc, err := src.OpenAttachment(ctx, a, f.ID)
	if errors.Is(err, fs.ErrNotExist) {
		return domain.E(op, domain.KindConflict, "err.archive.missing", "name", f.Name).Wrap(err)
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Path, Method: zip.Store, Modified: mod})
	if err != nil {
		return err
	}
	h := sha256.New()
	// One byte past the recorded size is enough to tell it differs.
	n, err := io.Copy(io.MultiWriter(w, h), io.LimitReader(rc, f.Size+1))
	if err != nil {
		return fmt.Errorf("archive: %s: %w", f.Path, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); n != f.Size || got != f.SHA256 {
		return domain.E(op, domain.KindConflict, "err.archive.tampered", "name", f.Name).
			Wrap(fmt.Errorf("attachment %d: %d bytes with SHA-256 %s, recorded %d bytes with %s", f.ID, n, got, f.Size, f.SHA256))
	}
	return nil
}

// File is an archive built into a temporary file, open at its start.
// Close removes it.
type File struct {
	*os.File
	Record *domain.ArchiveRecord
	Size   int64
}

// Close closes and removes the temporary file.
func (f *File) Close() error {
	err := f.File.Close()
	if rerr := os.Remove(f.Name()); err == nil {
		err = rerr
	}
	return err
}

// Build writes the archive into a temporary file in dir (the system's
// when empty): nothing is returned, and nothing is left, unless the whole
// archive was written and every attachment verified.
func Build(ctx context.Context, dir string, src Source, a domain.Actor, visitID int64, p *i18n.Printer) (*File, error) {
	tmp, err := os.CreateTemp(dir, "archive-*.zip")
	if err != nil {
		return nil, err
	}
	f := &File{File: tmp}
	fail := func(err error) (*File, error) {
		f.Close()
		return nil, err
	}
	if f.Record, err = Write(ctx, tmp, src, a, visitID, p); err != nil {
		return fail(err)
	}
	if f.Size, err = tmp.Seek(0, io.SeekCurrent); err != nil {
		return fail(err)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return fail(err)
	}
	return f, nil
}

// FileName is the name an archive is downloaded under.
func FileName(rec *domain.ArchiveRecord) string {
	return fmt.Sprintf("archive-%d-%s.zip", rec.Inspection.Visit.ID, rec.Business.Code)
}
