package supporter_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/supporter"
)

// soClock is a settable time for the standing-order tests.
type soClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *soClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *soClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// soLondon is the publication's zone in these tests.
func soLondon(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// soNow is when the tests' clocks start: 20 November 2024, 10:00 in London.
func soNow(t testing.TB) time.Time { return time.Date(2024, 11, 20, 10, 0, 0, 0, soLondon(t)) }

// soSetup makes the standing-order service and the fund it records in on
// d, with a clock at soNow.
func soSetup(t testing.TB, d *db.DB) (*supporter.StandingOrders, *fund.Service, *soClock) {
	t.Helper()
	loc := soLondon(t)
	c := &soClock{t: soNow(t)}
	f := fund.New(d, loc, c.Now, fund.WithDefaultTarget(money.Major(18000, "GBP")))
	return supporter.NewStandingOrders(d, f, loc, c.Now), f, c
}

// soAdd records a standing order or fails the test.
func soAdd(t testing.TB, s *supporter.StandingOrders, name, amount, ref string) supporter.StandingOrder {
	t.Helper()
	o, err := s.AddStandingOrder(context.Background(), supporter.OrderInput{Name: name, Amount: amount,
		Frequency: "monthly", Reference: ref, StartedOn: "2024-01-01"}, "treasurer@example.org")
	if err != nil {
		t.Fatalf("add %s: %v", name, err)
	}
	return o
}

// soParse parses a statement as uploaded at soNow.
func soParse(t testing.TB, file string) (supporter.Statement, error) {
	t.Helper()
	return supporter.ParseStatement(strings.NewReader(file), "GBP", soLondon(t), soNow(t))
}

// soMustParse parses a statement that must be readable.
func soMustParse(t testing.TB, file string) supporter.Statement {
	t.Helper()
	st, err := soParse(t, file)
	if err != nil {
		t.Fatalf("parse statement: %v", err)
	}
	return st
}

// soRaised is the November 2024 campaign's total, in pence.
func soRaised(t testing.TB, f *fund.Service) int64 {
	t.Helper()
	c, err := f.Campaign(context.Background(), "2024-11")
	if err != nil {
		t.Fatalf("campaign: %v", err)
	}
	return c.Raised.Minor
}

// soCount counts a table's rows.
func soCount(t testing.TB, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}
