package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/coopress/coopress/internal/reconcile"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment"
)

// PayoutLister reads the payouts Stripe expects to arrive in [from, to),
// each with the transactions it settled; *payment.Stripe is one.
type PayoutLister interface {
	ListPayouts(ctx context.Context, from, to time.Time) ([]payment.Payout, error)
}

// payoutLookback is how far before the month the ledger is read for the
// gifts a payout settles: Stripe pays a charge out days after it, and a
// payout early in the month carries the end of the last.
const payoutLookback = 31 * 24 * time.Hour

// fundPayoutsPage is the month's Stripe payouts against the ledger.
type fundPayoutsPage struct {
	adminFrame
	Month, Label, PrevMonth, NextMonth string
	// Configured is false when the server has no Stripe key.
	Configured bool
	// Unavailable is set when Stripe did not answer.
	Unavailable bool
	Rec         reconcile.Payouts
	MaxPayouts  int
	MaxTx       int
}

// adminFundPayouts lists the payouts arriving in the month with what
// each contains, the gifts their charges correspond to, the charges the
// ledger lacks and the month's card gifts not paid out yet.
func (s *Server) adminFundPayouts(w http.ResponseWriter, r *http.Request) error {
	l, err := s.ledger()
	if err != nil {
		return err
	}
	month, start, err := s.fundMonth(r)
	if err != nil {
		return err
	}
	end := start.AddDate(0, 1, 0)
	p := &fundPayoutsPage{adminFrame: s.newAdminFrame(r, "Stripe payouts, "+start.Format("January 2006")),
		Month: month, Label: start.Format("January 2006"), Configured: s.payouts != nil,
		PrevMonth: start.AddDate(0, -1, 0).Format("2006-01"), NextMonth: end.Format("2006-01"),
		MaxPayouts: payment.MaxPayouts, MaxTx: payment.MaxTransactions}
	if !p.Configured {
		return s.renderAdmin(w, http.StatusOK, "admin_fund_payouts", p)
	}
	cur := money.DefaultCurrency
	if c, err := l.Campaign(r.Context(), month); err == nil {
		cur = c.Target.Currency
	} else if !errors.Is(err, db.ErrNotFound) {
		return err
	}
	entries, err := l.EntriesReceived(r.Context(), start.Add(-payoutLookback), end)
	if err != nil {
		return err
	}
	payouts, err := s.payouts.ListPayouts(r.Context(), start, end)
	if err != nil {
		// Stripe's trouble is not ours: say so on the page, keep the cause
		// for the log.
		s.log.Warn("listing Stripe payouts failed", "month", month, "err", err)
		p.Unavailable = true
		return s.renderAdmin(w, http.StatusBadGateway, "admin_fund_payouts", p)
	}
	// Payments for shares come out in the same payouts; they are the
	// society's capital, never the fund's, so they are set apart.
	var capital map[string]string
	if s.society != nil {
		if capital, err = s.society.CardPaymentRefs(r.Context()); err != nil {
			return err
		}
	}
	p.Rec = reconcile.Match(payouts, entries, start, end, cur, capital)
	return s.renderAdmin(w, http.StatusOK, "admin_fund_payouts", p)
}
