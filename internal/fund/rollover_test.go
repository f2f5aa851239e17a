package fund_test

import (
	"context"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
)

func TestRolloverOpensThisAndNextMonthWithTheLastTarget(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		london, _ := time.LoadLocation("Europe/London")
		// 23:30 UTC on 31 March 2024 is already 1 April in London (BST).
		now := time.Date(2024, 3, 31, 23, 30, 0, 0, time.UTC)
		svc := fund.New(d, london, func() time.Time { return now })
		if _, err := svc.SetTarget(ctx, "2024-03", money.Major(15000, "GBP"), "test"); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ { // idempotent
			if err := svc.Rollover(ctx); err != nil {
				t.Fatal(err)
			}
		}
		for _, m := range []string{"2024-04", "2024-05"} {
			c, err := svc.Campaign(ctx, m)
			if err != nil {
				t.Fatalf("campaign %s: %v", m, err)
			}
			if c.Target.Minor != 1_500_000 {
				t.Errorf("%s target %s, want £15,000 carried over", m, c.Target.Format())
			}
		}
		camps, err := svc.Campaigns(ctx)
		if err != nil || len(camps) != 3 {
			t.Fatalf("campaigns %d, %v", len(camps), err)
		}
	})
}
