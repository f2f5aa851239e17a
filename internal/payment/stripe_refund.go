package payment

import (
	"context"
	"errors"
	"fmt"

	"github.com/stripe/stripe-go/v82"
)

// Refund returns amountMinor of the payment paymentRef (a PaymentIntent)
// to the payer and gives the refund's id. key is the idempotency key:
// Stripe answers a retry with the same key with the first refund, so a
// request whose answer was lost can be sent again without paying twice.
func (s *Stripe) Refund(ctx context.Context, paymentRef string, amountMinor int64, key string) (string, error) {
	if paymentRef == "" || amountMinor <= 0 || key == "" {
		return "", errors.New("payment: a refund needs a payment, an amount and an idempotency key")
	}
	p := &stripe.RefundCreateParams{PaymentIntent: stripe.String(paymentRef), Amount: stripe.Int64(amountMinor)}
	p.SetIdempotencyKey(key)
	r, err := s.client.V1Refunds.Create(ctx, p)
	if err != nil {
		return "", fmt.Errorf("payment: refund %s: %w", paymentRef, err)
	}
	return r.ID, nil
}
