package supporter

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment"
)

// How the webhooks of a subscription are applied. Each event is applied
// once, whatever the redelivery or order:
//
//   - a paid invoice is one ledger entry keyed by its payment (the
//     PaymentIntent when the event names it, else the invoice), so a
//     redelivery finds it recorded;
//   - every event writes one subscription_history row under its own id,
//     and changes the subscription only when that row is new;
//   - a status is changed only by an event dated no earlier than the one
//     that set the current status, and lapsed or cancelled is final, so a
//     late "past_due" cannot undo a later payment or reopen an ending.
//
// Only subscriptions coopress started are acted on: the subscription's
// metadata carries the join_ref stored before the reader went to pay, or
// its id is already stored. Anything else is left alone.

// HandlePayment applies one supporter event; see payment.Handler.
func (s *Service) HandlePayment(ctx context.Context, ev payment.Event) error {
	switch ev.Kind {
	case payment.Refunded, payment.Disputed:
		if s.refunds == nil {
			return fmt.Errorf("supporter: %s %s: no refund handler configured", ev.Type, ev.ID)
		}
		ref, err := s.creditOf(ctx, ev)
		if errors.Is(err, payment.ErrNoSuchCharge) {
			return s.holdUnknownCharge(ctx, ev)
		}
		if err != nil {
			return err
		}
		ev.PaymentRef = cmp.Or(ref, ev.PaymentRef)
		return s.refunds.HandlePayment(ctx, ev)
	case payment.Subscribed, payment.Paid, payment.PaymentFailed, payment.SubscriptionChanged, payment.SubscriptionEnded:
	default:
		return nil
	}
	sub, err := s.subscriptionOf(ctx, ev)
	if errors.Is(err, db.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	switch ev.Kind {
	case payment.Subscribed:
		return s.subscribed(ctx, sub, ev)
	case payment.Paid:
		return s.paid(ctx, sub, ev)
	case payment.PaymentFailed:
		return s.failed(ctx, sub, ev)
	case payment.SubscriptionChanged:
		return s.changed(ctx, sub, ev)
	default:
		return s.ended(ctx, sub, ev)
	}
}

// Claims recognises events of supporters' subscriptions that carry no
// purpose: those naming a stored subscription, and refunds and disputes
// of a supporter's payment, found as creditOf finds them. A refund or
// dispute of a charge Stripe says it does not have is claimed too, so
// that HandlePayment holds it for the treasurer: no one else could place
// it, and unclaimed it would be retried for days and then dropped. See
// payment.Claimer.
func (s *Service) Claims(ctx context.Context, ev payment.Event) (bool, error) {
	if id := ev.Billing.SubscriptionID; id != "" {
		var n int
		err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM subscriptions WHERE provider_subscription = $1`, id).Scan(&n)
		if err != nil || n > 0 {
			return n > 0, err
		}
	}
	for _, ref := range []string{ev.PaymentRef, ev.Billing.InvoiceID} {
		if ok, err := s.inHistory(ctx, ref); err != nil || ok {
			return ok, err
		}
	}
	if ev.Kind != payment.Refunded && ev.Kind != payment.Disputed {
		return false, nil
	}
	ref, err := s.creditOf(ctx, ev)
	if errors.Is(err, payment.ErrNoSuchCharge) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return s.inHistory(ctx, ref)
}

// inHistory says whether a supporter's payment was recorded under ref.
func (s *Service) inHistory(ctx context.Context, ref string) (bool, error) {
	if ref == "" {
		return false, nil
	}
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM subscription_history WHERE payment_ref = $1`, ref).Scan(&n)
	return n > 0, err
}

// subscriptionOf finds the subscription ev is about and, the first time
// the provider's id is seen, stores it; db.ErrNotFound when coopress did
// not start it.
func (s *Service) subscriptionOf(ctx context.Context, ev payment.Event) (Subscription, error) {
	b := ev.Billing
	if ref := ev.Metadata["join"]; ref != "" {
		sub, err := getSubscription(ctx, s.db, "s.join_ref = $1", ref)
		if err != nil {
			return sub, err
		}
		if ev.Kind == payment.Subscribed && sub.CheckoutSession != ev.SessionID {
			return sub, db.ErrNotFound
		}
		switch {
		case b.SubscriptionID == "" || sub.ProviderSubscription == b.SubscriptionID:
			return sub, nil
		case sub.ProviderSubscription != "":
			// Our metadata on a subscription we did not make.
			return sub, db.ErrNotFound
		}
		_, err = s.db.ExecContext(ctx, `UPDATE subscriptions SET provider_subscription = $1, provider_customer = $2,
			updated_at = $3 WHERE id = $4 AND provider_subscription IS NULL`, b.SubscriptionID, b.CustomerID, db.UTC(s.now()), sub.ID)
		if err != nil {
			return sub, fmt.Errorf("supporter: attach %s to %d: %w", b.SubscriptionID, sub.ID, err)
		}
		// Read again: of two events attaching different subscriptions at
		// once, only the first to write is ours.
		if sub, err = getSubscription(ctx, s.db, "s.id = $1", sub.ID); err == nil && sub.ProviderSubscription != b.SubscriptionID {
			return sub, db.ErrNotFound
		}
		return sub, err
	}
	if b.SubscriptionID == "" {
		return Subscription{}, db.ErrNotFound
	}
	return getSubscription(ctx, s.db, "s.provider_subscription = $1", b.SubscriptionID)
}

// methodOfSub is how sub pays: as stored, else as ev says, else as the
// provider answers (Stripe's events name the payment method by id only).
// Without a provider to ask, a card.
func (s *Service) methodOfSub(ctx context.Context, sub Subscription, ev payment.Event) (Method, error) {
	if sub.Method != "" {
		return sub.Method, nil
	}
	if m := methodOf(ev.Billing.PaymentMethod); m != "" {
		return m, nil
	}
	if s.provider == nil || sub.ProviderSubscription == "" {
		return Card, nil
	}
	st, err := s.provider.Subscription(ctx, sub.ProviderSubscription)
	if err != nil {
		return "", err
	}
	return cmp.Or(methodOf(st.PaymentMethod), Card), nil
}

// subscribed marks a finished checkout's subscription active.
func (s *Service) subscribed(ctx context.Context, sub Subscription, ev payment.Event) error {
	m, err := s.methodOfSub(ctx, sub, ev)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if ok, err := s.addHistory(ctx, tx, sub.ID, historyRow{eventID: ev.ID, kind: "joined", status: Active, at: ev.Created}); err != nil || !ok {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE subscriptions SET status = CASE WHEN status = 'pending' THEN 'active' ELSE status END,
			status_at = COALESCE(status_at, $1), method = CASE WHEN method = '' THEN $2 ELSE method END, updated_at = $3
			WHERE id = $4`, db.UTC(ev.Created), string(m), db.UTC(s.now()), sub.ID)
		if err != nil {
			return err
		}
		return markFirst(ctx, tx, "joined_at", sub.ID, ev.Created)
	})
}

// markFirst sets a subscription's joined_at or ended_at to at unless an
// earlier event set it already, so that the month it counts in does not
// depend on the order the webhooks arrive in.
func markFirst(ctx context.Context, tx *sql.Tx, column string, id int64, at time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE subscriptions SET `+column+` = $1 WHERE id = $2 AND (`+column+` IS NULL OR `+column+` > $1)`,
		db.UTC(at), id)
	return err
}

// paid credits a paid invoice to the fund, once, and brings the
// subscription up to date.
func (s *Service) paid(ctx context.Context, sub Subscription, ev payment.Event) error {
	ref, err := s.paymentOf(ctx, ev)
	if err != nil {
		return err
	}
	m, err := s.methodOfSub(ctx, sub, ev)
	if err != nil {
		return err
	}
	if ev.AmountMinor > 0 {
		if err := s.credit(ctx, sub, ev, ref, m); err != nil {
			return err
		}
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		h := historyRow{eventID: ev.ID, kind: "paid", status: Active, amount: ev.AmountMinor, paymentRef: ref, at: ev.Created}
		if ok, err := s.addHistory(ctx, tx, sub.ID, h); err != nil || !ok {
			return err
		}
		now, at := db.UTC(s.now()), db.UTC(ev.Created)
		if _, err := tx.ExecContext(ctx, `UPDATE subscriptions SET status = 'active', fix_url = '', status_at = $1,
			updated_at = $2 WHERE id = $3 AND status IN ('pending', 'failing') AND (status_at IS NULL OR status_at <= $1)`,
			at, now, sub.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE subscriptions SET method = $1 WHERE id = $2 AND method = ''`, string(m), sub.ID); err != nil {
			return err
		}
		// A first payment is a joining too, should its checkout's event
		// never come.
		if err := markFirst(ctx, tx, "joined_at", sub.ID, ev.Created); err != nil {
			return err
		}
		if next := ev.Billing.NextPaymentAt; !next.IsZero() {
			_, err := tx.ExecContext(ctx, `UPDATE subscriptions SET next_payment_at = $1, next_amount_minor = amount_minor
				WHERE id = $2 AND status IN ('active', 'failing') AND (next_payment_at IS NULL OR next_payment_at < $1)`,
				db.UTC(next), sub.ID)
			return err
		}
		return nil
	})
}

// paymentOf is the reference a paid invoice's credit is keyed by: its
// PaymentIntent, which its refunds and disputes will name, from the event
// or else from Stripe; the invoice itself when Stripe names no payment or
// is not configured. Each configuration gives one answer per invoice, so
// a redelivery finds the same key.
func (s *Service) paymentOf(ctx context.Context, ev payment.Event) (string, error) {
	if ev.PaymentRef != "" {
		return ev.PaymentRef, nil
	}
	in := ev.Billing.InvoiceID
	if in == "" {
		return "", fmt.Errorf("supporter: %s %s names no payment or invoice", ev.Type, ev.ID)
	}
	if s.provider == nil {
		return in, nil
	}
	pi, err := s.provider.InvoicePaymentIntent(ctx, in)
	if err != nil {
		return "", err
	}
	return cmp.Or(pi, in), nil
}

// credit records the payment under ref unless it is there already; the
// fund queues the supporter's receipt in the same transaction.
func (s *Service) credit(ctx context.Context, sub Subscription, ev payment.Event, ref string, m Method) error {
	if _, err := s.fund.EntryByRef(ctx, ref); err == nil {
		return nil
	} else if !errors.Is(err, db.ErrNotFound) {
		return err
	}
	e := fund.Entry{
		Amount: money.New(ev.AmountMinor, cmp.Or(ev.Currency, sub.Amount.Currency)), Method: m.ledgerMethod(),
		DonorName: sub.Name, DonorEmail: sub.Email, ProviderRef: ref, ReceivedAt: ev.Created, RecordedBy: recorder,
	}
	sub.Thanks.thank(&e, s.columnThanks)
	if _, err := s.fund.Record(ctx, e); err != nil && !errors.Is(err, fund.ErrDuplicate) {
		return fmt.Errorf("supporter: credit %s of subscription %d: %w", ref, sub.ID, err)
	}
	return nil
}

// failed marks the subscription failing and queues one polite mail per
// failed invoice, in the same transaction.
func (s *Service) failed(ctx context.Context, sub Subscription, ev payment.Event) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		h := historyRow{eventID: ev.ID, kind: "failed", status: Failing, amount: ev.AmountMinor,
			paymentRef: cmp.Or(ev.PaymentRef, ev.Billing.InvoiceID), at: ev.Created}
		if ok, err := s.addHistory(ctx, tx, sub.ID, h); err != nil || !ok {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE subscriptions SET status = 'failing', fix_url = $1, status_at = $2,
			next_payment_at = $3, updated_at = $4
			WHERE id = $5 AND status IN ('pending', 'active', 'failing') AND (status_at IS NULL OR status_at <= $2)`,
			ev.Billing.FixURL, db.UTC(ev.Created), nullTime(ev.Billing.NextPaymentAt), db.UTC(s.now()), sub.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // a later event has moved it on already
		}
		sub.FixURL = ev.Billing.FixURL
		return s.notify(ctx, tx, sub, failedMail, cmp.Or(ev.Billing.InvoiceID, ev.ID))
	})
}

// statusOf is what the provider's view of a subscription means here.
func statusOf(b payment.Billing) Status {
	if b.Paused {
		return Paused
	}
	switch b.Status {
	case "active", "trialing":
		return Active
	case "past_due":
		return Failing
	case "unpaid", "incomplete_expired":
		return Lapsed
	case "canceled":
		if b.CancelReason == "cancellation_requested" {
			return Cancelled
		}
		return Lapsed
	case "paused":
		return Paused
	}
	// "incomplete": the first payment is still being taken.
	return Pending
}

// changed follows the provider's subscription: status, pause, method and
// next payment.
func (s *Service) changed(ctx context.Context, sub Subscription, ev payment.Event) error {
	st := statusOf(ev.Billing)
	kind := "status"
	switch {
	case st == Paused && sub.Status != Paused:
		kind = "paused"
	case st == Active && sub.Status == Paused:
		kind = "resumed"
	case st == Lapsed || st == Cancelled:
		kind = string(st)
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if ok, err := s.addHistory(ctx, tx, sub.ID, historyRow{eventID: ev.ID, kind: kind, status: st, amount: ev.AmountMinor, at: ev.Created}); err != nil || !ok {
			return err
		}
		if m := methodOf(ev.Billing.PaymentMethod); m != "" {
			if _, err := tx.ExecContext(ctx, `UPDATE subscriptions SET method = $1 WHERE id = $2`, string(m), sub.ID); err != nil {
				return err
			}
		}
		if st == Pending {
			return nil
		}
		if st == Lapsed || st == Cancelled {
			if err := markFirst(ctx, tx, "ended_at", sub.ID, ev.Created); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE subscriptions SET status = $1, status_at = $2, next_payment_at = $3,
			next_amount_minor = CASE WHEN $4 > 0 THEN $4 ELSE next_amount_minor END, updated_at = $5
			WHERE id = $6 AND status NOT IN ('lapsed', 'cancelled') AND (status_at IS NULL OR status_at <= $2)`,
			string(st), db.UTC(ev.Created), nullTime(ev.Billing.NextPaymentAt), ev.Billing.NextAmountMinor, db.UTC(s.now()), sub.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 || st != Lapsed {
			return err
		}
		return s.notify(ctx, tx, sub, lapsedMail, sub.JoinRef)
	})
}

// ended closes the subscription: cancelled when someone asked for it,
// lapsed (and the reader told) when the provider gave up collecting.
func (s *Service) ended(ctx context.Context, sub Subscription, ev payment.Event) error {
	st := Lapsed
	if ev.Billing.CancelReason == "cancellation_requested" {
		st = Cancelled
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if ok, err := s.addHistory(ctx, tx, sub.ID, historyRow{eventID: ev.ID, kind: string(st), status: st, at: ev.Created}); err != nil || !ok {
			return err
		}
		if err := markFirst(ctx, tx, "ended_at", sub.ID, ev.Created); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE subscriptions SET status = $1, status_at = $2, next_payment_at = NULL,
			next_amount_minor = 0, updated_at = $3 WHERE id = $4 AND status NOT IN ('lapsed', 'cancelled')`,
			string(st), db.UTC(ev.Created), db.UTC(s.now()), sub.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 || st != Lapsed {
			return err
		}
		return s.notify(ctx, tx, sub, lapsedMail, sub.JoinRef)
	})
}
