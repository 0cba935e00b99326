package dashboard

import (
	"math"
	"strconv"
)

// A Chart is a bar chart laid out on the server, to be drawn as inline SVG
// by the "chart" template: no script, no library in the browser. Its
// numbers are also listed in a table beside it, for screen readers and for
// anyone who wants the figures.
type Chart struct {
	// ID makes the SVG's title and description ids unique in a page.
	ID    string
	Title string
	// Desc summarises the chart in a sentence (the SVG's <desc>).
	Desc string
	// Unit names what a bar measures ("requests").
	Unit          string
	Width, Height int
	Bars          []Bar
	// Horizontal is a chart of rows (label left, bar right); else columns
	// with their labels below.
	Horizontal bool
	// Empty is true when there is nothing to draw.
	Empty bool
}

// Bar is one bar of a Chart, with its geometry in SVG user units.
type Bar struct {
	Label string
	Value float64
	// Text is the value as shown ("12", "3.4 ms").
	Text string
	// Class styles the bar (a status class: "s2", "s4"...).
	Class string
	// ShowLabel is false for labels left out so that they do not overlap
	// (every other day of a month, say); the table lists them all.
	ShowLabel  bool
	X, Y, W, H float64
	// LabelX, LabelY place the label; ValueX, ValueY the value.
	LabelX, LabelY, ValueX, ValueY float64
}

// Datum is one input of a chart.
type Datum struct {
	Label string
	Value float64
	Text  string // "" formats Value
	Class string
}

func (d Datum) text() string {
	if d.Text != "" {
		return d.Text
	}
	return strconv.FormatFloat(d.Value, 'f', -1, 64)
}

// Columns lays out a chart of vertical bars, one per datum, left to right
// (requests by day).
func Columns(id, title, desc, unit string, data []Datum) Chart {
	const width, height, top, bottom = 640.0, 220.0, 20.0, 40.0
	c := Chart{ID: id, Title: title, Desc: desc, Unit: unit, Width: width, Height: height, Empty: allZero(data)}
	if len(data) == 0 {
		return c
	}
	maxV := maxValue(data)
	slot := width / float64(len(data))
	gap := math.Min(slot*0.2, 8)
	every := (len(data) + 9) / 10 // at most ten labels
	for i, d := range data {
		h := 0.0
		if maxV > 0 {
			h = (height - top - bottom) * d.Value / maxV
		}
		x := float64(i)*slot + gap/2
		y := height - bottom - h
		c.Bars = append(c.Bars, Bar{Label: d.Label, Value: d.Value, Text: d.text(), Class: d.Class,
			ShowLabel: i%every == 0,
			X:         round(x), Y: round(y), W: round(slot - gap), H: round(h),
			LabelX: round(x + (slot-gap)/2), LabelY: height - bottom + 16,
			ValueX: round(x + (slot-gap)/2), ValueY: round(y - 4)})
	}
	return c
}

// Rows lays out a chart of horizontal bars, one per datum, top to bottom
// (top endpoints, status classes).
func Rows(id, title, desc, unit string, data []Datum) Chart {
	const width, row, labelW, valueW = 640.0, 28.0, 0.0, 180.0
	height := math.Max(row*float64(len(data))+8, row+8)
	c := Chart{ID: id, Title: title, Desc: desc, Unit: unit, Width: width, Height: int(height), Horizontal: true, Empty: allZero(data)}
	maxV := maxValue(data)
	for i, d := range data {
		w := 0.0
		if maxV > 0 {
			w = (width - labelW - valueW) * d.Value / maxV
		}
		y := float64(i)*row + 4
		c.Bars = append(c.Bars, Bar{Label: d.Label, Value: d.Value, Text: d.text(), Class: d.Class,
			ShowLabel: true, X: labelW, Y: y + 14, W: round(w), H: 10,
			LabelX: labelW, LabelY: y + 11,
			ValueX: round(labelW + w + 6), ValueY: y + 23})
	}
	return c
}

func maxValue(data []Datum) float64 {
	m := 0.0
	for _, d := range data {
		m = math.Max(m, d.Value)
	}
	return m
}

func allZero(data []Datum) bool { return maxValue(data) <= 0 }

func round(f float64) float64 { return math.Round(f*10) / 10 }
