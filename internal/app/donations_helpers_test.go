package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/jobs"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/web"
	"github.com/riverqueue/river"
	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"
)

const testWebhookSecret = "whsec_test_coopress"

// moneyPath is the real money path on one database: the web server's
// webhook endpoint, the intake, River and the donation handler.
type moneyPath struct {
	d    *db.DB
	fund *fund.Service
	url  string
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newMoneyPath starts it all; retries come back after 20 ms so that
// out-of-order tests finish quickly.
func newMoneyPath(t testing.TB, d *db.DB) *moneyPath {
	t.Helper()
	ctx := context.Background()
	log := quietLog()
	if err := jobs.Migrate(ctx, d); err != nil {
		t.Fatal(err)
	}
	f := fund.New(d, time.UTC, time.Now)
	jr := newJobRunner()
	dn := NewDonations(f, nil, "The Daily Co-op", "http://paper.test", log)
	w := payment.NewWorker(d, payment.Handlers{DonationPurpose: dn}, log,
		payment.WorkerOptions{Backoff: func(int) time.Duration { return 20 * time.Millisecond }})
	river.AddWorker(jr.Workers(), w)
	stop, err := jr.start(ctx, d, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	in, err := payment.NewIntake(d, jr, testWebhookSecret, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Deps{Site: web.Site{Name: "The Daily Co-op", BaseURL: "http://paper.test"},
		Articles: article.NewStore(d, time.Now), StripeWebhooks: in, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &moneyPath{d: d, fund: f, url: hs.URL}
}

// event renders a Stripe event as Stripe would send it.
func event(id, typ string, created time.Time, object map[string]any) []byte {
	b, err := json.Marshal(map[string]any{"id": id, "object": "event", "type": typ, "created": created.Unix(),
		"api_version": stripe.APIVersion, "livemode": false, "data": map[string]any{"object": object}})
	if err != nil {
		panic(err)
	}
	return b
}

// paidSession is checkout.session.completed for a paid donation.
func paidSession(evID, pi string, amount int64, meta map[string]string) []byte {
	md := map[string]string{"purpose": DonationPurpose, "public": "no"}
	for k, v := range meta {
		md[k] = v
	}
	return event(evID, "checkout.session.completed", time.Now().Add(-time.Minute), map[string]any{
		"id": "cs_" + pi, "object": "checkout.session", "payment_intent": pi, "payment_status": "paid",
		"amount_total": amount, "currency": "gbp", "metadata": md, "mode": "payment"})
}

// refunded is charge.refunded with the running total refunded.
func refunded(evID, pi string, amount, total int64) []byte {
	return event(evID, "charge.refunded", time.Now(), map[string]any{
		"id": "ch_" + pi, "object": "charge", "payment_intent": pi, "amount": amount,
		"amount_refunded": total, "refunded": total == amount, "currency": "gbp",
		"metadata": map[string]string{"purpose": DonationPurpose}})
}

// disputed is charge.dispute.created; disputes carry no metadata.
func disputed(evID, pi string, amount int64) []byte {
	return event(evID, "charge.dispute.created", time.Now(), map[string]any{
		"id": "dp_" + pi, "object": "dispute", "payment_intent": pi, "charge": "ch_" + pi,
		"amount": amount, "currency": "gbp", "metadata": map[string]string{}})
}

// signed returns the Stripe-Signature header for body at ts.
func signed(body []byte, ts time.Time) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: testWebhookSecret, Timestamp: ts}).Header
}

// deliver posts body as Stripe would and returns the status.
func deliverTo(url string, body []byte, sig string) (int, error) {
	req, err := http.NewRequest(http.MethodPost, url+"/webhooks/stripe", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
	if sig != "" {
		req.Header.Set("Stripe-Signature", sig)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

func (m *moneyPath) deliver(t testing.TB, body []byte) {
	t.Helper()
	st, err := deliverTo(m.url, body, signed(body, time.Now()))
	if err != nil || st != http.StatusOK {
		t.Fatalf("deliver: status %d, %v", st, err)
	}
}

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

// settled waits until every stored event is applied.
func settled(t testing.TB, d *db.DB, want int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var stored, applied int
		err := d.QueryRowContext(context.Background(), `SELECT COUNT(*),
			COALESCE(SUM(CASE WHEN applied_at IS NULL THEN 0 ELSE 1 END), 0) FROM payment_events`).Scan(&stored, &applied)
		if err != nil {
			t.Fatal(err)
		}
		if stored == want && applied == want {
			return
		}
		if time.Now().After(deadline) {
			var last string
			_ = d.QueryRowContext(context.Background(), `SELECT COALESCE(MAX(last_error), '') FROM payment_events WHERE applied_at IS NULL`).Scan(&last)
			t.Fatalf("after %s: %d events stored, %d applied, want %d (last error %q)", timeout, stored, applied, want, last)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func piID(i int) string { return fmt.Sprintf("pi_test_%04d", i) }
