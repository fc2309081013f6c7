package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestListsExportImport exports the demo's published joint lists, refuses
// the file with one row's department misspelt (naming the row, writing
// nothing), previews it unchanged, and imports it as new draft versions
// with a reason.
func TestListsExportImport(t *testing.T) {
	db := demoDB(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "lists.csv")
	if r := run(t, nil, "export", "lists", "-o", out, "--db", db); r.code != 0 {
		t.Fatalf("export: exit %d\n%s", r.code, r.stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) < 3 || !strings.Contains(lines[0], "牵头部门") || !strings.Contains(lines[0], "抽查事项") {
		t.Fatalf("export of the lists:\n%.500s", b)
	}
	industries := map[string]bool{}
	for _, l := range lines[1:] {
		industries[strings.Split(l, ",")[1]] = true
	}

	// Row 3 names a department that does not exist.
	cells := strings.Split(lines[2], ",")
	cells[3] = "不存在的部门"
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte(strings.Join(append([]string{lines[0], lines[1], strings.Join(cells, ",")}, lines[3:]...), "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := dump(t, db)
	r := run(t, nil, "import", "lists", bad, "--db", db, "--reason", "年度调整")
	if r.code != ExitError || !strings.Contains(r.stderr, "不存在的部门") || !regexp.MustCompile(`(?m)^\s*3\s`).MatchString(r.stderr) {
		t.Errorf("bad department: exit %d\n%s", r.code, r.stderr)
	}
	// A published list needs a reason for its new version.
	if r := run(t, nil, "import", "lists", out, "--db", db); r.code != ExitError {
		t.Errorf("import without a reason: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, nil, "import", "lists", out, "--db", db, "--dry-run", "--reason", "年度调整")
	if r.code != 0 || strings.Count(r.stdout, "新版本草稿") != len(industries) {
		t.Errorf("preview: exit %d, want %d new versions\n%s%s", r.code, len(industries), r.stdout, r.stderr)
	}
	if diff := cmp.Diff(before, dump(t, db)); diff != "" {
		t.Errorf("refused imports and the preview changed the store:\n%s", diff)
	}
	r = run(t, nil, "import", "lists", out, "--db", db, "--reason", "年度调整")
	if r.code != 0 || !strings.Contains(r.stdout, "新增检查事项 0 项") {
		t.Errorf("import: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if after := dump(t, db); len(after) <= len(before) {
		t.Errorf("the import wrote nothing")
	}
}
