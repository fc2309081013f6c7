package cli

import (
	"strings"
	"testing"
)

func TestWriteTableAlignsChinese(t *testing.T) {
	var b strings.Builder
	writeTable(&b, []string{"行", "列", "原因"}, [][]string{
		{"3", "统一社会信用代码", "校验位错误"},
		{"12", "name", "必填"},
	})
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines:\n%s", len(lines), b.String())
	}
	// The last column starts at the same screen column on every line.
	var cols []int
	for _, l := range lines {
		last := strings.LastIndex(l, "  ")
		cols = append(cols, displayWidth(l[:last+2]))
	}
	for i, c := range cols {
		if c != cols[0] {
			t.Errorf("line %d: last column at screen column %d, want %d:\n%s", i, c, cols[0], b.String())
		}
	}
}

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"x.db", "x.db"},
		{"postgres://u:secret@h:5432/db?sslmode=disable", "postgres://u:xxxxx@h:5432/db?sslmode=disable"},
		{"postgres://u@h/db", "postgres://u@h/db"},
	} {
		if got := redact(tc.in); got != tc.want {
			t.Errorf("redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
