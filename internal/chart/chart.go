// Package chart draws the dashboard's charts as inline SVG on the server:
// no script, no external resource, readable by a screen reader (role="img"
// with a title and a description, every value also written as text) and
// printable. Callers pass labels already translated; everything is escaped.
package chart

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Palette is the fill of series i (mod len): colour-blind safe (Okabe–Ito).
var Palette = []string{"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"}

const (
	width      = 640
	labelWidth = 170 // left column for row labels
	valueWidth = 90  // right column for the value text
	rowHeight  = 26
	barHeight  = 16
	pad        = 8
	fontSize   = 12
)

// svg collects the markup of one chart.
type svg struct{ b strings.Builder }

func (s *svg) printf(format string, args ...any) { fmt.Fprintf(&s.b, format, args...) }

// open writes the root element with its accessible name and description.
func (s *svg) open(id, title, desc string, height int) {
	id = attrID(id)
	s.printf(`<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 %d %d" width="100%%" preserveAspectRatio="xMinYMin meet" aria-labelledby="%s-t %s-d" font-size="%d" font-family="sans-serif">`, width, height, id, id, fontSize)
	s.printf(`<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(title), id, esc(desc))
}

func (s *svg) close() template.HTML {
	s.b.WriteString(`</svg>`)
	// Every text and attribute value written above went through esc, num
	// or attrID.
	return template.HTML(s.b.String())
}

// text writes a text element; anchor is start, middle or end.
func (s *svg) text(x, y float64, anchor, fill, t string) {
	s.printf(`<text x="%s" y="%s" text-anchor="%s" fill="%s">%s</text>`, num(x), num(y), anchor, fill, esc(t))
}

// esc escapes text for XML content and attribute values.
func esc(s string) string { return html.EscapeString(s) }

// num formats a coordinate compactly.
func num(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }

// attrID keeps the characters of an id that are safe in an XML id and a
// URL fragment.
func attrID(id string) string {
	var b strings.Builder
	for _, r := range id {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "chart"
	}
	return b.String()
}

// finite replaces NaN, infinities and negative values by 0: a chart of
// counts and rates has no use for them.
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0
	}
	return v
}

// FormatValue is the default value text: an integer without decimals,
// otherwise one decimal; a dash for a value that is not a number.
func FormatValue(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}
