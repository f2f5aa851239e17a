package payment

import (
	"context"
	"errors"
	"fmt"

	"github.com/stripe/stripe-go/v82"
)

// refundKeyMetadata names the metadata field in which a refund carries
// its idempotency key, so that the refund can be found again by the key
// once Stripe has forgotten it.
const refundKeyMetadata = "coopress_key"

// Refund returns amountMinor of the payment paymentRef (a PaymentIntent)
// to the payer and gives the refund's id. key is the idempotency key:
// Stripe answers a retry with the same key with the first refund, so a
// request whose answer was lost can be sent again without paying twice.
//
// Stripe keeps idempotency keys for 24 hours. A retry after that (a job
// that failed after the refund was made, retried the next day) meets
// "charge already refunded" instead; the money is back with the payer,
// so Refund then gives the payment's refund made under key, or else its
// latest refund, rather than an error the job would retry for ever.
func (s *Stripe) Refund(ctx context.Context, paymentRef string, amountMinor int64, key string) (string, error) {
	if paymentRef == "" || amountMinor <= 0 || key == "" {
		return "", errors.New("payment: a refund needs a payment, an amount and an idempotency key")
	}
	p := &stripe.RefundCreateParams{PaymentIntent: stripe.String(paymentRef), Amount: stripe.Int64(amountMinor)}
	p.SetIdempotencyKey(key)
	p.AddMetadata(refundKeyMetadata, key)
	r, err := s.client.V1Refunds.Create(ctx, p)
	var se *stripe.Error
	if errors.As(err, &se) && se.Code == stripe.ErrorCodeChargeAlreadyRefunded {
		return s.madeRefund(ctx, paymentRef, key)
	}
	if err != nil {
		return "", fmt.Errorf("payment: refund %s: %w", paymentRef, err)
	}
	return r.ID, nil
}

// madeRefund is the refund of a payment Stripe says is refunded already:
// the one carrying key, or else the latest (Stripe lists newest first).
func (s *Stripe) madeRefund(ctx context.Context, paymentRef, key string) (string, error) {
	var latest string
	for r, err := range s.client.V1Refunds.List(ctx, &stripe.RefundListParams{PaymentIntent: stripe.String(paymentRef)}) {
		if err != nil {
			return "", fmt.Errorf("payment: refunds of %s: %w", paymentRef, err)
		}
		if r.Status == stripe.RefundStatusFailed || r.Status == stripe.RefundStatusCanceled {
			continue
		}
		if r.Metadata[refundKeyMetadata] == key {
			return r.ID, nil
		}
		if latest == "" {
			latest = r.ID
		}
	}
	if latest == "" {
		return "", fmt.Errorf("payment: refund %s: Stripe says it is refunded already but lists no refund of it", paymentRef)
	}
	return latest, nil
}
