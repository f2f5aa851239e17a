package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/browsertest"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/testservers"
	"github.com/coopress/coopress/internal/web"
)

// withPayouts gives a site Stripe's payouts from s.
func withPayouts(s *payment.Stripe) option {
	return withDeps(func(d *web.Deps) { d.Payouts = s })
}

// The payouts page against the real stripe-mock. Its payout is canned (in
// dollars, whatever the month), so the page is checked for its shape and
// for the sums of what ListPayouts returned, not for business values.
func TestFundPayoutsPage(t *testing.T) {
	mock := testservers.StartStripeMock(t)
	stripe, err := payment.NewStripe(payment.StripeConfig{SecretKey: "sk_test_123", APIURL: mock.URL()})
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, dbtest.SQLite(t), withStaff(), withFund(), withPayouts(stripe))
	ctx := context.Background()
	if _, err := h.fund.Record(ctx, fund.Entry{Amount: money.New(2550, "GBP"), Method: fund.Card, ProviderRef: "pi_not_paid_out",
		ReceivedAt: time.Date(2024, 11, 5, 12, 0, 0, 0, time.UTC), RecordedBy: "stripe webhook"}); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2024, 11, 1, 0, 0, 0, 0, h.fund.Location())
	payouts, err := stripe.ListPayouts(ctx, start, start.AddDate(0, 1, 0))
	if err != nil || len(payouts) == 0 || len(payouts[0].Transactions) == 0 {
		t.Fatalf("stripe-mock payouts %+v, %v", payouts, err)
	}
	var gross, fee, net int64
	for _, p := range payouts {
		for _, tx := range p.Transactions {
			gross, fee, net = gross+tx.AmountMinor, fee+tx.FeeMinor, net+tx.NetMinor
		}
	}
	cur := payouts[0].Currency
	res := h.do(t, req{path: "/admin/fund/payouts?month=2024-11", as: treasurer})
	if res.status != http.StatusOK {
		t.Fatalf("treasurer: %d\n%s", res.status, res.body)
	}
	body := unescape(res.body)
	for _, want := range []string{
		"<h1>Stripe payouts, November 2024</h1>", payouts[0].ID, payouts[0].Transactions[0].ID,
		"<dt>Gross</dt><dd>" + money.New(gross, cur).Format() + "</dd>",
		"<dt>Stripe's fees</dt><dd>" + money.New(fee, cur).Format() + "</dd>",
		"<dt>Net, to the bank</dt><dd>" + money.New(net, cur).Format() + "</dd>",
		"<dt>Card gifts of November 2024 in no payout yet</dt><dd>£25.50 (1)</dd>",
		"pi_not_paid_out", "Charges with no gift in the ledger",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if cur != "GBP" && !strings.Contains(body, "Not worked out: Stripe paid out in "+cur+" and the ledger is in GBP") {
		t.Errorf("the page compares %s with pounds", cur)
	}
	if res := h.do(t, req{path: "/admin/fund/payouts", as: account.Writer}); res.status != http.StatusForbidden {
		t.Errorf("writer: %d, want 403", res.status)
	}
	if res := h.do(t, req{path: "/admin/fund/payouts?month=November", as: treasurer}); res.status != http.StatusBadRequest {
		t.Errorf("bad month: %d, want 400", res.status)
	}

	b := browsertest.New(t)
	b.Navigate(h.http.URL + "/signin")
	browsertest.Eval[bool](b, `document.cookie = "coopress_session=`+h.as(t, treasurer)+`; path=/"; true`)
	if vs := b.Axe(h.http.URL + "/admin/fund/payouts?month=2024-11"); len(vs) > 0 {
		t.Errorf("axe-core: %d violations:\n%s", len(vs), browsertest.FormatViolations(vs))
	}
}

// Without Stripe the page says so; with Stripe down it says that instead,
// and neither shows an error's text.
func TestFundPayoutsWithoutStripe(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), withStaff(), withFund())
	if res := h.do(t, req{path: "/admin/fund/payouts", as: treasurer}); res.status != http.StatusOK ||
		!strings.Contains(res.body, "Stripe is not configured on this server") {
		t.Errorf("not configured: %d\n%s", res.status, res.body)
	}
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	down, err := payment.NewStripe(payment.StripeConfig{SecretKey: "sk_test_123", APIURL: gone.URL})
	if err != nil {
		t.Fatal(err)
	}
	h = newHarness(t, dbtest.SQLite(t), withStaff(), withFund(), withPayouts(down))
	res := h.do(t, req{path: "/admin/fund/payouts", as: treasurer})
	if res.status != http.StatusBadGateway || !strings.Contains(res.body, "Stripe did not answer just now") ||
		strings.Contains(res.body, "127.0.0.1") {
		t.Errorf("Stripe down: %d\n%s", res.status, res.body)
	}
}
