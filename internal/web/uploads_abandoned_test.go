package web

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

func TestAbandonedUploadDirectoriesAreRemoved(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	st := storetest.New(t)
	live, err := New(Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	if err := live.saveUpload(&upload{Kind: "entities", Filename: "a.csv", UserID: 1, Created: time.Now()}, strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
	mk := func(name string, lock bool, age time.Duration) string {
		dir := filepath.Join(tmp, uploadDirPattern+name)
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "0123.data"), []byte("秘密"), 0o600); err != nil {
			t.Fatal(err)
		}
		if lock {
			// What a killed server leaves: the lock file, nobody holding it.
			if err := os.WriteFile(filepath.Join(dir, uploadLockName), nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if age > 0 {
			old := time.Now().Add(-age)
			if err := os.Chtimes(dir, old, old); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	killed := mk("killed", true, 0)
	settingUp := mk("young", false, 0)
	ancient := mk("ancient", false, 2*uploadTTL)

	restarted, err := New(Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	defer restarted.Close()
	for dir, want := range map[string]bool{live.uploadDir: true, killed: false, settingUp: true, ancient: false} {
		_, err := os.Stat(dir)
		if exists := err == nil; exists != want {
			t.Errorf("%s: exists=%v after a server started, want %v", filepath.Base(dir), exists, want)
		}
	}
	if err := live.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(live.uploadDir); err == nil {
		t.Error("Close left the upload directory")
	}
}
