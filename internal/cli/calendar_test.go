package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCalendarCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cal.db")
	if r := run(t, nil, "migrate", "--db", db); r.code != 0 {
		t.Fatalf("migrate: %s%s", r.stdout, r.stderr)
	}
	bad := filepath.Join(t.TempDir(), "bad.txt")
	os.WriteFile(bad, []byte("2027-01-01 off 元旦\n2027-01-04 work\n"), 0o644)
	r := run(t, nil, "calendar", "import", bad, "--db", db)
	if r.code != ExitError || !strings.Contains(r.stderr, "第 2 行") || !strings.Contains(r.stderr, "调休上班日只能是周六或周日") {
		t.Fatalf("bad file: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	good := filepath.Join(t.TempDir(), "2027.txt")
	os.WriteFile(good, []byte("2027-01-01 off 元旦\n2027-02-05..2027-02-11 休 春节\n2027-02-14 班 春节调休\n"), 0o644)
	r = run(t, nil, "calendar", "import", good, "--db", db, "--source", "测试通知")
	if r.code != 0 || !strings.Contains(r.stdout, "已保存 2027 年节假日安排（9 天）") {
		t.Fatalf("import: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, nil, "calendar", "list", "--db", db, "--lang", "en")
	if r.code != 0 || !strings.Contains(r.stdout, "2026\tShipped") || !strings.Contains(r.stdout, "2027\tEntered by the office\tDays off 8\tMake-up working days 1") {
		t.Fatalf("list: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, nil, "calendar", "frobnicate", "--db", db); r.code != ExitUsage {
		t.Errorf("unknown subcommand: exit %d", r.code)
	}
}
