package donation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment"
)

// maxCreditAge is the oldest a paid checkout's event may be and still be
// credited unattended. Stripe retries for three days and a bank debit can
// take a week to clear; an event from much earlier is a replay or a
// mistake, and would otherwise open or change a long-closed month.
const maxCreditAge = 30 * 24 * time.Hour

// clockSkew allows for the provider's clock and ours disagreeing.
const clockSkew = 5 * time.Minute

// held says why a paid checkout must wait for the treasurer rather than
// be credited, or is empty when it may be credited. Every webhook is
// signed, so these are defence in depth against a leaked signing secret
// or another integration on the same Stripe account.
func (s *Service) held(ctx context.Context, ev payment.Event) (string, error) {
	got := money.New(ev.AmountMinor, ev.Currency)
	c, err := s.startedCheckout(ctx, ev.SessionID)
	if errors.Is(err, db.ErrNotFound) {
		return fmt.Sprintf("checkout %q was not started by coopress", ev.SessionID), nil
	}
	if err != nil {
		return "", err
	}
	now := s.now()
	switch {
	case got != c.Amount:
		return fmt.Sprintf("checkout %s was started for %s but paid %s", ev.SessionID, c.Amount.Format(), got.Format()), nil
	case got.Currency != s.limits.Max.Currency || got.Minor < s.limits.Min.Minor || got.Minor > s.limits.Max.Minor:
		return fmt.Sprintf("%s is outside the online limits, %s to %s", got.Format(), s.limits.Min.Format(), s.limits.Max.Format()), nil
	case ev.Created.Before(c.CreatedAt.Add(-clockSkew)):
		return fmt.Sprintf("the event is dated %s, before its checkout was started", ev.Created.Format(time.RFC3339)), nil
	case ev.Created.Before(now.Add(-maxCreditAge)):
		return fmt.Sprintf("the event is dated %s, more than %d days ago", ev.Created.Format("2 January 2006"), int(maxCreditAge.Hours()/24)), nil
	case ev.Created.After(now.Add(clockSkew)):
		return fmt.Sprintf("the event is dated %s, in the future", ev.Created.Format(time.RFC3339)), nil
	}
	return "", nil
}
