package fund

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/coopress/coopress/internal/valid"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment/payref"
)

// RowError is a gift of a batch that cannot be recorded; Row is its index
// in the batch, so the treasurer can be told which line to mend.
type RowError struct {
	Row int
	Err valid.Error
}

// Error reads "gift 3: amount: must be more than zero".
func (e RowError) Error() string { return fmt.Sprintf("gift %d: %v", e.Row, e.Err) }

// Unwrap gives the valid.Error, so errors.As finds the field.
func (e RowError) Unwrap() error { return e.Err }

// Batch is what RecordBatch did.
type Batch struct {
	// Recorded are the new entries, in the batch's order.
	Recorded []Entry
	// Skipped are the gifts whose reference was already in the ledger (or
	// earlier in the same batch); nothing was credited for them.
	Skipped []SkippedGift
}

// SkippedGift is a gift left out because its reference was recorded before.
type SkippedGift struct {
	Row      int
	Existing Entry
	// Conflict is set when the gift differs from Existing in amount,
	// currency or method; it is then held for the treasurer (see Hold).
	Conflict *ConflictError
}

// BatchHook runs inside RecordBatch's transaction after every gift is in,
// so that what it writes (the audit log) is kept or lost with the gifts.
type BatchHook func(ctx context.Context, tx *sql.Tx, b Batch) error

// RecordBatch records gifts all or nothing, in one transaction: a gift that
// fails validation (a RowError), or a hook that fails, leaves the ledger as
// it was. A gift whose reference is already recorded is skipped, not an
// error, so a bank statement can be imported again safely; one that
// differs from the recorded entry is held as a conflict. hook may be nil.
func (s *Service) RecordBatch(ctx context.Context, gifts []Entry, hook BatchHook) (Batch, error) {
	checked := make([]Entry, len(gifts))
	for i, g := range gifts {
		e, err := s.validate(g)
		if err != nil {
			return Batch{}, rowError(i, err)
		}
		checked[i] = e
	}
	var b Batch
	var states []campaignState
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		b, states = Batch{}, nil
		for i, e := range checked {
			e, st, dup, err := s.recordTx(ctx, tx, e)
			if err != nil {
				return rowError(i, err)
			}
			if dup {
				sk := SkippedGift{Row: i, Existing: e}
				if c := CompareDuplicate(e, checked[i]); c != nil {
					sk.Conflict = c.(*ConflictError)
					if err := s.holdConflict(ctx, tx, sk.Conflict); err != nil {
						return err
					}
				}
				b.Skipped = append(b.Skipped, sk)
				continue
			}
			b.Recorded, states = append(b.Recorded, e), append(states, st)
		}
		if hook != nil {
			return hook(ctx, tx, b)
		}
		return nil
	})
	if err != nil {
		return Batch{}, err
	}
	for _, st := range states {
		s.snap.apply(st)
	}
	return b, nil
}

// rowError numbers a valid.Error by its place in the batch.
func rowError(i int, err error) error {
	var v valid.Error
	if errors.As(err, &v) {
		return RowError{Row: i, Err: v}
	}
	return err
}

// insertGift writes one validated gift, as Record does. dup is true, with
// the entry already holding the reference, when the reference was taken.
func insertGift(ctx context.Context, tx *sql.Tx, campaignID int64, e Entry) (Entry, bool, error) {
	err := tx.QueryRowContext(ctx, `INSERT INTO ledger_entries (campaign_id, amount_minor, currency, method,
		donor_name, donor_email, donor_town, public, public_name, message, provider_ref,
		received_at, recorded_at, recorded_by, reason)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, '')
		ON CONFLICT (provider_ref) DO NOTHING RETURNING id`,
		campaignID, e.Amount.Minor, e.Amount.Currency, string(e.Method), e.DonorName, e.DonorEmail, e.DonorTown,
		boolInt(e.Public), e.PublicName, e.Message, nullIfEmpty(e.ProviderRef),
		e.ReceivedAt, e.RecordedAt, e.RecordedBy).Scan(&e.ID)
	if errors.Is(err, sql.ErrNoRows) {
		existing, err := getEntryByRef(ctx, tx, e.ProviderRef)
		return existing, true, err
	}
	if err != nil {
		return Entry{}, false, fmt.Errorf("fund: record entry: %w", err)
	}
	return e, false, nil
}

// Largest lists month's n largest gifts that still count: reversed gifts
// and the reversals themselves are left out.
func (s *Service) Largest(ctx context.Context, month string, n int) ([]Entry, error) {
	return queryEntries(ctx, s.db, `SELECT `+entryColumns+` WHERE c.month = $1 AND e.amount_minor > 0
		AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reversal_of = e.id)
		ORDER BY e.amount_minor DESC, e.id LIMIT $2`, month, n)
}

// EntriesReceived lists the entries received in [from, to), whatever
// their campaign, for an export by dates.
func (s *Service) EntriesReceived(ctx context.Context, from, to time.Time) ([]Entry, error) {
	return entriesBetween(ctx, s.db, from, to)
}

// PaymentEvent is a stored provider event about a payment, as the
// reconciliation shows it.
type PaymentEvent struct {
	EventID    string
	Type       string
	PaymentRef string
	ReceivedAt time.Time
	// AppliedAt is zero while the event waits for its job.
	AppliedAt time.Time
	// Note is the worker's last error or the reason it left the event alone.
	Note string
}

// CardMatch is one card entry of the month with the event that paid it.
type CardMatch struct {
	Entry Entry
	// Event is nil when no stored event names the entry's payment.
	Event *PaymentEvent
}

// CardReconciliation sets a month's card entries against the payment
// events stored by the webhook intake.
type CardReconciliation struct {
	Month string
	// Entries are the month's card entries, reversals included.
	Entries []CardMatch
	// Unmatched are completed checkouts received in the month whose payment
	// has no card entry: not yet applied, not paid, or lost.
	Unmatched []PaymentEvent
	// LedgerTotal is the month's net card total; Matched the part whose
	// payments have a stored event; Difference the rest.
	LedgerTotal, Matched, Difference money.Money
}

// checkoutTypes are the event types that complete a payment.
const checkoutTypes = `('checkout.session.completed', 'checkout.session.async_payment_succeeded')`

// ReconcileCard matches month's card entries to the completed checkouts
// stored for purpose. An entry matches an event when its provider
// reference names the event's payment (payref: the gift, or a part
// re-recorded after a partial refund); a reversal matches through the
// gift it reverses. It only reads payment_events,
// which the payment package owns, and knows nothing of Stripe's payloads.
func (s *Service) ReconcileCard(ctx context.Context, month, purpose string) (CardReconciliation, error) {
	start, err := ParseMonth(month, s.loc)
	if err != nil {
		return CardReconciliation{}, err
	}
	end := start.AddDate(0, 1, 0)
	c, err := s.Campaign(ctx, month)
	if err != nil {
		return CardReconciliation{}, err
	}
	cur := c.Target.Currency
	r := CardReconciliation{Month: month, LedgerTotal: money.Zero(cur), Matched: money.Zero(cur), Difference: money.Zero(cur)}
	entries, err := queryEntries(ctx, s.db, `SELECT `+entryColumns+` WHERE c.month = $1 AND e.method = $2
		ORDER BY e.received_at, e.id`, month, string(Card))
	if err != nil {
		return r, err
	}
	// A day either side catches a payment made just before midnight whose
	// webhook arrived just after.
	events, err := s.paymentEvents(ctx, purpose, start.AddDate(0, 0, -1), end.AddDate(0, 0, 1))
	if err != nil {
		return r, err
	}
	byRef := map[string]*PaymentEvent{}
	for i := range events {
		if _, seen := byRef[events[i].PaymentRef]; !seen && events[i].PaymentRef != "" {
			byRef[events[i].PaymentRef] = &events[i]
		}
	}
	used, refOf := map[string]bool{}, map[int64]string{}
	for _, e := range entries {
		refOf[e.ID] = e.ProviderRef
	}
	for _, e := range entries {
		// A refund's reversal carries no reference of its own; it belongs
		// to the payment of the gift it reverses, in the same campaign.
		ref := payref.PaymentOf(e.ProviderRef)
		if e.ReversalOf != 0 {
			ref = payref.PaymentOf(refOf[e.ReversalOf])
		}
		m := CardMatch{Entry: e, Event: byRef[ref]}
		if r.LedgerTotal, err = r.LedgerTotal.Add(e.Amount); err != nil {
			return r, err
		}
		if m.Event != nil {
			used[ref] = true
			r.Matched, err = r.Matched.Add(e.Amount)
		} else {
			r.Difference, err = r.Difference.Add(e.Amount)
		}
		if err != nil {
			return r, err
		}
		r.Entries = append(r.Entries, m)
	}
	for _, ev := range events {
		if !used[ev.PaymentRef] && !ev.ReceivedAt.Before(start) && ev.ReceivedAt.Before(end) {
			r.Unmatched = append(r.Unmatched, ev)
		}
	}
	return r, nil
}

// paymentEvents reads the completed checkouts for purpose received in
// [from, to), oldest first.
func (s *Service) paymentEvents(ctx context.Context, purpose string, from, to time.Time) ([]PaymentEvent, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT event_id, type, payment_ref, received_at, applied_at, last_error
		FROM payment_events WHERE purpose = $1 AND type IN `+checkoutTypes+`
		AND received_at >= $2 AND received_at < $3 ORDER BY received_at, id`, purpose, db.UTC(from), db.UTC(to))
	if err != nil {
		return nil, fmt.Errorf("fund: read payment events: %w", err)
	}
	defer rows.Close()
	var out []PaymentEvent
	for rows.Next() {
		var ev PaymentEvent
		var applied sql.NullTime
		if err := rows.Scan(&ev.EventID, &ev.Type, &ev.PaymentRef, &ev.ReceivedAt, &applied, &ev.Note); err != nil {
			return nil, fmt.Errorf("fund: read payment events: %w", err)
		}
		ev.ReceivedAt = ev.ReceivedAt.UTC()
		if applied.Valid {
			ev.AppliedAt = applied.Time.UTC()
		}
		out = append(out, ev)
	}
	return out, rows.Err()
}
