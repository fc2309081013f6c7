package attach

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// Sample files of each kind, made here rather than checked in.
func sampleJPEG(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	img.Set(3, 3, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func samplePNG(t testing.TB) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A minimal lossless WebP header: RIFF size WEBP VP8L.
var sampleWebP = append([]byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"), 0)

var samplePDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

func emptyDir(t *testing.T, dir string) {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 0 {
		t.Errorf("%s should be empty, has %d entries (%s…)", dir, len(es), es[0].Name())
	}
}

func TestReceiveAccepts(t *testing.T) {
	for _, tc := range []struct {
		name, filename string
		content        []byte
		mediaType      string
	}{
		{"jpeg", "现场照片.JPG", sampleJPEG(t), "image/jpeg"},
		{"jpeg without extension", "photo", sampleJPEG(t), "image/jpeg"},
		{"png with browser path", `C:\fakepath\门头.png`, samplePNG(t), "image/png"},
		{"webp", "a.webp", sampleWebP, "image/webp"},
		{"pdf", "../../检查记录.pdf", samplePDF, "application/pdf"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			u, err := Receive(dir, tc.filename, bytes.NewReader(tc.content), DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(tc.content)
			if u.MediaType != tc.mediaType || u.Size != int64(len(tc.content)) || u.SHA256 != hex.EncodeToString(sum[:]) {
				t.Errorf("upload = %+v", u)
			}
			if strings.ContainsAny(u.Filename, `/\`) {
				t.Errorf("filename %q keeps a directory", u.Filename)
			}
			r, err := u.Reader()
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(r)
			if !bytes.Equal(got, tc.content) {
				t.Error("content changed on the way")
			}
			if err := u.Close(); err != nil {
				t.Fatal(err)
			}
			emptyDir(t, dir)
		})
	}
}

func TestReceiveRefuses(t *testing.T) {
	big := append(sampleJPEG(t), bytes.Repeat([]byte{0}, 2<<20)...)
	for _, tc := range []struct {
		name, filename string
		content        []byte
		key            string
	}{
		{"over the limit", "big.jpg", big, "attach.err.too_large"},
		{"empty", "a.jpg", nil, "attach.err.empty"},
		{"windows executable named jpg", "photo.jpg", append([]byte("MZ\x90\x00\x03"), make([]byte, 100)...), "attach.err.type"},
		{"html", "report.pdf", []byte("<html><script>alert(1)</script></html>"), "attach.err.type"},
		{"zip (docx)", "记录.docx", []byte("PK\x03\x04\x14\x00\x06\x00"), "attach.err.type"},
		{"png named pdf", "scan.pdf", samplePNG(t), "attach.err.extension"},
		{"no name", "  ", samplePNG(t), "attach.err.name"},
		{"NUL in name", "a\x00.png", samplePNG(t), "attach.err.name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			u, err := Receive(dir, tc.filename, bytes.NewReader(tc.content), Limits{MaxBytes: 1 << 20})
			var de *domain.Error
			if !errors.As(err, &de) || de.Key != tc.key || de.Kind != domain.KindInvalid || de.Field != FieldFile {
				t.Fatalf("Receive = %+v, %v; want %s", u, err, tc.key)
			}
			emptyDir(t, dir)
		})
	}
}

// A body cut by http.MaxBytesReader (the web face's own limit) is refused
// as too large, not as an internal error.
func TestReceiveMaxBytesReader(t *testing.T) {
	dir := t.TempDir()
	rec := httptest.NewRecorder()
	body := http.MaxBytesReader(rec, io.NopCloser(bytes.NewReader(make([]byte, 5000))), 1000)
	_, err := Receive(dir, "a.jpg", body, Limits{MaxBytes: 1 << 20})
	var de *domain.Error
	if !errors.As(err, &de) || de.Key != "attach.err.too_large" {
		t.Fatalf("err = %v", err)
	}
	emptyDir(t, dir)
}

func TestDisk(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	d, err := NewDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	content := samplePNG(t)
	sum := sha256.Sum256(content)
	key := hex.EncodeToString(sum[:])
	if err := d.Put(ctx, key, bytes.NewReader(content)); err != nil {
		t.Fatal(err)
	}
	if err := d.Put(ctx, key, bytes.NewReader(content)); err != nil {
		t.Fatalf("second put of the same content: %v", err)
	}
	rc, err := d.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, content) {
		t.Error("read back differs")
	}
	// Content that does not match its key is refused and leaves nothing.
	other := strings.Repeat("ab", 32)
	if err := d.Put(ctx, other, bytes.NewReader(content)); err == nil {
		t.Error("Put with a wrong key succeeded")
	}
	if _, err := d.Open(ctx, other); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open of refused key: %v", err)
	}
	emptyDir(t, dir+"/tmp")
	for _, bad := range []string{"../../etc/passwd", strings.ToUpper(key), ""} {
		if err := d.Put(ctx, bad, bytes.NewReader(content)); err == nil {
			t.Errorf("Put(%q) accepted", bad)
		}
		if _, err := d.Open(ctx, bad); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Open(%q) = %v", bad, err)
		}
	}

	// Sweep spares referenced and recent blobs.
	jpg := sampleJPEG(t)
	js := sha256.Sum256(jpg)
	jkey := hex.EncodeToString(js[:])
	if err := d.Put(ctx, jkey, bytes.NewReader(jpg)); err != nil {
		t.Fatal(err)
	}
	n, err := Sweep(ctx, d, time.Now().Add(-time.Hour), func(string) (bool, error) { return false, nil })
	if err != nil || n != 0 {
		t.Fatalf("sweep of recent blobs deleted %d, %v", n, err)
	}
	n, err = Sweep(ctx, d, time.Now().Add(time.Minute), func(k string) (bool, error) { return k == key, nil })
	if err != nil || n != 1 {
		t.Fatalf("sweep deleted %d, %v; want 1", n, err)
	}
	if _, err := d.Open(ctx, jkey); !errors.Is(err, fs.ErrNotExist) {
		t.Error("unreferenced blob survived the sweep")
	}
	if rc, err := d.Open(ctx, key); err != nil {
		t.Error("referenced blob was swept")
	} else {
		rc.Close()
	}
}
