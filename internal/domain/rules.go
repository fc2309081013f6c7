package domain

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yiyeyicha/yiyeyicha/internal/validate"
)

// Field names used in error messages, forms and spreadsheet headers' keys.
const (
	FieldCode        = "code"
	FieldName        = "name"
	FieldKind        = "kind"
	FieldIndustry    = "industry"
	FieldTownship    = "township"
	FieldAddress     = "address"
	FieldLegalRep    = "legal_rep"
	FieldStatus      = "status"
	FieldRiskClass   = "risk_class"
	FieldRiskSetOn   = "risk_set_on"
	FieldDepartment  = "department"
	FieldIDNumber    = "id_number"
	FieldCertNo      = "cert_no"
	FieldCertExpiry  = "cert_expiry"
	FieldLabels      = "labels"
	FieldExpertise   = "expertise"
	FieldExpert      = "expert"
	FieldPhone       = "phone"
	FieldConflicts   = "conflicts"
	FieldUsername    = "username"
	FieldPassword    = "password"
	FieldRole        = "role"
	FieldDisplayName = "display_name"
	FieldQuery       = "q"     // the search text of a listing or the public search
	FieldLabel       = "label" // the label a listing of inspectors is filtered by
)

// MaxTextLen bounds free-text fields (characters, not bytes).
const MaxTextLen = 200

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

// TextOK reports whether s is text that a database can hold and compare:
// valid UTF-8 without NUL bytes. PostgreSQL refuses anything else outright,
// so every string handed to the store from outside, whether it is to be
// kept or only searched for, must pass this; it is the one statement of
// that rule.
func TextOK(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// CheckText adds to v the problem, if any, of a single-line text field that
// is to be kept: required but blank, longer than MaxTextLen, not TextOK, or
// containing a line break. Row is the spreadsheet row (0 for forms).
func CheckText(v *ValidationError, row int, field, value string, required bool) {
	switch {
	case required && strings.TrimSpace(value) == "":
		v.Add(FieldError{Row: row, Field: field, Key: "err.required"})
	case utf8.RuneCountInString(value) > MaxTextLen:
		v.Add(FieldError{Row: row, Field: field, Value: value, Key: "err.too_long", Args: map[string]any{"max": MaxTextLen}})
	case !TextOK(value) || strings.ContainsAny(value, "\r\n"):
		v.Add(FieldError{Row: row, Field: field, Value: value, Key: "err.bad_text"})
	}
}

// NormalizeEntity tidies an entity before validation: the code is
// normalised (trim, full-width to half-width, upper case) and text fields
// trimmed. A missing kind is read from the code.
func NormalizeEntity(e *Entity) {
	e.Code = validate.NormalizeCode(e.Code)
	e.Name = strings.TrimSpace(e.Name)
	e.Address = strings.TrimSpace(e.Address)
	e.LegalRep = strings.TrimSpace(e.LegalRep)
	e.IndustryCode = strings.TrimSpace(e.IndustryCode)
	e.TownshipCode = strings.TrimSpace(e.TownshipCode)
	if e.Kind == "" {
		e.Kind = KindFromCode(e.Code)
	}
	if e.Status == "" {
		e.Status = StatusActive
	}
}

// KindFromCode reads the entity kind from the first two characters of a
// credit code: 91 enterprise, 92 individual business, 93 cooperative.
func KindFromCode(code string) EntityKind {
	switch {
	case strings.HasPrefix(code, "91"):
		return KindEnterprise
	case strings.HasPrefix(code, "92"):
		return KindIndividual
	case strings.HasPrefix(code, "93"):
		return KindCooperative
	}
	return KindOther
}

// ValidateEntity checks a normalised entity. Row is the spreadsheet row for
// imports (0 for forms). With acceptBadCode, a code whose only fault is a
// check character is accepted and e.CodeFlagged set; otherwise it is an
// error. References (industry, township) are checked by the store.
func ValidateEntity(e *Entity, row int, acceptBadCode bool) *ValidationError {
	v := &ValidationError{Op: "domain.ValidateEntity"}
	e.CodeFlagged = false
	switch p := validate.CheckCreditCode(e.Code); {
	case p == validate.OK:
	case p.Flaggable() && acceptBadCode:
		e.CodeFlagged = true
	case p == validate.CodeEmpty:
		v.Add(FieldError{Row: row, Field: FieldCode, Key: "err.required"})
	default:
		v.Add(FieldError{Row: row, Field: FieldCode, Value: e.Code, Key: "err.code." + string(p)})
	}
	CheckText(v, row, FieldName, e.Name, true)
	CheckText(v, row, FieldAddress, e.Address, false)
	CheckText(v, row, FieldLegalRep, e.LegalRep, false)
	if !oneOf(e.Kind, EntityKinds) {
		v.Add(FieldError{Row: row, Field: FieldKind, Value: string(e.Kind), Key: "err.bad_choice"})
	}
	if !oneOf(e.Status, RegStatuses) {
		v.Add(FieldError{Row: row, Field: FieldStatus, Value: string(e.Status), Key: "err.bad_choice"})
	}
	if !oneOf(e.RiskClass, RiskClasses) {
		v.Add(FieldError{Row: row, Field: FieldRiskClass, Value: string(e.RiskClass), Key: "err.bad_choice"})
	}
	CheckText(v, row, FieldIndustry, e.IndustryCode, true)
	CheckText(v, row, FieldTownship, e.TownshipCode, true)
	return v
}

// NormalizeInspector tidies an inspector before validation.
func NormalizeInspector(in *Inspector) {
	in.Name = strings.TrimSpace(in.Name)
	in.CertNo = validate.NormalizeCode(in.CertNo)
	in.IDNumber = validate.NormalizeCode(in.IDNumber)
	in.Expertise = strings.TrimSpace(in.Expertise)
	in.Phone = strings.TrimSpace(in.Phone)
	labels := in.Labels[:0]
	seen := map[string]bool{}
	for _, l := range in.Labels {
		l = strings.TrimSpace(l)
		if l != "" && !seen[l] {
			seen[l] = true
			labels = append(labels, l)
		}
	}
	in.Labels = labels
	for i := range in.Conflicts {
		in.Conflicts[i].EntityCode = validate.NormalizeCode(in.Conflicts[i].EntityCode)
		in.Conflicts[i].Reason = strings.TrimSpace(in.Conflicts[i].Reason)
	}
	if in.Status == "" {
		in.Status = InspectorOnDuty
	}
}

// ValidateInspector checks a normalised inspector. An enforcement officer
// needs a certificate number and its expiry; an expert may have neither.
// The department is checked by the store.
func ValidateInspector(in *Inspector, row int) *ValidationError {
	v := &ValidationError{Op: "domain.ValidateInspector"}
	CheckText(v, row, FieldName, in.Name, true)
	CheckText(v, row, FieldCertNo, in.CertNo, !in.Expert)
	CheckText(v, row, FieldExpertise, in.Expertise, false)
	CheckText(v, row, FieldPhone, in.Phone, false)
	if in.CertNo != "" && in.CertExpiry.IsZero() {
		v.Add(FieldError{Row: row, Field: FieldCertExpiry, Key: "err.required"})
	}
	if in.IDNumber != "" {
		if p := validate.CheckResidentID(in.IDNumber); p != validate.OK {
			v.Add(FieldError{Row: row, Field: FieldIDNumber, Value: in.IDNumber, Key: "err.id." + string(p)})
		}
	}
	if !oneOf(in.Status, InspectorStatuses) {
		v.Add(FieldError{Row: row, Field: FieldStatus, Value: string(in.Status), Key: "err.bad_choice"})
	}
	if in.DepartmentID == 0 {
		v.Add(FieldError{Row: row, Field: FieldDepartment, Key: "err.required"})
	}
	for _, l := range in.Labels {
		CheckText(v, row, FieldLabels, l, false)
	}
	seen := map[string]bool{}
	for _, c := range in.Conflicts {
		if p := validate.CheckCreditCode(c.EntityCode); p != validate.OK && !p.Flaggable() {
			v.Add(FieldError{Row: row, Field: FieldConflicts, Value: c.EntityCode, Key: "err.code." + string(p)})
		}
		if seen[c.EntityCode] {
			v.Add(FieldError{Row: row, Field: FieldConflicts, Value: c.EntityCode, Key: "err.duplicate"})
		}
		seen[c.EntityCode] = true
		CheckText(v, row, FieldConflicts, c.Reason, false)
	}
	return v
}

// Key is the stable identity of an inspector across imports: the
// certificate number, or for an expert without one, "name@department".
func (in *Inspector) Key() string {
	if in.CertNo != "" {
		return in.CertNo
	}
	return in.Name + "@" + strconv.FormatInt(in.DepartmentID, 10)
}

// ValidateUser checks a new or edited user; password is checked when not
// empty or when required.
func ValidateUser(u *User, password string, passwordRequired bool) *ValidationError {
	v := &ValidationError{Op: "domain.ValidateUser"}
	u.Username = strings.TrimSpace(u.Username)
	u.DisplayName = strings.TrimSpace(u.DisplayName)
	if u.Username == "" {
		v.Add(FieldError{Field: FieldUsername, Key: "err.required"})
	} else if !usernameOK(u.Username) {
		v.Add(FieldError{Field: FieldUsername, Value: u.Username, Key: "err.username"})
	}
	CheckText(v, 0, FieldDisplayName, u.DisplayName, true)
	if !u.Role.Valid() {
		v.Add(FieldError{Field: FieldRole, Value: string(u.Role), Key: "err.bad_choice"})
	}
	if u.Role.NeedsDepartment() && u.DepartmentID == 0 {
		v.Add(FieldError{Field: FieldDepartment, Key: "err.required"})
	}
	if !u.Role.NeedsDepartment() {
		u.DepartmentID = 0
	}
	if password != "" || passwordRequired {
		if utf8.RuneCountInString(password) < MinPasswordLen {
			v.Add(FieldError{Field: FieldPassword, Key: "err.password_short", Args: map[string]any{"min": MinPasswordLen}})
		}
	}
	return v
}

func usernameOK(s string) bool {
	if len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

func oneOf[T comparable](x T, xs []T) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}
