package society

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/mail"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment"
)

// Return is a card payment that came for an application the secretary
// had rejected already (paid late, or paid twice), which coopress gave
// back through the provider itself: the society had said no, so there is
// nothing for the secretary to decide.
type Return struct {
	ApplicationID int64
	EventID       string
	PaymentRef    string
	RefundID      string
	Amount        money.Money
	RecordedAt    time.Time
}

// returnKey is the provider's idempotency key for returning a payment:
// from the payment itself, so that a redelivered event, a retried job or
// a second event about the same payment never refunds it twice.
func returnKey(paymentRef string) string { return "coopress-share-return-" + paymentRef }

// returnLate refunds a payment for a rejected application (cardPaid found
// it so) and records it with its audit entry and the applicant's mail in
// one transaction. The refund is asked for outside any transaction, so
// the society's lock is not held while the provider answers; an error
// (the provider unreachable) is returned for the payment job to retry,
// and the retry's refund is the first one, by its key.
func (s *Service) returnLate(ctx context.Context, ev payment.Event, appID int64) error {
	if done, err := s.returned(ctx, s.db, ev.PaymentRef); err != nil || done {
		return err
	}
	refund, err := s.apps.refunder.Refund(ctx, ev.PaymentRef, ev.AmountMinor, returnKey(ev.PaymentRef))
	if err != nil {
		return fmt.Errorf("society: return payment %s for rejected application %d: %w", ev.PaymentRef, appID, err)
	}
	r := Return{ApplicationID: appID, EventID: ev.ID, PaymentRef: ev.PaymentRef, RefundID: refund,
		Amount: money.New(ev.AmountMinor, strings.ToUpper(ev.Currency)), RecordedAt: s.now().UTC()}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.lock(ctx, tx); err != nil {
			return err
		}
		if done, err := s.returned(ctx, tx, ev.PaymentRef); err != nil || done {
			return err // another run of the job recorded it meanwhile
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO share_payment_returns (application_id, event_id, payment_ref, refund_id,
			amount_minor, currency, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			appID, r.EventID, r.PaymentRef, r.RefundID, r.Amount.Minor, r.Amount.Currency, db.UTC(r.RecordedAt))
		if err != nil {
			return fmt.Errorf("society: record return of %s: %w", r.PaymentRef, err)
		}
		if err := s.auditApp(ctx, tx, provider, "society.application.return", appID, nil, r); err != nil {
			return err
		}
		a, err := getApplication(ctx, tx, appID)
		if err != nil {
			return err
		}
		return s.mailReturned(ctx, tx, a, r)
	})
}

// returned reports whether the payment was returned already.
func (s *Service) returned(ctx context.Context, q db.Queryer, paymentRef string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM share_payment_returns WHERE payment_ref = $1`, paymentRef).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("society: return of %s: %w", paymentRef, err)
	}
	return n > 0, nil
}

// Returns lists the payments returned for an application, oldest first.
func (s *Service) Returns(ctx context.Context, appID int64) ([]Return, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT application_id, event_id, payment_ref, refund_id, amount_minor, currency,
		recorded_at FROM share_payment_returns WHERE application_id = $1 ORDER BY id`, appID)
	if err != nil {
		return nil, fmt.Errorf("society: returns of application %d: %w", appID, err)
	}
	defer rows.Close()
	var out []Return
	for rows.Next() {
		var r Return
		if err := rows.Scan(&r.ApplicationID, &r.EventID, &r.PaymentRef, &r.RefundID, &r.Amount.Minor, &r.Amount.Currency,
			&r.RecordedAt); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// mailReturned tells the applicant their payment came after the refusal
// and has gone back to their card.
func (s *Service) mailReturned(ctx context.Context, tx *sql.Tx, a Application, r Return) error {
	if s.apps.mail == nil || a.Contact.Email == "" {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Dear %s,\n\n", a.Contact.Name)
	fmt.Fprintf(&b, "A card payment of %s reached us for your application for %s of %s, which the secretary "+
		"had already declined. We have refunded it to your card; it can take up to ten days to appear.\n\n",
		r.Amount.Format(), plural(a.Shares, "share"), s.societyName())
	fmt.Fprintf(&b, "The refund's reference is %s. Please do not send another payment for this application.\n", r.RefundID)
	_, err := s.apps.mail.EnqueueTx(ctx, tx, mail.Message{To: a.Contact.Email,
		Subject: "Your payment for shares in " + s.societyName() + " has been refunded",
		Text:    b.String(), Kind: "share_payment_returned",
		Ref: "share-application:" + strconv.FormatInt(a.ID, 10) + ":returned:" + r.PaymentRef})
	if err != nil {
		return fmt.Errorf("society: mail return of %s: %w", r.PaymentRef, err)
	}
	return nil
}

// errLate marks, inside cardPaid's transaction, a payment to return.
var errLate = errors.New("society: payment for a rejected application")
