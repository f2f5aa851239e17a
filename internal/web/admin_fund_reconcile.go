package web

import (
	"errors"
	"net/http"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/donation"
	"github.com/coopress/coopress/internal/fund"
)

// fundReconcilePage sets a month's card gifts against the Stripe events
// that paid them.
type fundReconcilePage struct {
	adminFrame
	Month, Label, PrevMonth, NextMonth string
	Rec                                fund.CardReconciliation
	Missing                            int
}

// adminFundReconcile shows the month's card entries each beside the
// stored Stripe event for its payment, the completed checkouts with no
// entry, and the totals. It needs only what the webhook stored; Stripe's
// payouts, read from its API, have their own page (admin_fund_payouts.go).
func (s *Server) adminFundReconcile(w http.ResponseWriter, r *http.Request) error {
	l, err := s.ledger()
	if err != nil {
		return err
	}
	month, start, err := s.fundMonth(r)
	if err != nil {
		return err
	}
	p := &fundReconcilePage{adminFrame: s.newAdminFrame(r, "Reconcile card gifts, "+start.Format("January 2006")),
		Month: month, Label: start.Format("January 2006"),
		PrevMonth: start.AddDate(0, -1, 0).Format("2006-01"), NextMonth: start.AddDate(0, 1, 0).Format("2006-01")}
	p.Rec, err = l.ReconcileCard(r.Context(), month, donation.Purpose)
	if errors.Is(err, db.ErrNotFound) {
		p.Notice = "There is no campaign for " + p.Label + "."
		return s.renderAdmin(w, http.StatusNotFound, "admin_fund_reconcile", p)
	}
	if err != nil {
		return err
	}
	for _, m := range p.Rec.Entries {
		if m.Event == nil {
			p.Missing++
		}
	}
	return s.renderAdmin(w, http.StatusOK, "admin_fund_reconcile", p)
}
