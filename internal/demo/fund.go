package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
)

// SeedTarget is the fighting fund's target in the seed's month.
var SeedTarget = money.Major(18010, "GBP")

var donors = []struct{ name, town string }{
	{"J Smith", "Leeds"}, {"", "Swansea"}, {"R and M Patel", "Leicester"}, {"", "Glasgow"}, {"A Wood", "Hebden Bridge"},
	{"", "Cardiff"}, {"T O'Neill", "Derry"}, {"", "Sheffield"}, {"K Adeyemi", "London"}, {"", "Norwich"},
}

var giftMethods = []fund.Method{fund.Card, fund.Card, fund.Cheque, fund.StandingOrder,
	fund.PostalOrder, fund.BankTransfer, fund.Card, fund.Cash}

// LoadFund gives the demo a fighting fund: November 2024 as the seed page
// printed it (£5,047 raised towards £18,010 by the 6th) and the current
// month with gifts on each day so far. It does nothing when the ledger
// already has entries.
func LoadFund(ctx context.Context, svc *fund.Service, now time.Time) error {
	n, err := svc.Entries(ctx, "2024-11")
	if err != nil {
		return err
	}
	if len(n) > 0 {
		return nil
	}
	if _, err := svc.SetTarget(ctx, "2024-11", SeedTarget, "demo"); err != nil {
		return fmt.Errorf("demo: fund target: %w", err)
	}
	// £5,047 over the first six days of November 2024.
	seed := []int64{1210, 835, 960, 742, 650, 650}
	for i, pounds := range seed {
		at := time.Date(2024, 11, 1+i, 10, 0, 0, 0, time.UTC)
		if err := gift(ctx, svc, money.Major(pounds, "GBP"), at, i); err != nil {
			return err
		}
	}
	month := svc.MonthOf(now)
	if _, err := svc.SetTarget(ctx, month, SeedTarget, "demo"); err != nil {
		return fmt.Errorf("demo: fund target: %w", err)
	}
	start, err := fund.ParseMonth(month, svc.Location())
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(uint64(start.Unix()), 11))
	for day := start; day.Before(now); day = day.AddDate(0, 0, 1) {
		for k := 0; k < 2+rng.IntN(4); k++ {
			at := day.Add(time.Duration(9+k) * time.Hour)
			if at.After(now) {
				break
			}
			amount := money.Major(int64(5+rng.IntN(20)*5), "GBP")
			if err := gift(ctx, svc, amount, at, rng.IntN(len(donors))); err != nil {
				return err
			}
		}
	}
	return nil
}

func gift(ctx context.Context, svc *fund.Service, amount money.Money, at time.Time, i int) error {
	d := donors[i%len(donors)]
	_, err := svc.Record(ctx, fund.Entry{
		Amount: amount, Method: giftMethods[i%len(giftMethods)], DonorName: d.name, DonorTown: d.town,
		Public: i%3 != 2, PublicName: d.name, ReceivedAt: at, RecordedBy: "demo",
	})
	if err != nil {
		return fmt.Errorf("demo: gift: %w", err)
	}
	return nil
}
