package importx

import (
	"strings"
	"unicode"

	"golang.org/x/text/width"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// cellKind says how a column's cells are read besides trimming.
type cellKind int

const (
	kindText cellKind = iota
	kindCode          // identifiers Excel may have turned into numbers: scientific notation is an error
	kindDate          // a date: text in several layouts, or an Excel serial number
)

// column is one column a directory file may have. The first name is the
// Chinese header written on export; every name is accepted on import.
type column struct {
	field    string
	names    []string
	required bool
	kind     cellKind
}

// ignoredHeaders are columns people add that carry nothing to import.
var ignoredHeaders = []string{"序号", "No.", "No", "#"}

var entityColumns = []column{
	{domain.FieldCode, []string{"统一社会信用代码", "信用代码", "credit_code", "code", "Credit code"}, true, kindCode},
	{domain.FieldName, []string{"名称", "企业名称", "主体名称", "市场主体名称", "name"}, true, kindText},
	{domain.FieldKind, []string{"主体类型", "市场主体类型", "kind", "Entity type", "type"}, false, kindText},
	{domain.FieldIndustry, []string{"行业", "所属行业", "industry"}, true, kindText},
	{domain.FieldTownship, []string{"乡镇", "所属乡镇", "township"}, true, kindText},
	{domain.FieldAddress, []string{"住所", "经营场所", "地址", "住所（经营场所）", "address"}, false, kindText},
	{domain.FieldLegalRep, []string{"法定代表人", "负责人", "经营者", "法定代表人（负责人）", "legal_rep", "Legal representative"}, false, kindText},
	{domain.FieldStatus, []string{"登记状态", "状态", "status"}, false, kindText},
	{domain.FieldRiskClass, []string{"信用风险分类", "风险等级", "风险分类", "risk_class", "Risk class", "risk"}, true, kindText},
	{domain.FieldRiskSetOn, []string{"分类日期", "risk_set_on", "Classified on"}, false, kindDate},
}

var inspectorColumns = []column{
	{domain.FieldName, []string{"姓名", "name", "Full name"}, true, kindText},
	{domain.FieldDepartment, []string{"部门", "所属部门", "department"}, true, kindText},
	{domain.FieldCertNo, []string{"执法证号", "执法证编号", "cert_no", "Certificate no."}, false, kindCode},
	{domain.FieldCertExpiry, []string{"有效期至", "执法证有效期", "执法证有效期至", "cert_expiry", "Certificate valid until"}, false, kindDate},
	{domain.FieldIDNumber, []string{"身份证号", "身份证号码", "id_number", "Resident ID"}, false, kindCode},
	{domain.FieldLabels, []string{"分类标注", "标签", "labels"}, false, kindText},
	{domain.FieldExpertise, []string{"业务专长", "expertise"}, false, kindText},
	{domain.FieldExpert, []string{"业务专家", "是否专家", "expert"}, false, kindText},
	{domain.FieldStatus, []string{"状态", "人员状态", "status"}, false, kindText},
	{domain.FieldPhone, []string{"联系电话", "电话", "手机", "phone"}, false, kindCode},
	{domain.FieldConflicts, []string{"回避企业", "回避对象", "conflicts", "Conflicts of interest"}, false, kindCode},
}

// fold makes a lookup key: full-width to half-width, lower case, no spaces
// anywhere, so "Ａ 类", "a类" and "A类" meet.
func fold(s string) string {
	s = narrow(s)
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// narrow turns full-width characters into half-width ones, without
// allocating for the common text that has none.
func narrow(s string) string {
	for _, r := range s {
		if r == '\u3000' || r >= '\uff01' && r <= '\uffe6' {
			return width.Narrow.String(s)
		}
	}
	return s
}

// foldHeader is fold plus the punctuation headers vary in: "Credit Code",
// "credit_code", "*名称" and "No." all match their aliases.
func foldHeader(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '_', '-', '.', '*':
			return -1
		}
		return r
	}, fold(s))
}

// stripNote removes a trailing parenthetical note: "名称（必填）" → "名称".
func stripNote(s string) string {
	s = strings.TrimSpace(s)
	for _, p := range [][2]string{{"（", "）"}, {"(", ")"}} {
		if strings.HasSuffix(s, p[1]) {
			if i := strings.LastIndex(s, p[0]); i > 0 {
				return strings.TrimSpace(s[:i])
			}
		}
	}
	return s
}

// clean trims spaces, including the full-width and zero-width ones Excel
// users paste, from a cell.
func clean(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff'
	})
}

// acceptedNames lists every header name of cols for error messages.
func acceptedNames(cols []column) string {
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteString("；")
		}
		b.WriteString(strings.Join(c.names, "/"))
	}
	return b.String()
}
