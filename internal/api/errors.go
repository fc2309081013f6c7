package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/i18n"
)

// ErrorBody is the body of every failed request.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail describes a failure: the kind (which also decides the status),
// the i18n key a program can switch on, the message in the caller's language,
// the field concerned and, for validation failures, every problem found.
type ErrorDetail struct {
	Kind    domain.Kind  `json:"kind"`
	Key     string       `json:"key"`
	Message string       `json:"message"`
	Field   string       `json:"field,omitempty"`
	Errors  []FieldIssue `json:"errors,omitempty"`
}

// FieldIssue is one problem of a validation failure: the spreadsheet row for
// imports (absent for single records), the field, the offending value, the
// reason's key and its message.
type FieldIssue struct {
	Row     int    `json:"row,omitempty"`
	Field   string `json:"field"`
	Value   string `json:"value,omitempty"`
	Key     string `json:"key"`
	Message string `json:"message"`
}

// statusError overrides the status a kind would give, for the few cases
// HTTP has a more precise word for (400 malformed, 405, 413, 415).
type statusError struct {
	status int
	err    *domain.Error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

func statusOf(err error) int {
	var se *statusError
	if errors.As(err, &se) {
		return se.status
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	return domain.ErrorKind(err).HTTPStatus()
}

// printer returns the printer of the request's language: Accept-Language,
// Chinese by default. The API has no language cookie.
func printer(r *http.Request) *i18n.Printer {
	return i18n.For(i18n.Match("", r.Header.Get("Accept-Language")))
}

// writeError renders err as an ErrorBody. Internal errors are logged with
// their detail and shown only as "internal error".
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if ctxErr := r.Context().Err(); ctxErr != nil && errors.Is(err, ctxErr) {
		// The client went away: no one reads the answer, nothing failed.
		s.log.Info("api: request abandoned by the client", "method", r.Method, "path", r.URL.Path)
		return
	}
	p := printer(r)
	status := statusOf(err)
	body := ErrorBody{Error: describe(p, err)}
	if body.Error.Kind == domain.KindInternal {
		status = http.StatusInternalServerError
		s.log.Error("api: internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	} else if status >= 500 {
		s.log.Error("api: error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if status == http.StatusUnauthorized {
		v := `Bearer realm="yiyeyicha"`
		var ae *authError
		if errors.As(err, &ae) {
			v += `, error="` + ae.code + `"`
		}
		w.Header().Set("WWW-Authenticate", v)
	}
	w.Header().Set("Content-Language", string(p.Lang()))
	writeJSON(w, status, body)
}

// describe translates err for the caller.
func describe(p *i18n.Printer, err error) ErrorDetail {
	var ve *domain.ValidationError
	if errors.As(err, &ve) && len(ve.Errors) > 0 {
		d := ErrorDetail{Kind: domain.KindInvalid, Errors: make([]FieldIssue, len(ve.Errors))}
		for i, fe := range ve.Errors {
			d.Errors[i] = FieldIssue{Row: fe.Row, Field: fe.Field, Value: fe.Value, Key: fe.Key, Message: fieldMessage(p, fe)}
		}
		first := d.Errors[0]
		d.Key, d.Field, d.Message = first.Key, first.Field, first.Message
		if n := len(d.Errors); n > 1 {
			d.Message = p.T("err.api.validation", "count", n, "first", first.Message)
		}
		return d
	}
	var e *domain.Error
	if errors.As(err, &e) && e.Kind != domain.KindInternal && e.Kind != "" {
		return ErrorDetail{Kind: e.Kind, Key: e.Key, Field: e.Field, Message: message(p, e.Key, e.Args, e.Field)}
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		// The body was cut off by its limit somewhere below us (a reader
		// that did not classify the error): still the client's doing.
		return describe(p, tooLarge(mbe.Limit))
	}
	return ErrorDetail{Kind: domain.KindInternal, Key: "err.internal", Message: p.T("err.internal")}
}

// fieldMessage renders one field error as a sentence that stands alone:
// "第 3 行 统一社会信用代码: 统一社会信用代码校验位错误".
func fieldMessage(p *i18n.Printer, fe domain.FieldError) string {
	msg := message(p, fe.Key, fe.Args, fe.Field)
	if fe.Row > 0 {
		msg = p.T("import.row", "row", fe.Row) + " " + msg
	}
	return msg
}

// message translates key with args, prefixed by the field's label when the
// catalogue has one. Query parameters have no label: their messages name
// the parameter themselves.
func message(p *i18n.Printer, key string, args map[string]any, field string) string {
	flat := make([]any, 0, 2*len(args))
	for k, v := range args {
		flat = append(flat, k, v)
	}
	msg := p.T(key, flat...)
	if field != "" {
		if label := p.Field(field); label != "field."+field {
			msg = label + ": " + msg
		}
	}
	return msg
}

// tooLarge is a request body over its limit of max bytes.
func tooLarge(max int64) error {
	return &statusError{http.StatusRequestEntityTooLarge,
		domain.E("api.body", domain.KindInvalid, "err.api.too_large", "max", fmt.Sprintf("%d MiB", max>>20))}
}

// invalidParam is a bad query parameter.
func invalidParam(name, key string, args ...any) error {
	return domain.E("api.query", domain.KindInvalid, key, append([]any{"param", name}, args...)...).WithField(name)
}
