package web

import (
	"strconv"
	"time"

	"github.com/coopress/coopress/internal/supporter"
)

// barChart is a grouped bar chart laid out on the server, for a template
// to draw as inline SVG: no script, no stylesheet rule (the CSP allows
// neither inline), so colours are SVG presentation attributes. It is a
// picture of figures the page also gives as a table, which is what a
// screen reader user is pointed to.
type barChart struct {
	// Width and Height are the viewBox; the SVG scales to its container.
	Width, Height int
	// Series name each kind of bar, in the order bars stand in a group.
	Series []chartSeries
	// Groups are the categories along the bottom, left to right.
	Groups []chartGroup
	// Ticks are the horizontal grid lines and their values.
	Ticks []chartTick
	// Left, Right, Top and Bottom bound the plotting area.
	Left, Right, Top, Bottom int
}

// chartSeries is one kind of bar and its legend entry.
type chartSeries struct {
	Name, Fill string
	// LegendX is where its key stands in the legend above the plot, and
	// LegendTextX where its name starts.
	LegendX, LegendTextX int
}

// chartGroup is one category: its bars and label.
type chartGroup struct {
	Label string
	// Sub is a second line under the label (the year under January).
	Sub                  string
	LabelX, LabelY, SubY int
	Bars                 []chartBar
}

// chartBar is one bar: its rectangle and what it stands for.
type chartBar struct {
	X, Y, W, H int
	Value      int
	Fill       string
	// Title is the bar's tooltip, "November 2026: 5 new".
	Title string
}

// chartTick is one grid line.
type chartTick struct {
	// The line runs from X1 to X2 at Y; its label ends at LabelX.
	X1, X2, Y      int
	LabelX, LabelY int
	Label          string
}

// The colours of the joining chart: both have a contrast of at least
// 4.5:1 on white, above the 3:1 WCAG asks of graphics.
const (
	chartNewFill   = "#1d4f91"
	chartEndedFill = "#a44a00"
)

// joiningChart lays out new and ended supporters per month.
func joiningChart(months []supporter.MonthCount) barChart {
	c := barChart{Width: 640, Height: 260, Left: 44, Right: 630, Top: 36, Bottom: 216}
	c.Series = []chartSeries{
		{Name: "New", Fill: chartNewFill, LegendX: c.Left, LegendTextX: c.Left + 20},
		{Name: "Ended", Fill: chartEndedFill, LegendX: c.Left + 90, LegendTextX: c.Left + 110},
	}
	top := 0
	for _, m := range months {
		top = max(top, m.New, m.Ended)
	}
	step, ceiling := chartScale(top)
	span := c.Bottom - c.Top
	for v := 0; v <= ceiling; v += step {
		y := c.Bottom - v*span/ceiling
		c.Ticks = append(c.Ticks, chartTick{X1: c.Left, X2: c.Right, Y: y, LabelX: c.Left - 6, LabelY: y + 4, Label: strconv.Itoa(v)})
	}
	if len(months) == 0 {
		return c
	}
	slot := (c.Right - c.Left) / len(months)
	bar := max(slot*3/8, 2)
	for i, m := range months {
		x := c.Left + i*slot
		g := chartGroup{Label: m.Month, LabelX: x + slot/2, LabelY: c.Bottom + 18, SubY: c.Bottom + 34}
		if t, err := time.Parse("2006-01", m.Month); err == nil {
			g.Label = t.Format("Jan")
			if i == 0 || t.Month() == time.January {
				g.Sub = t.Format("2006")
			}
			m.Month = t.Format("January 2006")
		}
		for j, v := range []int{m.New, m.Ended} {
			h := v * span / ceiling
			g.Bars = append(g.Bars, chartBar{
				X: x + slot/8 + j*bar, Y: c.Bottom - h, W: bar, H: h, Value: v,
				Fill: c.Series[j].Fill, Title: m.Month + ": " + strconv.Itoa(v) + " " + lower(c.Series[j].Name),
			})
		}
		c.Groups = append(c.Groups, g)
	}
	return c
}

// chartScale picks a grid step of 1, 2 or 5 times a power of ten giving
// at most five steps, and the top of the scale, a multiple of the step at
// or above top (at least one step, so an empty chart still has an axis).
func chartScale(top int) (step, ceiling int) {
	step = 1
	for p := 1; ; p *= 10 {
		found := false
		for _, f := range []int{1, 2, 5} {
			if top <= 5*f*p {
				step, found = f*p, true
				break
			}
		}
		if found {
			break
		}
	}
	ceiling = max((top+step-1)/step*step, step)
	return step, ceiling
}

// lower is s with an ASCII first letter made small, for a series name
// inside a sentence.
func lower(s string) string {
	if s != "" && s[0] >= 'A' && s[0] <= 'Z' {
		return string(s[0]+'a'-'A') + s[1:]
	}
	return s
}
