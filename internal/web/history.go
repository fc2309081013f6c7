package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/i18n"
)

// historyEntry is one audit row of a record, shown as the fields that
// changed rather than two blobs of JSON.
type historyEntry struct {
	At      time.Time
	Actor   string
	Action  string
	Changes []fieldChange
}

type fieldChange struct {
	Field, Before, After string
}

// history reads the audit rows of one record. A user who may not read
// the audit log simply sees no history: the store decides, and its refusal
// is not an error for the page around it.
func (s *Server) history(r *http.Request, sess *session, objectType, key string) ([]historyEntry, bool, error) {
	list, err := s.store.ListAudit(r.Context(), sess.Actor, domain.AuditFilter{
		ObjectType: objectType, ObjectKey: key, Page: domain.Page{Number: 1, Size: 100}})
	switch domain.ErrorKind(err) {
	case "":
	case domain.KindForbidden:
		return nil, false, nil
	default:
		return nil, false, err
	}
	ref, err := s.reference(r.Context())
	if err != nil {
		return nil, false, err
	}
	out := make([]historyEntry, 0, len(list.Items))
	for _, a := range list.Items {
		out = append(out, historyEntry{At: a.At, Actor: a.ActorName, Action: a.Action, Changes: diffJSON(printer(r), ref, a.Before, a.After)})
	}
	return out, true, nil
}

// diffJSON lists the top-level fields whose values differ between two JSON
// objects, labelled and with values in the reader's language where the
// catalogue knows them; bookkeeping fields are left out.
func diffJSON(p *i18n.Printer, ref *reference, before, after string) []fieldChange {
	var b, a map[string]any
	if before != "" {
		_ = json.Unmarshal([]byte(before), &b)
	}
	if after != "" {
		_ = json.Unmarshal([]byte(after), &a)
	}
	keys := map[string]bool{}
	for k := range b {
		keys[k] = true
	}
	for k := range a {
		keys[k] = true
	}
	var out []fieldChange
	for k := range keys {
		if k == "updated_at" || k == "id" || k == "created_at" {
			continue
		}
		bv, av := jsonText(b[k]), jsonText(a[k])
		if bv != av {
			out = append(out, fieldChange{Field: fieldLabel(p, k), Before: valueLabel(p, ref, k, b[k]), After: valueLabel(p, ref, k, a[k])})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// valueLabel shows a recorded value as a person reads it: yes/no for
// flags, names for the codes of departments, industries and townships,
// the label of a closed choice.
func valueLabel(p *i18n.Printer, ref *reference, field string, v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return p.T("web.yes")
		}
		return p.T("web.no")
	case float64:
		if field == "department_id" || field == "department" {
			if name, ok := ref.Department[int64(x)]; ok {
				return name
			}
		}
	case string:
		switch field {
		case "industry":
			if name, ok := ref.Industry[x]; ok {
				return name
			}
		case "township":
			if name, ok := ref.Township[x]; ok {
				return name
			}
		}
		prefixes := map[string][]string{
			"status": {"web.status.", "web.istatus."},
			"role":   {"web.role."},
			"kind":   {"web.kind."},
		}[field]
		for _, pre := range prefixes {
			if t := p.T(pre + x); t != pre+x {
				return t
			}
		}
	}
	return jsonText(v)
}

func jsonText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool, float64:
		return fmt.Sprint(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// fieldLabel is the translated label of a record field, or the field's own
// name when the catalogue has none.
func fieldLabel(p *i18n.Printer, name string) string {
	if l := p.Field(name); l != "field."+name {
		return l
	}
	if l := p.T("web.field." + name); l != "web.field."+name {
		return l
	}
	return name
}
