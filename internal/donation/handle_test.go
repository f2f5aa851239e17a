package donation

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/payment/paymenttest"
)

func TestPaidCheckoutCreditsOnceAndRedeliveryIsIgnored(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		m := newMoneyPath(t, d)
		body := paid("evt_paid_1", "pi_1", 2500, map[string]string{
			"name": "Jo Bloggs", "email": "jo@example.test", "town": "Swansea", "public": "yes", "message": "Keep going"})
		m.deliver(t, body)
		m.deliver(t, body) // Stripe redelivers when our 200 was lost
		paymenttest.WaitApplied(t, d, 1, 10*time.Second)
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
		unpaid := paymenttest.Event("evt_unpaid", "checkout.session.completed", time.Now(), map[string]any{
			"id": "cs_x", "payment_intent": "pi_x", "payment_status": "unpaid", "amount_total": 500,
			"currency": "gbp", "metadata": map[string]string{"purpose": Purpose}})
		foreign := paymenttest.Event("evt_foreign", "checkout.session.completed", time.Now(), map[string]any{
			"id": "cs_y", "payment_intent": "pi_y", "payment_status": "paid", "amount_total": 500,
			"currency": "gbp", "metadata": map[string]string{}})
		other := paymenttest.Event("evt_other", "customer.created", time.Now(), map[string]any{"id": "cus_1"})
		for _, b := range [][]byte{unpaid, foreign, other} {
			m.deliver(t, b)
		}
		paymenttest.WaitApplied(t, d, 3, 10*time.Second)
		if gifts, _, _ := ledger(t, d); gifts != 0 {
			t.Fatalf("%d gifts credited, want 0", gifts)
		}
		// The bank debit clears later: the async success credits it.
		async := paymenttest.Event("evt_async", "checkout.session.async_payment_succeeded", time.Now(), map[string]any{
			"id": "cs_x", "payment_intent": "pi_x", "payment_status": "paid", "amount_total": 500,
			"currency": "gbp", "metadata": map[string]string{"purpose": Purpose}})
		m.deliver(t, async)
		paymenttest.WaitApplied(t, d, 4, 10*time.Second)
		if gifts, _, total := ledger(t, d); gifts != 1 || total != 500 {
			t.Fatalf("after async success: %d gifts, total %d", gifts, total)
		}
	})
}

// A payment id that payref could not key the ledger by (here one posing
// as another payment's kept part) is refused: nothing is credited, and
// the event's note says why.
func TestMalformedPaymentIDCreditsNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		m := newMoneyPath(t, d)
		m.deliver(t, paid("evt_odd", "pi_1~kept-after-refund-5", 2500, nil))
		paymenttest.WaitTried(t, d, "evt_odd", 10*time.Second)
		if gifts, _, _ := ledger(t, d); gifts != 0 {
			t.Fatalf("%d gifts credited, want 0", gifts)
		}
		var note string
		if err := d.QueryRowContext(context.Background(), `SELECT last_error FROM payment_events WHERE event_id = $1`,
			"evt_odd").Scan(&note); err != nil || !strings.Contains(note, "not a payment reference") {
			t.Fatalf("note %q, %v", note, err)
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
		closed    bool
	}{
		{"full refund", [][]byte{paid("e1", "pi_a", 2000, nil), refunded("e2", "pi_a", 2000, 2000)}, 0, 1, 1, true},
		{"refund before the credit", [][]byte{refunded("e2", "pi_a", 2000, 2000), paid("e1", "pi_a", 2000, nil)}, 0, 1, 1, true},
		{"dispute", [][]byte{paid("e1", "pi_a", 2000, nil), disputed("e2", "pi_a", 2000)}, 0, 1, 1, true},
		{"dispute before the credit", [][]byte{disputed("e2", "pi_a", 2000), paid("e1", "pi_a", 2000, nil)}, 0, 1, 1, true},
		{"partial refund keeps the rest", [][]byte{paid("e1", "pi_a", 2000, nil), refunded("e2", "pi_a", 2000, 500)}, 1500, 2, 1, false},
		{"two partial refunds", [][]byte{paid("e1", "pi_a", 2000, nil), refunded("e2", "pi_a", 2000, 500),
			refunded("e3", "pi_a", 2000, 1200)}, 800, 3, 2, false},
		{"partial refunds out of order", [][]byte{paid("e1", "pi_a", 2000, nil), refunded("e3", "pi_a", 2000, 1200),
			refunded("e2", "pi_a", 2000, 500)}, 800, 2, 1, false},
		{"partial then full", [][]byte{paid("e1", "pi_a", 2000, nil), refunded("e2", "pi_a", 2000, 500),
			refunded("e3", "pi_a", 2000, 2000)}, 0, 2, 2, true},
		{"full then late partial", [][]byte{paid("e1", "pi_a", 2000, nil), refunded("e3", "pi_a", 2000, 2000),
			refunded("e2", "pi_a", 2000, 500)}, 0, 1, 1, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				m := newMoneyPath(t, d)
				for i, b := range c.events {
					m.deliver(t, b)
					m.deliver(t, b) // every event twice: redelivery changes nothing
					if i == 0 {
						// Let it be worked before the next arrives, so that
						// an early refund really fails and waits its turn.
						paymenttest.WaitTried(t, d, eventID(t, b), 15*time.Second)
					} else {
						paymenttest.WaitApplied(t, d, i+1, 15*time.Second)
					}
				}
				paymenttest.WaitApplied(t, d, len(c.events), 15*time.Second)
				gifts, revs, total := ledger(t, d)
				if gifts != c.gifts || revs != c.reversals || total != c.total {
					t.Fatalf("ledger: %d gifts, %d reversals, total %d; want %d, %d, %d",
						gifts, revs, total, c.gifts, c.reversals, c.total)
				}
				ctx := context.Background()
				rep, err := m.fund.Check(ctx)
				if err != nil || !rep.OK() {
					t.Fatalf("fund check: %+v %v", rep, err)
				}
				if closed, err := m.svc.Closed(ctx, "pi_a"); err != nil || closed != c.closed {
					t.Fatalf("Closed = %v, %v; want %v", closed, err, c.closed)
				}
				entries, err := m.fund.Entries(ctx, m.fund.MonthOf(time.Now()))
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range entries {
					if strings.Contains(e.Reason, "[payment closed]") {
						t.Errorf("entry %d reason %q still carries the old mark", e.ID, e.Reason)
					}
				}
			})
		})
	}
}

// eventID is the id of a rendered event.
func eventID(t *testing.T, body []byte) string {
	var ev struct{ ID string }
	if err := json.Unmarshal(body, &ev); err != nil || ev.ID == "" {
		t.Fatalf("event id: %v", err)
	}
	return ev.ID
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
			b := paid(fmt.Sprintf("evt_c_%03d", i), fmt.Sprintf("pi_test_%04d", i), amount, map[string]string{"town": "Leeds"})
			m.started(t, b)
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
				if _, err := m.in.Receive(context.Background(), b, paymenttest.Sign(b, testSecret, time.Now())); err != nil {
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
		paymenttest.WaitApplied(t, d, events, 30*time.Second)
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

// A partial refund re-records the part the donor kept; they were thanked
// for the whole gift when it arrived, so no second receipt goes out.
func TestPartialRefundsSendNoSecondReceipt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		m := newMoneyPath(t, d)
		events := [][]byte{
			paid("e1", "pi_r", 2000, map[string]string{"email": "ann@example.test", "name": "Ann"}),
			refunded("e2", "pi_r", 2000, 500),
			refunded("e3", "pi_r", 2000, 1200),
		}
		for i, b := range events {
			m.deliver(t, b)
			paymenttest.WaitApplied(t, d, i+1, 15*time.Second)
		}
		gifts, _, total := ledger(t, d)
		if gifts != 3 || total != 800 {
			t.Fatalf("ledger: %d gifts, total %d; want 3 gifts (the first and two kept parts), 800", gifts, total)
		}
		if n := m.receipts.Load(); n != 1 {
			t.Fatalf("%d receipts queued for one gift and its two partial refunds; want 1", n)
		}
	})
}
