package chart

import (
	"html/template"
	"strings"
)

// StackedRow is one bar of a stacked chart: one value per series.
type StackedRow struct {
	Label  string
	Values []float64
}

// StackedChart is a horizontal stacked bar chart with a legend: tasks by
// state per department, visits by result per industry.
type StackedChart struct {
	ID     string
	Title  string
	Desc   string
	Series []string // legend names, one per value of each row
	Rows   []StackedRow
	// Percent scales every row to full width (shares); otherwise rows are
	// scaled to the largest total.
	Percent bool
	Empty   string
}

// SVG renders the chart. Each row's text gives the total and each segment
// carries its own title with series name and value.
func (c StackedChart) SVG() template.HTML {
	var s svg
	legendRows := (len(c.Series) + 3) / 4
	top := pad + legendRows*rowHeight
	rows := max(len(c.Rows), 1)
	height := top + rows*rowHeight + pad
	s.open(c.ID, c.Title, c.Desc, height)
	for i, name := range c.Series {
		x := float64(pad + (i%4)*(width-2*pad)/4)
		y := float64(pad + (i/4)*rowHeight)
		s.printf(`<rect x="%s" y="%s" width="12" height="12" fill="%s"/>`, num(x), num(y+4), Palette[i%len(Palette)])
		s.text(x+16, y+4+fontSize-1, "start", "#222", name)
	}
	if len(c.Rows) == 0 {
		s.text(width/2, float64(top+rowHeight/2+fontSize/2), "middle", "#555", c.Empty)
		return s.close()
	}
	maxTotal := 0.0
	for _, r := range c.Rows {
		maxTotal = max(maxTotal, total(r.Values))
	}
	area := float64(width - labelWidth - valueWidth - 2*pad)
	x0 := float64(labelWidth + pad)
	for i, r := range c.Rows {
		y := float64(top + i*rowHeight)
		cy := y + rowHeight/2
		sum := total(r.Values)
		den := maxTotal
		if c.Percent {
			den = sum
		}
		s.text(float64(labelWidth), cy+fontSize/2-1, "end", "#222", r.Label)
		x := x0
		parts := make([]string, 0, len(r.Values))
		for j, v := range r.Values {
			v = finite(v)
			name := ""
			if j < len(c.Series) {
				name = c.Series[j]
			}
			parts = append(parts, name+" "+FormatValue(v))
			if v == 0 || den == 0 {
				continue
			}
			w := v / den * area
			s.printf(`<rect x="%s" y="%s" width="%s" height="%d" fill="%s"><title>%s · %s: %s</title></rect>`,
				num(x), num(cy-barHeight/2), num(w), barHeight, Palette[j%len(Palette)], esc(r.Label), esc(name), FormatValue(v))
			x += w
		}
		s.text(x0+area+pad, cy+fontSize/2-1, "start", "#222", FormatValue(sum))
		// The breakdown as text for readers who cannot see colours.
		s.printf(`<desc>%s: %s</desc>`, esc(r.Label), esc(strings.Join(parts, ", ")))
	}
	return s.close()
}

func total(vs []float64) float64 {
	t := 0.0
	for _, v := range vs {
		t += finite(v)
	}
	return t
}
