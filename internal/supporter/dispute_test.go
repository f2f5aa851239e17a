package supporter

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/donation"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment/paymenttest"
)

// TestDisputeOfAnInvoiceCreditedPayment: a supporter's invoice for which
// Stripe named no PaymentIntent is credited under the invoice's id, and
// its dispute names only the charge and a PaymentIntent (API version
// basil puts no invoice on either). The job that applies the dispute asks
// Stripe which invoice the charge paid and takes the money back from
// that credit, and every step, each delivered twice, leaves the
// supporter's payment exactly as it leaves a card gift disputed or
// refunded alongside it. The same lookup serves a basil refund, whose
// charge names no invoice either.
//
// stripe-mock keeps no state: it answers every question about an
// invoice's payments with its one canned invoice payment, of invoice
// "invoice", naming no PaymentIntent. So the supporter's invoice here is
// "invoice": credited under its id (no PaymentIntent), then found again
// from the charge. Each scenario has a database of its own for that
// reason.
func TestDisputeOfAnInvoiceCreditedPayment(t *testing.T) {
	type state struct {
		gifts, reversals int
		total            int64
		closed           bool
	}
	type step struct {
		name string
		// event renders the step for one payment's charge and intent.
		event func(evID, pi string) []byte
		want  state
	}
	dispute := func(what, status string) func(evID, pi string) []byte {
		return func(evID, pi string) []byte { return paymenttest.Dispute(evID, what, "ch_"+pi, pi, 500, status) }
	}
	refund := func(total int64) func(evID, pi string) []byte {
		return func(evID, pi string) []byte { return paymenttest.Refunded(evID, pi, "", 500, total) }
	}
	taken := state{gifts: 1, reversals: 1, total: 0, closed: true}
	scenarios := []struct {
		name  string
		steps []step
	}{
		{"disputed, funds withdrawn, closed lost", []step{
			{"dispute opened", dispute("created", "needs_response"), taken},
			{"funds withdrawn", dispute("funds_withdrawn", "needs_response"), taken},
			{"closed, lost", dispute("closed", "lost"), taken},
		}},
		// A won dispute is not re-credited by itself, for a card gift or
		// a supporter: the treasurer records it (docs/stripe.md).
		{"disputed, closed won", []step{
			{"dispute opened", dispute("created", "needs_response"), taken},
			{"closed, won", dispute("closed", "won"), taken},
		}},
		{"refunded £2, then the rest", []step{
			{"£2 refunded", refund(200), state{gifts: 2, reversals: 1, total: 300}},
			{"the rest refunded", refund(500), state{gifts: 2, reversals: 2, total: 0, closed: true}},
		}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				ctx := context.Background()
				m := newMoneyPath(t, d, pathOptions{provider: newStripeService(t, d).provider})
				join := seedJoin(t, d, seedPlan(t, d, "Monthly £5", 500, "month"), 500, "cs_disp", "di@reader.test")
				m.deliver(t, invoice("invoice.paid", "evt_paid_in", "invoice", "", "sub_disp", join, 500, time.Now().Add(-time.Minute)))
				if err := donation.RememberCheckout(ctx, d, "cs_pi_card", money.New(500, "GBP"), time.Now().Add(-2*time.Minute)); err != nil {
					t.Fatal(err)
				}
				m.deliver(t, paymenttest.Paid("evt_paid_card", "pi_card", donation.Purpose, 500, nil))
				paymenttest.WaitApplied(t, d, 2, 10*time.Second)
				payments := []struct{ name, pi, ref string }{
					{"the supporter's invoice", "pi_of_invoice", "invoice"},
					{"the card gift", "pi_card", "pi_card"},
				}
				for _, p := range payments {
					if got := paymentState(t, d, p.ref); got.gifts != 1 || got.total != 500 {
						t.Fatalf("%s before: %+v, want one gift of 500", p.name, got)
					}
				}
				applied := 2
				for i, s := range sc.steps {
					for _, p := range payments {
						body := s.event("evt_"+p.ref+"_"+string(rune('a'+i)), p.pi)
						m.deliver(t, body)
						m.deliver(t, body)
						applied++
					}
					paymenttest.WaitApplied(t, d, applied, 10*time.Second)
					for _, p := range payments {
						got := paymentState(t, d, p.ref)
						if got.gifts != s.want.gifts || got.reversals != s.want.reversals || got.total != s.want.total || got.closed != s.want.closed {
							t.Fatalf("after %q, %s: %+v, want %+v", s.name, p.name, got, s.want)
						}
					}
				}
				if holds, err := m.fund.OpenHolds(ctx); err != nil || len(holds) != 0 {
					t.Fatalf("holds %v (%v), want none", holds, err)
				}
			})
		})
	}
}

// TestDisputeOfAChargeStripeDoesNotHave: a dispute whose charge Stripe
// answers 404 for can be traced to no payment, so it is held for the
// treasurer, once however often it is delivered, with the reason; the
// ledger is left alone and the event is applied, not retried for days
// and dropped. stripe-mock answers every charge id with its canned
// charge; the one request it answers 404, as Stripe answers an id it
// does not have, is a URL it does not recognise, so the charge's id here
// carries a slash.
func TestDisputeOfAChargeStripeDoesNotHave(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		m := newMoneyPath(t, d, pathOptions{provider: newStripeService(t, d).provider})
		body := paymenttest.Dispute("evt_gone", "created", "ch_gone/unknown", "pi_gone", 700, "needs_response")
		m.deliver(t, body)
		m.deliver(t, body)
		paymenttest.WaitApplied(t, d, 1, 10*time.Second)
		holds, err := m.fund.OpenHolds(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(holds) != 1 {
			t.Fatalf("%d holds, want 1: %+v", len(holds), holds)
		}
		h := holds[0]
		for _, want := range []string{"evt_gone", "£7", "ch_gone/unknown", "disputed", "Stripe has no such charge"} {
			if !strings.Contains(h.Reason, want) {
				t.Errorf("reason %q does not say %q", h.Reason, want)
			}
		}
		if h.Attempted.Amount != money.New(-700, "GBP") || h.Attempted.ProviderRef != "ch_gone/unknown" {
			t.Errorf("attempted %s under %q, want -£7 under the charge", h.Attempted.Amount.Format(), h.Attempted.ProviderRef)
		}
		if gifts, reversals, total := ledger(t, d); gifts+reversals != 0 || total != 0 {
			t.Fatalf("ledger %d gifts, %d reversals, total %d; want it untouched", gifts, reversals, total)
		}
	})
}

// paymentState is one payment's chain in the ledger: its gift and kept
// parts (ref and ref~…), their reversals, what stands, and whether a
// full refund or dispute has closed it.
func paymentState(t testing.TB, d *db.DB, ref string) (s struct {
	gifts, reversals int
	total            int64
	closed           bool
}) {
	t.Helper()
	ctx := context.Background()
	err := d.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN e.reversal_of IS NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN e.reversal_of IS NULL THEN 0 ELSE 1 END), 0),
		COALESCE(SUM(e.amount_minor), 0)
		FROM ledger_entries e LEFT JOIN ledger_entries o ON o.id = e.reversal_of
		WHERE COALESCE(o.provider_ref, e.provider_ref) = $1 OR COALESCE(o.provider_ref, e.provider_ref) LIKE $2`,
		ref, ref+"~%").Scan(&s.gifts, &s.reversals, &s.total)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM closed_payments WHERE payment_ref = $1`, ref).Scan(&n); err != nil {
		t.Fatal(err)
	}
	s.closed = n > 0
	return s
}
