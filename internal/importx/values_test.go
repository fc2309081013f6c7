package importx

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

func TestParseDate(t *testing.T) {
	d := func(y, m, day int) domain.Date { return domain.Date{Year: y, Month: time.Month(m), Day: day} }
	for _, tc := range []struct {
		in     string
		d1904  bool
		want   domain.Date
		wantOK bool
	}{
		{"", false, domain.Date{}, true},
		{"2026-03-31", false, d(2026, 3, 31), true},
		{"2026/3/31", false, d(2026, 3, 31), true},
		{"2026.3.31", false, d(2026, 3, 31), true},
		{"2026年3月31日", false, d(2026, 3, 31), true},
		{"２０２６年３月３１日", false, d(2026, 3, 31), true},
		{"20260331", false, d(2026, 3, 31), true},
		{"2026-03-31 00:00:00", false, d(2026, 3, 31), true},
		{"2026-03-31T00:00:00Z", false, d(2026, 3, 31), true},
		{"46112", false, d(2026, 3, 31), true},
		{"46112.75", false, d(2026, 3, 31), true},
		{"44650", true, d(2026, 3, 31), true}, // 1904 date system
		{"20260231", false, domain.Date{}, false},
		{"2026-02-30", false, domain.Date{}, false},
		{"2026.03", false, domain.Date{}, false},
		{"1E5", false, domain.Date{}, false},
		{"明年", false, domain.Date{}, false},
		{"-1", false, domain.Date{}, false},
	} {
		got, ok := parseDate(tc.in, tc.d1904)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("parseDate(%q, %v) = %v, %v; want %v, %v", tc.in, tc.d1904, got, ok, tc.want, tc.wantOK)
		}
	}
}

func TestParseConflict(t *testing.T) {
	for _, tc := range []struct {
		in     string
		want   domain.Conflict
		wantOK bool
	}{
		{"91350100M000100Y43", domain.Conflict{EntityCode: "91350100M000100Y43"}, true},
		{"91350100M000100Y43:亲属经营", domain.Conflict{EntityCode: "91350100M000100Y43", Reason: "亲属经营"}, true},
		{"91350100M000100Y43：亲属：配偶", domain.Conflict{EntityCode: "91350100M000100Y43", Reason: "亲属：配偶"}, true},
		{"91350100M000100Y43:曾任职:2026-01-05", domain.Conflict{EntityCode: "91350100M000100Y43", Reason: "曾任职", DeclaredOn: domain.Date{Year: 2026, Month: 1, Day: 5}}, true},
		{"91350100M000100Y43::2026-01-05", domain.Conflict{EntityCode: "91350100M000100Y43", DeclaredOn: domain.Date{Year: 2026, Month: 1, Day: 5}}, true},
		{" ：原因", domain.Conflict{Reason: "原因"}, false},
	} {
		got, ok := parseConflict(tc.in)
		if diff := cmp.Diff(tc.want, got); diff != "" || ok != tc.wantOK {
			t.Errorf("parseConflict(%q) ok=%v (want %v), diff (-want +got):\n%s", tc.in, ok, tc.wantOK, diff)
		}
		if ok {
			if back, _ := parseConflict(formatConflict(got)); back != got {
				t.Errorf("formatConflict(%+v) does not read back: %+v", got, back)
			}
		}
	}
}

func TestResolverAmbiguity(t *testing.T) {
	ref := Reference{Townships: []domain.Township{{Code: "1", Name: "新城镇"}, {Code: "2", Name: "新城乡"}, {Code: "3", Name: "历山镇"}}}
	r := newResolver(ref)
	for _, tc := range []struct {
		in     string
		want   string
		wantOK bool
	}{
		{"新城镇", "1", true},
		{"新城乡", "2", true},
		{"新城", "", false}, // both would fit: no guess
		{"历山", "3", true},
		{" 历 山 镇 ", "3", true},
		{"3", "3", true},
	} {
		got, ok := r.townships.get(tc.in)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("township %q = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.wantOK)
		}
	}
}

func TestSciNumber(t *testing.T) {
	for in, want := range map[string]bool{
		"9.13501E+17": true, "9.1350100000000006E+17": true, "1.10105E+17": true, "1E+5": true, "9.1e-3": true,
		"2023E001": false, "91350100M000100Y43": false, "913501000000000000": false, "E+17": false, "": false,
	} {
		if got := sciNumber.MatchString(in); got != want {
			t.Errorf("sciNumber(%q) = %v, want %v", in, got, want)
		}
	}
}
