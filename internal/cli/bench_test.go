package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/demo"
	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// BenchmarkImportEntitiesXLSX imports a 100,000-row workbook through the
// command line into a fresh demo database, as an office would: read,
// validate, write in one transaction. The target is ≤ 15 s and ≤ 500 MiB
// peak RSS (measure RSS with /usr/bin/time -v on the binary; see README).
func BenchmarkImportEntitiesXLSX(b *testing.B) {
	const n = 100000
	dir := b.TempDir()
	template := filepath.Join(dir, "template.db")
	m := &Main{Stdout: io.Discard, Stderr: io.Discard}
	if err := m.Run(b.Context(), []string{"demo", "--db", template, "--entities", "1", "--inspectors", "1", "--seed", "5", "--generate-only"}); err != nil {
		b.Fatal(err)
	}
	m.Close()
	file := filepath.Join(dir, "entities.xlsx")
	// Realistic rows from the demo generator (a seed other than the
	// template's), so that names and codes arrive in random order as in a
	// real registry extract.
	industry, township := map[string]string{}, map[string]string{}
	for _, in := range demo.Industries {
		industry[in.Code] = in.Name
	}
	for _, t := range demo.Townships {
		township[t.Code] = t.Name
	}
	rows := make([][]any, 0, n)
	err := demo.Businesses(demo.Options{Entities: n, Seed: 6}, func(_ int, e domain.Entity) error {
		rows = append(rows, []any{e.Code, e.Name, industry[e.IndustryCode], township[e.TownshipCode], e.Address, e.LegalRep, string(e.RiskClass)})
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	writeXLSX(b, file, rows)
	tmpl, err := os.ReadFile(template)
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		b.StopTimer()
		i++
		db := filepath.Join(dir, fmt.Sprintf("run%d.db", i))
		if err := os.WriteFile(db, tmpl, 0o600); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		m := &Main{Stdout: io.Discard, Stderr: io.Discard}
		if err := m.Run(b.Context(), []string{"import", "entities", file, "--db", db}); err != nil {
			b.Fatal(err)
		}
		m.Close()
	}
	b.ReportMetric(float64(n), "rows/op")
}

// BenchmarkDemoGenerate generates demo databases through the store; run it
// with -benchtime=1x and YIYEYICHA_BENCH_ENTITIES=1000000 for the million
// business figure (the default is 100,000 to keep -bench . short).
func BenchmarkDemoGenerate(b *testing.B) {
	n := 100000
	if s := os.Getenv("YIYEYICHA_BENCH_ENTITIES"); s != "" {
		if _, err := fmt.Sscan(s, &n); err != nil {
			b.Fatal(err)
		}
	}
	dir := b.TempDir()
	i := 0
	for b.Loop() {
		i++
		m := &Main{Stdout: io.Discard, Stderr: io.Discard}
		db := filepath.Join(dir, fmt.Sprintf("demo%d.db", i))
		if err := m.Run(b.Context(), []string{"demo", "--db", db, "--entities", fmt.Sprint(n), "--generate-only"}); err != nil {
			b.Fatal(err)
		}
		m.Close()
	}
	b.ReportMetric(float64(n), "businesses/op")
}
