package chart

import (
	"encoding/xml"
	"html/template"
	"io"
	"math"
	"strings"
	"testing"
)

// parse checks that out is well-formed XML with an svg root carrying
// role="img" and aria-labelledby pointing at its title and desc, and returns
// the character data of every element by name plus the attributes of every
// rect.
func parse(t *testing.T, out template.HTML) (texts map[string][]string, rects []map[string]string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(string(out)))
	texts = map[string][]string{}
	var stack []string
	ids := map[string]string{}
	var labelled string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, out)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			attrs := map[string]string{}
			for _, a := range tk.Attr {
				attrs[a.Name.Local] = a.Value
			}
			if len(stack) == 0 {
				if tk.Name.Local != "svg" || attrs["role"] != "img" {
					t.Fatalf("root %s role %q", tk.Name.Local, attrs["role"])
				}
				labelled = attrs["aria-labelledby"]
			}
			if id := attrs["id"]; id != "" {
				ids[id] = tk.Name.Local
			}
			if tk.Name.Local == "rect" {
				rects = append(rects, attrs)
			}
			stack = append(stack, tk.Name.Local)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				name := stack[len(stack)-1]
				texts[name] = append(texts[name], string(tk))
			}
		}
	}
	f := strings.Fields(labelled)
	if len(f) != 2 || ids[f[0]] != "title" || ids[f[1]] != "desc" {
		t.Fatalf("aria-labelledby %q does not name a title and a desc (%v)", labelled, ids)
	}
	return texts, rects
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestBarChart(t *testing.T) {
	c := BarChart{
		ID: "rate", Title: "发现率 <by class>", Desc: "Rates & intervals",
		Bars: []Bar{
			{Label: "A", Value: 0.02, Text: "2.0%", Lo: 0.0055, Hi: 0.07, HasInterval: true},
			{Label: `D "high" <script>`, Value: 0.5, Text: "50.0%", Mark: true},
			{Label: "NaN", Value: math.NaN()},
		},
		Max: 1, Reference: 0.114, HasReference: true, ReferenceLabel: "pooled 11.4%",
	}
	out := c.SVG()
	if strings.Contains(string(out), "<script>") {
		t.Fatal("label not escaped")
	}
	texts, rects := parse(t, out)
	if !contains(texts["title"], "发现率 <by class>") || !contains(texts["desc"], "Rates & intervals") {
		t.Errorf("title/desc: %v %v", texts["title"], texts["desc"])
	}
	for _, want := range []string{"A", `D "high" <script>`, "2.0%", "50.0%", "—", "pooled 11.4%"} {
		if !contains(texts["text"], want) {
			t.Errorf("text %q missing from %q", want, texts["text"])
		}
	}
	if len(rects) != 3 {
		t.Fatalf("%d rects, want 3", len(rects))
	}
	// Max 1 over a 364-unit area: 0.5 → 182, 0.02 → 7.28; NaN → 0.
	for i, want := range []string{"7.3", "182", "0"} {
		if rects[i]["width"] != want {
			t.Errorf("bar %d width %s, want %s", i, rects[i]["width"], want)
		}
	}
	if rects[1]["fill"] != Palette[3] || rects[0]["fill"] != Palette[0] {
		t.Errorf("marked bar fill %s, plain %s", rects[1]["fill"], rects[0]["fill"])
	}
	if !strings.Contains(string(out), `<path d="M180 `) {
		t.Errorf("interval whisker missing: %s", out)
	}
}

func TestBarChartAutoMaxAndEmpty(t *testing.T) {
	_, rects := parse(t, BarChart{ID: "n", Bars: []Bar{{Label: "x", Value: 10}, {Label: "y", Value: 5}}}.SVG())
	if rects[0]["width"] != "364" || rects[1]["width"] != "182" {
		t.Errorf("widths %s %s", rects[0]["width"], rects[1]["width"])
	}
	texts, _ := parse(t, BarChart{ID: "e", Title: "t", Empty: "暂无数据"}.SVG())
	if !contains(texts["text"], "暂无数据") {
		t.Errorf("empty text missing: %v", texts["text"])
	}
}

func TestStackedChart(t *testing.T) {
	c := StackedChart{
		ID: "tasks", Title: "Tasks", Desc: "by state",
		Series: []string{"draft", "filed & published"},
		Rows: []StackedRow{
			{Label: "市场监管局", Values: []float64{3, 1}},
			{Label: "消防", Values: []float64{0, 2}},
		},
	}
	texts, rects := parse(t, c.SVG())
	// 2 legend swatches + 3 non-zero segments.
	if len(rects) != 5 {
		t.Fatalf("%d rects", len(rects))
	}
	// Largest total 4 over 364: 3 → 273, 1 → 91, 2 → 182.
	for i, want := range []string{"273", "91", "182"} {
		if rects[2+i]["width"] != want {
			t.Errorf("segment %d width %s, want %s", i, rects[2+i]["width"], want)
		}
	}
	if !contains(texts["text"], "filed & published") || !contains(texts["text"], "4") || !contains(texts["text"], "2") {
		t.Errorf("texts %q", texts["text"])
	}
	if !contains(texts["desc"], "消防: draft 0, filed & published 2") {
		t.Errorf("row breakdown missing: %q", texts["desc"])
	}
	_, rects = parse(t, StackedChart{ID: "p", Series: []string{"a", "b"}, Percent: true, Rows: []StackedRow{{Label: "x", Values: []float64{1, 3}}}}.SVG())
	if rects[2]["width"] != "91" || rects[3]["width"] != "273" {
		t.Errorf("percent widths %s %s", rects[2]["width"], rects[3]["width"])
	}
}

func TestLineChart(t *testing.T) {
	c := LineChart{
		ID: "progress", Title: "Progress", Desc: "visits done against plan",
		X: []string{"1月", "2月", "3月"},
		Series: []Series{
			{Name: "plan", Values: []float64{10, 20, 30}, Dashed: true},
			{Name: "done", Values: []float64{4, 12}},
		},
	}
	out := c.SVG()
	texts, _ := parse(t, out)
	for _, want := range []string{"1月", "3月", "30", "12", "plan", "done"} {
		if !contains(texts["text"], want) {
			t.Errorf("text %q missing from %q", want, texts["text"])
		}
	}
	if !contains(texts["title"], "done · 2月: 12") {
		t.Errorf("point titles %q", texts["title"])
	}
	if n := strings.Count(string(out), "<circle"); n != 5 {
		t.Errorf("%d points, want 5", n)
	}
	texts, _ = parse(t, LineChart{ID: "e", Empty: "no data"}.SVG())
	if !contains(texts["text"], "no data") {
		t.Error("empty message missing")
	}
}

func TestAttrID(t *testing.T) {
	if got := attrID(`a"b<c> d-1_`); got != "abcd-1_" {
		t.Errorf("attrID = %q", got)
	}
	if attrID("中文") != "chart" {
		t.Error("an id with no safe characters must fall back")
	}
}
