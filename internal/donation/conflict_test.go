package donation

import (
	"context"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/payment/paymenttest"
)

// TestConflictingCreditIsHeldNotAcknowledged: a paid checkout for a
// payment the ledger already holds at another amount is not credited and
// not dropped: the webhook credit holds it beside the stored entry, once
// however often Stripe sends it, and fund check fails until the treasurer
// resolves it. Before, Record's ErrDuplicate was taken as "done".
func TestConflictingCreditIsHeldNotAcknowledged(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		m := newMoneyPath(t, d)
		m.deliver(t, paid("evt_small", "pi_rtCOLL", 100, nil))
		paymenttest.WaitApplied(t, d, 1, 10*time.Second)
		// Another checkout paid through the same PaymentIntent: a clash
		// the ledger cannot settle by itself.
		big := paymenttest.Event("evt_big", "checkout.session.completed", time.Now(), map[string]any{
			"id": "cs_other", "payment_intent": "pi_rtCOLL", "payment_status": "paid", "amount_total": 50000,
			"currency": "gbp", "metadata": map[string]string{"purpose": Purpose, "name": "A Reader"}})
		m.deliver(t, big)
		m.deliver(t, big)
		paymenttest.WaitApplied(t, d, 2, 10*time.Second)
		if gifts, _, total := ledger(t, d); gifts != 1 || total != 100 {
			t.Fatalf("ledger: %d gifts, total %d; want the first £1 alone", gifts, total)
		}
		holds, err := m.fund.OpenHolds(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(holds) != 1 || holds[0].Kind != fund.KindConflict || holds[0].Attempted.Amount.Minor != 50000 ||
			holds[0].Stored.Amount.Minor != 100 || holds[0].Attempted.DonorName != "A Reader" {
			t.Fatalf("holds = %+v", holds)
		}
		if r, err := m.fund.Check(ctx); err != nil || r.OK() {
			t.Fatalf("check passes with a held £500: %v %v", r.Problems, err)
		}
	})
}
