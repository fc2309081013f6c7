package cli

import (
	"archive/zip"
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/attach"
	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// TestArchiveCommand writes a closed visit's archive with its photo, then
// refuses one whose photo was altered on disk, writing no file.
func TestArchiveCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "y.db")
	if r := run(t, nil, "migrate", "--db", db); r.code != 0 {
		t.Fatalf("migrate: %s", r.stderr)
	}
	st := openStore(t, db)
	ctx := t.Context()
	w := storetest.SeedVisits(t, st, 2)
	blobs, err := attach.NewDisk(db + ".files")
	if err != nil {
		t.Fatal(err)
	}
	st.SetBlobs(blobs)
	in, err := st.Inspection(ctx, w.F.Office, w.Visits[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var img bytes.Buffer
	png.Encode(&img, image.NewGray(image.Rect(0, 0, 6, 6)))
	up, err := attach.Receive(dir, "后厨.png", bytes.NewReader(img.Bytes()), attach.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	x, err := st.AddAttachment(ctx, w.InspActors[0], in.Parts[0].ID, 0, up)
	up.Close()
	if err != nil {
		t.Fatal(err)
	}
	w.Complete(t, st, 0, false)
	if err := st.CloseVisit(ctx, w.F.DeptStaff, w.Visits[0].ID, domain.CloseInput{Category: domain.CatNoProblem, Disposal: domain.DispNone}); err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(w.Visits[0].ID, 10)

	out := filepath.Join(dir, "档案.zip")
	r := run(t, nil, "archive", id, "-o", out, "--db", db)
	if r.code != 0 {
		t.Fatalf("archive: exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, out) || !strings.Contains(r.stderr, "1 个附件") {
		t.Errorf("stderr %q", r.stderr)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	zr.Close()
	if got := strings.Join(names, " "); got != "attachments/01-垣曲县市场监督管理局-后厨.png record.json record.html" {
		t.Errorf("archive holds %s", got)
	}

	// The photo altered on disk: refused, naming it; no file written.
	blob := filepath.Join(db+".files", x.SHA256[:2], x.SHA256)
	b, err := os.ReadFile(blob)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-1] ^= 1
	if err := os.WriteFile(blob, b, 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.zip")
	r = run(t, nil, "archive", id, "-o", bad, "--db", db)
	if r.code != ExitError || !strings.Contains(r.stderr, "后厨.png") || !strings.Contains(r.stderr, "SHA-256") {
		t.Errorf("tampered: exit %d, stderr %q", r.code, r.stderr)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*bad.zip*")); len(left) != 0 {
		t.Errorf("a refused archive left %v", left)
	}

	// An open visit has no archive; bad command lines are usage errors.
	if r = run(t, nil, "archive", strconv.FormatInt(w.Visits[1].ID, 10), "-o", bad, "--db", db); r.code != ExitError || !strings.Contains(r.stderr, "尚未办结") {
		t.Errorf("open visit: exit %d, stderr %q", r.code, r.stderr)
	}
	for _, args := range [][]string{{"archive", id, "--db", db}, {"archive", "x1", "-o", bad, "--db", db}, {"archive", "-o", bad, "--db", db}} {
		if r := run(t, nil, args...); r.code != ExitUsage {
			t.Errorf("%v: exit %d, want %d", args, r.code, ExitUsage)
		}
	}
}
