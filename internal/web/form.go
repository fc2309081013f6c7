package web

import (
	"errors"
	"net/http"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/i18n"
)

// fieldErrors are translated messages keyed by form field, shown next to
// the fields; General holds what belongs to no field shown on the form.
type fieldErrors struct {
	ByField map[string][]string
	General []string
}

// For returns the messages of one field, for the templates.
func (fe *fieldErrors) For(field string) []string {
	if fe == nil {
		return nil
	}
	return fe.ByField[field]
}

// Any reports whether there is any message at all.
func (fe *fieldErrors) Any() bool { return fe != nil && (len(fe.ByField) > 0 || len(fe.General) > 0) }

// formErrorsOf translates a validation or application error for a form
// with the given fields. It reports false for errors a form cannot show
// (not found, forbidden, internal), which the caller passes to fail.
func formErrorsOf(p *i18n.Printer, err error, fields ...string) (*fieldErrors, bool) {
	known := map[string]bool{}
	for _, f := range fields {
		known[f] = true
	}
	out := &fieldErrors{ByField: map[string][]string{}}
	add := func(field, msg, general string) {
		if known[field] {
			out.ByField[field] = append(out.ByField[field], msg)
		} else {
			out.General = append(out.General, general)
		}
	}
	var ve *domain.ValidationError
	if errors.As(err, &ve) {
		for _, fe := range ve.Errors {
			add(fe.Field, p.FieldError(fe), p.FieldError(fe))
		}
		return out, true
	}
	switch domain.ErrorKind(err) {
	case domain.KindInvalid, domain.KindConflict:
		var e *domain.Error
		if errors.As(err, &e) && e.Field != "" {
			add(e.Field, p.Err(err), p.Err(err))
		} else {
			out.General = append(out.General, p.Err(err))
		}
		return out, true
	}
	return nil, false
}

// formStatus is the status of a re-shown form: 409 for a conflict (the
// code already exists), 422 for invalid input.
func formStatus(err error) int {
	if domain.ErrorKind(err) == domain.KindConflict {
		return 409
	}
	return 422
}

// badForm turns a form-parsing failure into bad input: a body over the
// limit or a malformed encoding is the client's doing, never a 500.
func badForm(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		if mbe.Limit < 1<<20 {
			return domain.E("web.form", domain.KindInvalid, "web.err.too_large_kib", "max", mbe.Limit>>10).Wrap(err)
		}
		return domain.E("web.form", domain.KindInvalid, "web.err.too_large", "max", mbe.Limit>>20).Wrap(err)
	}
	return domain.E("web.form", domain.KindInvalid, "web.err.bad_form").Wrap(err)
}
