package society

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/valid"
)

// Fields of the secretary's forms on an application.
const (
	FieldApplication = "application"
	FieldMethod      = "method"
	FieldAmount      = "amount"
	FieldReference   = "reference"
)

// ErrUnpaid says the application has no payment recorded.
var ErrUnpaid = errors.New("society: application not paid")

// PaymentInput is a cheque or bank transfer as the secretary typed it.
type PaymentInput struct {
	// Method is cheque or transfer.
	Method string
	// Amount is as typed, "250" or "£250.00"; it must be the
	// application's amount.
	Amount string
	// Reference is the cheque's number or the transfer's reference.
	Reference string
}

// RecordPayment records a cheque or transfer received for an
// application, which must be for its whole amount, once.
func (s *Service) RecordPayment(ctx context.Context, id int64, in PaymentInput, by account.Actor) error {
	var errs []error
	method := PayBy(strings.ToLower(strings.TrimSpace(in.Method)))
	if method != PayCheque && method != PayTransfer {
		errs = append(errs, valid.New(FieldMethod, "Choose cheque or bank transfer."))
	}
	ref, err := text(FieldReference, in.Reference, maxName, "the cheque number or the transfer's reference", false)
	if err != nil {
		errs = append(errs, err)
	}
	amount, perr := money.Parse(in.Amount, s.rules.Currency)
	if perr != nil || amount.Minor <= 0 {
		errs = append(errs, valid.New(FieldAmount, "Enter the amount received, such as 250 or 250.00."))
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.lock(ctx, tx); err != nil {
			return err
		}
		a, err := getApplication(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := notDecided(a); err != nil {
			return err
		}
		if p, ok := a.Payment(); ok {
			return valid.Error{Field: FieldApplication, Cause: ErrAlreadyDone,
				Message: "A payment of " + p.Amount.Format() + " was recorded already (" + string(p.Method) + ", " + p.Reference + ")."}
		}
		if amount != a.Amount {
			return valid.New(FieldAmount, "The application is for "+a.Amount.Format()+"; record a payment of that amount, "+
				"or return this one and ask the applicant to apply again.")
		}
		e := ApplicationEvent{Kind: EventPaid, Method: method, Amount: amount, Reference: ref, RecordedBy: by.Name}
		if err := s.addEvent(ctx, tx, id, e); err != nil {
			return err
		}
		return s.auditApp(ctx, tx, by, "society.application.paid", id, nil, e)
	})
}

// Approve allots a paid application's shares in one transaction: the
// applicant is admitted with the next membership number (or, already a
// member, allotted the shares), linked to their reader account when they
// have one (the one they applied from, else the one with their email),
// the approval recorded and audited, and the confirmation queued with the
// share certificate for the holding the approval leaves attached. The
// rules hold as for any admission or allotment, also when two approvals
// race: each takes the society's lock first.
func (s *Service) Approve(ctx context.Context, id int64, by account.Actor) (Application, error) {
	var a Application
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.lock(ctx, tx); err != nil {
			return err
		}
		var err error
		if a, err = getApplication(ctx, tx, id); err != nil {
			return err
		}
		if err := notDecided(a); err != nil {
			return err
		}
		if _, paid := a.Payment(); !paid {
			return valid.Error{Field: FieldApplication, Cause: ErrUnpaid, Message: "No payment has been recorded for this " +
				"application; record the cheque or transfer when it arrives, or wait for the card payment."}
		}
		if a.AccountID == 0 && a.Contact.Email != "" {
			if a.AccountID, err = accountByEmail(ctx, tx, a.Contact.Email); err != nil {
				return err
			}
		}
		number, err := s.allotApplication(ctx, tx, a, by)
		if err != nil {
			return err
		}
		e := ApplicationEvent{Kind: EventApproved, MemberNumber: number, RecordedBy: by.Name}
		if err := s.addEvent(ctx, tx, id, e); err != nil {
			return err
		}
		a.Events = append(a.Events, e)
		if err := s.auditApp(ctx, tx, by, "society.application.approve", id, Paid, e); err != nil {
			return err
		}
		return s.mailApproved(ctx, tx, a, number)
	})
	if err != nil {
		return Application{}, err
	}
	return a, nil
}

// allotApplication admits the applicant with the shares, or allots them
// to the member they are already, and returns the membership number.
func (s *Service) allotApplication(ctx context.Context, tx *sql.Tx, a Application, by account.Actor) (int64, error) {
	today := s.rules.today(s.now())
	number, err := currentMember(ctx, tx, personKey(a.Contact.Name, a.Contact.Address), a.AccountID)
	if err != nil {
		return 0, err
	}
	if number == 0 {
		c := a.Contact
		c.EffectiveOn = today
		m, err := s.admitTx(ctx, tx, Admission{Class: a.Class, AccountID: a.AccountID, Contact: c, Shares: a.Shares, On: today,
			reason: "admission on " + applicationReason(a.ID)}, by)
		return m.Number, err
	}
	st, err := s.current(ctx, tx, number, today)
	if err != nil {
		return 0, err
	}
	e := Entry{MemberNumber: number, Kind: Allotment, On: today, Shares: a.Shares, Amount: a.Shares * s.rules.Nominal,
		Reason: applicationReason(a.ID), RecordedBy: by.Name}
	if lim := s.rules.limit(st.class); lim > 0 && st.amount+e.Amount > lim {
		return 0, s.overCap(st.class, st.amount, st.amount+e.Amount)
	}
	if _, err := s.insertEntry(ctx, tx, st.id, 0, e); err != nil {
		return 0, err
	}
	return number, s.audit.Record(ctx, tx, account.Entry{Actor: by, Action: "society.allotment", ObjectType: "member",
		ObjectID: strconv.FormatInt(number, 10), Before: holding{st.shares, st.amount},
		After: holding{st.shares + e.Shares, st.amount + e.Amount}})
}

// accountByEmail is the reader account with the address, or 0.
func accountByEmail(ctx context.Context, tx *sql.Tx, email string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM accounts WHERE lower(email) = $1 ORDER BY id LIMIT 1`,
		account.NormalizeEmail(email)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("society: account of %s: %w", email, err)
	}
	return id, nil
}

// Reject refuses an application with the reason, which the applicant is
// told. Money received by cheque or transfer is marked for repayment,
// which the secretary makes outside coopress; a card payment is refunded
// through the provider at once (Refund), and when the provider cannot be
// reached the rejection stands and the refund waits for another try.
func (s *Service) Reject(ctx context.Context, id int64, reason string, by account.Actor) (Application, error) {
	reason, err := text(FieldReason, reason, maxReason, "the reason the applicant will be given", true)
	if err != nil {
		return Application{}, err
	}
	var a Application
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.lock(ctx, tx); err != nil {
			return err
		}
		if a, err = getApplication(ctx, tx, id); err != nil {
			return err
		}
		if err := notDecided(a); err != nil {
			return err
		}
		e := ApplicationEvent{Kind: EventRejected, Note: reason, RecordedBy: by.Name}
		if err := s.addEvent(ctx, tx, id, e); err != nil {
			return err
		}
		a.Events = append(a.Events, e)
		if p, paid := a.Payment(); paid && p.Method != PayCard {
			due := ApplicationEvent{Kind: EventRepaymentDue, Method: p.Method, Amount: p.Amount, Reference: p.Reference,
				RecordedBy: by.Name}
			if err := s.addEvent(ctx, tx, id, due); err != nil {
				return err
			}
			a.Events = append(a.Events, due)
		}
		if err := s.auditApp(ctx, tx, by, "society.application.reject", id, nil, e); err != nil {
			return err
		}
		return s.mailRejected(ctx, tx, a, reason)
	})
	if err != nil {
		return Application{}, err
	}
	if a.RefundOwed() {
		if err := s.Refund(ctx, id, by); err != nil {
			return a, fmt.Errorf("%w: %w", ErrRefundPending, err)
		}
		return s.Application(ctx, id)
	}
	return a, nil
}

// ErrRefundPending says the application is rejected but its card payment
// could not be refunded yet; Refund tries again.
var ErrRefundPending = errors.New("society: refund not made yet")

// Refund returns a rejected application's card payment through the
// provider and records it. The provider's idempotency key is the
// application's, so a retry after a lost answer makes no second refund.
func (s *Service) Refund(ctx context.Context, id int64, by account.Actor) error {
	a, err := s.Application(ctx, id)
	if err != nil {
		return err
	}
	if !a.RefundOwed() {
		return valid.New(FieldApplication, "There is no card payment to refund on this application.")
	}
	if s.apps.refunder == nil {
		return ErrNoCardPayments
	}
	p, _ := a.Payment()
	refund, err := s.apps.refunder.Refund(ctx, p.Reference, p.Amount.Minor, "coopress-share-application-"+strconv.FormatInt(id, 10))
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.lock(ctx, tx); err != nil {
			return err
		}
		if now, err := getApplication(ctx, tx, id); err != nil || now.Status() == Refunded {
			return err // the provider's webhook told of it first
		}
		e := ApplicationEvent{Kind: EventRefunded, Method: PayCard, Amount: p.Amount, Reference: refund, RecordedBy: by.Name}
		if err := s.addEvent(ctx, tx, id, e); err != nil {
			return err
		}
		return s.auditApp(ctx, tx, by, "society.application.refund", id, nil, e)
	})
}
