// Package paymenttest builds Stripe webhook events as Stripe sends them,
// signs them, and waits for the payment worker to apply them, for the
// tests of every package on the money path. Like payment it knows no
// domain: the purpose a checkout was for is the caller's to give.
package paymenttest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"
)

// Event renders a Stripe event of type typ around object, pinned to the
// API version this build reads.
func Event(id, typ string, created time.Time, object map[string]any) []byte {
	b, err := json.Marshal(map[string]any{"id": id, "object": "event", "type": typ, "created": created.Unix(),
		"api_version": stripe.APIVersion, "livemode": false, "data": map[string]any{"object": object}})
	if err != nil {
		panic(err) // only maps of plain values reach here
	}
	return b
}

// Paid is checkout.session.completed for a paid checkout of amount pence
// for purpose, created a minute ago, with meta added to its metadata
// ("public" is "no" unless meta says otherwise).
func Paid(evID, pi, purpose string, amount int64, meta map[string]string) []byte {
	md := map[string]string{"purpose": purpose, "public": "no"}
	for k, v := range meta {
		md[k] = v
	}
	return Event(evID, "checkout.session.completed", time.Now().Add(-time.Minute), map[string]any{
		"id": "cs_" + pi, "object": "checkout.session", "payment_intent": pi, "payment_status": "paid",
		"amount_total": amount, "currency": "gbp", "metadata": md, "mode": "payment"})
}

// CheckoutOf reads the checkout session a checkout event built by Paid
// or Event completes: its id, amount and currency (upper case); ok is
// false for any other event. Tests use it to store the session as the
// one coopress started.
func CheckoutOf(body []byte) (sessionID string, amount int64, currency string, ok bool) {
	var ev struct {
		Type string `json:"type"`
		Data struct {
			Object struct {
				ID          string `json:"id"`
				AmountTotal int64  `json:"amount_total"`
				Currency    string `json:"currency"`
			} `json:"object"`
		} `json:"data"`
	}
	if json.Unmarshal(body, &ev) != nil || !strings.HasPrefix(ev.Type, "checkout.session.") {
		return "", 0, "", false
	}
	o := ev.Data.Object
	return o.ID, o.AmountTotal, strings.ToUpper(o.Currency), true
}

// Refunded is charge.refunded for a charge of amount with total refunded
// so far, as Stripe's running total.
func Refunded(evID, pi, purpose string, amount, total int64) []byte {
	return Event(evID, "charge.refunded", time.Now(), map[string]any{
		"id": "ch_" + pi, "object": "charge", "payment_intent": pi, "amount": amount,
		"amount_refunded": total, "refunded": total == amount, "currency": "gbp",
		"metadata": map[string]string{"purpose": purpose}})
}

// Disputed is charge.dispute.created; disputes carry no metadata, so the
// worker finds the purpose from the payment's earlier events.
func Disputed(evID, pi string, amount int64) []byte {
	return Event(evID, "charge.dispute.created", time.Now(), map[string]any{
		"id": "dp_" + pi, "object": "dispute", "payment_intent": pi, "charge": "ch_" + pi,
		"amount": amount, "currency": "gbp", "metadata": map[string]string{}})
}

// Dispute is charge.dispute.<what> ("created", "funds_withdrawn",
// "closed") of charge ch, as API version basil renders it: the dispute
// names its charge and that charge's PaymentIntent (pi, which may be
// empty), never an invoice; status is Stripe's ("needs_response", and
// "won" or "lost" once closed).
func Dispute(evID, what, ch, pi string, amount int64, status string) []byte {
	var intent any
	if pi != "" {
		intent = pi
	}
	return Event(evID, "charge.dispute."+what, time.Now(), map[string]any{
		"id": "dp_" + ch, "object": "dispute", "payment_intent": intent, "charge": ch,
		"amount": amount, "currency": "gbp", "status": status, "metadata": map[string]string{}})
}

// Sign returns the Stripe-Signature header for body signed with secret
// at ts.
func Sign(body []byte, secret string, ts time.Time) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret, Timestamp: ts}).Header
}

// WaitApplied waits until want events are stored and every one is
// applied, failing the test after timeout with the last error noted.
func WaitApplied(t testing.TB, d *db.DB, want int, timeout time.Duration) {
	t.Helper()
	waitFor(t, timeout, func() (bool, string) {
		var stored, applied int
		var last string
		err := d.QueryRowContext(context.Background(), `SELECT COUNT(*),
			COALESCE(SUM(CASE WHEN applied_at IS NULL THEN 0 ELSE 1 END), 0),
			COALESCE(MAX(CASE WHEN applied_at IS NULL THEN last_error END), '') FROM payment_events`).Scan(&stored, &applied, &last)
		if err != nil {
			t.Fatal(err)
		}
		return stored == want && applied == want,
			fmt.Sprintf("%d events stored, %d applied, want %d (last error %q)", stored, applied, want, last)
	})
}

// WaitTried waits until the event eventID has been worked at least once,
// applied or failed.
func WaitTried(t testing.TB, d *db.DB, eventID string, timeout time.Duration) {
	t.Helper()
	waitFor(t, timeout, func() (bool, string) {
		var n int
		err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM payment_events
			WHERE event_id = $1 AND (attempts > 0 OR applied_at IS NOT NULL)`, eventID).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		return n > 0, "event " + eventID + " not tried yet"
	})
}

// waitFor polls cond until it holds, or fails the test with its account
// of what it saw once timeout has passed.
func waitFor(t testing.TB, timeout time.Duration, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, saw := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", timeout, saw)
		}
		<-tick.C
	}
}
