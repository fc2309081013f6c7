package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// benchServer is a server over a SQLite store with n businesses.
func benchServer(b *testing.B, n int) (http.Handler, []string) {
	b.Helper()
	st := storetest.New(b)
	storetest.Seed(b, st)
	rows := make([]domain.EntityRow, n)
	codes := make([]string, n)
	for i := range rows {
		codes[i] = code(b, i+1)
		rows[i] = domain.EntityRow{Row: i + 2, Entity: domain.Entity{Code: codes[i], Name: fmt.Sprintf("垣曲县第%d号商店", i+1),
			IndustryCode: "catering", TownshipCode: "140827100", RiskClass: domain.RiskClasses[i%4]}}
	}
	if _, err := st.ImportEntities(context.Background(), domain.System, rows, domain.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	srv, err := New(Options{Store: st})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close() })
	return srv.Handler(), codes
}

// BenchmarkPortalBusinessPage renders a business's public page, the
// portal's hottest page, through the whole handler stack.
func BenchmarkPortalBusinessPage(b *testing.B) {
	h, codes := benchServer(b, 10000)
	i := 0
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/entity/"+codes[i%len(codes)], nil))
		if rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
		i++
	}
}

// BenchmarkPortalSearch runs a public search by name.
func BenchmarkPortalSearch(b *testing.B) {
	h, _ := benchServer(b, 10000)
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/search?q=%E7%AC%AC12", nil))
		if rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkPortalBusinessPageParallel is the same page requested from
// every core at once, as the portal serves it under load.
func BenchmarkPortalBusinessPageParallel(b *testing.B) {
	h, codes := benchServer(b, 10000)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/entity/"+codes[i%len(codes)], nil))
			if rec.Code != 200 {
				b.Errorf("status %d", rec.Code)
				return
			}
			i += 7
		}
	})
}
