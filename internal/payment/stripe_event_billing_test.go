package payment

import (
	"encoding/json"
	"testing"
	"time"
)

func billingEvent(t *testing.T, typ string, obj map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"id": "evt_1", "object": "event", "type": typ, "created": 1764500000,
		"api_version": "2025-08-27.basil", "data": map[string]any{"object": obj}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParseBillingEvents: each event of a subscription, and of a charge
// refunded or disputed, is read from where API version basil puts its
// fields, and a subscription's checkout is never mistaken for a paid
// one-off payment.
func TestParseBillingEvents(t *testing.T) {
	parent := map[string]any{"type": "subscription_details", "subscription_details": map[string]any{
		"subscription": "sub_1", "metadata": map[string]string{"purpose": "supporter", "join": "j1"}}}
	cases := []struct {
		name string
		typ  string
		obj  map[string]any
		want Event
	}{
		{"subscription checkout", "checkout.session.completed", map[string]any{"id": "cs_1", "mode": "subscription",
			"payment_status": "paid", "subscription": "sub_1", "customer": "cus_1", "amount_total": 500,
			"metadata": map[string]string{"purpose": "supporter"}},
			Event{Kind: Subscribed, SessionID: "cs_1", AmountMinor: 500, Purpose: "supporter",
				Billing: Billing{SubscriptionID: "sub_1", CustomerID: "cus_1"}}},
		{"invoice paid with its payment", "invoice.paid", map[string]any{"id": "in_1", "amount_paid": 500, "currency": "gbp",
			"customer": "cus_1", "parent": parent, "payments": map[string]any{"data": []any{
				map[string]any{"status": "failed", "payment": map[string]any{"payment_intent": "pi_old"}},
				map[string]any{"status": "paid", "payment": map[string]any{"payment_intent": map[string]any{"id": "pi_1"}}}}},
			"lines": map[string]any{"data": []any{map[string]any{"period": map[string]any{"end": 1767000000}}}}},
			Event{Kind: Paid, AmountMinor: 500, Currency: "GBP", PaymentRef: "pi_1", Purpose: "supporter",
				Billing: Billing{SubscriptionID: "sub_1", CustomerID: "cus_1", InvoiceID: "in_1", NextPaymentAt: time.Unix(1767000000, 0).UTC()}}},
		{"invoice paid, payments not included", "invoice.paid", map[string]any{"id": "in_2", "amount_paid": 300,
			"currency": "gbp", "parent": parent},
			Event{Kind: Paid, AmountMinor: 300, Currency: "GBP", Purpose: "supporter", Billing: Billing{SubscriptionID: "sub_1", InvoiceID: "in_2"}}},
		{"invoice failed", "invoice.payment_failed", map[string]any{"id": "in_3", "amount_due": 500, "currency": "gbp",
			"hosted_invoice_url": "https://pay.test/in_3", "next_payment_attempt": 1765000000, "parent": parent},
			Event{Kind: PaymentFailed, AmountMinor: 500, Currency: "GBP", Purpose: "supporter", Billing: Billing{SubscriptionID: "sub_1",
				InvoiceID: "in_3", FixURL: "https://pay.test/in_3", NextPaymentAt: time.Unix(1765000000, 0).UTC(), NextAmountMinor: 500}}},
		{"subscription paused", "customer.subscription.updated", map[string]any{"id": "sub_1", "status": "active",
			"customer": map[string]any{"id": "cus_1"}, "pause_collection": map[string]any{"behavior": "void"},
			"default_payment_method": map[string]any{"id": "pm_1", "type": "bacs_debit"},
			"items": map[string]any{"data": []any{map[string]any{"quantity": 2, "current_period_end": 1767000000,
				"price": map[string]any{"unit_amount": 250, "currency": "gbp"}}}}},
			Event{Kind: SubscriptionChanged, AmountMinor: 500, Currency: "GBP", Billing: Billing{SubscriptionID: "sub_1",
				CustomerID: "cus_1", Status: "active", Paused: true, PaymentMethod: "bacs_debit", NextAmountMinor: 500}}},
		{"subscription ended", "customer.subscription.deleted", map[string]any{"id": "sub_1", "status": "canceled",
			"default_payment_method": "pm_1", "cancellation_details": map[string]any{"reason": "payment_failed"}},
			Event{Kind: SubscriptionEnded, Billing: Billing{SubscriptionID: "sub_1", Status: "canceled", CancelReason: "payment_failed"}}},
		// Basil puts no invoice on a charge: a refund or dispute names the
		// charge and its PaymentIntent, and the charge is what Stripe is
		// asked about (ChargeInvoice).
		{"dispute of an invoice's charge", "charge.dispute.created", map[string]any{"id": "dp_1", "charge": "ch_1",
			"payment_intent": "pi_1", "amount": 500, "currency": "gbp", "status": "needs_response"},
			Event{Kind: Disputed, AmountMinor: 500, Currency: "GBP", PaymentRef: "pi_1", ChargeID: "ch_1"}},
		{"dispute closed: no action", "charge.dispute.closed", map[string]any{"id": "dp_1", "charge": "ch_1",
			"payment_intent": "pi_1", "amount": 500, "currency": "gbp", "status": "won"},
			Event{Currency: "GBP", PaymentRef: "pi_1"}},
		{"refund of an invoice's charge", "charge.refunded", map[string]any{"id": "ch_2", "payment_intent": "pi_2",
			"amount": 500, "amount_refunded": 200, "currency": "gbp"},
			Event{Kind: Refunded, AmountMinor: 500, Currency: "GBP", PaymentRef: "pi_2", ChargeID: "ch_2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, got, err := parseStripeEvent(billingEvent(t, c.typ, c.obj))
			if err != nil {
				t.Fatal(err)
			}
			w := c.want
			if got.Kind != w.Kind || got.AmountMinor != w.AmountMinor || got.Currency != w.Currency || got.PaymentRef != w.PaymentRef ||
				got.Purpose != w.Purpose || got.SessionID != w.SessionID || got.ChargeID != w.ChargeID || got.Billing != w.Billing {
				t.Fatalf("got  %+v\nwant %+v", got, w)
			}
		})
	}
}
