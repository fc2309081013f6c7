package importx

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// writeLargeEntities writes n generated entities as an xlsx file at path.
func writeLargeEntities(tb testing.TB, path string, n int) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	// Entities are made one at a time, as the store streams them, so the
	// writer's own memory shows in a probe.
	err = WriteEntities(f, "xlsx", testRef, func(fn func(*domain.Entity) error) error {
		for i := range n {
			e := genEntity(tb, i)
			if err := fn(&e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkReadEntitiesXLSX100k reads a 100,000-row entity workbook, the
// size the issue asks to import in seconds.
func BenchmarkReadEntitiesXLSX100k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "entities.xlsx")
	writeLargeEntities(b, path, 100_000)
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("file: %.1f MiB", float64(len(data))/(1<<20))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		rows, err := ReadEntities(bytes.NewReader(data), "entities.xlsx", testRef, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(rows) != 100_000 {
			b.Fatalf("read %d rows", len(rows))
		}
	}
}

// BenchmarkWriteEntitiesXLSX100k exports 100,000 entities.
func BenchmarkWriteEntitiesXLSX100k(b *testing.B) {
	entities := genEntities(b, 100_000)
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		err := WriteEntities(&buf, "xlsx", testRef, func(fn func(*domain.Entity) error) error {
			for i := range entities {
				if err := fn(&entities[i]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// TestLargeFile is a manual probe for peak memory, run under
// /usr/bin/time -v as a standalone process: with IMPORTX_LARGE_FILE set to
// a path that does not exist it writes a workbook of IMPORTX_LARGE_ROWS
// (default 100,000) rows there; run again, it reads it.
func TestLargeFile(t *testing.T) {
	path := os.Getenv("IMPORTX_LARGE_FILE")
	if path == "" {
		t.Skip("IMPORTX_LARGE_FILE not set: manual memory probe")
	}
	if _, err := os.Stat(path); os.IsNotExist(err) {
		n := 100_000
		if s := os.Getenv("IMPORTX_LARGE_ROWS"); s != "" {
			if _, err := fmt.Sscan(s, &n); err != nil {
				t.Fatal(err)
			}
		}
		if os.Getenv("IMPORTX_LARGE_SST") != "" {
			writeSharedStrings(t, path, n)
		} else {
			writeLargeEntities(t, path, n)
		}
		t.Logf("wrote %d rows to %s", n, path)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := ReadEntities(f, path, testRef, Options{MaxBytes: 200 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("read %d rows", len(rows))
}

// writeSharedStrings writes n entities the way Excel saves a workbook, with
// a shared string table, instead of the export's inline strings.
func writeSharedStrings(tb testing.TB, path string, n int) {
	tb.Helper()
	var buf bytes.Buffer
	writeLargeEntities(tb, path, n)
	src, err := excelize.OpenFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer src.Close()
	rows, err := src.GetRows(src.GetSheetName(0))
	if err != nil {
		tb.Fatal(err)
	}
	dst := excelize.NewFile()
	defer dst.Close()
	for i, r := range rows {
		if err := dst.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r); err != nil {
			tb.Fatal(err)
		}
	}
	if err := dst.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
}
