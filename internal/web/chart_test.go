package web_test

import (
	"context"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/supporter"
	"github.com/coopress/coopress/internal/web"
)

// svgRect is a bar of the chart as the browser would read it.
type svgRect struct {
	Y      int    `xml:"y,attr"`
	Height int    `xml:"height,attr"`
	Fill   string `xml:"fill,attr"`
	Title  string `xml:"title"`
}

// svgChart is the inline SVG of the joining chart.
type svgChart struct {
	Role  string    `xml:"role,attr"`
	Title string    `xml:"title"`
	Rects []svgRect `xml:"rect"`
	Texts []string  `xml:"text"`
}

// TestJoiningChart draws standing orders that started and ended as bars
// whose heights are in proportion to the counts the table gives, with an
// accessible name, and the table beside it.
func TestJoiningChart(t *testing.T) {
	d := dbtest.SQLite(t)
	now := time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	orders := supporter.NewStandingOrders(d, fund.New(d, time.UTC, clock), time.UTC, clock)
	ctx := context.Background()
	var ids []int64
	for i, started := range []string{"2026-05-02", "2026-05-20", "2026-06-01"} {
		o, err := orders.AddStandingOrder(ctx, supporter.OrderInput{Name: "Reader " + strconv.Itoa(i), Amount: "5",
			Frequency: "monthly", Reference: "COOP-ORDER-" + strconv.Itoa(i), StartedOn: started}, "treasurer@example.org")
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, o.ID)
	}
	if _, err := orders.LapseStandingOrder(ctx, ids[0], "treasurer@example.org"); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, d, withStaff(), withFund(), withDeps(func(deps *web.Deps) { deps.StandingOrders = orders }))
	res := h.do(t, req{path: "/admin/supporters", as: treasurer})
	if res.status != http.StatusOK {
		t.Fatalf("page: %d\n%s", res.status, res.body)
	}
	start, end := strings.Index(res.body, "<svg"), strings.Index(res.body, "</svg>")
	if start < 0 || end < start {
		t.Fatalf("no chart on the page:\n%s", res.body)
	}
	var c svgChart
	if err := xml.Unmarshal([]byte(res.body[start:end+len("</svg>")]), &c); err != nil {
		t.Fatalf("the chart is not well-formed SVG: %v", err)
	}
	if c.Role != "img" || c.Title == "" {
		t.Fatalf("the chart has role %q and title %q; a screen reader needs both", c.Role, c.Title)
	}
	bars := map[string]svgRect{}
	for _, r := range c.Rects {
		if r.Title != "" {
			bars[r.Title] = r
		}
	}
	if len(bars) != 24 {
		t.Fatalf("%d bars, want two for each of twelve months: %v", len(bars), bars)
	}
	full := bars["May 2026: 2 new"]
	for title, want := range map[string]int{"May 2026: 2 new": 2, "June 2026: 1 new": 1, "June 2026: 1 ended": 1,
		"May 2026: 0 ended": 0, "July 2025: 0 new": 0} {
		b, ok := bars[title]
		if !ok {
			t.Fatalf("no bar %q among %v", title, bars)
		}
		if b.Height*2 != full.Height*want || b.Y+b.Height != full.Y+full.Height {
			t.Errorf("bar %q: height %d from %d; the bar of 2 is %d high", title, b.Height, b.Y, full.Height)
		}
	}
	if bars["May 2026: 2 new"].Fill == bars["June 2026: 1 ended"].Fill {
		t.Error("new and ended bars share a colour")
	}
	for _, want := range []string{"New", "Ended", "Jun", "2026", "2025"} {
		if !contains(c.Texts, want) {
			t.Errorf("the chart's text lacks %q: %q", want, c.Texts)
		}
	}
	for _, want := range []string{"standing orders included</caption>", `<th scope="row">2026-05</th><td>2</td><td>0</td>`,
		`<th scope="row">2026-06</th><td>1</td><td>1</td>`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the table lacks %q", want)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
