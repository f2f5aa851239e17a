package app

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/testservers"
)

// The treasurer's payouts page gets Stripe exactly when a secret key is
// configured, and then reads through COOPRESS_STRIPE_API_URL.
func TestPayoutsWiredWithStripeKey(t *testing.T) {
	d := dbtest.SQLite(t)
	f := fund.New(d, time.UTC, time.Now)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	p, err := setupPayments(&Config{}, d, f, newJobRunner(), log, nil)
	if err != nil || p.payouts != nil {
		t.Fatalf("no key: payouts %v, %v", p.payouts, err)
	}
	mock := testservers.StartStripeMock(t)
	p, err = setupPayments(&Config{StripeSecretKey: "sk_test_123", StripeAPIURL: mock.URL()}, d, f, newJobRunner(), log, nil)
	if err != nil || p.payouts == nil {
		t.Fatalf("with a key: payouts %v, %v", p.payouts, err)
	}
	start := time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC)
	if got, err := p.payouts.ListPayouts(context.Background(), start, start.AddDate(0, 1, 0)); err != nil || len(got) == 0 {
		t.Fatalf("payouts through stripe-mock: %d, %v", len(got), err)
	}
}
