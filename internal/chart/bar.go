package chart

import "html/template"

// Bar is one row of a bar chart.
type Bar struct {
	Label string
	Value float64
	// Text is the value as shown beside the bar ("12.5%", "37 / 40");
	// FormatValue(Value) when empty.
	Text string
	// Lo and Hi, when HasInterval, draw an interval (whisker) over the bar,
	// in the same unit as Value: a 95% confidence interval of a rate.
	Lo, Hi      float64
	HasInterval bool
	// Mark highlights the bar (an outlier, a late department).
	Mark bool
}

// BarChart is a horizontal bar chart: one row per bar, labels on the left,
// values written on the right.
type BarChart struct {
	ID    string // unique on the page; used for the accessible name
	Title string
	Desc  string // a sentence saying what the chart shows
	Bars  []Bar
	// Max is the value of a full-width bar; 0 means the largest value
	// (or interval end). Rates pass 1.
	Max float64
	// Reference, when HasReference, draws a vertical line at that value
	// (the pooled rate, a target), labelled ReferenceLabel.
	Reference      float64
	HasReference   bool
	ReferenceLabel string
	// Empty is the text shown when there are no bars.
	Empty string
}

// SVG renders the chart.
func (c BarChart) SVG() template.HTML {
	var s svg
	rows := max(len(c.Bars), 1)
	top := pad
	if c.HasReference {
		top += rowHeight
	}
	height := top + rows*rowHeight + pad
	s.open(c.ID, c.Title, c.Desc, height)
	if len(c.Bars) == 0 {
		s.text(width/2, float64(top+rowHeight/2+fontSize/2), "middle", "#555", c.Empty)
		return s.close()
	}
	m := finite(c.Max)
	if m == 0 {
		for _, b := range c.Bars {
			m = max(m, finite(b.Value))
			if b.HasInterval {
				m = max(m, finite(b.Hi))
			}
		}
		if c.HasReference {
			m = max(m, finite(c.Reference))
		}
	}
	area := float64(width - labelWidth - valueWidth - 2*pad)
	scale := func(v float64) float64 {
		if m == 0 {
			return 0
		}
		return min(finite(v)/m, 1) * area
	}
	x0 := float64(labelWidth + pad)
	for i, b := range c.Bars {
		y := float64(top + i*rowHeight)
		cy := y + rowHeight/2
		text := b.Text
		if text == "" {
			text = FormatValue(b.Value)
		}
		s.text(float64(labelWidth), cy+fontSize/2-1, "end", "#222", b.Label)
		fill := Palette[0]
		if b.Mark {
			fill = Palette[3]
		}
		s.printf(`<rect x="%s" y="%s" width="%s" height="%d" fill="%s"><title>%s: %s</title></rect>`,
			num(x0), num(cy-barHeight/2), num(scale(b.Value)), barHeight, fill, esc(b.Label), esc(text))
		if b.HasInterval {
			lo, hi := x0+scale(b.Lo), x0+scale(b.Hi)
			s.printf(`<path d="M%s %sV%sM%s %sH%sM%s %sV%s" stroke="#222" stroke-width="1.5" fill="none"/>`,
				num(lo), num(cy-5), num(cy+5), num(lo), num(cy), num(hi), num(hi), num(cy-5), num(cy+5))
		}
		s.text(x0+area+pad, cy+fontSize/2-1, "start", "#222", text)
	}
	if c.HasReference {
		x := x0 + scale(c.Reference)
		s.printf(`<line x1="%s" y1="%d" x2="%s" y2="%d" stroke="%s" stroke-width="1.5" stroke-dasharray="4 3"/>`,
			num(x), top-4, num(x), height-pad, Palette[1])
		s.text(x, float64(top-8), "middle", "#222", c.ReferenceLabel)
	}
	return s.close()
}
