package payment

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// The events of Stripe Billing, as API version 2025-08-27.basil (the one
// stripe-go v82 pins) renders them. Two things moved in that version and
// decide how coopress routes them:
//
//   - an invoice no longer names its subscription or PaymentIntent at the
//     top level: the subscription, and a snapshot of its metadata (which
//     carries coopress's purpose), are under parent.subscription_details,
//     and the payment is under payments.data[].payment.payment_intent,
//     present only when the endpoint includes it;
//   - a subscription's period and price are per item, under items.data[].
//
// Refunds and disputes of an invoice's payment name its PaymentIntent
// only; they find their purpose through the paid invoice's payment_ref
// when it carried one, or through the handler's Claimer otherwise, which
// may ask Stripe which invoice the charge paid (ChargeInvoice).

// stripeRef is an id Stripe sends either as a string or, when expanded, as
// an object with an "id" (and, for a payment method, a "type").
type stripeRef struct {
	ID   string
	Type string
}

// UnmarshalJSON reads either form; null leaves it empty.
func (r *stripeRef) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if err := json.Unmarshal(b, &r.ID); err == nil {
		return nil
	}
	var o struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return err
	}
	r.ID, r.Type = o.ID, o.Type
	return nil
}

// stripeInvoice holds the fields of an invoice that coopress reads.
type stripeInvoice struct {
	ID                 string    `json:"id"`
	AmountPaid         int64     `json:"amount_paid"`
	AmountDue          int64     `json:"amount_due"`
	Currency           string    `json:"currency"`
	Customer           stripeRef `json:"customer"`
	CustomerEmail      string    `json:"customer_email"`
	HostedInvoiceURL   string    `json:"hosted_invoice_url"`
	NextPaymentAttempt int64     `json:"next_payment_attempt"`
	Parent             struct {
		SubscriptionDetails struct {
			Metadata     map[string]string `json:"metadata"`
			Subscription stripeRef         `json:"subscription"`
		} `json:"subscription_details"`
	} `json:"parent"`
	Payments struct {
		Data []struct {
			Status  string `json:"status"`
			Payment struct {
				PaymentIntent stripeRef `json:"payment_intent"`
			} `json:"payment"`
		} `json:"data"`
	} `json:"payments"`
	Lines struct {
		Data []struct {
			Period struct {
				End int64 `json:"end"`
			} `json:"period"`
		} `json:"data"`
	} `json:"lines"`
	Metadata map[string]string `json:"metadata"`
}

// stripeSubscription holds the fields of a subscription that coopress
// reads.
type stripeSubscription struct {
	ID                   string            `json:"id"`
	Status               string            `json:"status"`
	Customer             stripeRef         `json:"customer"`
	Metadata             map[string]string `json:"metadata"`
	DefaultPaymentMethod stripeRef         `json:"default_payment_method"`
	PauseCollection      *struct {
		Behavior string `json:"behavior"`
	} `json:"pause_collection"`
	CancellationDetails struct {
		Reason string `json:"reason"`
	} `json:"cancellation_details"`
	Items struct {
		Data []struct {
			CurrentPeriodEnd int64 `json:"current_period_end"`
			Quantity         int64 `json:"quantity"`
			Price            struct {
				UnitAmount int64  `json:"unit_amount"`
				Currency   string `json:"currency"`
			} `json:"price"`
		} `json:"data"`
	} `json:"items"`
}

// parseSubscriptionCheckout reads the subscription a completed checkout
// in subscription mode made.
func parseSubscriptionCheckout(obj []byte, ev *Event) error {
	var o struct {
		Subscription stripeRef `json:"subscription"`
		Customer     stripeRef `json:"customer"`
	}
	if err := json.Unmarshal(obj, &o); err != nil {
		return fmt.Errorf("%w: checkout session: %v", ErrMalformed, err)
	}
	ev.Billing.SubscriptionID, ev.Billing.CustomerID = o.Subscription.ID, o.Customer.ID
	return nil
}

// parseInvoice reads invoice.paid and invoice.payment_failed. The purpose
// is the invoice's own metadata's, else its subscription's.
func parseInvoice(typ string, obj []byte, ev *Event) error {
	var in stripeInvoice
	if err := json.Unmarshal(obj, &in); err != nil {
		return fmt.Errorf("%w: invoice: %v", ErrMalformed, err)
	}
	sub := in.Parent.SubscriptionDetails
	if ev.Purpose == "" && sub.Metadata["purpose"] != "" {
		ev.Metadata, ev.Purpose = sub.Metadata, sub.Metadata["purpose"]
	}
	ev.Currency = strings.ToUpper(in.Currency)
	ev.Email = in.CustomerEmail
	b := &ev.Billing
	b.InvoiceID, b.SubscriptionID, b.CustomerID = in.ID, sub.Subscription.ID, in.Customer.ID
	b.FixURL = in.HostedInvoiceURL
	// The payment that succeeded, or for a failure the one that failed;
	// the paid one wins when an invoice had several attempts.
	for _, p := range in.Payments.Data {
		if pi := p.Payment.PaymentIntent.ID; pi != "" && (ev.PaymentRef == "" || p.Status == "paid") {
			ev.PaymentRef = pi
		}
	}
	switch typ {
	case "invoice.paid":
		ev.Kind, ev.AmountMinor = Paid, in.AmountPaid
		if len(in.Lines.Data) > 0 && in.Lines.Data[0].Period.End > 0 {
			b.NextPaymentAt = time.Unix(in.Lines.Data[0].Period.End, 0).UTC()
		}
	case "invoice.payment_failed":
		ev.Kind, ev.AmountMinor = PaymentFailed, in.AmountDue
		if in.NextPaymentAttempt > 0 {
			b.NextPaymentAt, b.NextAmountMinor = time.Unix(in.NextPaymentAttempt, 0).UTC(), in.AmountDue
		}
	}
	return nil
}

// parseSubscription reads the customer.subscription.* events.
func parseSubscription(typ string, obj []byte, ev *Event) error {
	var s stripeSubscription
	if err := json.Unmarshal(obj, &s); err != nil {
		return fmt.Errorf("%w: subscription: %v", ErrMalformed, err)
	}
	b := &ev.Billing
	b.SubscriptionID, b.CustomerID, b.Status = s.ID, s.Customer.ID, s.Status
	b.Paused = s.PauseCollection != nil || s.Status == "paused"
	b.PaymentMethod = s.DefaultPaymentMethod.Type
	b.CancelReason = s.CancellationDetails.Reason
	if len(s.Items.Data) > 0 {
		it := s.Items.Data[0]
		b.NextAmountMinor = it.Price.UnitAmount * max(it.Quantity, 1)
		ev.Currency = strings.ToUpper(it.Price.Currency)
		if it.CurrentPeriodEnd > 0 && !b.Paused && typ != "customer.subscription.deleted" {
			b.NextPaymentAt = time.Unix(it.CurrentPeriodEnd, 0).UTC()
		}
	}
	ev.AmountMinor = b.NextAmountMinor
	ev.Kind = SubscriptionChanged
	if typ == "customer.subscription.deleted" {
		ev.Kind = SubscriptionEnded
	}
	return nil
}
