package donation

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/payment/paymenttest"
	"github.com/coopress/coopress/internal/testservers"
)

// checkoutEvent is a paid checkout.session.completed for session, dated
// created, whatever its metadata says.
func checkoutEvent(evID, session, pi string, amount int64, created time.Time) []byte {
	return paymenttest.Event(evID, "checkout.session.completed", created, map[string]any{
		"id": session, "payment_intent": pi, "payment_status": "paid", "amount_total": amount,
		"currency": "gbp", "metadata": map[string]string{"purpose": Purpose, "public": "no"}})
}

// TestOnlyOwnCheckoutsInRangeAreCredited: the webhook edge cases of the
// finding, each signed with the real secret. A checkout coopress did not
// start, one paid a different amount than it was started for, one above
// the online maximum, and an event from 2001 are all held for the
// treasurer, once each however often Stripe sends them; nothing is
// credited and no 2001 campaign is opened. Before, each was credited.
func TestOnlyOwnCheckoutsInRangeAreCredited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		m := newMoneyPath(t, d)
		now := time.Now()
		own := func(session string, amount int64, at time.Time) {
			t.Helper()
			if err := RememberCheckout(ctx, d, session, money.New(amount, "GBP"), at); err != nil {
				t.Fatal(err)
			}
		}
		own("cs_swapped", 2000, now.Add(-time.Hour))
		own("cs_huge", 2000000, now.Add(-time.Hour)) // stored by mistake or by hand: still over the limit
		own("cs_2001", 2500, time.Date(2001, 3, 1, 0, 0, 0, 0, time.UTC))
		own("cs_fine", 2500, now.Add(-time.Hour))
		cases := []struct {
			pi   string
			body []byte
			why  string
		}{
			{"pi_foreign", checkoutEvent("evt_foreign", "cs_not_ours", "pi_foreign", 2500, now), `checkout "cs_not_ours" was not started by coopress`},
			{"pi_swapped", checkoutEvent("evt_swapped", "cs_swapped", "pi_swapped", 2000000, now), "was started for £20 but paid £20,000"},
			{"pi_huge", checkoutEvent("evt_huge", "cs_huge", "pi_huge", 2000000, now), "£20,000 is outside the online limits, £1 to £10,000"},
			{"pi_2001", checkoutEvent("evt_2001", "cs_2001", "pi_2001", 2500, time.Date(2001, 3, 1, 12, 0, 0, 0, time.UTC)), "more than 30 days ago"},
		}
		for _, c := range cases {
			m.deliverForeign(t, c.body)
			m.deliverForeign(t, c.body)
		}
		m.deliverForeign(t, checkoutEvent("evt_fine", "cs_fine", "pi_fine", 2500, now))
		paymenttest.WaitApplied(t, d, len(cases)+1, 15*time.Second)
		if gifts, _, total := ledger(t, d); gifts != 1 || total != 2500 {
			t.Fatalf("ledger: %d gifts, total %d; want only the £25 of our own checkout", gifts, total)
		}
		if _, err := m.fund.Campaign(ctx, "2001-03"); err == nil {
			t.Error("an event from 2001 opened a 2001 campaign")
		}
		holds, err := m.fund.OpenHolds(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(holds) != len(cases) {
			t.Fatalf("%d holds, want %d: %+v", len(holds), len(cases), holds)
		}
		byRef := map[string]fund.Hold{}
		for _, h := range holds {
			byRef[h.Attempted.ProviderRef] = h
		}
		for _, c := range cases {
			h := byRef[c.pi]
			if h.Kind != fund.KindHeld || !strings.Contains(h.Reason, c.why) {
				t.Errorf("%s: %s %q; want held because %q", c.pi, h.Kind, h.Reason, c.why)
			}
		}
		if r, err := m.fund.Check(ctx); err != nil || r.OK() {
			t.Fatalf("check passes with money held: %v %v", r.Problems, err)
		}
	})
}

// TestStartDonationStoresItsCheckout: the session Stripe (stripe-mock)
// returns is stored with the amount before the donor is sent to pay, and
// a request outside the limits never reaches Stripe.
func TestStartDonationStoresItsCheckout(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		mock := testservers.StartStripeMock(t)
		st, err := payment.NewStripe(payment.StripeConfig{SecretKey: "sk_test_123", APIURL: mock.URL()})
		if err != nil {
			t.Fatal(err)
		}
		s := New(d, fund.New(d, time.UTC, time.Now), st, "The Daily Co-op", "http://paper.test")
		url, err := s.StartDonation(ctx, Request{Amount: money.Major(25, "GBP")})
		if err != nil || url == "" {
			t.Fatalf("start: %q %v", url, err)
		}
		var n int
		var amount int64
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(amount_minor), 0) FROM checkouts WHERE purpose = $1`, Purpose).Scan(&n, &amount); err != nil {
			t.Fatal(err)
		}
		if n != 1 || amount != 2500 {
			t.Fatalf("%d checkouts stored, amount %d; want 1 of 2500", n, amount)
		}
		if _, err := s.StartDonation(ctx, Request{Amount: money.Major(20000, "GBP")}); err == nil {
			t.Fatal("a £20,000 checkout was started")
		}
	})
}
