// Package i18n holds the zh-CN (default) and English catalogues and the
// Printer that translates message keys and application errors. A Printer is
// chosen per request and passed in the page data, never bound into shared
// template functions, so one request never renders in another's language.
//
// Catalogues are flat JSON objects with dotted keys, split into several
// files per language under catalog/<lang>/ (one file per area of the
// product); the files of one language are merged, and a key may appear in
// only one of them.
package i18n

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/language"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

//go:embed catalog
var catalogFS embed.FS

// Lang is a supported interface language.
type Lang string

// The supported languages; Chinese is the default.
const (
	ZH Lang = "zh-CN"
	EN Lang = "en"
)

// Langs lists the supported languages, default first.
var Langs = []Lang{ZH, EN}

var (
	catalogs = map[Lang]map[string]string{}
	matcher  = language.NewMatcher([]language.Tag{language.SimplifiedChinese, language.English})
)

func init() {
	for _, l := range Langs {
		c, err := load(catalogFS, string(l))
		if err != nil {
			panic(err)
		}
		catalogs[l] = c
	}
}

func load(fsys fs.FS, lang string) (map[string]string, error) {
	dir := path.Join("catalog", lang)
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("i18n: %w", err)
	}
	out := map[string]string{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("i18n: %s/%s: %w", lang, e.Name(), err)
		}
		for k, v := range m {
			if _, dup := out[k]; dup {
				return nil, fmt.Errorf("i18n: %s: key %q defined twice", lang, k)
			}
			out[k] = v
		}
	}
	return out, nil
}

// Keys returns the sorted keys of a language's catalogue.
func Keys(l Lang) []string {
	keys := make([]string, 0, len(catalogs[l]))
	for k := range catalogs[l] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Match picks the language for a request: an explicit choice (cookie or
// query parameter) if supported, else the best match of Accept-Language,
// else Chinese.
func Match(choice, acceptLanguage string) Lang {
	for _, l := range Langs {
		if choice == string(l) {
			return l
		}
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return ZH
	}
	_, idx, conf := matcher.Match(tags...)
	if conf == language.No {
		return ZH
	}
	return Langs[idx]
}

// Printer translates keys into one language.
type Printer struct {
	lang Lang
	cat  map[string]string
}

// For returns the Printer of language l (Chinese for an unknown one).
func For(l Lang) *Printer {
	c, ok := catalogs[l]
	if !ok {
		l, c = ZH, catalogs[ZH]
	}
	return &Printer{lang: l, cat: c}
}

// Lang is the printer's language.
func (p *Printer) Lang() Lang { return p.lang }

// T translates key. Arguments are alternating name/value pairs that replace
// {name} in the message. A missing key is returned as is, so it shows up.
func (p *Printer) T(key string, args ...any) string {
	if len(args) == 0 {
		return p.format(key, nil) // most calls: no map to build
	}
	m := make(map[string]any, len(args)/2)
	for i := 0; i+1 < len(args); i += 2 {
		if name, ok := args[i].(string); ok {
			m[name] = args[i+1]
		}
	}
	return p.format(key, m)
}

func (p *Printer) format(key string, args map[string]any) string {
	msg, ok := p.cat[key]
	if !ok {
		return key
	}
	if len(args) == 0 || !strings.Contains(msg, "{") {
		return msg
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(msg, '{')
		if i < 0 {
			b.WriteString(msg)
			break
		}
		j := strings.IndexByte(msg[i:], '}')
		if j < 0 {
			b.WriteString(msg)
			break
		}
		name := msg[i+1 : i+j]
		b.WriteString(msg[:i])
		if v, ok := args[name]; ok {
			// A value that names its own message (a state, a kind) is
			// shown translated.
			if k, ok := v.(interface{ MsgKey() string }); ok {
				v = p.format(k.MsgKey(), nil)
			}
			p.writeArg(&b, v)
		} else {
			b.WriteString(msg[i : i+j+1])
		}
		msg = msg[i+j+1:]
	}
	return b.String()
}

// writeArg writes one message argument; a list of row numbers is joined
// with the language's list separator ("7、10" or "7, 10").
func (p *Printer) writeArg(b *strings.Builder, v any) {
	rows, ok := v.([]int)
	if !ok {
		fmt.Fprint(b, v)
		return
	}
	for i, n := range rows {
		if i > 0 {
			b.WriteString(p.cat["list.separator"])
		}
		b.WriteString(strconv.Itoa(n))
	}
}

// Field translates a field name ("code", "cert_expiry") to its label.
func (p *Printer) Field(name string) string { return p.T("field." + name) }

// FieldError renders one field error as "label: reason".
func (p *Printer) FieldError(fe domain.FieldError) string {
	return p.Field(fe.Field) + ": " + p.format(fe.Key, fe.Args)
}

// Err renders any error for a user. Application errors are translated by
// their key; anything else is an internal error whose details stay in the
// log.
func (p *Printer) Err(err error) string {
	var ve *domain.ValidationError
	if errors.As(err, &ve) {
		parts := make([]string, 0, len(ve.Errors))
		for _, fe := range ve.Errors {
			s := p.FieldError(fe)
			if fe.Row > 0 {
				s = p.T("import.row", "row", fe.Row) + " " + s
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, "; ")
	}
	var e *domain.Error
	if errors.As(err, &e) && e.Kind != domain.KindInternal {
		msg := p.format(e.Key, e.Args)
		if e.Field != "" {
			msg = p.Field(e.Field) + ": " + msg
		}
		return msg
	}
	return p.T("err.internal")
}
