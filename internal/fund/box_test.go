package fund_test

import (
	"testing"
	"time"

	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
)

func london(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func gbp(pounds int64) money.Money { return money.Major(pounds, "GBP") }

// TestBoxGolden reproduces the seed page's appeal exactly.
func TestBoxGolden(t *testing.T) {
	loc := london(t)
	now := time.Date(2024, 11, 6, 10, 0, 0, 0, loc)
	b := fund.ComputeBox(gbp(18010), gbp(5047), now, loc)
	if b.RaisedText != "£5,047" || b.StillNeededText != "£12,963" || b.DaysRemaining != 25 {
		t.Fatalf("box reads %s / %s / %d days, want £5,047 / £12,963 / 25", b.RaisedText, b.StillNeededText, b.DaysRemaining)
	}
	if b.Reached || b.TargetText != "£18,010" || b.Month != "2024-11" || b.MonthLabel != "November 2024" || b.Percent != 28 {
		t.Fatalf("box = %+v", b)
	}
}

func TestBoxAmounts(t *testing.T) {
	loc := london(t)
	now := time.Date(2024, 11, 6, 10, 0, 0, 0, loc)
	tests := []struct {
		name           string
		target, raised money.Money
		needed, over   string
		reached        bool
		percent        int
	}{
		{"pence", gbp(18010), money.New(504650, "GBP"), "£12,963.50", "£0", false, 28},
		{"nothing yet", gbp(18010), money.Zero("GBP"), "£18,010", "£0", false, 0},
		{"exactly met", gbp(18010), gbp(18010), "£0", "£0", true, 100},
		{"over", gbp(18010), money.New(1850025, "GBP"), "£0", "£490.25", true, 100},
		{"a penny short", gbp(18010), money.New(1800999, "GBP"), "£0.01", "£0", false, 99},
		{"net negative after a refund", gbp(100), money.New(-2000, "GBP"), "£120", "£0", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := fund.ComputeBox(tt.target, tt.raised, now, loc)
			if b.StillNeededText != tt.needed || b.OverText != tt.over || b.Reached != tt.reached || b.Percent != tt.percent {
				t.Fatalf("needed %s over %s reached %v percent %d; want %s %s %v %d",
					b.StillNeededText, b.OverText, b.Reached, b.Percent, tt.needed, tt.over, tt.reached, tt.percent)
			}
		})
	}
}

// TestBoxDays checks "days remaining, counting today" at month ends, in leap
// years, across both clock changes, and that today is London's date, not
// UTC's.
func TestBoxDays(t *testing.T) {
	loc := london(t)
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	tests := []struct {
		name  string
		now   time.Time
		month string
		days  int
	}{
		{"first of a 30-day month", utc(2024, 11, 1, 9, 0), "2024-11", 30},
		{"6 November", utc(2024, 11, 6, 9, 0), "2024-11", 25},
		{"last day of a 30-day month", utc(2024, 11, 30, 23, 59), "2024-11", 1},
		{"31st", utc(2024, 12, 31, 12, 0), "2024-12", 1},
		{"leap day", utc(2024, 2, 29, 12, 0), "2024-02", 1},
		{"28 Feb in a leap year", utc(2024, 2, 28, 12, 0), "2024-02", 2},
		{"28 Feb in a common year", utc(2023, 2, 28, 12, 0), "2023-02", 1},
		{"1 Feb in a leap year", utc(2024, 2, 1, 0, 0), "2024-02", 29},
		{"clocks go forward, before", utc(2024, 3, 31, 0, 30), "2024-03", 1},
		{"clocks go forward, after", utc(2024, 3, 31, 23, 30), "2024-04", 30},
		{"clocks go back, 1am BST", utc(2024, 10, 27, 0, 30), "2024-10", 5},
		{"clocks go back, 1am GMT", utc(2024, 10, 27, 1, 30), "2024-10", 5},
		{"clocks go back, last hour of October", utc(2024, 10, 31, 23, 30), "2024-10", 1},
		{"BST evening is already tomorrow", utc(2024, 6, 30, 23, 30), "2024-07", 31},
		{"BST: 23:00 UTC on the 5th is the 6th", utc(2024, 7, 5, 23, 0), "2024-07", 26},
		{"GMT: 23:59 UTC on 30 Nov is still the 30th", utc(2024, 11, 30, 23, 59), "2024-11", 1},
		{"new year", utc(2024, 12, 31, 23, 59), "2024-12", 1},
		{"new year, after midnight", utc(2025, 1, 1, 0, 0), "2025-01", 31},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := fund.ComputeBox(gbp(100), gbp(1), tt.now, loc)
			if b.Month != tt.month || b.DaysRemaining != tt.days {
				t.Fatalf("at %s: %s with %d days, want %s with %d", tt.now, b.Month, b.DaysRemaining, tt.month, tt.days)
			}
		})
	}
}

func TestMethodChannel(t *testing.T) {
	want := map[fund.Method]fund.Channel{
		fund.Card: fund.Online, fund.DirectDebit: fund.Online, fund.Supporter: fund.Online,
		fund.Cheque: fund.Post, fund.PostalOrder: fund.Post, fund.Cash: fund.Post,
		fund.StandingOrder: fund.Standing, fund.BankTransfer: fund.Standing,
	}
	if len(want) != len(fund.Methods()) {
		t.Fatalf("channel table covers %d of %d methods", len(want), len(fund.Methods()))
	}
	for m, ch := range want {
		if got := m.Channel(); got != ch || !m.Valid() {
			t.Errorf("%s: channel %s valid %v, want %s", m, got, m.Valid(), ch)
		}
	}
	if fund.Method("paypal").Valid() {
		t.Error("paypal is valid")
	}
}
