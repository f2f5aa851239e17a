package society_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/testservers"
)

// unreachableStripe is a Stripe client whose server has gone: a port
// that was listened on and closed, so every request is refused.
func unreachableStripe(t testing.TB) *payment.Stripe {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	l.Close()
	st, err := payment.NewStripe(payment.StripeConfig{SecretKey: "sk_test_123", APIURL: url})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestPaymentAfterRejectionIsReturned: a card payment that matches an
// application the secretary had rejected (paid late, or paid again after
// the first was refunded) is refunded through stripe-mock by the payment
// job itself and recorded once, however often its event comes or whatever
// other event tells of the same payment; while Stripe cannot be reached
// the job fails (to be retried) and records nothing; a payment that does
// not match (amount, currency, a checkout not ours) is held as before.
func TestPaymentAfterRejectionIsReturned(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := withStripe(t, d)
		mock := testservers.StartStripeMock(t)
		good, err := payment.NewStripe(payment.StripeConfig{SecretKey: "sk_test_123", APIURL: mock.URL()})
		if err != nil {
			t.Fatal(err)
		}
		down, err := society.New(d, s.Rules(), func() time.Time { return today },
			society.WithPayments(good, unreachableStripe(t)))
		if err != nil {
			t.Fatal(err)
		}
		returns := func(id int64) []society.Return {
			t.Helper()
			rs, err := s.Returns(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return rs
		}

		late := apply(t, s, "Ann Jones", "250", society.PayCard)
		if _, err := s.StartCheckout(ctx, late.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Reject(ctx, late.ID, "The offer has closed.", secretary); err != nil {
			t.Fatal(err)
		}
		ev := cardEvent(t, s, late, "evt_late", "pi_late", 250_00)
		if err := down.HandlePayment(ctx, ev); err == nil || len(returns(late.ID)) != 0 || holds(t, s) != 0 {
			t.Fatalf("with Stripe unreachable: %v, %d returns, %d holds", err, len(returns(late.ID)), holds(t, s))
		}
		again := ev
		again.ID = "evt_late_again" // another event about the same payment
		for _, e := range []payment.Event{ev, ev, again} {
			if err := s.HandlePayment(ctx, e); err != nil {
				t.Fatalf("%s: %v", e.ID, err)
			}
		}
		rs := returns(late.ID)
		if len(rs) != 1 || rs[0].PaymentRef != "pi_late" || rs[0].RefundID == "" || rs[0].Amount.Minor != 250_00 ||
			rs[0].EventID != "evt_late" {
			t.Fatalf("returns %+v", rs)
		}
		if st := status(t, s, late.ID); st != society.Rejected || holds(t, s) != 0 {
			t.Fatalf("after the return: %s, %d holds", st, holds(t, s))
		}
		// Stripe's charge.refunded for the return changes nothing.
		refunded := payment.Event{ID: "evt_late_refund", Kind: payment.Refunded, PaymentRef: "pi_late",
			RefundedMinor: 250_00, AmountMinor: 250_00, Currency: "GBP", Purpose: society.PaymentPurpose}
		if err := s.HandlePayment(ctx, refunded); err != nil || len(returns(late.ID)) != 1 || holds(t, s) != 0 {
			t.Fatalf("the return's own refund event: %v", err)
		}

		// Paid, rejected and refunded, then paid again: the second goes back.
		twice := apply(t, s, "Bob Smith", "40", society.PayCard)
		if _, err := s.StartCheckout(ctx, twice.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.HandlePayment(ctx, cardEvent(t, s, twice, "evt_bob", "pi_bob", 40_00)); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Reject(ctx, twice.ID, "Not resident in the area.", secretary); err != nil || got.Status() != society.Refunded {
			t.Fatalf("reject: %s %v", got.Status(), err)
		}
		if err := s.HandlePayment(ctx, cardEvent(t, s, twice, "evt_bob2", "pi_bob2", 40_00)); err != nil {
			t.Fatal(err)
		}
		if rs := returns(twice.ID); len(rs) != 1 || rs[0].PaymentRef != "pi_bob2" {
			t.Fatalf("the second payment: %+v", rs)
		}

		// Payments that do not match the rejected application stay held.
		short := cardEvent(t, s, late, "evt_short", "pi_short", 100_00)
		euro := cardEvent(t, s, late, "evt_euro", "pi_euro", 250_00)
		euro.Currency = "EUR"
		stranger := cardEvent(t, s, late, "evt_stranger", "pi_stranger", 250_00)
		stranger.SessionID = "cs_not_ours"
		for i, e := range []payment.Event{short, euro, stranger} {
			if err := s.HandlePayment(ctx, e); err != nil || holds(t, s) != i+1 || len(returns(late.ID)) != 1 {
				t.Fatalf("%s: %v, %d holds, %d returns", e.ID, err, holds(t, s), len(returns(late.ID)))
			}
		}
		refs, err := s.CardPaymentRefs(ctx)
		if err != nil || refs["pi_late"] == "" || refs["pi_bob2"] == "" {
			t.Fatalf("returned payments are not named for the payouts page: %v %v", refs, err)
		}
		for _, q := range []string{`UPDATE share_payment_returns SET refund_id = 'x'`, `DELETE FROM share_payment_returns`} {
			if _, err := d.ExecContext(ctx, q); err == nil {
				t.Errorf("%s succeeded", q)
			}
		}
		mustCheck(t, s)
	})
}
