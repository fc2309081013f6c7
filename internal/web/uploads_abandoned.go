package web

import (
	"errors"
	"os"
	"path/filepath"
	"time"
)

// A server killed without its Close (kill -9, a power cut) leaves its
// upload directory behind, holding other departments' unpublished files.
// Each server therefore holds an exclusive lock on a file in its own
// directory for as long as it runs; the kernel drops the lock however the
// process dies, so a directory whose lock can be taken belongs to nobody.
// New removes such directories, so a restart needs no manual cleanup.
// Where file locks are not available, a directory counts as abandoned once
// it is older than an upload's time to live.

const (
	uploadDirPattern = "yiyeyicha-uploads-"
	uploadLockName   = ".lock"
)

// holdUploadLock locks a new file in dir and then gives it its final name,
// so that no sweeper ever sees the lock file unlocked while its owner
// lives. The returned file must stay open for the life of the server.
func holdUploadLock(dir string) (*os.File, error) {
	tmp := filepath.Join(dir, uploadLockName+".new")
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := tryLock(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return nil, err
	}
	if err := os.Rename(tmp, filepath.Join(dir, uploadLockName)); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// sweepAbandonedUploads removes the upload directories of servers that
// are no longer running.
func (s *Server) sweepAbandonedUploads() {
	matches, err := filepath.Glob(filepath.Join(os.TempDir(), uploadDirPattern+"*"))
	if err != nil {
		return
	}
	for _, dir := range matches {
		if s.abandoned(dir) {
			if err := os.RemoveAll(dir); err != nil {
				s.log.Warn("remove abandoned upload directory", "dir", dir, "err", err)
			} else {
				s.log.Info("removed the upload directory of a server that stopped without cleaning up", "dir", dir)
			}
		}
	}
}

func (s *Server) abandoned(dir string) bool {
	f, err := os.OpenFile(filepath.Join(dir, uploadLockName), os.O_RDWR, 0)
	if err == nil {
		defer f.Close()
		err = tryLock(f)
		if err == nil {
			return true // closing f releases the lock
		}
		if !errors.Is(err, errors.ErrUnsupported) {
			return false // locked: its server runs
		}
	}
	// No lock file (a directory being set up, or from an older version),
	// or no file locks here: only an expired directory counts.
	fi, err := os.Stat(dir)
	return err == nil && fi.IsDir() && time.Since(fi.ModTime()) > uploadTTL
}
