package supporter

import (
	"context"
	"errors"
	"fmt"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment"
)

// creditOf answers, for a refund or dispute of a charge, which credit in
// the ledger the charge paid: the reference to take the money back from,
// or "" when the ledger has none yet (the payment's own event may still
// be on its way, and the caller retries). It is the one answer refunds,
// disputes and Claims all use.
//
// A paid invoice is credited under its PaymentIntent, which refunds and
// disputes name; but when Stripe named none for the invoice, under the
// invoice's id (paymentOf), and neither a refund's charge nor a dispute
// names the invoice in API version basil. So, in order:
//
//   - the PaymentIntent the event names, when the ledger has it;
//   - the invoice the event names (charges rendered before basil did);
//   - the invoice Stripe says the charge paid (payment.Stripe's
//     ChargeInvoice), asked only when both of those found nothing, inside
//     the job that applies the event, so a Stripe error retries the job.
//
// Stripe's payment.ErrNoSuchCharge comes back as it is: the caller holds
// the event for the treasurer.
func (s *Service) creditOf(ctx context.Context, ev payment.Event) (string, error) {
	for _, ref := range []string{ev.PaymentRef, ev.Billing.InvoiceID} {
		if ok, err := s.credited(ctx, ref); err != nil || ok {
			return ref, err
		}
	}
	if s.provider == nil || ev.ChargeID == "" {
		return "", nil
	}
	in, err := s.provider.ChargeInvoice(ctx, ev.ChargeID, ev.PaymentRef)
	if err != nil {
		return "", fmt.Errorf("supporter: %s %s: %w", ev.Type, ev.ID, err)
	}
	if ok, err := s.credited(ctx, in); err != nil || !ok {
		return "", err
	}
	return in, nil
}

// credited says whether the ledger has a credit under ref.
func (s *Service) credited(ctx context.Context, ref string) (bool, error) {
	if ref == "" {
		return false, nil
	}
	_, err := s.fund.EntryByRef(ctx, ref)
	if errors.Is(err, db.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// holdUnknownCharge keeps a refund or dispute of a charge Stripe does not
// have for the treasurer, once per event: nothing can say which payment
// it takes back, and money leaving the account must not go unseen. The
// hold's attempted entry is the reversal it would be, under the charge.
func (s *Service) holdUnknownCharge(ctx context.Context, ev payment.Event) error {
	what := "refunded (in all, so far)"
	amount := ev.RefundedMinor
	if ev.Kind == payment.Disputed {
		what, amount = "disputed by the payer's bank", ev.AmountMinor
	}
	got := money.New(amount, ev.Currency)
	_, err := s.fund.Hold(ctx, fund.Hold{Kind: fund.KindHeld, Key: "unknown-charge:" + ev.ID,
		Attempted: fund.Entry{Amount: money.New(-amount, ev.Currency), Method: fund.Card, ProviderRef: ev.ChargeID,
			ReceivedAt: ev.Created, RecordedBy: recorder},
		Reason: fmt.Sprintf("Stripe event %s (%s): %s of charge %s was %s, but Stripe has no such charge, so coopress "+
			"cannot tell which payment it takes back. Find the charge in Stripe's dashboard and reverse its gift by hand.",
			ev.ID, ev.Type, got.Format(), ev.ChargeID, what)})
	if err != nil {
		return fmt.Errorf("supporter: hold %s %s: %w", ev.Type, ev.ID, err)
	}
	return nil
}
