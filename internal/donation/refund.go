package donation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/payment/payref"
)

// The refund rule. The ledger is append-only, so money going back is a
// reversing entry:
//
//   - a full refund or a dispute reverses every live entry of the payment
//     and closes it: the first of those reversals writes the payment into
//     closed_payments in its own transaction (closed_store.go);
//   - a partial refund reverses the whole gift and records the part the
//     paper keeps as a new card entry, keyed payref.KeptAfter(payment,
//     total refunded so far), received when the gift was (so it counts in
//     the gift's month). A second partial refund does the same to that
//     entry. Stripe's charge.refunded carries the running total, so the
//     event with the highest total wins and an older one arriving late
//     does nothing; nothing is reopened once closed.
//
// Every step is idempotent (Record's ErrDuplicate, Reverse's
// ErrAlreadyReversed, the closure's primary key), so a retry after a crash
// finishes the job.

// chain is a payment's entries in the ledger: the gift, any kept parts,
// and which of them have been reversed.
type chain struct {
	payment  string
	entries  []fund.Entry    // gift and kept parts, oldest first
	reversed map[int64]bool  // entry id → has a reversal
	kept     map[int64]int64 // entry id → refunded total it was recorded after
	closed   bool            // a full refund or dispute was applied
	maxKept  int64           // highest refunded total with a kept entry
}

func (s *Service) loadChain(ctx context.Context, orig fund.Entry) (chain, error) {
	all, err := s.fund.Entries(ctx, orig.Month)
	if err != nil {
		return chain{}, err
	}
	c := chain{payment: orig.ProviderRef, reversed: map[int64]bool{}, kept: map[int64]int64{}}
	ids := map[int64]bool{}
	for _, e := range all {
		r, err := payref.Parse(e.ProviderRef)
		if err != nil || r.Payment != c.payment {
			continue
		}
		if r.Kind == payref.Kept {
			c.kept[e.ID], c.maxKept = r.Refunded, max(c.maxKept, r.Refunded)
		}
		ids[e.ID] = true
		c.entries = append(c.entries, e)
	}
	for _, e := range all {
		if e.ReversalOf != 0 && ids[e.ReversalOf] {
			c.reversed[e.ReversalOf] = true
		}
	}
	if c.closed, err = s.Closed(ctx, c.payment); err != nil {
		return chain{}, err
	}
	return c, nil
}

// applyRefund brings the ledger to what ev says the paper keeps of orig.
func (s *Service) applyRefund(ctx context.Context, orig fund.Entry, ev payment.Event) error {
	c, err := s.loadChain(ctx, orig)
	if err != nil {
		return err
	}
	gift := orig.Amount.Minor
	if ev.Kind == payment.Disputed || ev.RefundedMinor >= gift {
		why := fmt.Sprintf("Stripe: %s refunded in full (event %s)", c.payment, ev.ID)
		if ev.Kind == payment.Disputed {
			why = fmt.Sprintf("Stripe: card payment %s disputed by the donor's bank (event %s)", c.payment, ev.ID)
		}
		return s.reverseLive(ctx, c, 0, why, ev.ID)
	}
	if c.closed || ev.RefundedMinor <= 0 || ev.RefundedMinor < c.maxKept {
		return nil // closed already, or an older refund total arriving late
	}
	ref, err := payref.KeptAfter(c.payment, ev.RefundedMinor).Format()
	if err != nil {
		return fmt.Errorf("donation: kept part of %s: %w", c.payment, err)
	}
	kept, err := s.fund.Record(ctx, fund.Entry{
		Amount: money.New(gift-ev.RefundedMinor, orig.Amount.Currency), Method: orig.Method,
		DonorName: orig.DonorName, DonorEmail: orig.DonorEmail, DonorTown: orig.DonorTown, Public: orig.Public,
		PublicName: orig.PublicName, Message: orig.Message,
		ProviderRef: ref, ReceivedAt: orig.ReceivedAt, RecordedBy: recorder,
		// The donor was thanked for the whole gift when it arrived.
		Restates: true,
	})
	if err != nil && !errors.Is(err, fund.ErrDuplicate) {
		return fmt.Errorf("donation: re-record kept part of %s: %w", c.payment, err)
	}
	// Read again after writing: whichever of two racing refunds writes
	// last sees both and leaves only the highest total standing.
	if c, err = s.loadChain(ctx, orig); err != nil {
		return err
	}
	if c.closed {
		return s.reverseLive(ctx, c, 0, fmt.Sprintf("Stripe: %s closed by a full refund or dispute", c.payment), ev.ID)
	}
	var keepID int64
	for id, r := range c.kept {
		if r == c.maxKept {
			keepID = id
		}
	}
	if keepID == 0 {
		keepID = kept.ID
	}
	why := fmt.Sprintf("Stripe: partial refund of %s, %s refunded in all (event %s); the part kept is re-recorded",
		c.payment, money.New(ev.RefundedMinor, orig.Amount.Currency).Format(), ev.ID)
	return s.reverseLive(ctx, c, keepID, why, "")
}

// reverseLive reverses every entry of c not yet reversed except keep.
// With closingEvent set (keep is then 0) the payment is closed: each
// reversal records the closure in its own transaction, the first one
// writing it, so the closure can neither be lost nor precede a reversal.
func (s *Service) reverseLive(ctx context.Context, c chain, keep int64, reason, closingEvent string) error {
	var hooks []func(context.Context, *sql.Tx, fund.Entry) error
	if closingEvent != "" {
		hooks = append(hooks, closeHook(c.payment, closingEvent))
	}
	for _, e := range c.entries {
		if e.ID == keep || c.reversed[e.ID] {
			continue
		}
		_, err := s.fund.Reverse(ctx, e.ID, reason, recorder, hooks...)
		if err != nil && !errors.Is(err, fund.ErrAlreadyReversed) {
			return fmt.Errorf("donation: reverse entry %d: %w", e.ID, err)
		}
	}
	return nil
}
