package donation

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/jobs"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/payment/paymenttest"
	"github.com/riverqueue/river"
)

const testSecret = "whsec_test_donation"

// moneyPath is the real money path on one database from the webhook
// intake on: the intake stores each signed event and queues its job, River
// works it, and the payment worker hands it to the donation Service.
type moneyPath struct {
	d    *db.DB
	fund *fund.Service
	svc  *Service
	in   *payment.Intake
	// receipts counts the receipts the fund queued.
	receipts atomic.Int64
}

// newMoneyPath starts it all; retries come back after 20 ms so that
// out-of-order tests finish quickly.
func newMoneyPath(t testing.TB, d *db.DB) *moneyPath {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := jobs.Migrate(ctx, d); err != nil {
		t.Fatal(err)
	}
	m := &moneyPath{d: d}
	m.fund = fund.New(d, time.UTC, time.Now, fund.WithReceipts(func(context.Context, *sql.Tx, fund.Entry) error {
		m.receipts.Add(1)
		return nil
	}))
	m.svc = New(d, m.fund, nil, "The Daily Co-op", "http://paper.test")
	w := jobs.NewWorkers()
	river.AddWorker(w, payment.NewWorker(d, payment.Handlers{Purpose: m.svc}, log,
		payment.WorkerOptions{Backoff: func(int) time.Duration { return 20 * time.Millisecond }}))
	c, err := jobs.NewClient(d, log, w, jobs.Options{MaxWorkers: 50, PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = c.Stop(sctx)
	})
	if m.in, err = payment.NewIntake(d, c, testSecret, nil); err != nil {
		t.Fatal(err)
	}
	return m
}

// deliver hands body to the intake as the webhook endpoint would, signed.
// A checkout it completes is first stored as one coopress started, as
// StartDonation stores it, for the amount it was paid; deliverForeign
// leaves that out.
func (m *moneyPath) deliver(t testing.TB, body []byte) {
	t.Helper()
	m.started(t, body)
	m.deliverForeign(t, body)
}

// started stores the checkout body completes, if any, as one coopress
// started an hour ago.
func (m *moneyPath) started(t testing.TB, body []byte) {
	t.Helper()
	if id, amount, cur, ok := paymenttest.CheckoutOf(body); ok {
		if err := RememberCheckout(context.Background(), m.d, id, money.New(amount, cur), time.Now().Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
}

// deliverForeign hands body to the intake, signed, with no checkout
// stored for it.
func (m *moneyPath) deliverForeign(t testing.TB, body []byte) {
	t.Helper()
	if _, err := m.in.Receive(context.Background(), body, paymenttest.Sign(body, testSecret, time.Now())); err != nil {
		t.Fatalf("deliver: %v", err)
	}
}

// paid, refunded and disputed are the events of a donation's checkout.
func paid(evID, pi string, amount int64, meta map[string]string) []byte {
	return paymenttest.Paid(evID, pi, Purpose, amount, meta)
}

func refunded(evID, pi string, amount, total int64) []byte {
	return paymenttest.Refunded(evID, pi, Purpose, amount, total)
}

func disputed(evID, pi string, amount int64) []byte { return paymenttest.Disputed(evID, pi, amount) }

// ledger counts entries and sums them.
func ledger(t testing.TB, d *db.DB) (gifts, reversals int, total int64) {
	t.Helper()
	err := d.QueryRowContext(context.Background(), `SELECT
		COALESCE(SUM(CASE WHEN reversal_of IS NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN reversal_of IS NULL THEN 0 ELSE 1 END), 0),
		COALESCE(SUM(amount_minor), 0) FROM ledger_entries`).Scan(&gifts, &reversals, &total)
	if err != nil {
		t.Fatal(err)
	}
	return gifts, reversals, total
}
