package i18n

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

func TestCataloguesHaveSameKeys(t *testing.T) {
	zh, en := Keys(ZH), Keys(EN)
	if diff := cmp.Diff(zh, en); diff != "" {
		t.Errorf("zh-CN and en catalogues differ in keys (-zh +en):\n%s", diff)
	}
	if len(zh) < 20 {
		t.Errorf("zh-CN catalogue has only %d keys", len(zh))
	}
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		choice, accept string
		want           Lang
	}{
		{"", "", ZH},
		{"", "en-US,en;q=0.9", EN},
		{"", "zh-CN,zh;q=0.9,en;q=0.5", ZH},
		{"en", "zh-CN", EN},
		{"zh-CN", "en", ZH},
		{"fr", "fr-FR", ZH},
		{"", "garbage;;;", ZH},
	} {
		if got := Match(tc.choice, tc.accept); got != tc.want {
			t.Errorf("Match(%q, %q) = %q, want %q", tc.choice, tc.accept, got, tc.want)
		}
	}
}

func TestErrTranslatesKindsAndHidesInternals(t *testing.T) {
	zh, en := For(ZH), For(EN)
	ve := &domain.ValidationError{}
	ve.Add(domain.FieldError{Row: 7, Field: domain.FieldCode, Value: "X", Key: "err.code.checksum"})
	if got, want := zh.Err(ve), "第 7 行 统一社会信用代码: 统一社会信用代码校验位错误"; got != want {
		t.Errorf("zh validation = %q, want %q", got, want)
	}
	if got, want := en.Err(domain.E("op", domain.KindInvalid, "err.too_long", "max", 200).WithField("name")), "Name: is too long (at most 200 characters)"; got != want {
		t.Errorf("en error = %q, want %q", got, want)
	}
	internal := domain.E("store.X", domain.KindInternal, "secret detail")
	if got := en.Err(internal); got != en.T("err.internal") {
		t.Errorf("internal error leaked: %q", got)
	}
}

func TestRowListsUseTheLanguagesSeparator(t *testing.T) {
	rows := []int{7, 10, 12}
	for _, tc := range []struct {
		lang Lang
		want string
	}{
		{ZH, "此统一社会信用代码在第 7、10、12 行再次出现"},
		{EN, "this credit code appears again in row(s) 7, 10, 12"},
	} {
		if got := For(tc.lang).T("err.import.code_repeated", "rows", rows); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.lang, got, tc.want)
		}
	}
}
