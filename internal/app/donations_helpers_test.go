package app

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/donation"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/jobs"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment/paymenttest"
	"github.com/coopress/coopress/internal/web"
)

// The donation rules have their own tests in internal/donation; these
// helpers drive the money path as the server wires it: the web server's
// webhook endpoint, the intake, River and the donation service.

const testWebhookSecret = "whsec_test_coopress"

// moneyPath is the wired money path on one database.
type moneyPath struct {
	d   *db.DB
	url string
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newMoneyPath wires payments as startServices does and serves the
// webhook endpoint.
func newMoneyPath(t testing.TB, d *db.DB) *moneyPath {
	t.Helper()
	ctx := context.Background()
	log := quietLog()
	if err := jobs.Migrate(ctx, d); err != nil {
		t.Fatal(err)
	}
	cfg := &Config{SiteName: "The Daily Co-op", BaseURL: "http://paper.test", StripeWebhookSecret: testWebhookSecret}
	if err := cfg.validateDonations(); err != nil {
		t.Fatal(err)
	}
	jr := newJobRunner()
	p, err := setupPayments(cfg, d, fund.New(d, time.UTC, time.Now), jr, log, nil)
	if err != nil {
		t.Fatal(err)
	}
	stop, err := jr.start(ctx, d, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	srv, err := web.New(web.Deps{Site: web.Site{Name: cfg.SiteName, BaseURL: cfg.BaseURL},
		Articles: article.NewStore(d, time.Now), StripeWebhooks: p.intake, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &moneyPath{d: d, url: hs.URL}
}

// paidSession is checkout.session.completed for a paid donation.
func paidSession(evID, pi string, amount int64, meta map[string]string) []byte {
	return paymenttest.Paid(evID, pi, donation.Purpose, amount, meta)
}

// started stores the checkout each body completes as one coopress
// started, as StartDonation does before sending the donor to pay; only
// such checkouts are credited.
func started(t testing.TB, d *db.DB, bodies ...[]byte) {
	t.Helper()
	for _, b := range bodies {
		id, amount, cur, ok := paymenttest.CheckoutOf(b)
		if !ok {
			continue
		}
		if err := donation.RememberCheckout(context.Background(), d, id, money.New(amount, cur), time.Now().Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
}

// signed returns the Stripe-Signature header for body at ts.
func signed(body []byte, ts time.Time) string { return paymenttest.Sign(body, testWebhookSecret, ts) }

// deliverTo posts body as Stripe would and returns the status.
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

// settled waits until want events are stored and every one is applied.
func settled(t testing.TB, d *db.DB, want int, timeout time.Duration) {
	t.Helper()
	paymenttest.WaitApplied(t, d, want, timeout)
}
