package importx

import (
	"cmp"
	"slices"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// repeats finds keys (credit codes, inspector keys) that occur on more than
// one row of a file. Each repeat row is reported as it is read; once the file
// is read, the first row of each repeated key is reported too, naming the
// rows that repeat it, so that a clerk reading the error table finds every
// row involved.
type repeats struct {
	first map[string]int
	field map[string]string // field and value to report on the first row
	value map[string]string
	later map[string][]int
	order []string // repeated keys in the order first repeated
}

func newRepeats() *repeats {
	return &repeats{first: map[string]int{}, field: map[string]string{}, value: map[string]string{}, later: map[string][]int{}}
}

// see records key on row, reported as field=value, and returns the first
// row that had it when this row repeats it.
func (r *repeats) see(key string, row int, field, value string) (first int, dup bool) {
	if f, ok := r.first[key]; ok {
		if len(r.later[key]) == 0 {
			r.order = append(r.order, key)
		}
		r.later[key] = append(r.later[key], row)
		return f, true
	}
	r.first[key], r.field[key], r.value[key] = row, field, value
	return 0, false
}

// report adds the first-row errors (message key msg, argument "rows") to ve
// and orders all errors by row, keeping each row's own order.
func (r *repeats) report(ve *domain.ValidationError, msg string) {
	for _, k := range r.order {
		ve.Add(domain.FieldError{Row: r.first[k], Field: r.field[k], Value: r.value[k], Key: msg, Args: map[string]any{"rows": r.later[k]}})
	}
	slices.SortStableFunc(ve.Errors, func(a, b domain.FieldError) int { return cmp.Compare(a.Row, b.Row) })
}
