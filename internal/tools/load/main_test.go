package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/api"
	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
	"github.com/yiyeyicha/yiyeyicha/internal/validate"
	"github.com/yiyeyicha/yiyeyicha/internal/web"
)

func TestLoopbackOnly(t *testing.T) {
	for raw, ok := range map[string]bool{
		"http://127.0.0.1:8080": true,
		"http://localhost:8080": true,
		"http://[::1]:8080/":    true,
		"http://10.0.0.5:8080":  false,
		"http://8.8.8.8":        false,
		"ftp://127.0.0.1":       false,
		"127.0.0.1:8080":        false,
	} {
		if _, err := loopbackURL(raw); (err == nil) != ok {
			t.Errorf("loopbackURL(%q) = %v, want ok=%v", raw, err, ok)
		}
	}
}

// TestRun drives a real server for a moment with every kind of request
// and expects no errors.
func TestRun(t *testing.T) {
	st := storetest.New(t)
	f := storetest.Seed(t, st)
	rows := make([]domain.EntityRow, 50)
	for i := range rows {
		code, _ := validate.MakeCreditCode("91", "140827", fmt.Sprintf("MA%06d", i+1))
		rows[i] = domain.EntityRow{Row: i + 2, Entity: domain.Entity{Code: code, Name: fmt.Sprintf("垣曲县第%d号商店", i+1),
			IndustryCode: f.Industries[0].Code, TownshipCode: f.Townships[0].Code, RiskClass: domain.RiskA}}
	}
	if _, err := st.ImportEntities(t.Context(), f.Office, rows, domain.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Options{Store: st, API: api.New(st, nil)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	u, _ := url.Parse(ts.URL)
	c := config{base: u, user: "office", password: storetest.Password, portal: 2, search: 1, staff: 1, writers: 1,
		duration: 300 * time.Millisecond, warmup: 50 * time.Millisecond, seed: 1}
	var out strings.Builder
	if err := c.runOn(context.Background(), st, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"portal /entity/{code}", "portal /search", "staff /staff/entities", "staff PUT /api/v1/entities/{code}", "status 200×"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// TestRunResults drives result entry into the open parts of dispatched
// visits and finds the results written, with no errors.
func TestRunResults(t *testing.T) {
	st := storetest.New(t)
	f := storetest.Seed(t, st)
	w := storetest.SeedVisitsOn(t, st, f, 3)
	srv, err := web.New(web.Options{Store: st, API: api.New(st, nil)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	u, _ := url.Parse(ts.URL)
	c := config{base: u, user: "office", resultsUser: "scjg", portal: 1, results: 2,
		duration: 300 * time.Millisecond, warmup: 50 * time.Millisecond, seed: 1}
	var out strings.Builder
	if err := c.runOn(context.Background(), st, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	report := out.String()
	if !strings.Contains(report, "staff PUT /api/v1/parts/{id}/results") || !strings.Contains(report, "status 204×") {
		t.Errorf("report lacks the result entry:\n%s", report)
	}
	written := 0
	for _, v := range w.Visits {
		in, err := st.Inspection(t.Context(), f.Office, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range in.Parts {
			for _, it := range p.Items {
				if it.Result != nil && strings.HasPrefix(it.Result.Note, "压力测试录入第") {
					if p.DepartmentID != f.Dept.ID {
						t.Errorf("a result was entered into another department's part %d", p.ID)
					}
					written++
				}
			}
		}
	}
	if written == 0 {
		t.Errorf("no result was written:\n%s", report)
	}
	// A user whose department has no open part is told so.
	c.resultsUser = "office"
	if err := c.runOn(context.Background(), st, &out); err == nil || !strings.Contains(err.Error(), "no visit part open") {
		t.Errorf("results for the office: %v", err)
	}
}
