package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"time"
)

//go:embed static
var staticFS embed.FS

// staticFiles are the embedded CSS and JS, each served under a path that
// contains a checksum of its content, so browsers may cache them forever
// and a new release is fetched at once.
type staticFiles struct {
	files map[string]staticFile // by name
}

type staticFile struct {
	sum   string
	data  []byte
	ctype string
}

func loadStatic() (*staticFiles, error) {
	st := &staticFiles{files: map[string]staticFile{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		h := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		st.files[path.Base(p)] = staticFile{sum: hex.EncodeToString(h[:6]), data: b, ctype: ct}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: static files: %w", err)
	}
	return st, nil
}

// staticPath is the template helper that names a static file's URL; an
// unknown name fails the render and so shows up in the first test.
func (s *Server) staticPath(name string) (string, error) {
	f, ok := s.static.files[name]
	if !ok {
		return "", fmt.Errorf("web: no static file %q", name)
	}
	return "/static/" + f.sum + "/" + name, nil
}

func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	f, ok := s.static.files[r.PathValue("name")]
	if !ok || f.sum != r.PathValue("sum") {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.ctype)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.data))
}
