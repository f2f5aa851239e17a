package app

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
)

func TestPaidCheckoutCreditsOnceAndRedeliveryIsIgnored(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		m := newMoneyPath(t, d)
		body := paidSession("evt_paid_1", "pi_1", 2500, map[string]string{
			"name": "Jo Bloggs", "email": "jo@example.test", "town": "Swansea", "public": "yes", "message": "Keep going"})
		m.deliver(t, body)
		m.deliver(t, body) // Stripe redelivers when our 200 was lost
		settled(t, d, 1, 10*time.Second)
		gifts, revs, total := ledger(t, d)
		if gifts != 1 || revs != 0 || total != 2500 {
			t.Fatalf("ledger: %d gifts, %d reversals, total %d; want 1, 0, 2500", gifts, revs, total)
		}
		e, err := m.fund.EntryByRef(context.Background(), "pi_1")
		if err != nil {
			t.Fatal(err)
		}
		if e.Method != fund.Card || e.DonorTown != "Swansea" || !e.Public || e.PublicName != "Jo Bloggs" ||
			e.Message != "Keep going" || e.DonorEmail != "jo@example.test" {
			t.Fatalf("entry = %+v", e)
		}
	})
}

func TestUnpaidAndForeignCheckoutsCreditNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		m := newMoneyPath(t, d)
		unpaid := event("evt_unpaid", "checkout.session.completed", time.Now(), map[string]any{
			"id": "cs_x", "payment_intent": "pi_x", "payment_status": "unpaid", "amount_total": 500,
			"currency": "gbp", "metadata": map[string]string{"purpose": DonationPurpose}})
		foreign := event("evt_foreign", "checkout.session.completed", time.Now(), map[string]any{
			"id": "cs_y", "payment_intent": "pi_y", "payment_status": "paid", "amount_total": 500,
			"currency": "gbp", "metadata": map[string]string{}})
		other := event("evt_other", "customer.created", time.Now(), map[string]any{"id": "cus_1"})
		for _, b := range [][]byte{unpaid, foreign, other} {
			m.deliver(t, b)
		}
		settled(t, d, 3, 10*time.Second)
		if gifts, _, _ := ledger(t, d); gifts != 0 {
			t.Fatalf("%d gifts credited, want 0", gifts)
		}
		// The bank debit clears later: the async success credits it.
		paid := event("evt_async", "checkout.session.async_payment_succeeded", time.Now(), map[string]any{
			"id": "cs_x", "payment_intent": "pi_x", "payment_status": "paid", "amount_total": 500,
			"currency": "gbp", "metadata": map[string]string{"purpose": DonationPurpose}})
		m.deliver(t, paid)
		settled(t, d, 4, 10*time.Second)
		if gifts, _, total := ledger(t, d); gifts != 1 || total != 500 {
			t.Fatalf("after async success: %d gifts, total %d", gifts, total)
		}
	})
}

func TestRefundsAndDisputes(t *testing.T) {
	cases := []struct {
		name      string
		events    [][]byte
		total     int64
		gifts     int
		reversals int
	}{
		{"full refund", [][]byte{paidSession("e1", "pi_a", 2000, nil), refunded("e2", "pi_a", 2000, 2000)}, 0, 1, 1},
		{"refund before the credit", [][]byte{refunded("e2", "pi_a", 2000, 2000), paidSession("e1", "pi_a", 2000, nil)}, 0, 1, 1},
		{"dispute", [][]byte{paidSession("e1", "pi_a", 2000, nil), disputed("e2", "pi_a", 2000)}, 0, 1, 1},
		{"dispute before the credit", [][]byte{disputed("e2", "pi_a", 2000), paidSession("e1", "pi_a", 2000, nil)}, 0, 1, 1},
		{"partial refund keeps the rest", [][]byte{paidSession("e1", "pi_a", 2000, nil), refunded("e2", "pi_a", 2000, 500)}, 1500, 2, 1},
		{"two partial refunds", [][]byte{paidSession("e1", "pi_a", 2000, nil), refunded("e2", "pi_a", 2000, 500),
			refunded("e3", "pi_a", 2000, 1200)}, 800, 3, 2},
		{"partial refunds out of order", [][]byte{paidSession("e1", "pi_a", 2000, nil), refunded("e3", "pi_a", 2000, 1200),
			refunded("e2", "pi_a", 2000, 500)}, 800, 2, 1},
		{"partial then full", [][]byte{paidSession("e1", "pi_a", 2000, nil), refunded("e2", "pi_a", 2000, 500),
			refunded("e3", "pi_a", 2000, 2000)}, 0, 2, 2},
		{"full then late partial", [][]byte{paidSession("e1", "pi_a", 2000, nil), refunded("e3", "pi_a", 2000, 2000),
			refunded("e2", "pi_a", 2000, 500)}, 0, 1, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				m := newMoneyPath(t, d)
				for i, b := range c.events {
					m.deliver(t, b)
					m.deliver(t, b) // every event twice: redelivery changes nothing
					if i == 0 {
						time.Sleep(100 * time.Millisecond) // let an early refund fail and retry
					}
					settleSome(t, d, i+1, c.events)
				}
				settled(t, d, len(c.events), 15*time.Second)
				gifts, revs, total := ledger(t, d)
				if gifts != c.gifts || revs != c.reversals || total != c.total {
					t.Fatalf("ledger: %d gifts, %d reversals, total %d; want %d, %d, %d",
						gifts, revs, total, c.gifts, c.reversals, c.total)
				}
				rep, err := m.fund.Check(context.Background())
				if err != nil || !rep.OK() {
					t.Fatalf("fund check: %+v %v", rep, err)
				}
			})
		})
	}
}

// settleSome waits for the first n events when they can be applied in the
// order given (a refund before its credit cannot, so it is not waited for).
func settleSome(t *testing.T, d *db.DB, n int, events [][]byte) {
	if n == 1 && len(events) > 1 {
		return
	}
	settled(t, d, n, 15*time.Second)
}

func TestConcurrentDeliveriesCreditExactlyOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		m := newMoneyPath(t, d)
		const events = 100
		var want int64
		bodies := make([][]byte, 0, 2*events)
		for i := range events {
			amount := int64(100 + i*37)
			want += amount
			b := paidSession(fmt.Sprintf("evt_c_%03d", i), piID(i), amount, map[string]string{"town": "Leeds"})
			bodies = append(bodies, b, b)
		}
		var wg sync.WaitGroup
		errs := make(chan error, len(bodies))
		start := make(chan struct{})
		for _, b := range bodies {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				st, err := deliverTo(m.url, b, signed(b, time.Now()))
				if err == nil && st != 200 {
					err = fmt.Errorf("status %d", st)
				}
				if err != nil {
					errs <- err
				}
			}()
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		settled(t, d, events, 30*time.Second)
		gifts, revs, total := ledger(t, d)
		if gifts != events || revs != 0 || total != want {
			t.Fatalf("%d gifts, %d reversals, total %d; want %d, 0, %d", gifts, revs, total, events, want)
		}
		var jobs int
		if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM river_job WHERE kind = 'payment_apply_event'`).Scan(&jobs); err != nil {
			t.Fatal(err)
		}
		if jobs != events {
			t.Fatalf("%d jobs queued for %d events", jobs, events)
		}
	})
}
