package fund_test

import (
	"context"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
)

func TestThanksLine(t *testing.T) {
	tests := []struct {
		name string
		e    fund.Entry
		want string
	}{
		{"town only", gift(20, fund.Card, public("", "Swansea")), "£20 from a Swansea reader"},
		{"vowel town", gift(20, fund.Card, public("", "Oxford")), "£20 from an Oxford reader"},
		{"name and town", gift(5, fund.Cheque, public("J Smith", "Leeds")), "£5 from J Smith, Leeds"},
		{"name only", gift(5, fund.Cheque, public("JS", "")), "£5 from JS"},
		{"neither", gift(5, fund.Cheque, public("", "")), "£5 from a reader"},
		{"message", gift(10, fund.Cash, public("", "Hull"), func(e *fund.Entry) { e.Message = "Keep going!" }),
			`£10 from a Hull reader: "Keep going!"`},
		{"pence", fund.Entry{Amount: money1250p(), Method: fund.Cash, Public: true, DonorTown: "Ely"}, "£12.50 from an Ely reader"},
		{"not public", gift(20, fund.Card, func(e *fund.Entry) { e.DonorTown = "Swansea"; e.DonorName = "Jo" }), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fund.ThanksLine(tt.e); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDailyColumnAndDays(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		loc := london(t)
		day := func(d, h int) time.Time { return time.Date(2024, 11, d, h, 0, 0, 0, loc) }
		gifts := []fund.Entry{
			gift(20, fund.Card, at(day(6, 9)), public("", "Swansea")),
			gift(5, fund.Cheque, at(day(6, 8)), public("J Smith", "Leeds")),
			gift(10, fund.Card, at(day(6, 7))),
			gift(15, fund.DirectDebit, at(day(6, 6))),
			gift(25, fund.StandingOrder, at(day(6, 0)), public("", "Ipswich")),
			gift(40, fund.PostalOrder, at(day(5, 23))), // the day before
			gift(99, fund.Cash, at(day(1, 0))),
		}
		var ids []int64
		for _, g := range gifts {
			e, err := s.Record(ctx, g)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, e.ID)
		}
		// A cash gift on the 6th, then found to be counterfeit.
		bad, _ := s.Record(ctx, gift(50, fund.Cash, at(day(6, 9)), public("Forger", "")))
		if _, err := s.Reverse(ctx, bad.ID, "counterfeit", "t"); err != nil {
			t.Fatal(err)
		}
		col, err := s.DailyColumn(ctx, day(6, 12))
		if err != nil {
			t.Fatal(err)
		}
		if col.Take != gbp(75) || len(col.Groups) != 3 {
			t.Fatalf("column = %+v", col)
		}
		want := "Fighting fund, Wednesday 6 November 2024: £75 today.\n" +
			"Online (£45): £20 from a Swansea reader; and £25 from 2 other readers.\n" +
			"By post (£5): £5 from J Smith, Leeds.\n" +
			"Standing orders and bank transfers (£25): £25 from an Ipswich reader.\n"
		if got := col.Text(); got != want {
			t.Fatalf("column text:\n%s\nwant:\n%s", got, want)
		}
		empty, err := s.DailyColumn(ctx, day(2, 12))
		if err != nil || empty.Take != gbp(0) || empty.Text() != "Fighting fund, Saturday 2 November 2024: £0 today.\nNo gifts today.\n" {
			t.Fatalf("empty day: %+v %q %v", empty, empty.Text(), err)
		}
		days, err := s.Days(ctx, "2024-11")
		if err != nil || len(days) != 30 {
			t.Fatalf("days: %d, %v", len(days), err)
		}
		var sum int64
		for _, d := range days {
			sum += d.Amount.Minor
		}
		tot, _ := s.Totals(ctx, "2024-11")
		if days[0].Amount != gbp(99) || days[4].Amount != gbp(40) || days[5].Amount != gbp(75) || days[5].Gifts != 6 || sum != tot.Raised.Minor {
			t.Fatalf("days 1, 5, 6 = %+v %+v %+v; sum %d, raised %s", days[0], days[4], days[5], sum, tot.Raised)
		}
		// A refund recorded in December for a November gift stays in
		// November's campaign and chart, on its last day.
		c.Set(time.Date(2024, 12, 3, 10, 0, 0, 0, loc))
		if _, err := s.Reverse(ctx, ids[6], "refund requested", "t"); err != nil {
			t.Fatal(err)
		}
		days, _ = s.Days(ctx, "2024-11")
		if days[29].Amount != gbp(-99) {
			t.Fatalf("30 November = %+v, want -£99", days[29])
		}
		if tot, _ := s.Totals(ctx, "2024-11"); tot.Raised != gbp(75+40) {
			t.Fatalf("November raised %s after refund", tot.Raised)
		}
	})
}
