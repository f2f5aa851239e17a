package supporter

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/payment/paymenttest"
)

// TestSubscriptionLifecycle follows one Direct Debit supporter through
// signed webhooks, the intake and River: created, checkout completed,
// invoice paid, a payment failed (and its retry failed again), retried
// and paid, refunded, disputed, cancelled. Every step is checked against
// the ledger, the campaign's total, the subscription and the mail.
func TestSubscriptionLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		m := newMoneyPath(t, d, pathOptions{withMail: true})
		join := seedJoin(t, d, seedPlan(t, d, "Monthly £5", 500, "month"), 500, "cs_life", "ann@reader.test")
		t0 := time.Now().Add(-time.Hour)
		at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
		month := m.fund.MonthOf(time.Now())
		steps := []struct {
			name      string
			body      []byte
			status    Status
			gifts     int
			reversals int
			total     int64
			failMails int
		}{
			{"created, first payment still clearing", subscriptionEvent("created", "evt_l1", "sub_life", join, "incomplete", "bacs_debit", "", 500, at(1)), Pending, 0, 0, 0, 0},
			{"checkout completed", checkoutDone("evt_l2", "cs_life", "sub_life", join, at(2)), Active, 0, 0, 0, 0},
			{"first invoice paid", invoice("invoice.paid", "evt_l3", "in_1", "pi_1", "sub_life", join, 500, at(3)), Active, 1, 0, 500, 0},
			{"second invoice failed", invoice("invoice.payment_failed", "evt_l4", "in_2", "pi_2a", "sub_life", join, 500, at(4)), Failing, 1, 0, 500, 1},
			{"its retry failed too: no second mail", invoice("invoice.payment_failed", "evt_l5", "in_2", "pi_2b", "sub_life", join, 500, at(5)), Failing, 1, 0, 500, 1},
			{"retried and paid", invoice("invoice.paid", "evt_l6", "in_2", "pi_2c", "sub_life", join, 500, at(6)), Active, 2, 0, 1000, 1},
			{"first payment refunded in full", paymenttest.Refunded("evt_l7", "pi_1", "", 500, 500), Active, 2, 1, 500, 1},
			{"second payment disputed", paymenttest.Disputed("evt_l8", "pi_2c", 500), Active, 2, 2, 0, 1},
			{"cancelled by the reader", subscriptionEvent("deleted", "evt_l9", "sub_life", join, "canceled", "", "cancellation_requested", 500, at(9)), Cancelled, 2, 2, 0, 1},
		}
		for i, s := range steps {
			m.deliver(t, s.body)
			m.deliver(t, s.body) // every step redelivered at once
			paymenttest.WaitApplied(t, d, i+1, 10*time.Second)
			gifts, reversals, total := ledger(t, d)
			st, method := statusOfSub(t, d, join)
			if gifts != s.gifts || reversals != s.reversals || total != s.total || st != s.status || method != string(DirectDebit) {
				t.Fatalf("after %q: %d gifts, %d reversals, total %d, %s by %q; want %d, %d, %d, %s by direct-debit",
					s.name, gifts, reversals, total, st, method, s.gifts, s.reversals, s.total, s.status)
			}
			if n := outboxCount(t, d, "supporter_payment_failed"); n != s.failMails {
				t.Fatalf("after %q: %d failed-payment mails queued, want %d", s.name, n, s.failMails)
			}
			c, err := m.fund.Campaign(ctx, month)
			if err != nil && s.gifts > 0 {
				t.Fatal(err)
			}
			if c.Raised.Minor != s.total {
				t.Fatalf("after %q: the campaign shows %d raised, the ledger %d", s.name, c.Raised.Minor, s.total)
			}
		}
		var methods []fund.Method
		rows, err := d.QueryContext(ctx, `SELECT DISTINCT method FROM ledger_entries`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var mt fund.Method
			_ = rows.Scan(&mt)
			methods = append(methods, mt)
		}
		rows.Close()
		if len(methods) != 1 || methods[0] != fund.DirectDebit {
			t.Fatalf("ledger methods %v, want only direct-debit", methods)
		}
		if n := outboxCount(t, d, "supporter_lapsed"); n != 0 {
			t.Fatalf("%d lapse mails for a cancellation the reader asked for", n)
		}
		got := m.mailpit.WaitFor(t, "ann@reader.test", 10*time.Second)
		if got.Subject == "" {
			t.Fatal("the failed-payment mail reached mailpit without a subject")
		}
	})
}

// TestLapsedSupporterIsToldOnce: when Stripe gives up (unpaid, then
// deleted for non-payment) the support lapses and one mail says so.
func TestLapsedSupporterIsToldOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		m := newMoneyPath(t, d, pathOptions{withMail: true})
		join := seedJoin(t, d, seedPlan(t, d, "Monthly £3", 300, "month"), 300, "cs_lapse", "bo@reader.test")
		t0 := time.Now().Add(-time.Hour)
		bodies := [][]byte{
			checkoutDone("evt_a1", "cs_lapse", "sub_lapse", join, t0),
			invoice("invoice.payment_failed", "evt_a2", "in_a", "pi_a", "sub_lapse", join, 300, t0.Add(time.Minute)),
			subscriptionEvent("updated", "evt_a3", "sub_lapse", join, "unpaid", "card", "", 300, t0.Add(2*time.Minute)),
			subscriptionEvent("deleted", "evt_a4", "sub_lapse", join, "canceled", "", "payment_failed", 300, t0.Add(3*time.Minute)),
		}
		for _, b := range bodies {
			m.deliver(t, b)
		}
		paymenttest.WaitApplied(t, d, len(bodies), 10*time.Second)
		if st, _ := statusOfSub(t, d, join); st != Lapsed {
			t.Fatalf("status %s, want lapsed", st)
		}
		if n := outboxCount(t, d, "supporter_lapsed"); n != 1 {
			t.Fatalf("%d lapse mails queued, want 1", n)
		}
		// Delivered at once, applied in any order: the earliest events
		// date the joining and the ending.
		var joined, ended time.Time
		if err := d.QueryRowContext(context.Background(), `SELECT joined_at, ended_at FROM subscriptions WHERE join_ref = $1`,
			join).Scan(&joined, &ended); err != nil {
			t.Fatal(err)
		}
		if !joined.Equal(time.Unix(t0.Unix(), 0)) || !ended.Equal(time.Unix(t0.Add(2*time.Minute).Unix(), 0)) {
			t.Fatalf("joined %s, ended %s; want %s and %s", joined, ended, t0, t0.Add(2*time.Minute))
		}
		if gifts, _, _ := ledger(t, d); gifts != 0 {
			t.Fatalf("%d gifts from a supporter who never paid", gifts)
		}
	})
}

// TestReorderedAndRedeliveredEventsCountOnce delivers one supporter's
// events in several orders, with repeats; the end is always the same.
func TestReorderedAndRedeliveredEventsCountOnce(t *testing.T) {
	orders := []struct {
		name  string
		order []int
	}{
		{"as sent", []int{0, 1, 2, 3, 4, 5}},
		{"backwards", []int{5, 4, 3, 2, 1, 0}},
		{"payments before the checkout, twice over", []int{2, 4, 2, 3, 0, 1, 4, 5, 1}},
		{"shuffled with repeats", nil},
	}
	for _, o := range orders {
		t.Run(o.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				m := newMoneyPath(t, d, pathOptions{})
				join := seedJoin(t, d, seedPlan(t, d, "Monthly £10", 1000, "month"), 1000, "cs_ord", "cy@reader.test")
				t0 := time.Now().Add(-time.Hour)
				bodies := [][]byte{
					subscriptionEvent("created", "evt_o0", "sub_ord", join, "incomplete", "card", "", 1000, t0),
					checkoutDone("evt_o1", "cs_ord", "sub_ord", join, t0.Add(time.Minute)),
					invoice("invoice.paid", "evt_o2", "in_o1", "pi_o1", "sub_ord", join, 1000, t0.Add(2*time.Minute)),
					invoice("invoice.payment_failed", "evt_o3", "in_o2", "pi_o2a", "sub_ord", join, 1000, t0.Add(3*time.Minute)),
					invoice("invoice.paid", "evt_o4", "in_o2", "pi_o2b", "sub_ord", join, 1000, t0.Add(4*time.Minute)),
					subscriptionEvent("updated", "evt_o5", "sub_ord", join, "active", "card", "", 1000, t0.Add(5*time.Minute)),
				}
				order := o.order
				if order == nil {
					for i := range 12 {
						order = append(order, i%len(bodies))
					}
					rand.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
				}
				for _, i := range order {
					m.deliver(t, bodies[i])
				}
				paymenttest.WaitApplied(t, d, len(bodies), 10*time.Second)
				gifts, reversals, total := ledger(t, d)
				st, _ := statusOfSub(t, d, join)
				if gifts != 2 || reversals != 0 || total != 2000 || st != Active {
					t.Fatalf("order %v: %d gifts, %d reversals, total %d, status %s; want 2, 0, 2000, active", order, gifts, reversals, total, st)
				}
			})
		})
	}
}

// TestOnlyCoopressSubscriptionsAreCredited: an invoice whose subscription
// says it is a supporter's but carries no join reference coopress stored,
// or another subscription's, credits nothing.
func TestOnlyCoopressSubscriptionsAreCredited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		m := newMoneyPath(t, d, pathOptions{})
		join := seedJoin(t, d, seedPlan(t, d, "Monthly £5", 500, "month"), 500, "cs_own", "di@reader.test")
		now := time.Now().Add(-time.Minute)
		m.deliver(t, invoice("invoice.paid", "evt_f1", "in_f1", "pi_f1", "sub_other", "join_made_up", 500, now))
		m.deliver(t, invoice("invoice.paid", "evt_f2", "in_f2", "pi_f2", "sub_own", join, 500, now))
		// Our join reference copied onto another subscription.
		m.deliver(t, invoice("invoice.paid", "evt_f3", "in_f3", "pi_f3", "sub_copy", join, 500, now))
		paymenttest.WaitApplied(t, d, 3, 10*time.Second)
		if gifts, _, total := ledger(t, d); gifts != 1 || total != 500 {
			t.Fatalf("%d gifts, total %d; want only the supporter's own 500", gifts, total)
		}
	})
}

// TestEventsWithoutMetadataFindTheirSubscription: a subscription event
// that carries no metadata is routed by the subscription id coopress
// stored (payment.Claimer).
func TestEventsWithoutMetadataFindTheirSubscription(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		m := newMoneyPath(t, d, pathOptions{})
		join := seedJoin(t, d, seedPlan(t, d, "Yearly £50", 5000, "year"), 5000, "cs_bare", "ed@reader.test")
		t0 := time.Now().Add(-time.Hour)
		m.deliver(t, checkoutDone("evt_b1", "cs_bare", "sub_bare", join, t0))
		paymenttest.WaitApplied(t, d, 1, 10*time.Second)
		bare := paymenttest.Event("evt_b2", "customer.subscription.updated", t0.Add(time.Minute), map[string]any{
			"id": "sub_bare", "object": "subscription", "status": "active", "metadata": map[string]string{},
			"pause_collection": map[string]any{"behavior": "void"}})
		m.deliver(t, bare)
		paymenttest.WaitApplied(t, d, 2, 10*time.Second)
		if st, _ := statusOfSub(t, d, join); st != Paused {
			t.Fatalf("status %s, want paused", st)
		}
	})
}

// TestConcurrentInvoiceDeliveries: 200 concurrent deliveries of 100
// invoice.paid events (each sent twice) end with exactly 100 credits.
func TestConcurrentInvoiceDeliveries(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		m := newMoneyPath(t, d, pathOptions{})
		plan := seedPlan(t, d, "Monthly £5", 500, "month")
		var bodies [][]byte
		at := time.Now().Add(-time.Hour)
		for s := range 10 {
			join := seedJoin(t, d, plan, 500, fmt.Sprintf("cs_c%d", s), "fi@reader.test")
			for i := range 10 {
				bodies = append(bodies, invoice("invoice.paid", fmt.Sprintf("evt_c%d_%d", s, i), fmt.Sprintf("in_c%d_%d", s, i),
					fmt.Sprintf("pi_c%d_%d", s, i), fmt.Sprintf("sub_c%d", s), join, 500, at.Add(time.Duration(i)*time.Second)))
			}
		}
		var wg sync.WaitGroup
		for _, b := range append(bodies, bodies...) {
			wg.Go(func() { m.deliver(t, b) })
		}
		wg.Wait()
		paymenttest.WaitApplied(t, d, 100, 60*time.Second)
		gifts, reversals, total := ledger(t, d)
		if gifts != 100 || reversals != 0 || total != 50000 {
			t.Fatalf("%d gifts, %d reversals, total %d; want 100, 0, 50000", gifts, reversals, total)
		}
		var history int
		if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM subscription_history WHERE kind = 'paid'`).Scan(&history); err != nil {
			t.Fatal(err)
		}
		if history != 100 {
			t.Fatalf("%d paid rows in the history, want 100", history)
		}
	})
}

// TestInvoiceWithoutItsPaymentAsksStripe: an invoice.paid that does not
// include its payments (API version basil's default) is keyed by what
// Stripe answers for the invoice's payments (stripe-mock names no
// PaymentIntent, so the invoice itself), the same on every delivery.
func TestInvoiceWithoutItsPaymentAsksStripe(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		m := newMoneyPath(t, d, pathOptions{provider: newStripeService(t, d).provider})
		join := seedJoin(t, d, seedPlan(t, d, "Monthly £5", 500, "month"), 500, "cs_nopi", "gu@reader.test")
		body := invoice("invoice.paid", "evt_n1", "in_nopi", "", "sub_nopi", join, 500, time.Now().Add(-time.Minute))
		m.deliver(t, body)
		m.deliver(t, body)
		paymenttest.WaitApplied(t, d, 1, 10*time.Second)
		if gifts, _, total := ledger(t, d); gifts != 1 || total != 500 {
			t.Fatalf("%d gifts, total %d; want one of 500", gifts, total)
		}
		if _, err := m.fund.EntryByRef(ctx, "in_nopi"); err != nil {
			t.Fatalf("entry by the invoice: %v", err)
		}
		// Its refund: the charge names the invoice, a PaymentIntent the
		// ledger does not know, and no purpose (invoices' charges carry
		// none). It reverses the credit kept under the invoice, once.
		refund := func(evID, pi string, total int64) []byte {
			return paymenttest.Event(evID, "charge.refunded", time.Now(), map[string]any{
				"id": "ch_" + evID, "object": "charge", "payment_intent": pi, "invoice": "in_nopi", "amount": 500,
				"amount_refunded": total, "refunded": total == 500, "currency": "gbp", "metadata": map[string]string{}})
		}
		m.deliver(t, refund("evt_n2", "pi_made_later", 200))
		m.deliver(t, refund("evt_n2", "pi_made_later", 200))
		paymenttest.WaitApplied(t, d, 2, 10*time.Second)
		if gifts, reversals, total := ledger(t, d); reversals != 1 || total != 300 {
			t.Fatalf("after a refund of £2: %d gifts, %d reversals, total %d; want the £5 reversed and £3 kept", gifts, reversals, total)
		}
		m.deliver(t, refund("evt_n3", "", 500))
		paymenttest.WaitApplied(t, d, 3, 10*time.Second)
		if _, _, total := ledger(t, d); total != 0 {
			t.Fatalf("after the rest was refunded, with no PaymentIntent named: total %d, want 0", total)
		}
	})
}
