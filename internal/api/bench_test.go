package api

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// benchFixture is a fixture whose directory holds n entities, imported
// through the API.
func benchFixture(b *testing.B, n int) (*fixture, string) {
	b.Helper()
	s := storetest.New(b)
	f := &fixture{s: s, h: New(s, nil), tokens: map[string]string{}}
	seedBench(b, f)
	var csv strings.Builder
	csv.WriteString("统一社会信用代码,名称,行业,乡镇,信用风险分类\n")
	for i := range n {
		fmt.Fprintf(&csv, "%s,垣曲基准主体%06d,餐饮服务,新城镇,%s\n", code(b, 100000+i), i, domain.RiskClasses[i%4])
	}
	w := f.serve(b, "POST", "/api/v1/import/entities?format=csv", "office", csv.String())
	if w.Code != 200 {
		b.Fatalf("seed import: %d %.500s", w.Code, w.Body.String())
	}
	return f, csv.String()
}

func seedBench(b *testing.B, f *fixture) {
	ctx := b.Context()
	sys := domain.System
	if err := f.s.SaveIndustry(ctx, sys, &domain.Industry{Code: industry, Name: "餐饮服务"}); err != nil {
		b.Fatal(err)
	}
	if err := f.s.SaveTownship(ctx, sys, &domain.Township{Code: township, Name: "新城镇"}); err != nil {
		b.Fatal(err)
	}
	u := domain.User{Username: "office", DisplayName: "办公室", Role: domain.RoleOffice}
	if err := f.s.CreateUser(ctx, sys, &u, "correct horse battery"); err != nil {
		b.Fatal(err)
	}
	tok, err := f.s.CreateToken(ctx, domain.ActorOf(&u), "bench")
	if err != nil {
		b.Fatal(err)
	}
	f.tokens["office"] = tok
}

func (f *fixture) serve(b *testing.B, method, url, who, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequestWithContext(b.Context(), method, url, strings.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+f.tokens[who])
	if body != "" {
		r.Header.Set("Content-Type", "text/csv")
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	return w
}

const benchEntities = 20000

// BenchmarkListEntities is one filtered, sorted page of a 20,000-entity
// directory, token check and JSON included.
func BenchmarkListEntities(b *testing.B) {
	f, _ := benchFixture(b, benchEntities)
	for b.Loop() {
		if w := f.serve(b, "GET", "/api/v1/entities?q=基准&risk_class=C&sort=-name&page=3&size=50", "office", ""); w.Code != 200 {
			b.Fatalf("%d %s", w.Code, w.Body.String())
		}
	}
}

// BenchmarkExportEntitiesCSV streams the whole 20,000-entity directory.
func BenchmarkExportEntitiesCSV(b *testing.B) {
	f, _ := benchFixture(b, benchEntities)
	for b.Loop() {
		w := f.serve(b, "GET", "/api/v1/export/entities?format=csv", "office", "")
		if w.Code != 200 {
			b.Fatalf("%d %s", w.Code, w.Body.String())
		}
		b.SetBytes(int64(w.Body.Len()))
	}
}

// BenchmarkImportEntitiesDryRun previews re-importing the whole directory
// (every row unchanged): upload, parse, validate, compare with the store.
func BenchmarkImportEntitiesDryRun(b *testing.B) {
	f, csv := benchFixture(b, benchEntities)
	b.SetBytes(int64(len(csv)))
	for b.Loop() {
		if w := f.serve(b, "POST", "/api/v1/import/entities?format=csv&dry_run=true", "office", csv); w.Code != 200 {
			b.Fatalf("%d %.300s", w.Code, w.Body.String())
		}
	}
}
