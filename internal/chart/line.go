package chart

import (
	"html/template"
	"strings"
)

// Series is one line of a line chart.
type Series struct {
	Name   string
	Values []float64 // one per X label; missing values end the line early
	Dashed bool      // a target or plan line
}

// LineChart is a line chart over categories (months): progress against
// plan, cumulative publications.
type LineChart struct {
	ID     string
	Title  string
	Desc   string
	X      []string // category labels
	Series []Series
	Max    float64 // top of the Y axis; 0 means the largest value
	Empty  string
}

// SVG renders the chart with four gridlines, a legend, a dot with a title
// per point and the last value of each series written at its end.
func (c LineChart) SVG() template.HTML {
	const plotH, left, right, bottom = 200, 48, 80, 24
	legend := pad + rowHeight
	height := legend + plotH + bottom + pad
	var s svg
	s.open(c.ID, c.Title, c.Desc, height)
	for i, sr := range c.Series {
		x := float64(pad + (i%4)*(width-2*pad)/4)
		dash := ""
		if sr.Dashed {
			dash = ` stroke-dasharray="5 3"`
		}
		s.printf(`<line x1="%s" y1="%d" x2="%s" y2="%d" stroke="%s" stroke-width="2"%s/>`, num(x), pad+10, num(x+14), pad+10, Palette[i%len(Palette)], dash)
		s.text(x+18, float64(pad+10+fontSize/2-1), "start", "#222", sr.Name)
	}
	if len(c.X) == 0 || len(c.Series) == 0 {
		s.text(width/2, float64(legend+plotH/2), "middle", "#555", c.Empty)
		return s.close()
	}
	m := finite(c.Max)
	if m == 0 {
		for _, sr := range c.Series {
			for _, v := range sr.Values {
				m = max(m, finite(v))
			}
		}
	}
	if m == 0 {
		m = 1
	}
	plotW := float64(width - left - right)
	y0 := float64(legend + plotH)
	xAt := func(i int) float64 {
		if len(c.X) == 1 {
			return left + plotW/2
		}
		return left + plotW*float64(i)/float64(len(c.X)-1)
	}
	yAt := func(v float64) float64 { return y0 - min(finite(v)/m, 1)*plotH }
	for g := 0; g <= 4; g++ {
		v := m * float64(g) / 4
		y := yAt(v)
		s.printf(`<line x1="%d" y1="%s" x2="%s" y2="%s" stroke="#ddd"/>`, left, num(y), num(left+plotW), num(y))
		s.text(left-4, y+fontSize/2-1, "end", "#555", FormatValue(v))
	}
	for i, label := range c.X {
		s.text(xAt(i), y0+16, "middle", "#555", label)
	}
	for i, sr := range c.Series {
		colour := Palette[i%len(Palette)]
		n := min(len(sr.Values), len(c.X))
		if n == 0 {
			continue
		}
		pts := make([]string, n)
		for j := range n {
			pts[j] = num(xAt(j)) + "," + num(yAt(sr.Values[j]))
		}
		dash := ""
		if sr.Dashed {
			dash = ` stroke-dasharray="5 3"`
		}
		s.printf(`<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`, strings.Join(pts, " "), colour, dash)
		for j := range n {
			s.printf(`<circle cx="%s" cy="%s" r="3" fill="%s"><title>%s · %s: %s</title></circle>`,
				num(xAt(j)), num(yAt(sr.Values[j])), colour, esc(sr.Name), esc(c.X[j]), FormatValue(finite(sr.Values[j])))
		}
		s.text(xAt(n-1)+6, yAt(sr.Values[n-1])+fontSize/2-1, "start", colour, FormatValue(finite(sr.Values[n-1])))
	}
	return s.close()
}
