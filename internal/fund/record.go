package fund

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/coopress/coopress/internal/valid"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/money"
)

// futureSlack allows for a provider's clock running a little ahead of ours.
const futureSlack = 5 * time.Minute

// Record credits a gift to the campaign of the month it was received in.
// When e.ProviderRef was recorded before it credits nothing and returns
// the existing entry with ErrDuplicate when e is the same gift again
// (same amount, currency and method), or with a *ConflictError (which
// also matches ErrDuplicate) when it differs: the conflict is then held
// for the treasurer (see Hold), in the same transaction, so it is never
// acknowledged silently.
func (s *Service) Record(ctx context.Context, e Entry) (Entry, error) {
	e, err := s.validate(e)
	if err != nil {
		return Entry{}, err
	}
	var st campaignState
	var got Entry
	var dupErr error
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		var dup bool
		got, st, dup, err = s.recordTx(ctx, tx, e)
		if err != nil || !dup {
			return err
		}
		dupErr = ErrDuplicate
		if c := CompareDuplicate(got, e); c != nil {
			dupErr = c
			return s.holdConflict(ctx, tx, c.(*ConflictError))
		}
		return nil
	})
	if err != nil {
		return Entry{}, err
	}
	if dupErr != nil {
		return got, dupErr
	}
	s.snap.apply(st)
	return got, nil
}

// recordTx writes one validated gift in tx: the entry, the campaign's
// total, and the donor's receipt when there is an address to send it to.
// dup is true, with e the entry that already holds the reference, when the
// reference was recorded before; nothing is then written.
func (s *Service) recordTx(ctx context.Context, tx *sql.Tx, e Entry) (_ Entry, _ campaignState, dup bool, _ error) {
	if e.ProviderRef != "" {
		// Before the campaign's rules: a repeat in another currency is a
		// conflict to hold, not a gift to refuse and retry.
		old, err := getEntryByRef(ctx, tx, e.ProviderRef)
		if err == nil {
			return old, campaignState{}, true, nil
		}
		if !errors.Is(err, db.ErrNotFound) {
			return e, campaignState{}, false, err
		}
	}
	c, _, err := s.ensureCampaign(ctx, tx, e.Month)
	if err != nil {
		return e, campaignState{}, false, err
	}
	if c.Target.Currency != e.Amount.Currency {
		return e, campaignState{}, false, invalid("amount", fmt.Sprintf("the %s campaign is in %s, not %s", c.Month, c.Target.Currency, e.Amount.Currency))
	}
	e, dup, err = insertGift(ctx, tx, c.ID, e)
	if err != nil || dup {
		return e, campaignState{}, dup, err
	}
	st, err := credit(ctx, tx, c, e.Amount.Minor, e.RecordedAt)
	if err != nil {
		return e, st, false, err
	}
	if s.receipts != nil && e.DonorEmail != "" && !e.Restates {
		if err := s.receipts(ctx, tx, e); err != nil {
			return e, st, false, fmt.Errorf("fund: queue receipt for entry %d: %w", e.ID, err)
		}
	}
	return e, st, false, nil
}

// credit adds amount to the campaign's cached total and bumps the version,
// in the transaction that wrote the ledger entry.
func credit(ctx context.Context, tx *sql.Tx, c Campaign, amount int64, now time.Time) (campaignState, error) {
	st := campaignState{month: c.Month, target: c.Target, raised: c.Raised}
	err := tx.QueryRowContext(ctx, `UPDATE campaigns SET raised_minor = raised_minor + $1, updated_at = $2
		WHERE id = $3 RETURNING target_minor, raised_minor`, amount, now, c.ID).Scan(&st.target.Minor, &st.raised.Minor)
	if err != nil {
		return st, fmt.Errorf("fund: update total: %w", err)
	}
	st.version, err = bumpVersion(ctx, tx)
	return st, err
}

// validate checks and tidies a gift before it is recorded, and fills in
// the times and the campaign month.
func (s *Service) validate(e Entry) (Entry, error) {
	for _, f := range []*string{&e.DonorName, &e.DonorEmail, &e.DonorTown, &e.PublicName, &e.Message, &e.ProviderRef, &e.RecordedBy} {
		*f = strings.TrimSpace(*f)
	}
	now := s.now()
	switch {
	case e.ReversalOf != 0:
		return e, invalid("reversal_of", "use Reverse to reverse an entry")
	case e.Amount.Minor <= 0:
		return e, invalid("amount", "must be more than zero")
	case e.Amount.Minor > money.MaxEntry:
		return e, invalid("amount", "is more than "+money.New(money.MaxEntry, e.Amount.Currency).Format()+" in one entry")
	case !money.Known(e.Amount.Currency):
		return e, invalid("amount", "currency "+e.Amount.Currency+" is not supported")
	case !e.Method.Valid():
		return e, invalid("method", fmt.Sprintf("%q is not a method; use one of %s", e.Method, methodList()))
	case e.RecordedBy == "":
		return e, invalid("recorded_by", "say who is recording the gift")
	case e.RecordedBy != ProviderRecorder && providerReference(e.ProviderRef) != "":
		return e, invalid(FieldReference, providerReference(e.ProviderRef))
	case e.DonorEmail != "" && (!strings.Contains(e.DonorEmail, "@") || strings.ContainsAny(e.DonorEmail, " \t<>")):
		return e, invalid("donor_email", "is not an email address")
	case !e.ReceivedAt.IsZero() && e.ReceivedAt.After(now.Add(futureSlack)):
		return e, invalid("received_at", "is in the future")
	}
	for _, f := range []struct{ name, v string }{{FieldName, e.DonorName}, {FieldEmail, e.DonorEmail},
		{FieldTown, e.DonorTown}, {FieldPublicName, e.PublicName}, {FieldMessage, e.Message}, {FieldReference, e.ProviderRef}} {
		if n := maxRunes(f.name); utf8.RuneCountInString(f.v) > n {
			return e, invalid(f.name, "is longer than "+groupThousands(n)+" characters")
		}
	}
	if e.ReceivedAt.IsZero() {
		e.ReceivedAt = now
	}
	e.ReceivedAt, e.RecordedAt = db.UTC(e.ReceivedAt), db.UTC(now)
	e.Month = s.MonthOf(e.ReceivedAt)
	return e, nil
}

func methodList() string {
	var names []string
	for _, m := range Methods() {
		names = append(names, string(m))
	}
	return strings.Join(names, ", ")
}

// Reverse posts an entry that cancels entry id, in the same campaign so that
// a month's result stays the sum of its own gifts. It refuses to reverse a
// reversal or to reverse an entry twice (the valid.Error wraps
// ErrAlreadyReversed). Each hook runs in the reversal's transaction with
// the new entry, so a record of it (the audit log) is kept or lost with it.
func (s *Service) Reverse(ctx context.Context, id int64, reason, by string, hooks ...func(ctx context.Context, tx *sql.Tx, rev Entry) error) (Entry, error) {
	reason, by = strings.TrimSpace(reason), strings.TrimSpace(by)
	if reason == "" {
		return Entry{}, invalid("reason", "say why the entry is being reversed")
	}
	if by == "" {
		return Entry{}, invalid("by", "say who is reversing the entry")
	}
	var rev Entry
	var st campaignState
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		orig, err := getEntry(ctx, tx, id)
		if err != nil {
			return err
		}
		if orig.ReversalOf != 0 {
			return invalid("id", fmt.Sprintf("entry %d is itself a reversal; record a new gift instead", id))
		}
		already := valid.Error{Field: "id", Message: fmt.Sprintf("entry %d has already been reversed", id), Cause: ErrAlreadyReversed}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM ledger_entries WHERE reversal_of = $1`, id).Scan(&n); err != nil {
			return fmt.Errorf("fund: find reversal: %w", err)
		}
		if n > 0 {
			return already
		}
		c, err := getCampaign(ctx, tx, orig.Month)
		if err != nil {
			return err
		}
		now := db.UTC(s.now())
		rev = Entry{Month: orig.Month, Amount: orig.Amount.Neg(), Method: orig.Method, DonorName: orig.DonorName,
			DonorEmail: orig.DonorEmail, DonorTown: orig.DonorTown, ReceivedAt: now, RecordedAt: now,
			RecordedBy: by, ReversalOf: id, Reason: reason}
		err = tx.QueryRowContext(ctx, `INSERT INTO ledger_entries (campaign_id, amount_minor, currency, method,
			donor_name, donor_email, donor_town, public, public_name, message, provider_ref,
			received_at, recorded_at, recorded_by, reversal_of, reason)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 0, '', '', NULL, $8, $9, $10, $11, $12) RETURNING id`,
			c.ID, rev.Amount.Minor, rev.Amount.Currency, string(rev.Method), rev.DonorName, rev.DonorEmail,
			rev.DonorTown, rev.ReceivedAt, rev.RecordedAt, by, id, reason).Scan(&rev.ID)
		if db.IsUniqueViolation(err) {
			return already
		}
		if err != nil {
			return fmt.Errorf("fund: reverse entry %d: %w", id, err)
		}
		if st, err = credit(ctx, tx, c, rev.Amount.Minor, now); err != nil {
			return err
		}
		for _, h := range hooks {
			if err := h(ctx, tx, rev); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Entry{}, err
	}
	s.snap.apply(st)
	return rev, nil
}
