package payment

import (
	"context"
	"errors"
	"fmt"

	"github.com/stripe/stripe-go/v82"
)

// ErrNoSuchCharge is returned by ChargeInvoice when Stripe has no charge
// by the id an event named: a charge of another account or mode (a live
// webhook read with a test key), or an event no one should have signed.
var ErrNoSuchCharge = errors.New("payment: Stripe has no such charge")

// statusNotFound is Stripe's HTTP status for an id it does not have.
const statusNotFound = 404

// ChargeInvoice is the invoice a charge paid, or "" when it paid none
// that Stripe can name. API version basil took the invoice off the
// charge (and off its PaymentIntent), so refunds and disputes of an
// invoice's payment no longer name the invoice: it is found through the
// invoice's payments, by the charge's PaymentIntent. paymentIntent is the
// one the event named, used when the charge itself names none. A charge
// with no PaymentIntent at all cannot be traced to an invoice through
// basil's API (invoice payments are listed by PaymentIntent only), and
// gives "".
func (s *Stripe) ChargeInvoice(ctx context.Context, chargeID, paymentIntent string) (string, error) {
	if chargeID == "" {
		return "", errors.New("payment: which invoice a charge paid needs the charge")
	}
	ch, err := s.client.V1Charges.Retrieve(ctx, chargeID, nil)
	var se *stripe.Error
	if errors.As(err, &se) && se.HTTPStatusCode == statusNotFound {
		return "", fmt.Errorf("%w: %s", ErrNoSuchCharge, chargeID)
	}
	if err != nil {
		return "", fmt.Errorf("payment: charge %s: %w", chargeID, err)
	}
	pi := paymentIntent
	if ch.PaymentIntent != nil && ch.PaymentIntent.ID != "" {
		pi = ch.PaymentIntent.ID
	}
	if pi == "" {
		return "", nil
	}
	p := &stripe.InvoicePaymentListParams{Status: stripe.String("paid"),
		Payment: &stripe.InvoicePaymentListPaymentParams{Type: stripe.String("payment_intent"), PaymentIntent: stripe.String(pi)}}
	p.Limit = stripe.Int64(10)
	for ip, err := range s.client.V1InvoicePayments.List(ctx, p) {
		if err != nil {
			return "", fmt.Errorf("payment: invoice paid by %s (charge %s): %w", pi, chargeID, err)
		}
		if ip.Invoice != nil && ip.Invoice.ID != "" {
			return ip.Invoice.ID, nil
		}
	}
	return "", nil
}
