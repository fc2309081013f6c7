package api

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/archive"
	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// TestArchiveAPI downloads a closed visit's archive as each caller: the
// visit's departments, the office and its inspectors get the zip; another
// department and the public do not; an open visit has none.
func TestArchiveAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f, w := inspectFixture(t, s)
		ctx := t.Context()
		third := domain.Department{Code: "ZHZF", Name: "垣曲县综合行政执法局", ShortName: "综合执法局"}
		if err := s.SaveDepartment(ctx, domain.System, &third); err != nil {
			t.Fatal(err)
		}
		u := &domain.User{Username: "zhzf", DisplayName: "综合执法局", Role: domain.RoleDepartment, DepartmentID: third.ID}
		if err := s.CreateUser(ctx, domain.System, u, storetest.Password); err != nil {
			t.Fatal(err)
		}
		tok, err := s.CreateToken(ctx, domain.ActorOf(u), "test")
		if err != nil {
			t.Fatal(err)
		}
		f.tokens["third"] = tok
		vid := strconv.FormatInt(w.Visits[0].ID, 10)
		url := "/api/v1/visits/" + vid + "/archive"
		if got := f.do(req{method: "GET", url: url, who: "deptA", header: map[string]string{"Accept-Language": "zh-CN"}}); got.Code != 409 || !strings.Contains(got.Body.String(), "尚未办结") {
			t.Errorf("open visit: %d %s", got.Code, got.Body)
		}
		w.Complete(t, s, 0, false)
		if err := s.CloseVisit(ctx, w.F.DeptStaff, w.Visits[0].ID, domain.CloseInput{Category: domain.CatNoProblem, Disposal: domain.DispNone}); err != nil {
			t.Fatal(err)
		}
		for who, want := range map[string]int{"": 401, "third": 404, "office": 200, "deptA": 200, "deptB": 200, "inspB": 200, "discipline": 200} {
			got := f.do(req{method: "GET", url: url, who: who})
			if got.Code != want {
				t.Errorf("%q: %d, want %d", who, got.Code, want)
				continue
			}
			if want != 200 {
				if got.Header().Get("Content-Type") == "application/zip" {
					t.Errorf("%q refused with a zip", who)
				}
				continue
			}
			b := got.Body.Bytes()
			zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatalf("%q: %v", who, err)
			}
			var rec domain.ArchiveRecord
			for _, zf := range zr.File {
				if zf.Name == archive.RecordJSON {
					rc, _ := zf.Open()
					err = json.NewDecoder(rc).Decode(&rec)
					rc.Close()
				}
			}
			if err != nil || rec.Inspection == nil || rec.Inspection.Archive == nil || !rec.Inspection.Archive.Automatic || rec.Business.Code != w.Visits[0].EntityCode {
				t.Errorf("%q: record %+v, %v", who, rec, err)
			}
		}
	})
}
