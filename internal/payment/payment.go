// Package payment takes money through a payment provider (Stripe) and takes
// in the provider's webhooks. It knows nothing of the fund, the society or
// any other domain: a checkout carries a purpose in its metadata, the
// webhook intake stores each event once and queues a durable job, and the
// job hands the event to the Handler the application registered for that
// purpose. What a paid donation means is the application's business.
package payment

import (
	"context"
	"errors"
	"time"
)

// ProviderStripe names Stripe in payment_events.provider.
const ProviderStripe = "stripe"

// Kind is what an event means for the money, whatever the provider called it.
type Kind string

// The kinds a Handler is asked to act on.
const (
	// Paid: the payment succeeded and the money is ours.
	Paid Kind = "paid"
	// Refunded: some or all of a payment went back to the payer; Refunded
	// holds the cumulative amount returned so far.
	Refunded Kind = "refunded"
	// Disputed: the payer's bank took the money back pending a dispute.
	Disputed Kind = "disputed"
	// Subscribed: a checkout in subscription mode is complete; the
	// subscription exists, and its invoices will each say Paid.
	Subscribed Kind = "subscribed"
	// PaymentFailed: a subscription's invoice could not be collected;
	// the provider will try again, and FixURL is where the payer can help.
	PaymentFailed Kind = "payment-failed"
	// SubscriptionChanged: a subscription was made or changed (status,
	// amount, pause, next payment); Status says where it stands now.
	SubscriptionChanged Kind = "subscription-changed"
	// SubscriptionEnded: the provider ended a subscription, because it
	// was cancelled or because it gave up collecting.
	SubscriptionEnded Kind = "subscription-ended"
)

// Event is a provider's webhook event reduced to what handlers need. The raw
// body stays in payment_events for the treasurer and for reprocessing.
type Event struct {
	Provider string
	// ID is the provider's event id, unique per provider.
	ID string
	// Type is the provider's event type, "checkout.session.completed".
	Type string
	Kind Kind
	// Created is when the provider says the event happened.
	Created time.Time
	// PaymentRef is the provider's stable id for the payment (a Stripe
	// PaymentIntent), the same on the payment, its refunds and disputes.
	PaymentRef string
	// SessionID is the checkout session, when the event is about one.
	SessionID string
	// ChargeID is the charge a refund or dispute is about ("ch_…"), the
	// one id Stripe is sure to name on both.
	ChargeID string
	// Purpose is what coopress asked the payment for ("donation").
	Purpose string
	// AmountMinor and Currency (ISO 4217, upper case) are the payment's
	// amount; for a dispute, the disputed amount.
	AmountMinor int64
	Currency    string
	// RefundedMinor is the total refunded so far, for Refunded events.
	RefundedMinor int64
	// Email is the payer's address as the provider has it.
	Email string
	// Metadata is what coopress put on the checkout (or the provider's
	// object carries), read-only. For a subscription's invoice it is the
	// subscription's metadata as it was when the invoice was finalised.
	Metadata map[string]string
	// Billing is set for the events of subscriptions and their invoices.
	Billing Billing
}

// Billing is what an event says about a recurring payment.
type Billing struct {
	// SubscriptionID and CustomerID are the provider's ("sub_…",
	// "cus_…"); InvoiceID is set for invoice events ("in_…").
	SubscriptionID string
	CustomerID     string
	InvoiceID      string
	// Status is the subscription's status as the provider names it
	// ("active", "past_due", "unpaid", "canceled", …).
	Status string
	// Paused is true while collection is paused.
	Paused bool
	// PaymentMethod is "card" or "bacs_debit" when the event says which.
	PaymentMethod string
	// NextPaymentAt and NextAmountMinor are the next collection, when
	// known: the end of the current period, or a failed invoice's retry.
	NextPaymentAt   time.Time
	NextAmountMinor int64
	// FixURL is the provider's page where the payer can pay a failed
	// invoice or change their card or mandate.
	FixURL string
	// CancelReason is why an ended subscription ended, as the provider
	// says: "cancellation_requested", "payment_failed", "payment_disputed".
	CancelReason string
}

// Handler applies events of one purpose. It is called at least once per
// event and must be idempotent: a crash after it returns but before the
// event is marked applied calls it again. An error makes the job retry
// later, which is how an event that arrives before the one it depends on
// (a refund before the payment) waits its turn.
type Handler interface {
	HandlePayment(ctx context.Context, ev Event) error
}

// Claimer is a Handler that can tell its own events when they carry no
// purpose: a refund or dispute of a subscription's invoice names only the
// PaymentIntent, and an invoice of a subscription made before its metadata
// was set names only the subscription. The worker asks each Claimer before
// giving up on an event; Claims must only read.
type Claimer interface {
	Handler
	Claims(ctx context.Context, ev Event) (bool, error)
}

// HandlerFunc lets a function be a Handler.
type HandlerFunc func(ctx context.Context, ev Event) error

// HandlePayment calls f.
func (f HandlerFunc) HandlePayment(ctx context.Context, ev Event) error { return f(ctx, ev) }

// Handlers maps a purpose to the Handler the application registered for it.
// Build it before starting the workers; it is read-only afterwards.
type Handlers map[string]Handler

// Errors Receive returns for a request that must be refused with 400. Each
// says why, so an operator reading the log can tell a misconfigured secret
// from a replay.
var (
	// ErrUnsigned: no Stripe-Signature header.
	ErrUnsigned = errors.New("payment: webhook is not signed")
	// ErrBadSignature: the header is malformed or no signature matches.
	ErrBadSignature = errors.New("payment: webhook signature does not match")
	// ErrTooOld: the signed timestamp is outside the tolerance (a replay).
	ErrTooOld = errors.New("payment: webhook timestamp is too old")
	// ErrFromFuture: the signature or the event is dated ahead of our
	// clock by more than FutureSkew.
	ErrFromFuture = errors.New("payment: webhook is dated in the future")
	// ErrMalformed: signed correctly but not an event we can read.
	ErrMalformed = errors.New("payment: webhook body is not a valid event")
	// ErrAPIVersion: the event was rendered for an API version whose
	// objects this build does not read; pin the endpoint's version.
	ErrAPIVersion = errors.New("payment: webhook API version does not match")
)

// Rejected reports whether err means the webhook itself is bad (answer
// 400, the provider should not retry it) rather than that we failed to
// store it (answer 500 so the provider redelivers).
func Rejected(err error) bool {
	for _, e := range []error{ErrUnsigned, ErrBadSignature, ErrTooOld, ErrFromFuture, ErrMalformed, ErrAPIVersion} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// ErrNotConfigured is returned when Stripe has no secret key.
var ErrNotConfigured = errors.New("payment: Stripe is not configured")
