package api

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// TestAbandonedRequestIsNoError: a client that hangs up before the answer
// is ready gets nothing written and no error logged.
func TestAbandonedRequestIsNoError(t *testing.T) {
	s := storetest.New(t)
	f := storetest.Seed(t, s)
	e := &domain.Entity{Code: code(t, 5), Name: "离开测试饭店", IndustryCode: f.Industries[0].Code, TownshipCode: f.Townships[0].Code, RiskClass: domain.RiskA}
	if err := s.SaveEntity(t.Context(), domain.System, e); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	h := New(s, slog.New(slog.NewTextHandler(&logs, nil)))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequestWithContext(ctx, http.MethodGet, "/api/v1/public/entities/"+e.Code, nil))
	if rec.Body.Len() != 0 {
		t.Errorf("an abandoned request got an answer: %s", rec.Body.String())
	}
	if strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "abandoned") {
		t.Errorf("logs:\n%s", logs.String())
	}
}
