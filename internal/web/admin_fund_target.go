package web

import (
	"context"
	"database/sql"
	"errors"
	"github.com/coopress/coopress/internal/valid"
	"net/http"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/fund"
)

// fundTargetPage changes one month's target.
type fundTargetPage struct {
	adminFrame
	Month, Target, Current string
}

func (s *Server) adminFundTargetForm(w http.ResponseWriter, r *http.Request) error {
	l, err := s.ledger()
	if err != nil {
		return err
	}
	month, _, err := s.fundMonth(r)
	if err != nil {
		return err
	}
	p := &fundTargetPage{adminFrame: s.newAdminFrame(r, "Change a month's target"), Month: month}
	c, err := l.Campaign(r.Context(), month)
	switch {
	case err == nil:
		p.Current, p.Target = c.Target.Format(), c.Target.Plain()
	case !errors.Is(err, db.ErrNotFound):
		return err
	}
	if r.URL.Query().Get("saved") != "" && p.Current != "" {
		p.Notice = "The target for " + month + " is now " + p.Current + "."
	}
	return s.renderAdmin(w, http.StatusOK, "admin_fund_target", p)
}

// adminFundTarget sets a month's target; the fund keeps the old one with
// who changed it, and the audit log has the change too.
func (s *Server) adminFundTarget(w http.ResponseWriter, r *http.Request) error {
	l, err := s.ledger()
	if err != nil {
		return err
	}
	p := &fundTargetPage{adminFrame: s.newAdminFrame(r, "Change a month's target")}
	p.Month = formValue(r, &p.Errors, "month", "The month", 20)
	p.Target = formValue(r, &p.Errors, "target", "The target", 50)
	ctx := r.Context()
	cur, err := s.fundCurrency(ctx, l)
	if err != nil {
		return err
	}
	if _, err := fund.ParseMonth(p.Month, s.site.Location); err != nil {
		p.Errors.Add("month", "Write the month as year-month, such as 2024-11.")
	}
	before, err := l.Campaign(ctx, p.Month)
	if err == nil {
		cur, p.Current = before.Target.Currency, before.Target.Format()
	} else if !errors.Is(err, db.ErrNotFound) {
		return err
	}
	target, err := fund.ParseTarget(p.Target, cur)
	if err != nil {
		p.Errors.addValidation(err, "target")
	}
	if len(p.Errors) > 0 {
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_fund_target", p)
	}
	c, err := l.SetTarget(ctx, p.Month, target, recorder(r), func(ctx context.Context, tx *sql.Tx, before, after fund.Campaign) error {
		var old any
		if before.Target.Minor != 0 {
			old = map[string]string{"target": before.Target.FormatFull()}
		}
		return s.audit(ctx, tx, r, "fund.target", "campaign", after.Month, old, map[string]string{"target": after.Target.FormatFull()})
	})
	var v valid.Error
	if errors.As(err, &v) {
		p.Errors.Add("target", sentence(v.Message))
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_fund_target", p)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/fund/target?saved=1&month="+c.Month, http.StatusSeeOther)
	return nil
}
