// Package importx reads the two directories (两库) — market entities
// (检查对象名录库) and inspectors (执法检查人员名录库) — from the files
// departments really have (.xlsx, and .csv in UTF-8 or GB18030), and writes
// them back out in the same columns so that an export imports unchanged.
//
// It knows no database: reading turns bytes into domain rows or into errors
// that name every bad row as the spreadsheet numbers it; the store does the
// all-or-nothing upsert.
package importx

import (
	"io"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// DefaultMaxBytes is the largest file read when Options.MaxBytes is 0.
const DefaultMaxBytes = 20 * mib

// Reference is the reference data names in files are resolved against:
// departments by name, short name or code; industries and townships by name
// or code.
type Reference struct {
	Departments []domain.Department
	Industries  []domain.Industry
	Townships   []domain.Township
}

// Options control reading.
type Options struct {
	// AcceptBadCodes accepts credit codes whose only fault is a check
	// character, flagged (domain.Entity.CodeFlagged).
	AcceptBadCodes bool
	// MaxBytes bounds the file size; 0 means DefaultMaxBytes.
	MaxBytes int64
	// MaxUnzipBytes bounds the inflated size of a workbook, the zip-bomb
	// guard; 0 means 32 × MaxBytes.
	MaxUnzipBytes int64
}

// ReadEntities reads an entity directory file. The format comes from the
// extension of filename (.xlsx or .csv). File problems (too big, wrong
// format, zip bomb, no data, bad header) are a *domain.Error of
// KindInvalid; row problems are one *domain.ValidationError listing every
// bad row, and then no rows are returned.
func ReadEntities(r io.Reader, filename string, ref Reference, o Options) ([]domain.EntityRow, error) {
	const op = "importx.ReadEntities"
	res := newResolver(ref)
	var (
		out  []domain.EntityRow
		ve   = &domain.ValidationError{Op: op}
		seen = newRepeats()
	)
	err := readTable(op, r, filename, o, entityColumns, func(rec *record) {
		e := domain.Entity{
			Code:     rec.get(domain.FieldCode),
			Name:     rec.get(domain.FieldName),
			Address:  rec.get(domain.FieldAddress),
			LegalRep: rec.get(domain.FieldLegalRep),
		}
		if s := rec.get(domain.FieldKind); s != "" {
			if v, ok := kindChoice.parse(s); ok {
				e.Kind = v
			} else {
				rec.fail(domain.FieldKind, s, "err.import.bad_choice", "allowed", kindChoice.allowed)
			}
		}
		if s := rec.get(domain.FieldIndustry); s != "" {
			if v, ok := res.industries.get(s); ok {
				e.IndustryCode = v
			} else {
				rec.fail(domain.FieldIndustry, s, "err.import.unknown_industry")
			}
		}
		if s := rec.get(domain.FieldTownship); s != "" {
			if v, ok := res.townships.get(s); ok {
				e.TownshipCode = v
			} else {
				rec.fail(domain.FieldTownship, s, "err.import.unknown_township")
			}
		}
		if s := rec.get(domain.FieldStatus); s != "" {
			if v, ok := statusChoice.parse(s); ok {
				e.Status = v
			} else {
				rec.fail(domain.FieldStatus, s, "err.import.bad_choice", "allowed", statusChoice.allowed)
			}
		}
		switch s := rec.get(domain.FieldRiskClass); {
		case s == "":
			if !rec.bad[domain.FieldRiskClass] {
				rec.fail(domain.FieldRiskClass, "", "err.required")
			}
		default:
			if v, ok := riskChoice.parse(s); ok {
				e.RiskClass = v
			} else {
				rec.fail(domain.FieldRiskClass, s, "err.import.bad_choice", "allowed", riskChoice.allowed)
			}
		}
		e.RiskSetOn = rec.date(domain.FieldRiskSetOn)
		domain.NormalizeEntity(&e)
		rec.merge(domain.ValidateEntity(&e, rec.row, o.AcceptBadCodes))
		if e.Code != "" && !rec.bad[domain.FieldCode] {
			if f, dup := seen.see(e.Code, rec.row, domain.FieldCode, e.Code); dup {
				rec.fail(domain.FieldCode, e.Code, "err.import.duplicate_code", "first", f)
			}
		}
		if len(rec.errs) > 0 {
			ve.Errors = append(ve.Errors, rec.sorted()...)
			return
		}
		out = append(out, domain.EntityRow{Row: rec.row, Entity: e})
	})
	if err != nil {
		return nil, err
	}
	seen.report(ve, "err.import.code_repeated")
	if err := ve.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// ReadInspectors reads an inspector directory file, resolving departments
// through ref; errors as for ReadEntities. Inspectors are identified by
// domain.Inspector.Key, which must be unique within the file.
func ReadInspectors(r io.Reader, filename string, ref Reference, o Options) ([]domain.InspectorRow, error) {
	const op = "importx.ReadInspectors"
	res := newResolver(ref)
	var (
		out  []domain.InspectorRow
		ve   = &domain.ValidationError{Op: op}
		seen = newRepeats()
	)
	err := readTable(op, r, filename, o, inspectorColumns, func(rec *record) {
		in := domain.Inspector{
			Name:      rec.get(domain.FieldName),
			CertNo:    rec.get(domain.FieldCertNo),
			IDNumber:  rec.get(domain.FieldIDNumber),
			Expertise: rec.get(domain.FieldExpertise),
			Phone:     rec.get(domain.FieldPhone),
			Labels:    splitList(rec.get(domain.FieldLabels), labelSeps),
		}
		if s := rec.get(domain.FieldDepartment); s != "" {
			if v, ok := res.departments.get(s); ok {
				in.DepartmentID = v
			} else {
				rec.fail(domain.FieldDepartment, s, "err.import.unknown_department")
			}
		}
		in.CertExpiry = rec.date(domain.FieldCertExpiry)
		if s := rec.get(domain.FieldExpert); s != "" {
			if v, ok := boolChoice.parse(s); ok {
				in.Expert = v == "1"
			} else {
				rec.fail(domain.FieldExpert, s, "err.import.bad_choice", "allowed", boolChoice.allowed)
			}
		}
		if s := rec.get(domain.FieldStatus); s != "" {
			if v, ok := inspectorStatusChoice.parse(s); ok {
				in.Status = v
			} else {
				rec.fail(domain.FieldStatus, s, "err.import.bad_choice", "allowed", inspectorStatusChoice.allowed)
			}
		}
		for _, part := range splitList(rec.get(domain.FieldConflicts), conflictSeps) {
			c, ok := parseConflict(part)
			if !ok {
				rec.fail(domain.FieldConflicts, part, "err.import.conflict_format")
				continue
			}
			in.Conflicts = append(in.Conflicts, c)
		}
		domain.NormalizeInspector(&in)
		rec.merge(domain.ValidateInspector(&in, rec.row))
		if in.CertNo != "" || in.DepartmentID != 0 && in.Name != "" {
			field, value := domain.FieldCertNo, in.CertNo
			if in.CertNo == "" {
				field, value = domain.FieldName, in.Name
			}
			if f, dup := seen.see(in.Key(), rec.row, field, value); dup {
				rec.fail(field, value, "err.import.duplicate_inspector", "first", f)
			}
		}
		if len(rec.errs) > 0 {
			ve.Errors = append(ve.Errors, rec.sorted()...)
			return
		}
		out = append(out, domain.InspectorRow{Row: rec.row, Inspector: in})
	})
	if err != nil {
		return nil, err
	}
	seen.report(ve, "err.import.inspector_repeated")
	if err := ve.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// departmentLabels gives what export writes for a department: its name if that
// reads back to the same department, else its code.
func departmentLabels(ref Reference, res *resolver) map[int64]string {
	m := make(map[int64]string, len(ref.Departments))
	for _, d := range ref.Departments {
		switch {
		case lookupIs(res.departments, d.Name, d.ID):
			m[d.ID] = d.Name
		case lookupIs(res.departments, d.Code, d.ID):
			m[d.ID] = d.Code
		default:
			m[d.ID] = strconv.FormatInt(d.ID, 10)
		}
	}
	return m
}

func lookupIs[V comparable](x *index[V], key string, want V) bool {
	v, ok := x.get(key)
	return ok && v == want
}
