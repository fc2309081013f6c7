package web

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// uploadTTL is how long an uploaded file waits for its confirmation.
const uploadTTL = time.Hour

// uploadLimit caps an import upload; importx applies the same default to
// the file itself, the small extra covers the multipart envelope.
const uploadLimit = 20 << 20

// upload is an import file kept between preview and confirmation, under a
// random ID in the server's private directory. Only the user who uploaded
// it may confirm it.
type upload struct {
	ID             string    `json:"id"`
	Kind           string    `json:"kind"` // the {kind} of /staff/import/{kind}
	Filename       string    `json:"filename"`
	UserID         int64     `json:"user_id"`
	AcceptBadCodes bool      `json:"accept_bad_codes"`
	Reason         string    `json:"reason,omitempty"` // joint lists: why published lists get new versions
	Created        time.Time `json:"created"`
}

var uploadIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// uploadPath names a file of an upload; "" when the directory cannot be
// made, which makes every later file operation fail cleanly.
func (s *Server) uploadPath(id, ext string) string {
	dir, err := s.uploads()
	if err != nil {
		s.log.Error("upload directory", "err", err)
		return ""
	}
	return filepath.Join(dir, id+ext)
}

// saveUpload copies the file into the private directory and records who
// uploaded it.
func (s *Server) saveUpload(u *upload, r io.Reader) error {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	u.ID = hex.EncodeToString(b[:])
	if _, err := s.uploads(); err != nil {
		return err
	}
	f, err := os.OpenFile(s.uploadPath(u.ID, ".data"), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	meta, err := json.Marshal(u)
	if err != nil {
		return err
	}
	return os.WriteFile(s.uploadPath(u.ID, ".json"), meta, 0o600)
}

// loadUpload finds an upload of the given user and kind that has not
// expired; anything else is "not found", so IDs of others reveal nothing.
func (s *Server) loadUpload(id, kind string, userID int64) (*upload, error) {
	notFound := domain.E("web.loadUpload", domain.KindNotFound, "web.import.expired")
	if !uploadIDPattern.MatchString(id) {
		return nil, notFound
	}
	b, err := os.ReadFile(s.uploadPath(id, ".json"))
	if err != nil {
		return nil, notFound
	}
	var u upload
	if err := json.Unmarshal(b, &u); err != nil || u.UserID != userID || u.Kind != kind || s.now().Sub(u.Created) > uploadTTL {
		return nil, notFound
	}
	return &u, nil
}

func (s *Server) removeUpload(id string) {
	os.Remove(s.uploadPath(id, ".data"))
	os.Remove(s.uploadPath(id, ".json"))
}

// sweepUploads deletes uploads older than their time to live. It runs on
// each new upload, so the directory stays small without a background job.
func (s *Server) sweepUploads() {
	dir, err := s.uploads()
	if err != nil {
		return
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || s.now().Sub(info.ModTime()) <= uploadTTL {
			continue
		}
		name := e.Name()
		id := strings.TrimSuffix(strings.TrimSuffix(name, ".json"), ".data")
		if uploadIDPattern.MatchString(id) {
			os.Remove(filepath.Join(dir, name))
		}
	}
}
