package payment_test

import (
	"context"
	"errors"
	"testing"

	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/testservers"
)

// TestChargeInvoiceAgainstStripeMock: the invoice a charge paid is asked
// of Stripe in requests stripe-mock accepts (it checks each parameter
// against Stripe's API description). stripe-mock keeps no state: its
// canned charge names no PaymentIntent, and its canned invoice payment
// is of invoice "invoice"; the one request it answers 404, as Stripe does
// an id it does not have, is a URL it does not recognise (an id with a
// slash).
func TestChargeInvoiceAgainstStripeMock(t *testing.T) {
	mock := testservers.StartStripeMock(t)
	s, err := payment.NewStripe(payment.StripeConfig{SecretKey: "sk_test_123", APIURL: mock.URL()})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, charge, pi string
		want             string
		err              error
	}{
		{"the event's PaymentIntent finds the invoice", "ch_1", "pi_1", "invoice", nil},
		{"no PaymentIntent on the event or the charge: no invoice to find", "ch_1", "", "", nil},
		{"a charge Stripe does not have", "ch_gone/unknown", "pi_1", "", payment.ErrNoSuchCharge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := s.ChargeInvoice(context.Background(), c.charge, c.pi)
			if got != c.want || (c.err == nil) != (err == nil) || (c.err != nil && !errors.Is(err, c.err)) {
				t.Fatalf("ChargeInvoice(%q, %q) = %q, %v; want %q, %v", c.charge, c.pi, got, err, c.want, c.err)
			}
		})
	}
}
