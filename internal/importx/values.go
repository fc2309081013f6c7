package importx

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// index resolves names, short names and codes of reference data to one
// value; a key shared by two different values is ambiguous and resolves to
// nothing rather than to a guess.
type index[V comparable] struct {
	m         map[string]V
	ambiguous map[string]bool
}

func newIndex[V comparable]() *index[V] {
	return &index[V]{m: map[string]V{}, ambiguous: map[string]bool{}}
}

func (x *index[V]) add(key string, v V) {
	k := fold(key)
	if k == "" {
		return
	}
	if old, ok := x.m[k]; ok && old != v {
		x.ambiguous[k] = true
		return
	}
	x.m[k] = v
}

func (x *index[V]) get(key string) (V, bool) {
	k := fold(key)
	v, ok := x.m[k]
	if !ok || x.ambiguous[k] {
		var zero V
		return zero, false
	}
	return v, true
}

// resolver holds the lookups built from a Reference.
type resolver struct {
	industries  *index[string]
	townships   *index[string]
	departments *index[int64]
}

// townshipSuffixes are dropped so that the short forms people write
// ("英言", "蒲掌") match the registered names ("英言乡").
var townshipSuffixes = []string{"镇", "乡", "街道", "街道办事处"}

func newResolver(ref Reference) *resolver {
	r := &resolver{industries: newIndex[string](), townships: newIndex[string](), departments: newIndex[int64]()}
	// Codes first: a code always wins over a name that happens to equal it.
	for _, in := range ref.Industries {
		r.industries.add(in.Code, in.Code)
	}
	for _, in := range ref.Industries {
		r.industries.add(in.Name, in.Code)
	}
	for _, t := range ref.Townships {
		r.townships.add(t.Code, t.Code)
	}
	for _, t := range ref.Townships {
		r.townships.add(t.Name, t.Code)
	}
	for _, t := range ref.Townships {
		for _, s := range townshipSuffixes {
			if short, ok := strings.CutSuffix(t.Name, s); ok && short != "" {
				r.townships.add(short, t.Code)
			}
		}
	}
	for _, d := range ref.Departments {
		r.departments.add(d.Code, d.ID)
	}
	for _, d := range ref.Departments {
		r.departments.add(d.Name, d.ID)
		r.departments.add(d.ShortName, d.ID)
	}
	return r
}

// choice maps the spellings of an enumerated value to it.
type choice[T ~string] struct {
	m       map[string]T
	allowed string // for the error message
}

func newChoice[T ~string](allowed string, pairs map[T][]string) choice[T] {
	c := choice[T]{m: map[string]T{}, allowed: allowed}
	for v, names := range pairs {
		c.m[fold(string(v))] = v
		for _, n := range names {
			c.m[fold(n)] = v
		}
	}
	return c
}

func (c choice[T]) parse(s string) (T, bool) {
	v, ok := c.m[fold(s)]
	return v, ok
}

var (
	kindChoice = newChoice("企业、个体工商户、农民专业合作社、其他 / enterprise, individual, cooperative, other",
		map[domain.EntityKind][]string{
			domain.KindEnterprise:  {"企业", "公司"},
			domain.KindIndividual:  {"个体工商户", "个体户", "个体"},
			domain.KindCooperative: {"农民专业合作社", "专业合作社", "合作社"},
			domain.KindOther:       {"其他"},
		})
	statusChoice = newChoice("存续、注销、吊销、撤销、迁出 / active, cancelled, revoked, withdrawn, moved_out",
		map[domain.RegStatus][]string{
			domain.StatusActive:    {"存续", "在业", "开业", "在营", "存续（在营、开业、在册）"},
			domain.StatusCancelled: {"注销", "已注销", "canceled"},
			domain.StatusRevoked:   {"吊销", "已吊销", "吊销，未注销", "吊销未注销"},
			domain.StatusWithdrawn: {"撤销", "已撤销"},
			domain.StatusMovedOut:  {"迁出", "已迁出", "moved out", "moved-out"},
		})
	riskChoice = newChoice("A、B、C、D（或 低、一般、较高、高）",
		map[domain.RiskClass][]string{
			domain.RiskA: {"A类", "A级", "低", "低风险", "信用风险低"},
			domain.RiskB: {"B类", "B级", "一般", "一般风险", "信用风险一般"},
			domain.RiskC: {"C类", "C级", "较高", "较高风险", "信用风险较高"},
			domain.RiskD: {"D类", "D级", "高", "高风险", "信用风险高"},
		})
	inspectorStatusChoice = newChoice("在岗、休假、调离 / on_duty, on_leave, transferred",
		map[domain.InspectorStatus][]string{
			domain.InspectorOnDuty:      {"在岗", "on duty"},
			domain.InspectorOnLeave:     {"休假", "请假", "on leave"},
			domain.InspectorTransferred: {"调离", "离岗", "transferred"},
		})
	boolChoice = newChoice("是、否 / Y, N",
		map[string][]string{
			"1": {"是", "y", "yes", "true", "√", "✓", "专家"},
			"0": {"否", "n", "no", "false", "×", "✗"},
		})
)

// The labels written on export; import reads them back through the choices.
var (
	kindLabel = map[domain.EntityKind]string{
		domain.KindEnterprise: "企业", domain.KindIndividual: "个体工商户",
		domain.KindCooperative: "农民专业合作社", domain.KindOther: "其他",
	}
	statusLabel = map[domain.RegStatus]string{
		domain.StatusActive: "存续", domain.StatusCancelled: "注销", domain.StatusRevoked: "吊销",
		domain.StatusWithdrawn: "撤销", domain.StatusMovedOut: "迁出",
	}
	inspectorStatusLabel = map[domain.InspectorStatus]string{
		domain.InspectorOnDuty: "在岗", domain.InspectorOnLeave: "休假", domain.InspectorTransferred: "调离",
	}
)

// sciNumber matches a number Excel has written in scientific notation, the
// mark of an 18-digit code stored as a number and so cut to 15 digits.
// Excel always writes the exponent's sign, which keeps certificate numbers
// like "2023E001" out.
var sciNumber = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]*)?[eE][+-][0-9]+$`)

// minSerial is 1950-01-01 as an Excel serial: no date in the directories
// is older, and a smaller number is more likely "2026.03" than a date.
const minSerial = 18264

// parseDate reads a date cell: an Excel serial number (a date-formatted
// cell read raw), 20260331, or the text layouts of domain.ParseDate, with an
// optional time part, which is dropped.
func parseDate(s string, date1904 bool) (domain.Date, bool) {
	s = narrow(clean(s))
	if s == "" {
		return domain.Date{}, true
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "eE") {
		switch {
		case len(s) == 8 && !strings.Contains(s, "."):
			d, err := domain.ParseDate(s[:4] + "-" + s[4:6] + "-" + s[6:])
			return d, err == nil && d.String() == s[:4]+"-"+s[4:6]+"-"+s[6:]
		case f >= minSerial && f < 100000:
			t, err := excelize.ExcelDateToTime(f, date1904)
			if err != nil {
				return domain.Date{}, false
			}
			return domain.DateOf(t), true
		}
		return domain.Date{}, false
	}
	// "2026-03-31 00:00:00", "2026-03-31T00:00:00Z": keep the day.
	if i := strings.IndexAny(s, " T"); i >= 8 {
		s = s[:i]
	}
	d, err := domain.ParseDate(s)
	return d, err == nil
}

// splitList splits a multi-value cell on the separators people use.
func splitList(s, seps string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) })
	out := parts[:0]
	for _, p := range parts {
		if p = clean(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

const (
	labelSeps    = "、，,;；\n"
	conflictSeps = ";；\n"
)

// conflictDate matches the optional trailing ":2026-03-01" of a conflict,
// which export writes so that the declaration date round-trips.
var conflictDate = regexp.MustCompile(`^(.*)[:：]([0-9]{4}-[0-9]{2}-[0-9]{2})$`)

// parseConflict reads "code", "code:reason" or "code:reason:YYYY-MM-DD"
// (":" or full-width "："). ok is false when the code part is empty.
func parseConflict(s string) (domain.Conflict, bool) {
	var c domain.Conflict
	code, rest := s, ""
	if i := strings.IndexAny(s, ":："); i >= 0 {
		_, size := utf8.DecodeRuneInString(s[i:])
		code, rest = s[:i], s[i+size:]
	}
	c.EntityCode = clean(code)
	if m := conflictDate.FindStringSubmatch(rest); m != nil {
		if d, err := domain.ParseDate(m[2]); err == nil {
			c.DeclaredOn = d
			rest = m[1]
		}
	}
	c.Reason = clean(rest)
	return c, c.EntityCode != ""
}

// formatConflict is the inverse of parseConflict.
func formatConflict(c domain.Conflict) string {
	s := c.EntityCode
	if c.Reason != "" || !c.DeclaredOn.IsZero() {
		s += ":" + c.Reason
	}
	if !c.DeclaredOn.IsZero() {
		s += ":" + c.DeclaredOn.String()
	}
	return s
}
