// Package domain holds the types, rules, error kinds and permission
// predicates of yiyeyicha. It knows no database, screen or clock: every other
// package (store, web, api, cli, importx) speaks in these terms.
package domain

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Kind classifies an error so that every face (web, API, CLI) can tell apart
// what the caller did wrong from what went wrong inside.
type Kind string

// The closed set of error kinds. Each maps to one HTTP status in the faces.
const (
	KindInvalid      Kind = "invalid"      // bad input; the message names the field
	KindNotFound     Kind = "not_found"    // no such record
	KindConflict     Kind = "conflict"     // duplicate, stale version, illegal state change
	KindUnauthorized Kind = "unauthorized" // not logged in, bad credentials
	KindForbidden    Kind = "forbidden"    // logged in but not allowed
	KindTooMany      Kind = "too_many"     // rate limit
	KindInternal     Kind = "internal"     // everything else; shown as "Internal error"
)

// HTTPStatus is the HTTP status every web face answers an error of kind k
// with: 422 for bad input (the request was understood, its content is
// wrong), and 500 for internal errors and anything unclassified.
func (k Kind) HTTPStatus() int {
	switch k {
	case KindInvalid:
		return http.StatusUnprocessableEntity
	case KindNotFound:
		return http.StatusNotFound
	case KindConflict:
		return http.StatusConflict
	case KindUnauthorized:
		return http.StatusUnauthorized
	case KindForbidden:
		return http.StatusForbidden
	case KindTooMany:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// Error is an application error: a kind, an i18n key with its arguments,
// optionally the field it concerns, and the operation that raised it.
// Only the faces translate Key; the message of Error() is for logs.
type Error struct {
	Op    string         // e.g. "store.CreateEntity"
	Kind  Kind           // what sort of failure
	Key   string         // i18n key, e.g. "err.code.checksum"
	Args  map[string]any // values for the translated message
	Field string         // the form field or column concerned, if any
	Err   error          // the underlying error, if any
}

// E builds an Error. Op is the operation, kind the class, key the i18n key;
// args are alternating name/value pairs for the message.
func E(op string, kind Kind, key string, args ...any) *Error {
	e := &Error{Op: op, Kind: kind, Key: key}
	for i := 0; i+1 < len(args); i += 2 {
		name, _ := args[i].(string)
		if e.Args == nil {
			e.Args = map[string]any{}
		}
		e.Args[name] = args[i+1]
	}
	return e
}

// WithField returns the error annotated with the field it concerns.
func (e *Error) WithField(field string) *Error { e.Field = field; return e }

// Wrap records an underlying cause.
func (e *Error) Wrap(err error) *Error { e.Err = err; return e }

func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	b.WriteString(e.Key)
	if e.Field != "" {
		fmt.Fprintf(&b, " [%s]", e.Field)
	}
	if len(e.Args) > 0 {
		fmt.Fprintf(&b, " %v", e.Args)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorKind returns the kind of err: the kind of the first *Error in its
// chain, KindInvalid for a ValidationError, KindInternal otherwise.
func ErrorKind(err error) Kind {
	if err == nil {
		return ""
	}
	var ve *ValidationError
	if errors.As(err, &ve) {
		return KindInvalid
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// IsKind reports whether err is of kind k.
func IsKind(err error, k Kind) bool { return ErrorKind(err) == k }

// FieldError is one problem with one field of one record: the field name
// (the column or form field), the offending value and the i18n key of the
// reason. Row is the spreadsheet row number for imports, 0 for forms.
type FieldError struct {
	Row   int            `json:"row,omitempty"`
	Field string         `json:"field"`
	Value string         `json:"value,omitempty"`
	Key   string         `json:"key"`
	Args  map[string]any `json:"args,omitempty"`
}

// ValidationError gathers every problem found in a record or a file, so that
// a user sees all of them at once instead of one per attempt.
type ValidationError struct {
	Op     string
	Errors []FieldError
}

func (v *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString(v.Op)
	b.WriteString(": invalid input")
	for i, fe := range v.Errors {
		if i == 5 {
			fmt.Fprintf(&b, " (and %d more)", len(v.Errors)-5)
			break
		}
		if fe.Row > 0 {
			fmt.Fprintf(&b, "; row %d", fe.Row)
		} else {
			b.WriteString(";")
		}
		fmt.Fprintf(&b, " %s=%q: %s", fe.Field, fe.Value, fe.Key)
	}
	return b.String()
}

// Add appends one field error.
func (v *ValidationError) Add(fe FieldError) { v.Errors = append(v.Errors, fe) }

// Err returns v if it holds any error, nil otherwise, so callers can write
// `return v.Err()` after collecting.
func (v *ValidationError) Err() error {
	if v == nil || len(v.Errors) == 0 {
		return nil
	}
	return v
}

// FieldErr builds a FieldError with alternating name/value arguments.
func FieldErr(field, value, key string, args ...any) FieldError {
	fe := FieldError{Field: field, Value: value, Key: key}
	for i := 0; i+1 < len(args); i += 2 {
		name, _ := args[i].(string)
		if fe.Args == nil {
			fe.Args = map[string]any{}
		}
		fe.Args[name] = args[i+1]
	}
	return fe
}
