// Package attach keeps the files attached to inspection records (photos,
// PDFs of signed forms): how an upload is received and checked, and where
// its bytes live.
//
// An upload is first spooled to a temporary file while its SHA-256 is
// computed and its size counted; its type is read from the content itself
// (not the file name) and must be one of the allowed types; only then is it
// put into the Blobs, under its SHA-256, atomically. The database record
// that refers to it is written afterwards in the record's own transaction.
// A crash between the two leaves at worst a file that no record refers to,
// never a record without its file; Sweep removes such files later.
package attach

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// Blobs stores file contents by key (the lowercase hex SHA-256 of the
// content). Implementations: Disk; an object store can be added behind the
// same interface.
type Blobs interface {
	// Put stores the content read from r under key. Readers see either no
	// object or the whole of it. Putting a key that exists stores it again
	// (the same bytes) with a fresh time, so that a Sweep running at that
	// moment spares it.
	Put(ctx context.Context, key string, r io.Reader) error
	// Open returns the content of key; a missing key is fs.ErrNotExist.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes key; a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// Walk calls fn for every stored key with the time it was stored.
	Walk(ctx context.Context, fn func(key string, stored time.Time) error) error
}

// Limits are what an upload may be.
type Limits struct {
	MaxBytes int64 // per file
}

// DefaultLimits allow files up to 10 MiB: a phone photo is 2–6 MiB, a
// scanned multi-page form a few MiB.
var DefaultLimits = Limits{MaxBytes: 10 << 20}

// Allowed maps each accepted media type to the file name extensions that
// may carry it. Everything else (executables, office documents that can
// hold macros, HTML that could run script when opened) is refused.
var Allowed = map[string][]string{
	"image/jpeg":      {".jpg", ".jpeg"},
	"image/png":       {".png"},
	"image/webp":      {".webp"},
	"application/pdf": {".pdf"},
}

// Upload is a received and checked file waiting in a temporary file to be
// put into the Blobs. Call Close when done (it removes the temporary file).
type Upload struct {
	Filename  string // the name as given, cleaned of directories
	MediaType string // sniffed from the content
	Size      int64
	SHA256    string // lowercase hex
	tmp       *os.File
}

// Reader returns the content from its start.
func (u *Upload) Reader() (io.Reader, error) {
	if _, err := u.tmp.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("attach: %w", err)
	}
	return u.tmp, nil
}

// Close removes the temporary file.
func (u *Upload) Close() error {
	if u == nil || u.tmp == nil {
		return nil
	}
	name := u.tmp.Name()
	err := u.tmp.Close()
	u.tmp = nil
	return errors.Join(err, os.Remove(name))
}

// FieldFile names the uploaded file in errors.
const FieldFile = "attachment"

func refuse(key string, args ...any) error {
	return domain.E("attach.Receive", domain.KindInvalid, key, args...).WithField(FieldFile)
}

// Receive reads an upload named filename from r into a temporary file in
// dir ("" for the system's), checking it against lim and Allowed. A refused
// upload leaves nothing behind and returns a KindInvalid error whose key
// says why: attach.err.too_large, attach.err.empty, attach.err.type,
// attach.err.extension or attach.err.name.
func Receive(dir, filename string, r io.Reader, lim Limits) (*Upload, error) {
	name := cleanName(filename)
	if name == "" || !domain.TextOK(name) || utf8.RuneCountInString(name) > 200 {
		return nil, refuse("attach.err.name")
	}
	tmp, err := os.CreateTemp(dir, "upload-*")
	if err != nil {
		return nil, fmt.Errorf("attach: %w", err)
	}
	u := &Upload{Filename: name, tmp: tmp}
	ok := false
	defer func() {
		if !ok {
			_ = u.Close()
		}
	}()
	h := sha256.New()
	var head bytes.Buffer
	n, err := io.Copy(io.MultiWriter(tmp, h, &capped{&head, 512}), io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, refuse("attach.err.too_large", "max", lim.MaxBytes>>20)
		}
		return nil, fmt.Errorf("attach: receive: %w", err)
	}
	if n > lim.MaxBytes {
		return nil, refuse("attach.err.too_large", "max", lim.MaxBytes>>20)
	}
	if n == 0 {
		return nil, refuse("attach.err.empty")
	}
	mt, _, _ := strings.Cut(http.DetectContentType(head.Bytes()), ";")
	exts, allowed := Allowed[mt]
	if !allowed {
		return nil, refuse("attach.err.type", "type", describe(mt))
	}
	if ext := strings.ToLower(path.Ext(name)); ext != "" && !contains(exts, ext) {
		return nil, refuse("attach.err.extension", "ext", ext, "type", describe(mt))
	}
	u.MediaType, u.Size, u.SHA256 = mt, n, hex.EncodeToString(h.Sum(nil))
	ok = true
	return u, nil
}

// describe names a sniffed type for a message: the media type, or "unknown
// data" for what DetectContentType cannot tell.
func describe(mt string) string {
	if mt == "application/octet-stream" {
		return "?"
	}
	return mt
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// cleanName drops any directory part a browser or client sent (C:\fakepath\,
// ../) and surrounding blanks.
func cleanName(s string) string {
	s = strings.ReplaceAll(s, `\`, "/")
	base := strings.TrimSpace(path.Base("/" + strings.TrimSpace(s)))
	if base == "/" || base == "." || base == ".." {
		return ""
	}
	return base
}

// capped keeps the first n bytes written to it.
type capped struct {
	b *bytes.Buffer
	n int
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.n - c.b.Len(); room > 0 {
		c.b.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// ValidKey reports whether key is a lowercase hex SHA-256, the only keys
// the Blobs hold; anything else (a path, "..") is refused before it reaches
// a file system or an object store.
func ValidKey(key string) bool {
	if len(key) != 64 {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// Disk keeps blobs as files under a directory: <dir>/<first two hex
// digits>/<key>, written to <dir>/tmp first, synced, then renamed into
// place, so a crash never leaves a partial blob under its key.
type Disk struct{ dir string }

// NewDisk returns the blob store under dir, creating it (0700: the files
// are unpublished evidence).
func NewDisk(dir string) (*Disk, error) {
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o700); err != nil {
		return nil, fmt.Errorf("attach: %w", err)
	}
	return &Disk{dir: dir}, nil
}

func (d *Disk) path(key string) string { return filepath.Join(d.dir, key[:2], key) }

// Put implements Blobs.
func (d *Disk) Put(ctx context.Context, key string, r io.Reader) error {
	if !ValidKey(key) {
		return fmt.Errorf("attach: bad key %q", key)
	}
	final := d.path(key)
	tmp, err := os.CreateTemp(filepath.Join(d.dir, "tmp"), key[:8]+"-*")
	if err != nil {
		return fmt.Errorf("attach: %w", err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(tmp, h), r); err != nil {
		return fmt.Errorf("attach: put %s: %w", key, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != key {
		return fmt.Errorf("attach: put %s: content has SHA-256 %s", key, got)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("attach: put %s: %w", key, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("attach: put %s: %w", key, err)
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return fmt.Errorf("attach: %w", err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return fmt.Errorf("attach: put %s: %w", key, err)
	}
	done = true
	// The rename is durable only once the directory is synced.
	if dir, err := os.Open(filepath.Dir(final)); err == nil {
		_ = dir.Sync()
		dir.Close()
	}
	return nil
}

// Open implements Blobs.
func (d *Disk) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if !ValidKey(key) {
		return nil, fs.ErrNotExist
	}
	f, err := os.Open(d.path(key))
	if err != nil {
		return nil, fmt.Errorf("attach: open %s: %w", key, err)
	}
	return f, nil
}

// Delete implements Blobs.
func (d *Disk) Delete(ctx context.Context, key string) error {
	if !ValidKey(key) {
		return nil
	}
	if err := os.Remove(d.path(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("attach: delete %s: %w", key, err)
	}
	return nil
}

// Walk implements Blobs. Files left in tmp by a crash during Put are
// removed on the way when older than an hour.
func (d *Disk) Walk(ctx context.Context, fn func(key string, stored time.Time) error) error {
	return filepath.WalkDir(d.dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if e.IsDir() {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		if filepath.Base(filepath.Dir(p)) == "tmp" {
			if time.Since(info.ModTime()) > time.Hour {
				_ = os.Remove(p)
			}
			return nil
		}
		if !ValidKey(e.Name()) {
			return nil
		}
		return fn(e.Name(), info.ModTime())
	})
}

// Sweep deletes the blobs that no record refers to (referenced reports
// whether one does) and that were stored before cutoff: a blob put moments
// ago may belong to a record whose transaction is still running. It
// returns how many it deleted.
func Sweep(ctx context.Context, b Blobs, cutoff time.Time, referenced func(key string) (bool, error)) (int, error) {
	var doomed []string
	err := b.Walk(ctx, func(key string, stored time.Time) error {
		if !stored.Before(cutoff) {
			return nil
		}
		ok, err := referenced(key)
		if err != nil {
			return err
		}
		if !ok {
			doomed = append(doomed, key)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("attach: sweep: %w", err)
	}
	for i, key := range doomed {
		if err := b.Delete(ctx, key); err != nil {
			return i, err
		}
	}
	return len(doomed), nil
}
