package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// writeJSON writes v with status. An encoding failure after the header is
// out can only be logged by the caller's connection; our values always
// encode.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"error":{"kind":"internal","key":"err.internal","message":"internal error"}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// malformed is a body that is not the JSON we expect: 400, not 422, since
// no field of it could be read as meant.
func malformed(key string, args ...any) error {
	return &statusError{http.StatusBadRequest, domain.E("api.decode", domain.KindInvalid, key, args...)}
}

// decodeJSON reads one JSON object of r's body into v, at most MaxJSONBytes,
// rejecting unknown fields, wrong types and trailing data with a 4xx error
// that says which.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return &statusError{http.StatusUnsupportedMediaType,
				domain.E("api.decode", domain.KindInvalid, "err.api.content_type", "type", ct)}
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxJSONBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLarge(mbe.Limit)
		}
		return malformed("err.api.bad_body")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return malformed("err.api.empty_body")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(body, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return malformed("err.api.trailing_data")
	}
	return nil
}

// decodeError explains a json error in terms of the request.
func decodeError(body []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return malformed("err.api.bad_json", "offset", syn.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return malformed("err.api.bad_json", "offset", len(body))
	case errors.As(err, &typ):
		if typ.Field == "" {
			return malformed("err.api.not_object")
		}
		return &statusError{http.StatusBadRequest,
			domain.E("api.decode", domain.KindInvalid, "err.api.wrong_type", "field", typ.Field, "type", jsonType(typ.Value)).WithField(typ.Field)}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return &statusError{http.StatusBadRequest,
			domain.E("api.decode", domain.KindInvalid, "err.api.unknown_field", "field", name).WithField(name)}
	}
	// What remains are errors of custom unmarshalers: only domain.Date has
	// one. Find the field so the client learns which date is wrong.
	if f, val, ok := badDate(body); ok {
		return domain.E("api.decode", domain.KindInvalid, "err.bad_date", "value", val).WithField(f)
	}
	// A read-only timestamp sent back in a bad format, or similar: we
	// cannot point at the field, but can say it is a value, not syntax.
	return malformed("err.api.bad_value")
}

func jsonType(v string) string {
	if i := strings.IndexByte(v, ' '); i > 0 { // "number 1.5"
		return v[:i]
	}
	return v
}

// dateFields are the JSON names of domain.Date fields in request bodies.
var dateFields = []string{"risk_set_on", "cert_expiry", "declared_on"}

// badDate finds the first date field of a JSON object (or of the objects
// in its arrays, for conflicts) whose value is not a date.
func badDate(body []byte) (field, value string, ok bool) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil {
		return "", "", false
	}
	for _, name := range dateFields {
		raw, present := obj[name]
		if !present {
			continue
		}
		var d domain.Date
		if d.UnmarshalJSON(raw) != nil {
			return name, strings.Trim(string(raw), `"`), true
		}
	}
	for name, raw := range obj {
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			continue
		}
		for _, it := range items {
			if _, v, ok := badDate(it); ok {
				return name, v, true
			}
		}
	}
	return "", "", false
}

// query reads the query parameters of a request, collecting the first
// malformed one as an error.
type query struct {
	v   map[string][]string
	err error
}

func newQuery(r *http.Request) *query { return &query{v: r.URL.Query()} }

func (q *query) str(name string) string {
	if vs := q.v[name]; len(vs) > 0 {
		return strings.TrimSpace(vs[0])
	}
	return ""
}

func (q *query) fail(err error) {
	if q.err == nil {
		q.err = err
	}
}

func (q *query) int(name string) int64 {
	s := q.str(name)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		q.fail(invalidParam(name, "err.api.bad_int", "value", s))
		return 0
	}
	return n
}

func (q *query) bool(name string) *bool {
	s := q.str(name)
	if s == "" {
		return nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		q.fail(invalidParam(name, "err.api.bad_bool", "value", s))
		return nil
	}
	return &b
}

// choice reads a parameter that must be one of allowed (or empty).
func choice[T ~string](q *query, name string, allowed []T) T {
	s := T(q.str(name))
	if s == "" {
		return s
	}
	for _, a := range allowed {
		if s == a {
			return s
		}
	}
	q.fail(invalidParam(name, "err.api.bad_choice", "value", string(s), "allowed", joinT(allowed)))
	return ""
}

func joinT[T ~string](xs []T) string {
	ss := make([]string, len(xs))
	for i, x := range xs {
		ss[i] = string(x)
	}
	return strings.Join(ss, ", ")
}

// sort reads a sort key of allowed, optionally prefixed by "-".
func (q *query) sort(allowed []string) string {
	s := q.str("sort")
	if s == "" {
		return ""
	}
	for _, a := range allowed {
		if strings.TrimPrefix(s, "-") == a {
			return s
		}
	}
	q.fail(invalidParam("sort", "err.api.bad_choice", "value", s, "allowed", strings.Join(allowed, ", ")+" (-desc)"))
	return ""
}

func (q *query) page() domain.Page {
	p := domain.Page{Number: int(q.int("page")), Size: int(q.int("size"))}
	if p.Number > 1<<30 {
		q.fail(invalidParam("page", "err.api.bad_int", "value", q.str("page")))
	}
	return p.Norm()
}

// The sort keys of the listings (domain.EntityFilter, InspectorFilter).
var (
	entitySorts    = []string{"name", "code", "risk", "updated"}
	inspectorSorts = []string{"name", "cert", "expiry", "department"}
)

func (q *query) entityFilter() domain.EntityFilter {
	return domain.EntityFilter{
		Query:     q.str("q"),
		Industry:  q.str("industry"),
		Township:  q.str("township"),
		RiskClass: choice(q, "risk_class", domain.RiskClasses),
		Status:    choice(q, "status", domain.RegStatuses),
		Sort:      q.sort(entitySorts),
	}
}

func (q *query) inspectorFilter() domain.InspectorFilter {
	return domain.InspectorFilter{
		Query:        q.str("q"),
		DepartmentID: q.int("department_id"),
		Status:       choice(q, "status", domain.InspectorStatuses),
		Expert:       q.bool("expert"),
		Label:        q.str("label"),
		Sort:         q.sort(inspectorSorts),
	}
}
