package store_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/yiyeyicha/yiyeyicha/internal/archive"
	"github.com/yiyeyicha/yiyeyicha/internal/attach"
	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/i18n"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// closedVisit is a visit of storetest.SeedVisits closed with a
// rectification order, a finding on the lead's first item and a photo on
// each department's part (the blobs under dir).
func closedVisit(t *testing.T, s *store.Store) (w *storetest.VisitWorld, dir string, files map[string][]byte) {
	t.Helper()
	ctx := t.Context()
	w = storetest.SeedVisits(t, s, 2)
	at(s, 2026, time.May, 11, 10)
	dir = t.TempDir()
	blobs, err := attach.NewDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.SetBlobs(blobs)
	in, err := s.Inspection(ctx, w.F.Office, w.Visits[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	files = map[string][]byte{}
	for i, p := range in.Parts {
		var b bytes.Buffer
		if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4+i, 4))); err != nil {
			t.Fatal(err)
		}
		name := []string{"后厨.png", "消防通道.png"}[i]
		up, err := attach.Receive(t.TempDir(), name, bytes.NewReader(b.Bytes()), attach.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddAttachment(ctx, w.InspActors[i], p.ID, p.Items[0].ItemID, up); err != nil {
			t.Fatal(err)
		}
		up.Close()
		files[name] = b.Bytes()
	}
	w.Complete(t, s, 0, true)
	if err := s.CloseVisit(ctx, w.F.DeptStaff, w.Visits[0].ID, domain.CloseInput{Category: domain.CatRectified, Disposal: domain.DispRectify,
		DisposalText: "责令十五日内整改防鼠设施", RectifyDue: domain.Date{Year: 2026, Month: 5, Day: 26}}); err != nil {
		t.Fatal(err)
	}
	return w, dir, files
}

func readZip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestArchiveFile writes a closed visit's archive and reads it back: the
// JSON record of the whole visit, every attachment under its readable
// name with the recorded SHA-256, and the printable page, parsed, naming
// the business, every item and the category, loading nothing from
// elsewhere.
func TestArchiveFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w, _, files := closedVisit(t, s)
		var b bytes.Buffer
		if _, err := archive.Write(t.Context(), &b, s, w.F.OtherStaff, w.Visits[0].ID, i18n.For(i18n.ZH)); err != nil {
			t.Fatal(err)
		}
		z := readZip(t, b.Bytes())
		var rec domain.ArchiveRecord
		if err := json.Unmarshal(z[archive.RecordJSON], &rec); err != nil {
			t.Fatalf("record.json: %v", err)
		}
		in := rec.Inspection
		if rec.Format != domain.ArchiveFormat || rec.Business.Name != w.Entities[0].Name || rec.Business.Code != w.Entities[0].Code ||
			len(rec.Tasks) != 1 || in == nil || len(in.Parts) != 2 || in.Findings() != 1 || in.Record == nil || in.Record.Category != domain.CatRectified ||
			in.Parts[0].SignOff == nil || in.Parts[0].SignOff.DueOn.IsZero() || len(in.Team) != 2 {
			t.Fatalf("record = %s", z[archive.RecordJSON])
		}
		if len(rec.Files) != 2 {
			t.Fatalf("%d files recorded, want 2", len(rec.Files))
		}
		for _, f := range rec.Files {
			got, ok := z[f.Path]
			sum := sha256.Sum256(got)
			if !ok || hex.EncodeToString(sum[:]) != f.SHA256 || !bytes.Equal(got, files[f.Name]) {
				t.Errorf("file %s (%s): in the zip %v, %d bytes, want its recorded SHA-256 %s", f.Path, f.Name, ok, len(got), f.SHA256)
			}
			if !strings.HasPrefix(f.Path, "attachments/") || !strings.Contains(f.Path, f.Department) || !strings.HasSuffix(f.Path, f.Name) {
				t.Errorf("path %q does not read as department %q and name %q", f.Path, f.Department, f.Name)
			}
		}
		if len(z) != 4 {
			t.Errorf("zip holds %d files, want record.json, record.html and 2 attachments", len(z))
		}

		// The page, parsed.
		doc, err := html.Parse(bytes.NewReader(z[archive.RecordHTML]))
		if err != nil {
			t.Fatal(err)
		}
		text := map[string]string{} // id → text
		var items []string
		var all strings.Builder
		var print bool
		var walk func(n *html.Node, inItem bool)
		walk = func(n *html.Node, inItem bool) {
			if n.Type == html.ElementNode {
				for _, a := range n.Attr {
					switch {
					case a.Key == "src", a.Key == "rel" && strings.Contains(a.Val, "stylesheet"), a.Key == "href" && strings.Contains(a.Val, "//"):
						t.Errorf("the page loads %s=%q", a.Key, a.Val)
					case a.Key == "id":
						text[a.Val] = textOf(n)
					case a.Key == "class" && a.Val == "item-name":
						items = append(items, textOf(n))
					}
				}
				if n.Data == "script" || n.Data == "link" || n.Data == "img" || n.Data == "iframe" {
					t.Errorf("the page has a <%s>", n.Data)
				}
				if n.Data == "style" && strings.Contains(textOf(n), "@media print") {
					print = true
				}
			}
			if n.Type == html.TextNode {
				all.WriteString(n.Data)
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c, inItem)
			}
		}
		walk(doc, false)
		if !print {
			t.Error("the page has no print stylesheet")
		}
		if text["business-name"] != w.Entities[0].Name {
			t.Errorf("business name on the page = %q", text["business-name"])
		}
		if text["category"] != "发现问题已责令改正" {
			t.Errorf("category on the page = %q", text["category"])
		}
		var want int
		for _, p := range in.Parts {
			for _, it := range p.Items {
				want++
				if !strings.Contains(strings.Join(items, "\n"), it.Name) {
					t.Errorf("item %q not on the page", it.Name)
				}
			}
		}
		if len(items) != want {
			t.Errorf("%d items on the page, want %d", len(items), want)
		}
		for _, s := range []string{"联合检查档案", "检查结果类别", "整改期限", "后厨未设置防鼠设施", rec.Files[0].SHA256, "未归档"} {
			if !strings.Contains(all.String(), s) {
				t.Errorf("page text lacks %q", s)
			}
		}
	})
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var f func(*html.Node)
	f = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			f(c)
		}
	}
	f(n)
	return strings.TrimSpace(b.String())
}

// TestArchiveRefusesTamperedFiles changes an attachment's bytes on disk,
// then its recorded size in the database: each time the archive is
// refused, naming the file, and Build leaves no file behind.
func TestArchiveRefusesTamperedFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w, dir, _ := closedVisit(t, s)
		in, err := s.Inspection(ctx, w.F.Office, w.Visits[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		x := in.Attachments[1]
		out := t.TempDir()
		build := func() error {
			t.Helper()
			f, err := archive.Build(ctx, out, s, w.F.Office, w.Visits[0].ID, i18n.For(i18n.ZH))
			if err == nil {
				f.Close()
			}
			if left, _ := os.ReadDir(out); len(left) != 0 {
				t.Errorf("Build left %d files", len(left))
			}
			return err
		}
		if err := build(); err != nil {
			t.Fatalf("untouched archive: %v", err)
		}
		refused := func(what string) {
			t.Helper()
			err := build()
			if domain.ErrorKind(err) != domain.KindConflict {
				t.Fatalf("%s: archive error %v, want a refusal", what, err)
			}
			if msg := i18n.For(i18n.ZH).Err(err); !strings.Contains(msg, x.Name) || !strings.Contains(msg, "SHA-256") {
				t.Errorf("%s: message %q does not name the file and its SHA-256", what, msg)
			}
		}

		// The bytes changed on disk, same length.
		blob := filepath.Join(dir, x.SHA256[:2], x.SHA256)
		orig, err := os.ReadFile(blob)
		if err != nil {
			t.Fatal(err)
		}
		bad := bytes.Clone(orig)
		bad[len(bad)-1] ^= 0xff
		if err := os.WriteFile(blob, bad, 0o600); err != nil {
			t.Fatal(err)
		}
		refused("bytes changed")
		if err := os.WriteFile(blob, orig, 0o600); err != nil {
			t.Fatal(err)
		}
		// The record changed in the database.
		if err := store.ExecRaw(ctx, s, "UPDATE attachments SET size = size - 1 WHERE id = $1", x.ID); err != nil {
			t.Fatal(err)
		}
		refused("recorded size changed")
		if err := store.ExecRaw(ctx, s, "UPDATE attachments SET size = size + 1 WHERE id = $1", x.ID); err != nil {
			t.Fatal(err)
		}
		// The file gone.
		if err := os.Remove(blob); err != nil {
			t.Fatal(err)
		}
		err = build()
		if domain.ErrorKind(err) != domain.KindConflict || !strings.Contains(i18n.For(i18n.ZH).Err(err), "缺失") {
			t.Errorf("missing file: %v", err)
		}
	})
}

// TestArchiveRights: the visit's departments, the office; never another
// department or the public; never before closure.
func TestArchiveRights(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w, _, _ := closedVisit(t, s)
		third := domain.Department{Code: "ZHZF", Name: "垣曲县综合行政执法局", ShortName: "综合执法局"}
		if err := s.SaveDepartment(ctx, domain.System, &third); err != nil {
			t.Fatal(err)
		}
		p := i18n.For(i18n.ZH)
		for _, tc := range []struct {
			who  string
			a    domain.Actor
			want domain.Kind
		}{
			{"office", w.F.Office, ""},
			{"lead department", w.F.DeptStaff, ""},
			{"co-department", w.F.OtherStaff, ""},
			{"inspector on the team", w.InspActors[1], ""},
			{"another department", domain.Actor{Name: "综合执法局", Role: domain.RoleDepartment, DepartmentID: third.ID}, domain.KindNotFound},
			{"inspector off the team", w.F.Inspector, domain.KindNotFound},
			{"anonymous", domain.Actor{}, domain.KindUnauthorized},
		} {
			var b bytes.Buffer
			_, err := archive.Write(ctx, &b, s, tc.a, w.Visits[0].ID, p)
			if got := domain.ErrorKind(err); err != nil && got != tc.want || err == nil && tc.want != "" {
				t.Errorf("%s: %v, want %q", tc.who, err, tc.want)
			}
			if err != nil && b.Len() != 0 {
				t.Errorf("%s: refused, yet %d bytes written", tc.who, b.Len())
			}
		}
		_, err := archive.Write(ctx, io.Discard, s, w.F.Office, w.Visits[1].ID, p)
		if domain.ErrorKind(err) != domain.KindConflict {
			t.Errorf("open visit: %v, want a conflict", err)
		}
	})
}

// BenchmarkArchive writes the archive of a closed visit with eight photos
// of 1 MiB (noise, which does not compress), every one read back from the
// blob store and verified: the cost of a download.
func BenchmarkArchive(b *testing.B) {
	s := storetest.New(b)
	ctx := b.Context()
	w := storetest.SeedVisits(b, s, 1)
	blobs, err := attach.NewDisk(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	s.SetBlobs(blobs)
	in, err := s.Inspection(ctx, w.F.Office, w.Visits[0].ID)
	if err != nil {
		b.Fatal(err)
	}
	var total int64
	for i := range 8 {
		img := image.NewRGBA(image.Rect(0, 0, 512, 512))
		for j := range img.Pix {
			img.Pix[j] = byte((j*7919 + i*104729) ^ (j >> 3) ^ (j * j >> 11))
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			b.Fatal(err)
		}
		up, err := attach.Receive(b.TempDir(), "现场照片.png", bytes.NewReader(buf.Bytes()), attach.DefaultLimits)
		if err != nil {
			b.Fatal(err)
		}
		p := in.Parts[i%2]
		if _, err := s.AddAttachment(ctx, w.InspActors[i%2], p.ID, 0, up); err != nil {
			b.Fatal(err)
		}
		up.Close()
		total += int64(buf.Len())
	}
	w.Complete(b, s, 0, false)
	if err := s.CloseVisit(ctx, w.F.DeptStaff, w.Visits[0].ID, domain.CloseInput{Category: domain.CatNoProblem, Disposal: domain.DispNone}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(total)
	p := i18n.For(i18n.ZH)
	for b.Loop() {
		if _, err := archive.Write(ctx, io.Discard, s, w.F.OtherStaff, w.Visits[0].ID, p); err != nil {
			b.Fatal(err)
		}
	}
}
