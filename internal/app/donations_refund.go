package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment"
)

// The refund rule. The ledger is append-only, so money going back is a
// reversing entry:
//
//   - a full refund or a dispute reverses every live entry of the payment
//     and closes it, with a reason ending in closedMark;
//   - a partial refund reverses the whole gift and records the part the
//     paper keeps as a new card entry, keyed "<PaymentIntent>~kept-after-
//     refund-<total refunded so far>", received when the gift was (so it
//     counts in the gift's month). A second partial refund does the same to
//     that entry. Stripe's charge.refunded carries the running total, so
//     the event with the highest total wins and an older one arriving late
//     does nothing; nothing is reopened once closed.
//
// Every step is idempotent (Record's ErrDuplicate, Reverse's
// ErrAlreadyReversed), so a retry after a crash finishes the job.
const (
	keptSep    = "~kept-after-refund-"
	closedMark = " [payment closed]"
)

// chain is a payment's entries in the ledger: the gift, any kept parts,
// and which of them have been reversed.
type chain struct {
	entries  []fund.Entry    // gift and kept parts, oldest first
	reversed map[int64]bool  // entry id → has a reversal
	kept     map[int64]int64 // entry id → refunded total it was recorded after
	closed   bool            // a full refund or dispute was applied
	maxKept  int64           // highest refunded total with a kept entry
}

func (d *Donations) loadChain(ctx context.Context, orig fund.Entry) (chain, error) {
	all, err := d.fund.Entries(ctx, orig.Month)
	if err != nil {
		return chain{}, err
	}
	c := chain{reversed: map[int64]bool{}, kept: map[int64]int64{}}
	ids := map[int64]bool{}
	for _, e := range all {
		switch {
		case e.ProviderRef == orig.ProviderRef:
		case strings.HasPrefix(e.ProviderRef, orig.ProviderRef+keptSep):
			r, err := strconv.ParseInt(strings.TrimPrefix(e.ProviderRef, orig.ProviderRef+keptSep), 10, 64)
			if err != nil {
				continue
			}
			c.kept[e.ID], c.maxKept = r, max(c.maxKept, r)
		default:
			continue
		}
		ids[e.ID] = true
		c.entries = append(c.entries, e)
	}
	for _, e := range all {
		if e.ReversalOf != 0 && ids[e.ReversalOf] {
			c.reversed[e.ReversalOf] = true
			c.closed = c.closed || strings.HasSuffix(e.Reason, closedMark)
		}
	}
	return c, nil
}

// applyRefund brings the ledger to what ev says the paper keeps of orig.
func (d *Donations) applyRefund(ctx context.Context, orig fund.Entry, ev payment.Event) error {
	c, err := d.loadChain(ctx, orig)
	if err != nil {
		return err
	}
	gift := orig.Amount.Minor
	full := ev.Kind == payment.Disputed || ev.RefundedMinor >= gift
	if full {
		why := fmt.Sprintf("Stripe: %s refunded in full (event %s)", ev.PaymentRef, ev.ID)
		if ev.Kind == payment.Disputed {
			why = fmt.Sprintf("Stripe: card payment %s disputed by the donor's bank (event %s)", ev.PaymentRef, ev.ID)
		}
		return d.reverseLive(ctx, c, 0, why+closedMark)
	}
	if c.closed || ev.RefundedMinor <= 0 || ev.RefundedMinor < c.maxKept {
		return nil // closed already, or an older refund total arriving late
	}
	keep := money.New(gift-ev.RefundedMinor, orig.Amount.Currency)
	ref := orig.ProviderRef + keptSep + strconv.FormatInt(ev.RefundedMinor, 10)
	kept, err := d.fund.Record(ctx, fund.Entry{
		Amount: keep, Method: orig.Method, DonorName: orig.DonorName, DonorEmail: orig.DonorEmail,
		DonorTown: orig.DonorTown, Public: orig.Public, PublicName: orig.PublicName, Message: orig.Message,
		ProviderRef: ref, ReceivedAt: orig.ReceivedAt, RecordedBy: donationRecorder,
	})
	if err != nil && !errors.Is(err, fund.ErrDuplicate) {
		return fmt.Errorf("donations: re-record kept part of %s: %w", orig.ProviderRef, err)
	}
	// Read again after writing: whichever of two racing refunds writes
	// last sees both and leaves only the highest total standing.
	if c, err = d.loadChain(ctx, orig); err != nil {
		return err
	}
	if c.closed {
		return d.reverseLive(ctx, c, 0, fmt.Sprintf("Stripe: %s closed by a full refund or dispute", orig.ProviderRef)+closedMark)
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
		orig.ProviderRef, money.New(ev.RefundedMinor, orig.Amount.Currency).Format(), ev.ID)
	return d.reverseLive(ctx, c, keepID, why)
}

// reverseLive reverses every entry of c not yet reversed except keep.
func (d *Donations) reverseLive(ctx context.Context, c chain, keep int64, reason string) error {
	for _, e := range c.entries {
		if e.ID == keep || c.reversed[e.ID] {
			continue
		}
		_, err := d.fund.Reverse(ctx, e.ID, reason, donationRecorder)
		if err != nil && !errors.Is(err, fund.ErrAlreadyReversed) {
			return fmt.Errorf("donations: reverse entry %d: %w", e.ID, err)
		}
	}
	return nil
}
