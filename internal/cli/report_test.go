package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestReportAnnual(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "y.db")
	if r := run(t, nil, "migrate", "--db", db); r.code != 0 {
		t.Fatalf("migrate: %d %s", r.code, r.stderr)
	}
	out := filepath.Join(dir, "annual.xlsx")
	r := run(t, nil, "report", "annual", "--year", "2026", "-o", out, "--db", db)
	if r.code != 0 {
		t.Fatalf("report: exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "2026") || !strings.Contains(r.stderr, out) {
		t.Errorf("stderr %q", r.stderr)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := "概况,各部门,覆盖率,风险校准,总结报送,通报,典型案例"
	if got := strings.Join(f.GetSheetList(), ","); got != want {
		t.Errorf("sheets %s, want %s", got, want)
	}
	if v, _ := f.GetCellValue("概况", "B2"); v != "2026" {
		t.Errorf("year cell %q", v)
	}
	for _, bad := range [][]string{
		{"report", "monthly", "-o", out, "--db", db},
		{"report", "annual", "--db", db},
		{"report", "annual", "--year", "1900", "-o", out, "--db", db},
	} {
		if r := run(t, nil, bad...); r.code != ExitUsage {
			t.Errorf("%v: exit %d, want %d", bad, r.code, ExitUsage)
		}
	}
}
