package payment

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v82"
)

// StripeConfig is what the Stripe adapter needs. The secret key is never
// logged: StripeConfig has no String method that would show it, and the
// adapter keeps it inside stripe-go's client only.
type StripeConfig struct {
	SecretKey string
	// APIURL points the client elsewhere than api.stripe.com: stripe-mock
	// in tests. Empty means Stripe itself.
	APIURL string
	// MaxNetworkRetries is how often stripe-go retries a failed request
	// (with an idempotency key, so a retry never makes two sessions).
	MaxNetworkRetries int64
}

// Stripe creates Checkout sessions through its own stripe-go client, so
// two configurations (a test and the server) never share global state.
type Stripe struct {
	client *stripe.Client
}

// NewStripe returns the adapter, or ErrNotConfigured without a secret key.
func NewStripe(c StripeConfig) (*Stripe, error) {
	if c.SecretKey == "" {
		return nil, ErrNotConfigured
	}
	cfg := &stripe.BackendConfig{
		MaxNetworkRetries: stripe.Int64(c.MaxNetworkRetries),
		HTTPClient:        &http.Client{Timeout: 30 * time.Second},
		LeveledLogger:     &stripe.LeveledLogger{Level: stripe.LevelError},
	}
	if c.APIURL != "" {
		cfg.URL = stripe.String(strings.TrimRight(c.APIURL, "/"))
	}
	return &Stripe{client: stripe.NewClient(c.SecretKey, stripe.WithBackends(stripe.NewBackendsWithConfig(cfg)))}, nil
}

// CheckoutRequest is a one-off payment to take through Stripe Checkout.
type CheckoutRequest struct {
	// AmountMinor in Currency's minor units (pence).
	AmountMinor int64
	// Currency is ISO 4217, any case.
	Currency string
	// Email pre-fills Checkout and receives Stripe's own receipt; optional.
	Email string
	// Purpose is stored in the metadata as "purpose" and decides which
	// Handler gets the webhooks; required.
	Purpose string
	// Description is the line the payer sees, "Donation to the fighting fund".
	Description string
	// Metadata travels with the session and its PaymentIntent (Stripe
	// allows 50 keys of up to 500 characters).
	Metadata map[string]string
	// DonateButton labels Stripe's pay button "Donate".
	DonateButton bool
	SuccessURL   string
	CancelURL    string
}

// CreateCheckout creates a Checkout session and returns the page to send
// the payer to and the session's id.
func (s *Stripe) CreateCheckout(ctx context.Context, r CheckoutRequest) (url, sessionID string, err error) {
	switch {
	case r.AmountMinor <= 0:
		return "", "", errors.New("payment: checkout amount must be more than zero")
	case len(r.Currency) != 3:
		return "", "", fmt.Errorf("payment: checkout currency %q is not ISO 4217", r.Currency)
	case r.Purpose == "":
		return "", "", errors.New("payment: checkout needs a purpose")
	case r.SuccessURL == "" || r.CancelURL == "":
		return "", "", errors.New("payment: checkout needs success and cancel URLs")
	}
	md := map[string]string{}
	for k, v := range r.Metadata {
		md[k] = v
	}
	md["purpose"] = r.Purpose
	desc := r.Description
	if desc == "" {
		desc = "Payment"
	}
	p := &stripe.CheckoutSessionCreateParams{
		Mode:       stripe.String(string(stripe.CheckoutSessionModePayment)),
		SuccessURL: stripe.String(r.SuccessURL),
		CancelURL:  stripe.String(r.CancelURL),
		LineItems: []*stripe.CheckoutSessionCreateLineItemParams{{
			Quantity: stripe.Int64(1),
			PriceData: &stripe.CheckoutSessionCreateLineItemPriceDataParams{
				Currency:    stripe.String(strings.ToLower(r.Currency)),
				UnitAmount:  stripe.Int64(r.AmountMinor),
				ProductData: &stripe.CheckoutSessionCreateLineItemPriceDataProductDataParams{Name: stripe.String(desc)},
			},
		}},
		Metadata: md,
		// The same metadata on the PaymentIntent, so refunds and disputes
		// (which name the PaymentIntent and its charge) carry the purpose.
		PaymentIntentData: &stripe.CheckoutSessionCreatePaymentIntentDataParams{Metadata: md, Description: stripe.String(desc)},
	}
	if r.DonateButton {
		p.SubmitType = stripe.String("donate")
	}
	if r.Email != "" {
		p.CustomerEmail = stripe.String(r.Email)
	}
	sess, err := s.client.V1CheckoutSessions.Create(ctx, p)
	if err != nil {
		return "", "", fmt.Errorf("payment: create checkout session: %w", err)
	}
	if sess.URL == "" {
		return "", "", fmt.Errorf("payment: checkout session %s has no URL", sess.ID)
	}
	return sess.URL, sess.ID, nil
}
