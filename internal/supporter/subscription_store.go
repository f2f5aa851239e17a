package supporter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/money"
)

// Subscription is one reader's recurring support.
type Subscription struct {
	ID int64
	// JoinRef is coopress's key for it in the provider's metadata.
	JoinRef         string
	CheckoutSession string
	// ProviderSubscription and ProviderCustomer are Stripe's ids; empty
	// until Stripe has made the subscription.
	ProviderSubscription string
	ProviderCustomer     string
	PlanID               int64
	PlanName             string
	PlanInterval         string
	Amount               money.Money
	Method               Method
	Status               Status
	StatusAt             time.Time
	Email                string
	Name                 string
	// AccountID is the reader's account, 0 without one.
	AccountID int64
	// NextPaymentAt is zero when nothing more is due (paused, ended).
	NextPaymentAt time.Time
	NextAmount    money.Money
	// FixURL is where a failing supporter can put things right.
	FixURL string
	// Thanks is how the supporter asked to be thanked in the fund column.
	Thanks    Thanks
	CreatedAt time.Time
	UpdatedAt time.Time
}

const subscriptionColumns = `s.id, s.join_ref, s.checkout_session, COALESCE(s.provider_subscription, ''),
	s.provider_customer, s.plan_id, p.name, p.billing_interval, s.amount_minor, s.currency, s.method, s.status,
	s.status_at, s.email, s.name, COALESCE(s.account_id, 0), s.next_payment_at, s.next_amount_minor, s.fix_url,
	s.thanks, s.thanks_name, s.thanks_town, s.created_at, s.updated_at`

const subscriptionFrom = ` FROM subscriptions s JOIN supporter_plans p ON p.id = s.plan_id `

func scanSubscription(r interface{ Scan(...any) error }) (Subscription, error) {
	var s Subscription
	var statusAt, next sql.NullTime
	var thanks int
	err := r.Scan(&s.ID, &s.JoinRef, &s.CheckoutSession, &s.ProviderSubscription, &s.ProviderCustomer, &s.PlanID,
		&s.PlanName, &s.PlanInterval, &s.Amount.Minor, &s.Amount.Currency, &s.Method, &s.Status, &statusAt,
		&s.Email, &s.Name, &s.AccountID, &next, &s.NextAmount.Minor, &s.FixURL, &thanks, &s.Thanks.Name, &s.Thanks.Town,
		&s.CreatedAt, &s.UpdatedAt)
	s.Thanks.On = thanks == 1
	s.NextAmount.Currency = s.Amount.Currency
	if statusAt.Valid {
		s.StatusAt = statusAt.Time
	}
	if next.Valid {
		s.NextPaymentAt = next.Time
	}
	return s, err
}

// getSubscription reads the one subscription where says, or db.ErrNotFound.
func getSubscription(ctx context.Context, q db.Queryer, where string, arg any) (Subscription, error) {
	s, err := scanSubscription(q.QueryRowContext(ctx, `SELECT `+subscriptionColumns+subscriptionFrom+`WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return s, db.ErrNotFound
	}
	if err != nil {
		return s, fmt.Errorf("supporter: read subscription: %w", err)
	}
	return s, nil
}

// Subscription returns one subscription, or db.ErrNotFound.
func (s *Service) Subscription(ctx context.Context, id int64) (Subscription, error) {
	return getSubscription(ctx, s.db, "s.id = $1", id)
}

// Subscriptions lists subscriptions, newest first; with statuses, only
// those in one of them. Pending ones (a checkout never finished) are left
// out unless asked for.
func (s *Service) Subscriptions(ctx context.Context, statuses ...Status) ([]Subscription, error) {
	where, args := "s.status <> 'pending'", []any{}
	if len(statuses) > 0 {
		marks := make([]string, len(statuses))
		for i, st := range statuses {
			marks[i], args = "$"+strconv.Itoa(i+1), append(args, string(st))
		}
		where = "s.status IN (" + strings.Join(marks, ", ") + ")"
	}
	return s.listSubscriptions(ctx, where+" ORDER BY s.id DESC", args...)
}

// listSubscriptions reads the subscriptions where says (which may end
// with ORDER BY and LIMIT).
func (s *Service) listSubscriptions(ctx context.Context, where string, args ...any) ([]Subscription, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+subscriptionColumns+subscriptionFrom+`WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("supporter: list subscriptions: %w", err)
	}
	defer rows.Close()
	var out []Subscription
	for rows.Next() {
		sub, err := scanSubscription(rows)
		if err != nil {
			return nil, fmt.Errorf("supporter: read subscription: %w", err)
		}
		out = append(out, sub)
	}
	return out, rows.Err()
}

// historyRow is one line of subscription_history.
type historyRow struct {
	eventID    string
	kind       string
	status     Status
	amount     int64
	paymentRef string
	at         time.Time
}

// addHistory writes h once: inserted is false when its event is already
// there, which is how a redelivered event finds its work done.
func (s *Service) addHistory(ctx context.Context, tx *sql.Tx, subID int64, h historyRow) (inserted bool, err error) {
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO subscription_history (subscription_id, event_id, kind, status,
		amount_minor, payment_ref, happened_at, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (event_id) DO NOTHING RETURNING id`,
		subID, h.eventID, h.kind, string(h.status), h.amount, h.paymentRef, db.UTC(h.at), db.UTC(s.now())).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("supporter: history of %d (%s): %w", subID, h.eventID, err)
	}
	return true, nil
}

// nullTime stores a zero time as NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return db.UTC(t)
}

// OwnedBy lists the subscriptions o may act on, newest first: those of
// o's account, and those joined under o's address before the reader had
// an account (the caller has checked o's address: a signed-in reader's
// was proved by the link they signed in with). Pending ones are left out.
func (s *Service) OwnedBy(ctx context.Context, o Owner) ([]Subscription, error) {
	return s.listSubscriptions(ctx, `s.status <> 'pending' AND (s.account_id = $1 OR (s.account_id IS NULL AND lower(s.email) = $2))
		ORDER BY s.id DESC`, o.AccountID, strings.ToLower(strings.TrimSpace(o.Email)))
}
