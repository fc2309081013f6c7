package store

import "github.com/yiyeyicha/yiyeyicha/internal/domain"

// refuseBadText checks text handed to the store from outside before it
// reaches the database: given alternating field names and values, it
// returns a KindInvalid error naming the first field whose value fails
// domain.TextOK (a NUL byte, invalid UTF-8). PostgreSQL refuses such text
// outright, which would otherwise surface as an internal error (a 500) for
// a mistyped or hand-edited search; SQLite would silently accept it, so
// this also makes both engines answer alike. Text that is kept is checked
// by the domain's validation instead, with every problem of the record.
func refuseBadText(op string, fieldValues ...string) error {
	for i := 0; i+1 < len(fieldValues); i += 2 {
		if !domain.TextOK(fieldValues[i+1]) {
			return domain.E("store."+op, domain.KindInvalid, "err.bad_text").WithField(fieldValues[i])
		}
	}
	return nil
}

// CheckEntityFilter refuses an entity filter with text no database can
// compare against, as ListEntities and EachEntity do. An export calls it
// before it starts its response, which cannot turn into an error later.
func CheckEntityFilter(f domain.EntityFilter) error { return entityFilterText("CheckEntityFilter", f) }

// CheckInspectorFilter is CheckEntityFilter for inspector filters.
func CheckInspectorFilter(f domain.InspectorFilter) error {
	return inspectorFilterText("CheckInspectorFilter", f)
}

func entityFilterText(op string, f domain.EntityFilter) error {
	return refuseBadText(op, domain.FieldQuery, f.Query, domain.FieldIndustry, f.Industry, domain.FieldTownship, f.Township,
		domain.FieldRiskClass, string(f.RiskClass), domain.FieldStatus, string(f.Status))
}

func inspectorFilterText(op string, f domain.InspectorFilter) error {
	return refuseBadText(op, domain.FieldQuery, f.Query, domain.FieldStatus, string(f.Status), domain.FieldLabel, f.Label)
}
