package society

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/valid"
)

// ErrDecided is the refusal of a decision on a withdrawal request the
// secretary has already paid or rejected.
var ErrDecided = errors.New("society: withdrawal request already decided")

// WithdrawalStatus is where a member's request to withdraw stands.
type WithdrawalStatus string

// A request waits until the secretary pays or rejects it.
const (
	WithdrawalWaiting  WithdrawalStatus = "waiting"
	WithdrawalPaid     WithdrawalStatus = "paid"
	WithdrawalRejected WithdrawalStatus = "rejected"
)

// WithdrawalRequest is a member's notice that they want shares repaid,
// with the secretary's decision once there is one.
type WithdrawalRequest struct {
	ID           int64
	MemberNumber int64
	// Name and AccountID are the member's now: whom to address and tell.
	Name      string
	AccountID int64
	// Shares is how many were asked for; 0 is every share held when paid.
	Shares int64
	// NoticeOn is the day notice was given; DueOn the first day the rules
	// let it be paid (NoticeOn itself when they ask no notice).
	NoticeOn, DueOn string
	RequestedBy     string
	Status          WithdrawalStatus
	// Reason is why it was rejected; EntryID the share-ledger entry that
	// paid it and Paid the amount repaid, in minor units; DecidedBy who
	// did either.
	Reason    string
	EntryID   int64
	Paid      int64
	DecidedBy string
}

// All reports whether the request is for every share.
func (w WithdrawalRequest) All() bool { return w.Shares == 0 }

// WithdrawalTerms are what the rules mean for a withdrawal asked for
// today: the member's page explains them before the request is made.
type WithdrawalTerms struct {
	NoticeDays int
	// DueOn is the first day a request made today can be paid.
	DueOn string
	// SuspendedFrom and SuspendedUntil are the board's suspension of
	// withdrawals in force today or the next to start (see Suspension),
	// SuspendedFrom empty when there is none and SuspendedUntil when it
	// is until further notice; Suspended is set when it stops a request
	// made today being paid when due.
	SuspendedFrom, SuspendedUntil string
	Suspended                     bool
	// MinimumShares is the least a member may keep: a withdrawal leaving
	// fewer must take every share and so end the membership.
	MinimumShares int64
}

// WithdrawalTerms are the rules for a withdrawal asked for now.
func (s *Service) WithdrawalTerms(ctx context.Context) (WithdrawalTerms, error) {
	today := s.rules.today(s.now())
	t := WithdrawalTerms{NoticeDays: s.rules.NoticeDays, DueOn: s.rules.dueOn(today), MinimumShares: s.rules.MinimumShares}
	p, ok, err := s.nextSuspension(ctx, today)
	if err != nil || !ok {
		return t, err
	}
	t.SuspendedFrom, t.SuspendedUntil = p.StartsOn, p.EndsOn
	_, t.Suspended, err = s.suspendedOn(ctx, s.db, t.DueOn)
	return t, err
}

// dueOn is the first day notice given on the day notice can be paid.
func (r Rules) dueOn(notice string) string {
	d, err := time.Parse(time.DateOnly, notice)
	if err != nil {
		return notice
	}
	return d.AddDate(0, 0, r.NoticeDays).Format(time.DateOnly)
}

// ParseWithdrawalShares reads how many shares a member asks to withdraw,
// as typed; all asks for every share and gives 0.
func ParseWithdrawalShares(typed string, all bool) (int64, error) {
	if all {
		return 0, nil
	}
	if strings.TrimSpace(typed) == "" {
		return 0, valid.New(FieldShares, "Enter how many shares to withdraw, or choose to withdraw them all.")
	}
	return parseShares(typed)
}

// RequestWithdrawal records member number's notice, given today, that
// they want shares repaid (0: all of them). Inside the transaction it
// checks that the member holds the shares this and their other waiting
// requests ask for, so two requests at once cannot together ask for more
// than is held, and that what would be left is none or at least the
// rules' minimum. A request while withdrawals are suspended is recorded,
// as notice runs regardless; it is paid when the board lifts the
// suspension.
func (s *Service) RequestWithdrawal(ctx context.Context, number, shares int64, by account.Actor) (WithdrawalRequest, error) {
	w := WithdrawalRequest{MemberNumber: number, Shares: shares, RequestedBy: by.Name, Status: WithdrawalWaiting}
	w.NoticeOn = s.rules.today(s.now())
	w.DueOn = s.rules.dueOn(w.NoticeOn)
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.lock(ctx, tx); err != nil {
			return err
		}
		st, err := s.current(ctx, tx, number, w.NoticeOn)
		if err != nil {
			return err
		}
		var waiting, all int64
		err = tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(r.shares), 0), COALESCE(SUM(CASE WHEN r.shares = 0 THEN 1 ELSE 0 END), 0)
			FROM withdrawal_requests r WHERE r.member_id = $1
			AND NOT EXISTS (SELECT 1 FROM withdrawal_decisions d WHERE d.request_id = r.id)`, st.id).Scan(&waiting, &all)
		if err != nil {
			return fmt.Errorf("society: waiting withdrawals of %d: %w", number, err)
		}
		if err := s.claimable(st.shares, waiting, all, shares); err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO withdrawal_requests (member_id, shares, notice_on, requested_at, requested_by)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, st.id, shares, w.NoticeOn, db.UTC(s.now()), by.Name).Scan(&w.ID)
		if err != nil {
			return fmt.Errorf("society: request withdrawal: %w", err)
		}
		return s.audit.Record(ctx, tx, account.Entry{Actor: by, Action: "society.withdrawal_request", ObjectType: "member",
			ObjectID: strconv.FormatInt(number, 10), After: map[string]any{"request": w.ID, "shares": shares, "notice_on": w.NoticeOn}})
	})
	if err != nil {
		return WithdrawalRequest{}, err
	}
	return w, nil
}

// claimable refuses a request for shares (0: all) when the holding less
// what waiting requests already ask for (all of them counting every
// share) cannot cover it, or would leave less than the minimum.
func (s *Service) claimable(held, waiting, waitingAll, shares int64) error {
	if waitingAll > 0 {
		return valid.Error{Field: FieldShares, Cause: ErrBelowZero,
			Message: "You have already asked to withdraw all your shares; that request is waiting for the secretary."}
	}
	free := held - waiting
	if shares == 0 && waiting > 0 {
		return valid.Error{Field: FieldShares, Cause: ErrBelowZero, Message: fmt.Sprintf(
			"%s of yours already wait to be withdrawn; ask for the other %d, or wait for the secretary's answer.",
			plural(waiting, "share"), free)}
	}
	if shares > free {
		msg := fmt.Sprintf("You hold %s; you can ask to withdraw at most that.", plural(held, "share"))
		if waiting > 0 {
			msg = fmt.Sprintf("You hold %s and %d already wait to be withdrawn; you can ask for at most %d more.",
				plural(held, "share"), waiting, free)
		}
		return valid.Error{Field: FieldShares, Cause: ErrBelowZero, Message: msg}
	}
	if left := free - shares; shares > 0 && left > 0 && left < s.rules.MinimumShares {
		return valid.Error{Field: FieldShares, Message: fmt.Sprintf(
			"That would leave %s, below the rules' minimum holding of %d; withdraw all your shares to end your membership, or fewer.",
			plural(left, "share"), s.rules.MinimumShares)}
	}
	return nil
}

// withdrawalSelect reads requests with their member and any decision; a
// caller adds WHERE and ORDER BY.
const withdrawalSelect = `SELECT r.id, m.number, r.shares, r.notice_on, r.requested_by,
	COALESCE(d.outcome, 'waiting'), COALESCE(d.reason, ''), COALESCE(d.share_entry_id, 0), COALESCE(d.decided_by, ''),
	COALESCE((SELECT -e.amount_minor FROM share_entries e WHERE e.id = d.share_entry_id), 0),
	COALESCE(` + linkedAccount + `, 0),
	(SELECT c.name FROM member_contacts c WHERE c.member_id = m.id ORDER BY c.effective_on DESC, c.id DESC LIMIT 1)
	FROM withdrawal_requests r JOIN members m ON m.id = r.member_id
	LEFT JOIN withdrawal_decisions d ON d.request_id = r.id `

// withdrawals runs withdrawalSelect with the rest of a query.
func (s *Service) withdrawals(ctx context.Context, q db.Queryer, rest string, args ...any) ([]WithdrawalRequest, error) {
	rows, err := q.QueryContext(ctx, withdrawalSelect+rest, args...)
	if err != nil {
		return nil, fmt.Errorf("society: withdrawal requests: %w", err)
	}
	defer rows.Close()
	var out []WithdrawalRequest
	for rows.Next() {
		var w WithdrawalRequest
		if err := rows.Scan(&w.ID, &w.MemberNumber, &w.Shares, &w.NoticeOn, &w.RequestedBy, &w.Status, &w.Reason,
			&w.EntryID, &w.DecidedBy, &w.Paid, &w.AccountID, &w.Name); err != nil {
			return nil, err
		}
		w.DueOn = s.rules.dueOn(w.NoticeOn)
		out = append(out, w)
	}
	return out, rows.Err()
}

// WaitingWithdrawals are the requests no one has decided, oldest first.
func (s *Service) WaitingWithdrawals(ctx context.Context) ([]WithdrawalRequest, error) {
	return s.withdrawals(ctx, s.db, `WHERE d.id IS NULL ORDER BY r.notice_on, r.id`)
}

// WithdrawalsOf are member number's requests, newest first.
func (s *Service) WithdrawalsOf(ctx context.Context, number int64) ([]WithdrawalRequest, error) {
	return s.withdrawals(ctx, s.db, `WHERE m.number = $1 ORDER BY r.id DESC`, number)
}

// Withdrawal is one request by its id.
func (s *Service) Withdrawal(ctx context.Context, id int64) (WithdrawalRequest, error) {
	return s.withdrawal(ctx, s.db, id)
}

func (s *Service) withdrawal(ctx context.Context, q db.Queryer, id int64) (WithdrawalRequest, error) {
	ws, err := s.withdrawals(ctx, q, `WHERE r.id = $1`, id)
	if err != nil {
		return WithdrawalRequest{}, err
	}
	if len(ws) == 0 {
		return WithdrawalRequest{}, ErrNotFound
	}
	return ws[0], nil
}

// Tell sends the member word of a decision, inside the decision's
// transaction, so the word goes exactly when the decision stands: the
// web passes one that queues a mail in the outbox. nil tells no one.
type Tell func(ctx context.Context, tx *sql.Tx, w WithdrawalRequest) error

// PayWithdrawal pays a waiting request today: a withdrawal entry in the
// share ledger (Apply's rules: the holding, the minimum, the notice from
// the day the member gave it, the board's suspension), and the
// membership ends if nothing is left. A request for all shares takes
// every share held now.
func (s *Service) PayWithdrawal(ctx context.Context, id int64, by account.Actor, tell Tell) (WithdrawalRequest, error) {
	var w WithdrawalRequest
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.lock(ctx, tx); err != nil {
			return err
		}
		var err error
		if w, err = s.undecided(ctx, tx, id); err != nil {
			return err
		}
		c := Change{Member: w.MemberNumber, Kind: Withdrawal, Shares: w.Shares, On: s.rules.today(s.now()),
			Reason: "withdrawal asked for on " + w.NoticeOn, NoticeGiven: w.NoticeOn}
		if c.Shares == 0 {
			st, err := memberState(ctx, tx, w.MemberNumber)
			if err != nil {
				return err
			}
			c.Shares = st.shares
			if c.Shares == 0 {
				return valid.Error{Field: FieldMember, Cause: ErrCeased, Message: fmt.Sprintf(
					"Member %d holds no shares now; reject the request instead.", w.MemberNumber)}
			}
		}
		if err := s.mayWithdraw(ctx, tx, c); err != nil {
			return err
		}
		e, err := s.applyTx(ctx, tx, c, by)
		if err != nil {
			return err
		}
		w.Status, w.EntryID, w.Paid, w.DecidedBy = WithdrawalPaid, e.ID, -e.Amount, by.Name
		return s.decide(ctx, tx, w, by, tell)
	})
	return w, err
}

// RejectWithdrawal refuses a waiting request for the reason given, which
// the member is told.
func (s *Service) RejectWithdrawal(ctx context.Context, id int64, reason string, by account.Actor, tell Tell) (WithdrawalRequest, error) {
	reason, err := text(FieldReason, reason, maxReason, "the reason, which the member will be told", true)
	if err != nil {
		return WithdrawalRequest{}, err
	}
	var w WithdrawalRequest
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.lock(ctx, tx); err != nil {
			return err
		}
		if w, err = s.undecided(ctx, tx, id); err != nil {
			return err
		}
		w.Status, w.Reason, w.DecidedBy = WithdrawalRejected, reason, by.Name
		return s.decide(ctx, tx, w, by, tell)
	})
	return w, err
}

// undecided reads a request that is still waiting.
func (s *Service) undecided(ctx context.Context, tx *sql.Tx, id int64) (WithdrawalRequest, error) {
	w, err := s.withdrawal(ctx, tx, id)
	if err != nil {
		return w, err
	}
	if w.Status != WithdrawalWaiting {
		return w, valid.Error{Field: FieldReason, Cause: ErrDecided,
			Message: fmt.Sprintf("This request was %s already, by %s.", w.Status, w.DecidedBy)}
	}
	return w, nil
}

// decide records the decision on w, audits it and tells the member.
func (s *Service) decide(ctx context.Context, tx *sql.Tx, w WithdrawalRequest, by account.Actor, tell Tell) error {
	entry := sql.NullInt64{Int64: w.EntryID, Valid: w.EntryID != 0}
	_, err := tx.ExecContext(ctx, `INSERT INTO withdrawal_decisions (request_id, outcome, share_entry_id, reason, decided_at, decided_by)
		VALUES ($1, $2, $3, $4, $5, $6)`, w.ID, string(w.Status), entry, w.Reason, db.UTC(s.now()), w.DecidedBy)
	if db.IsUniqueViolation(err) {
		return valid.Error{Field: FieldReason, Cause: ErrDecided, Message: "This request was decided already."}
	}
	if err != nil {
		return fmt.Errorf("society: decide withdrawal %d: %w", w.ID, err)
	}
	err = s.audit.Record(ctx, tx, account.Entry{Actor: by, Action: "society.withdrawal_" + string(w.Status),
		ObjectType: "member", ObjectID: strconv.FormatInt(w.MemberNumber, 10),
		After: map[string]any{"request": w.ID, "reason": w.Reason, "amount_minor": w.Paid}})
	if err != nil || tell == nil {
		return err
	}
	return tell(ctx, tx, w)
}
