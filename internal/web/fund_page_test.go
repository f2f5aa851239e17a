package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
)

// The /fund page prints each day's column, newest first, as the fund's
// DailyColumn gives it, for the current month and a past one that crosses
// the end of summer time.
func TestFundPageColumns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, withFund())
		ctx := context.Background()
		loc := h.fund.Location()
		at := func(mon time.Month, day, h, m int) time.Time { return time.Date(2024, mon, day, h, m, 0, 0, loc) }
		gifts := []fund.Entry{
			{Amount: money.Major(99, "GBP"), Method: fund.Cash, ReceivedAt: at(11, 1, 0, 0)},
			{Amount: money.Major(40, "GBP"), Method: fund.PostalOrder, ReceivedAt: at(11, 5, 23, 59), Public: true, DonorTown: "Oxford"},
			{Amount: money.Major(25, "GBP"), Method: fund.StandingOrder, ReceivedAt: at(11, 6, 0, 0), Public: true, DonorTown: "Ipswich"},
			{Amount: money.Major(20, "GBP"), Method: fund.Card, ReceivedAt: at(11, 6, 9, 0), Public: true, DonorTown: "Swansea"},
			{Amount: money.Major(5, "GBP"), Method: fund.Cheque, ReceivedAt: at(11, 6, 8, 0), Public: true, PublicName: "J Smith", DonorTown: "Leeds", Message: "Keep going"},
			{Amount: money.Major(10, "GBP"), Method: fund.Card, ReceivedAt: at(11, 6, 7, 0)},
			// Summer time ends on 27 October: both are that day in London.
			{Amount: money.Major(7, "GBP"), Method: fund.Cheque, ReceivedAt: at(10, 27, 0, 30), Public: true, DonorTown: "Hull"},
			{Amount: money.Major(8, "GBP"), Method: fund.Cash, ReceivedAt: at(10, 27, 23, 30)},
			{Amount: money.Major(3, "GBP"), Method: fund.Cash, ReceivedAt: at(10, 31, 23, 59), Public: true, PublicName: "A B"},
		}
		var ids []int64
		for _, g := range gifts {
			g.RecordedBy = "t"
			e, err := h.fund.Record(ctx, g)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, e.ID)
		}
		// A reversed gift counts in its day's take but is not thanked.
		if _, err := h.fund.Reverse(ctx, ids[1], "bounced", "t"); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			path string
			days []time.Time
		}{
			{"/fund", []time.Time{at(11, 6, 12, 0), at(11, 5, 12, 0), at(11, 1, 12, 0)}},
			{"/fund?month=2024-10", []time.Time{at(10, 31, 12, 0), at(10, 27, 12, 0)}},
		} {
			res := h.get(t, c.path)
			if res.status != 200 {
				t.Fatalf("%s: %d", c.path, res.status)
			}
			body := unescape(res.body)
			last := -1
			for _, day := range c.days {
				col, err := h.fund.DailyColumn(ctx, day)
				if err != nil {
					t.Fatal(err)
				}
				head := col.Date.Format("Monday 2 January") + "</time>: " + col.Take.Format() + "</h3>"
				i := strings.Index(body, head)
				if i < 0 || i < last {
					t.Fatalf("%s: the column of %s (%q) is missing or out of order", c.path, day.Format("2 Jan"), head)
				}
				last = i
				for _, g := range col.Groups {
					for _, want := range append([]string{g.Channel.Title() + ": " + g.Total.Format()}, g.Lines...) {
						if !strings.Contains(body[i:], want) {
							t.Errorf("%s: %s lacks %q", c.path, day.Format("2 Jan"), want)
						}
					}
				}
			}
			if n := strings.Count(body, `<section class="fund-column"`); n != len(c.days) {
				t.Errorf("%s: %d columns, want %d", c.path, n, len(c.days))
			}
		}
		// A reversed gift is not thanked.
		runScenarios(t, h, []scenario{{name: "thanks", path: "/fund", status: 200, plain: true,
			want: []string{"Wednesday 6 November</time>: £20</h3>", "£20 from a Swansea reader",
				`£5 from J Smith, Leeds: "Keep going"`, "and £10 from 1 other reader", "Tuesday 5 November</time>: £40</h3>"},
			notWant: []string{"Oxford"}}})
	})
}
