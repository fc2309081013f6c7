package web

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

func TestUploadsArePrivateAndExpire(t *testing.T) {
	srv, err := New(Options{Store: storetest.New(t)})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	srv.now = func() time.Time { return t0 }
	u := &upload{Kind: "entities", Filename: "a.csv", UserID: 7, Created: t0}
	if err := srv.saveUpload(u, strings.NewReader("data")); err != nil {
		t.Fatal(err)
	}
	dir := srv.uploadDir
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("upload directory mode %v (%v), want 0700", fi.Mode().Perm(), err)
	}
	if fi, err := os.Stat(srv.uploadPath(u.ID, ".data")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("upload file mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	for _, tc := range []struct {
		name   string
		id     string
		kind   string
		user   int64
		after  time.Duration
		wantOK bool
	}{
		{"owner within the hour", u.ID, "entities", 7, 59 * time.Minute, true},
		{"another user", u.ID, "entities", 8, 0, false},
		{"other kind", u.ID, "inspectors", 7, 0, false},
		{"after an hour", u.ID, "entities", 7, 61 * time.Minute, false},
		{"path trick", "../../etc/passwd", "entities", 7, 0, false},
		{"unknown", strings.Repeat("0", 32), "entities", 7, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv.now = func() time.Time { return t0.Add(tc.after) }
			_, err := srv.loadUpload(tc.id, tc.kind, tc.user)
			if (err == nil) != tc.wantOK {
				t.Errorf("loadUpload: err=%v, want ok=%v", err, tc.wantOK)
			}
		})
	}
	// Sweeping removes files older than an hour, by their modification time.
	srv.now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	srv.sweepUploads()
	left, _ := os.ReadDir(dir)
	for _, e := range left {
		if e.Name() != uploadLockName {
			t.Errorf("sweep left %s", e.Name())
		}
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("Close left the upload directory: %v", err)
	}
}
