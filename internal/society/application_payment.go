package society

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment"
)

// provider is who the application's events name for what a webhook did.
var provider = account.Actor{Name: "stripe"}

// HandlePayment applies a card payment's events for shares (the purpose
// PaymentPurpose); see payment.Handler. It runs in the payment worker's
// durable job, once per stored event, and is idempotent: a redelivered
// payment finds the application paid by it already. Share money is
// capital: nothing here writes to the fighting fund.
//
// A payment is applied only to the application whose checkout coopress
// started, for exactly its amount and currency, while it is neither paid
// nor decided. One that matches an application the secretary rejected
// already is refunded through the provider (returnLate), since the
// society has said no; anything else is held for the secretary, never
// applied.
func (s *Service) HandlePayment(ctx context.Context, ev payment.Event) error {
	switch ev.Kind {
	case payment.Paid:
		return s.cardPaid(ctx, ev)
	case payment.Refunded:
		return s.cardRefunded(ctx, ev)
	case payment.Disputed:
		return s.db.InTx(ctx, func(tx *sql.Tx) error {
			id, err := s.applicationPaidBy(ctx, tx, ev.PaymentRef)
			if err != nil {
				return err
			}
			return s.hold(ctx, tx, ev, id, "the card payment "+ev.PaymentRef+" was disputed by the payer's bank")
		})
	}
	return nil
}

// cardPaid marks the application of a paid checkout paid, or holds it.
func (s *Service) cardPaid(ctx context.Context, ev payment.Event) error {
	got := money.New(ev.AmountMinor, ev.Currency)
	var id int64
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.lock(ctx, tx); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `SELECT application_id FROM share_application_events
			WHERE kind = 'checkout' AND reference = $1`, ev.SessionID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return s.hold(ctx, tx, ev, 0, fmt.Sprintf("checkout %q was not started by coopress for an application", ev.SessionID))
		}
		if err != nil {
			return fmt.Errorf("society: checkout %s: %w", ev.SessionID, err)
		}
		a, err := getApplication(ctx, tx, id)
		if err != nil {
			return err
		}
		p, paid := a.Payment()
		if paid && p.Method == PayCard && p.Reference == ev.PaymentRef {
			return nil // a redelivery: applied already
		}
		switch {
		case ev.PaymentRef == "":
			return s.hold(ctx, tx, ev, id, "the payment names no PaymentIntent")
		case got != a.Amount:
			return s.hold(ctx, tx, ev, id, fmt.Sprintf("application %d is for %s but %s was paid", id, a.Amount.Format(), got.Format()))
		case ev.Metadata["application"] != strconv.FormatInt(id, 10):
			return s.hold(ctx, tx, ev, id, fmt.Sprintf("the payment's metadata names application %q, its checkout %d",
				ev.Metadata["application"], id))
		case (a.Status() == Rejected || a.Status() == Refunded) && s.apps.refunder != nil:
			return errLate // the society said no: returned once this transaction has ended
		case paid:
			return s.hold(ctx, tx, ev, id, fmt.Sprintf("application %d was paid already (%s, %s)", id, p.Method, p.Reference))
		case a.Status() != Submitted:
			return s.hold(ctx, tx, ev, id, fmt.Sprintf("application %d was %s already", id, a.Status()))
		}
		e := ApplicationEvent{Kind: EventPaid, Method: PayCard, Amount: got, Reference: ev.PaymentRef,
			Note: "Stripe event " + ev.ID, RecordedBy: provider.Name}
		if err := s.addEvent(ctx, tx, id, e); err != nil {
			return err
		}
		return s.auditApp(ctx, tx, provider, "society.application.paid", id, nil, e)
	})
	if errors.Is(err, errLate) {
		return s.returnLate(ctx, ev, id)
	}
	return err
}

// cardRefunded records a whole refund of a rejected application's card
// payment, made by the secretary here or at the provider. A part refund,
// or a refund of an application not rejected (its shares are allotted,
// or it waits for the secretary), is held for the secretary.
func (s *Service) cardRefunded(ctx context.Context, ev payment.Event) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.lock(ctx, tx); err != nil {
			return err
		}
		id, err := s.applicationPaidBy(ctx, tx, ev.PaymentRef)
		if err != nil || id == 0 {
			return err
		}
		a, err := getApplication(ctx, tx, id)
		if err != nil {
			return err
		}
		p, _ := a.Payment()
		switch {
		case a.Status() == Refunded:
			return nil
		case ev.RefundedMinor < p.Amount.Minor:
			return s.hold(ctx, tx, ev, id, fmt.Sprintf("%s of the %s paid was refunded at Stripe",
				money.New(ev.RefundedMinor, p.Amount.Currency).Format(), p.Amount.Format()))
		case a.Status() != Rejected:
			return s.hold(ctx, tx, ev, id, fmt.Sprintf("the payment was refunded at Stripe while the application was %s", a.Status()))
		}
		e := ApplicationEvent{Kind: EventRefunded, Method: PayCard, Amount: p.Amount, Reference: ev.ID,
			Note: "refunded at Stripe", RecordedBy: provider.Name}
		if err := s.addEvent(ctx, tx, id, e); err != nil {
			return err
		}
		return s.auditApp(ctx, tx, provider, "society.application.refund", id, nil, e)
	})
}

// applicationPaidBy is the application a card payment paid, or 0.
func (s *Service) applicationPaidBy(ctx context.Context, tx *sql.Tx, paymentRef string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT application_id FROM share_application_events
		WHERE kind = 'paid' AND method = 'card' AND reference = $1`, paymentRef).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) || paymentRef == "" {
		return 0, nil
	}
	return id, err
}

// hold keeps a payment that was not applied for the secretary, once per
// provider event.
func (s *Service) hold(ctx context.Context, tx *sql.Tx, ev payment.Event, appID int64, reason string) error {
	var app sql.NullInt64
	if appID != 0 {
		app = sql.NullInt64{Int64: appID, Valid: true}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO share_payment_holds (event_id, application_id, session_id, payment_ref,
		amount_minor, currency, reason, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (event_id) DO NOTHING`,
		ev.ID, app, ev.SessionID, ev.PaymentRef, ev.AmountMinor, ev.Currency, "Stripe event "+ev.ID+": "+reason, db.UTC(s.now()))
	if err != nil {
		return fmt.Errorf("society: hold payment of event %s: %w", ev.ID, err)
	}
	return nil
}
