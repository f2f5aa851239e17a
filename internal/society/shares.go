package society

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/valid"
)

// Apply records an allotment, withdrawal or cancellation for a member,
// checking inside the transaction that the holding stays between zero and
// the member's limit, that the member has not ceased, and that the
// member's entries stay in date order (so the holding as of every past
// day was also within the rules). A withdrawal or cancellation that takes
// the last share ends the membership on its date.
func (s *Service) Apply(ctx context.Context, c Change, by account.Actor) (Entry, error) {
	var e Entry
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.lock(ctx, tx); err != nil {
			return err
		}
		if c.Kind == Withdrawal {
			if err := s.mayWithdraw(ctx, tx, c); err != nil {
				return err
			}
		}
		var err error
		e, err = s.applyTx(ctx, tx, c, by)
		return err
	})
	if err != nil {
		return Entry{}, err
	}
	return e, nil
}

// applyTx is Apply inside the caller's transaction, which holds the
// society's lock; a withdrawal's notice and suspension are the caller's
// to check first (mayWithdraw).
func (s *Service) applyTx(ctx context.Context, tx *sql.Tx, c Change, by account.Actor) (Entry, error) {
	e := Entry{MemberNumber: c.Member, Kind: c.Kind, On: c.On, Reason: c.Reason, Resolution: c.Resolution, RecordedBy: by.Name}
	st, err := s.current(ctx, tx, c.Member, c.On)
	if err != nil {
		return e, err
	}
	switch c.Kind {
	case Allotment:
		e.Shares, e.Amount = c.Shares, c.Shares*s.rules.Nominal
		if lim := s.rules.limit(st.class); lim > 0 && st.amount+e.Amount > lim {
			return e, s.overCap(st.class, st.amount, st.amount+e.Amount)
		}
	case Withdrawal, Cancellation:
		if c.Shares > st.shares {
			return e, valid.Error{Field: FieldShares, Cause: ErrBelowZero, Message: fmt.Sprintf(
				"Member %d holds %s; no more than that can be %s.", c.Member, plural(st.shares, "share"), verb(c.Kind))}
		}
		left := st.shares - c.Shares
		if c.Kind == Withdrawal && left > 0 && left < s.rules.MinimumShares {
			return e, valid.Error{Field: FieldShares, Message: fmt.Sprintf(
				"That would leave %s, below the rules' minimum of %d; withdraw all %d to end the membership, or fewer.",
				plural(left, "share"), s.rules.MinimumShares, st.shares)}
		}
		e.Shares, e.Amount = -c.Shares, -c.Shares*s.rules.Nominal
		if left == 0 {
			// Whatever was paid goes, even if the nominal value
			// has changed since some shares were allotted.
			e.Amount = -st.amount
		}
	default:
		return e, fmt.Errorf("society: apply: unknown kind %q", c.Kind)
	}
	if e.ID, err = s.insertEntry(ctx, tx, st.id, 0, e); err != nil {
		return e, err
	}
	return e, s.audit.Record(ctx, tx, account.Entry{Actor: by, Action: "society." + string(c.Kind), ObjectType: "member",
		ObjectID: strconv.FormatInt(c.Member, 10), Before: holding{st.shares, st.amount},
		After: holding{st.shares + e.Shares, st.amount + e.Amount}})
}

// holding is what the audit log keeps of a change to one.
type holding struct {
	Shares int64 `json:"shares"`
	Amount int64 `json:"amount_minor"`
}

// mayWithdraw applies the rules' notice and the board's suspension, read
// in the caller's transaction.
func (s *Service) mayWithdraw(ctx context.Context, q db.Queryer, c Change) error {
	if p, ok, err := s.suspendedOn(ctx, q, c.On); err != nil {
		return err
	} else if ok {
		return valid.Error{Field: FieldDate, Cause: ErrSuspended,
			Message: "The board suspended withdrawals " + p.Period() + "; none can be paid while they are suspended."}
	}
	if s.rules.NoticeDays == 0 {
		return nil
	}
	if c.NoticeGiven == "" {
		return valid.New(FieldNotice, fmt.Sprintf("The rules ask for %d days' notice: give the day the member gave notice.", s.rules.NoticeDays))
	}
	given, _ := time.Parse(time.DateOnly, c.NoticeGiven)
	if due := given.AddDate(0, 0, s.rules.NoticeDays).Format(time.DateOnly); c.On < due {
		return valid.New(FieldDate, fmt.Sprintf("Notice given on %s runs %d days, to %s; the withdrawal cannot be paid before then.",
			c.NoticeGiven, s.rules.NoticeDays, due))
	}
	return nil
}

// Transmit passes every share of a member who has died, on t.On, to a
// nominee who is a member (t.To) or, when t.To is 0, to the estate named
// by t.Estate, which holds no membership; the deceased's membership ends
// that day. A nominee's limit applies as to an allotment.
func (s *Service) Transmit(ctx context.Context, t Transmittal, by account.Actor) error {
	from, to, transferee, on, reason := t.From, t.To, t.Estate, t.On, t.Reason
	if to == 0 && transferee == "" {
		return valid.New(FieldNominee, "Name the nominee member, or the estate the shares pass to.")
	}
	if reason == "" {
		return valid.New(FieldReason, "Enter the reason, e.g. death of the member.")
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.lock(ctx, tx); err != nil {
			return err
		}
		st, err := s.current(ctx, tx, from, on)
		if err != nil {
			return err
		}
		var nominee state
		if to != 0 {
			if to == from {
				return valid.New(FieldNominee, "A member cannot be their own nominee.")
			}
			if nominee, err = s.current(ctx, tx, to, on); err != nil {
				if v, ok := valid.As(err); ok {
					v.Field = FieldNominee // the refusal is about the nominee
					return v
				}
				return err
			}
			if lim := s.rules.limit(nominee.class); lim > 0 && nominee.amount+st.amount > lim {
				return s.overCap(nominee.class, nominee.amount, nominee.amount+st.amount)
			}
		}
		out := Entry{MemberNumber: from, Kind: Transmission, On: on, Shares: -st.shares, Amount: -st.amount,
			Reason: reason, Counterpart: to, Transferee: transferee, RecordedBy: by.Name}
		if _, err := s.insertEntry(ctx, tx, st.id, nominee.id, out); err != nil {
			return err
		}
		if to != 0 {
			in := out
			in.MemberNumber, in.Shares, in.Amount, in.Counterpart = to, st.shares, st.amount, from
			if _, err := s.insertEntry(ctx, tx, nominee.id, st.id, in); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, tx, account.Entry{Actor: by, Action: "society.transmission", ObjectType: "member",
			ObjectID: strconv.FormatInt(from, 10), Before: holding{st.shares, st.amount}, After: out})
	})
}

// current reads a member who has not ceased, and refuses a change dated
// before the member's last entry or admission.
func (s *Service) current(ctx context.Context, tx *sql.Tx, number int64, on string) (state, error) {
	st, err := memberState(ctx, tx, number)
	if err != nil {
		return st, err
	}
	if st.shares == 0 {
		return st, valid.Error{Field: FieldMember, Cause: ErrCeased, Message: fmt.Sprintf(
			"Member %d ceased to be a member on %s; admit them again to hold shares.", number, st.lastOn)}
	}
	if on < st.lastOn {
		return st, valid.New(FieldDate, fmt.Sprintf(
			"Member %d's last entry is dated %s; record changes in date order (a correction is a new entry).", number, st.lastOn))
	}
	return st, nil
}

// insertEntry appends e for the member with id memberID; counterpart is
// the other member's id in a transmission, 0 otherwise.
func (s *Service) insertEntry(ctx context.Context, tx *sql.Tx, memberID, counterpart int64, e Entry) (int64, error) {
	var cp sql.NullInt64
	if counterpart != 0 {
		cp = sql.NullInt64{Int64: counterpart, Valid: true}
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO share_entries (member_id, kind, entry_on, shares, amount_minor, currency,
		reason, resolution, counterpart_member_id, transferee, recorded_at, recorded_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		memberID, string(e.Kind), e.On, e.Shares, e.Amount, s.rules.Currency, e.Reason, e.Resolution, cp, e.Transferee,
		db.UTC(s.now()), e.RecordedBy).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("society: record %s: %w", e.Kind, err)
	}
	return id, nil
}

// Format is the amount as people write it.
func (s *Service) Format(minor int64) string { return money.New(minor, s.rules.Currency).Format() }

func verb(k Kind) string {
	if k == Cancellation {
		return "cancelled"
	}
	return "withdrawn"
}

func plural(n int64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.FormatInt(n, 10) + " " + word + "s"
}
