package supporter

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/donation"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/jobs"
	"github.com/coopress/coopress/internal/mail"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/payment/paymenttest"
	"github.com/coopress/coopress/internal/testservers"
	"github.com/riverqueue/river"
)

const testSecret = "whsec_test_supporter"

// moneyPath is the real money path on one database from the webhook
// intake on: the intake stores each signed event and queues its job, River
// works it, and the payment worker hands it to the supporter Service (and
// refunds on to the donation Service, as the application wires them).
type moneyPath struct {
	d    *db.DB
	fund *fund.Service
	svc  *Service
	in   *payment.Intake
	// mailpit receives the outbox's mail when the path was built withMail.
	mailpit *testservers.Mailpit
}

// pathOptions change what newMoneyPath builds.
type pathOptions struct {
	// withMail sends the outbox's mail to a mailpit of the path's own.
	withMail bool
	// provider is the Stripe adapter, nil for none.
	provider Provider
	// workers is River's concurrency (50 by default).
	workers int
	// columnThanks offers supporters thanks in the fund column.
	columnThanks bool
}

// lateOutbox lets the Service be built before the River client that the
// outbox needs: the worker registry must hold the Service's handler first.
type lateOutbox struct{ o *mail.Outbox }

func (l *lateOutbox) EnqueueTx(ctx context.Context, tx *sql.Tx, m mail.Message) (int64, error) {
	return l.o.EnqueueTx(ctx, tx, m)
}

// newMoneyPath starts it all; failed jobs come back after 20 ms so that
// out-of-order tests finish quickly.
func newMoneyPath(t testing.TB, d *db.DB, o pathOptions) *moneyPath {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := jobs.Migrate(ctx, d); err != nil {
		t.Fatal(err)
	}
	m := &moneyPath{d: d, fund: fund.New(d, time.UTC, time.Now)}
	w := jobs.NewWorkers()
	var opts []Option
	late := &lateOutbox{}
	if o.withMail {
		m.mailpit = testservers.StartMailpit(t)
		smtp := mail.SMTPConfig{Host: m.mailpit.SMTPHost(), Port: m.mailpit.SMTPPort(), From: "The Daily Co-op <fund@paper.test>", TLS: mail.TLSNone}
		if err := mail.RegisterWorkers(w, d, smtp, mail.WorkerOptions{Log: log}); err != nil {
			t.Fatal(err)
		}
		opts = append(opts, WithMail(late))
	}
	dn := donation.New(d, m.fund, nil, "The Daily Co-op", "http://paper.test")
	m.svc = New(d, m.fund, o.provider, "The Daily Co-op", "http://paper.test",
		append(opts, WithRefunds(dn), WithColumnThanks(o.columnThanks))...)
	river.AddWorker(w, payment.NewWorker(d, payment.Handlers{donation.Purpose: dn, Purpose: m.svc}, log,
		payment.WorkerOptions{Backoff: func(int) time.Duration { return 20 * time.Millisecond }}))
	c, err := jobs.NewClient(d, log, w, jobs.Options{MaxWorkers: max(o.workers, 50), PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	late.o = mail.NewOutbox(d, c, time.Now)
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
func (m *moneyPath) deliver(t testing.TB, body []byte) {
	t.Helper()
	if _, err := m.in.Receive(context.Background(), body, paymenttest.Sign(body, testSecret, time.Now())); err != nil {
		t.Errorf("deliver: %v", err)
	}
}

// seedPlan stores a plan as CreatePlan would, without the provider.
func seedPlan(t testing.TB, d *db.DB, name string, amount int64, interval string) int64 {
	t.Helper()
	var id int64
	err := d.InTx(context.Background(), func(tx *sql.Tx) error {
		return tx.QueryRowContext(context.Background(), `INSERT INTO supporter_plans (name, amount_minor, min_minor,
			currency, billing_interval, provider_product, provider_price, active, created_at, created_by)
			VALUES ($1, $2, $3, 'GBP', $4, 'prod_test', 'price_test', 1, $5, 'treasurer@paper.test') RETURNING id`,
			name, amount, max(amount, 100), interval, db.UTC(time.Now())).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// seedJoin stores a pending subscription as Join would after the
// provider's checkout, and returns its join reference.
func seedJoin(t testing.TB, d *db.DB, plan int64, amount int64, session, email string) string {
	t.Helper()
	ref := "join_" + session
	_, err := d.ExecContext(context.Background(), `INSERT INTO subscriptions (join_ref, checkout_session, plan_id,
		amount_minor, currency, status, email, name, next_amount_minor, created_at, updated_at)
		VALUES ($1, $2, $3, $4, 'GBP', 'pending', $5, 'Ann Reader', $4, $6, $6)`,
		ref, session, plan, amount, email, db.UTC(time.Now().Add(-time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

// subMeta is the metadata Join puts on a subscription.
func subMeta(join string) map[string]string {
	return map[string]string{"purpose": Purpose, "join": join, "plan": "1"}
}

// checkoutDone is checkout.session.completed for a subscription.
func checkoutDone(evID, session, sub, join string, at time.Time) []byte {
	return paymenttest.Event(evID, "checkout.session.completed", at, map[string]any{
		"id": session, "object": "checkout.session", "mode": "subscription", "payment_status": "paid",
		"subscription": sub, "customer": "cus_" + sub, "amount_total": 500, "currency": "gbp",
		"metadata": subMeta(join)})
}

// invoice builds invoice.paid or invoice.payment_failed as API version
// basil renders it: the subscription and its metadata under parent, the
// payment (when pi is not empty) under payments.
func invoice(typ, evID, in, pi, sub, join string, amount int64, at time.Time) []byte {
	obj := map[string]any{
		"id": in, "object": "invoice", "currency": "gbp", "customer": "cus_" + sub,
		"customer_email": "ann@reader.test", "hosted_invoice_url": "https://invoice.stripe.test/" + in,
		"parent": map[string]any{"type": "subscription_details", "subscription_details": map[string]any{
			"subscription": sub, "metadata": subMeta(join)}},
		"lines": map[string]any{"data": []any{map[string]any{"period": map[string]any{"end": at.AddDate(0, 1, 0).Unix()}}}},
	}
	if typ == "invoice.paid" {
		obj["amount_paid"], obj["status"] = amount, "paid"
	} else {
		obj["amount_due"], obj["amount_paid"], obj["status"] = amount, 0, "open"
		obj["next_payment_attempt"] = at.Add(72 * time.Hour).Unix()
	}
	if pi != "" {
		status := "paid"
		if typ != "invoice.paid" {
			status = "failed"
		}
		obj["payments"] = map[string]any{"data": []any{map[string]any{"status": status,
			"payment": map[string]any{"type": "payment_intent", "payment_intent": pi}}}}
	}
	return paymenttest.Event(evID, typ, at, obj)
}

// subscriptionEvent is customer.subscription.<what> with status; method
// ("card", "bacs_debit") is the expanded default payment method's type.
func subscriptionEvent(what, evID, sub, join, status, method, cancelReason string, amount int64, at time.Time) []byte {
	obj := map[string]any{"id": sub, "object": "subscription", "status": status, "customer": "cus_" + sub,
		"metadata": subMeta(join), "pause_collection": nil,
		"items": map[string]any{"data": []any{map[string]any{"quantity": 1, "current_period_end": at.AddDate(0, 1, 0).Unix(),
			"price": map[string]any{"unit_amount": amount, "currency": "gbp"}}}}}
	if method != "" {
		obj["default_payment_method"] = map[string]any{"id": "pm_" + sub, "type": method}
	}
	if cancelReason != "" {
		obj["cancellation_details"] = map[string]any{"reason": cancelReason}
	}
	return paymenttest.Event(evID, "customer.subscription."+what, at, obj)
}

// ledger counts entries and sums them, by method.
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

// outboxCount counts queued mails of kind.
func outboxCount(t testing.TB, d *db.DB, kind string) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM mail_outbox WHERE kind = $1`, kind).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// statusOfSub reads a subscription's status by join reference.
func statusOfSub(t testing.TB, d *db.DB, join string) (Status, string) {
	t.Helper()
	var st, method string
	err := d.QueryRowContext(context.Background(), `SELECT status, method FROM subscriptions WHERE join_ref = $1`, join).Scan(&st, &method)
	if err != nil {
		t.Fatal(fmt.Errorf("subscription %s: %w", join, err))
	}
	return Status(st), method
}
