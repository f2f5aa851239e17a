package main

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/coopress/coopress/internal/supporter"
	"github.com/coopress/coopress/internal/valid"
)

func init() {
	commands["supporters"] = &command{summary: "supporters who give every month: list", subs: map[string]*command{
		"list": {summary: "list the supporters: standing orders by name, then card and Direct Debit", run: supportersList,
			about: "failing lists active standing orders whose payment is more than 10 days overdue\n" +
				"by the statements imported so far, and subscriptions whose last payment failed."},
	}}
}

func supportersList(ctx context.Context, inv *invocation, args []string) error {
	c := newFundCLI(inv)
	status := c.fs.String("status", "", "active, lapsed, cancelled or failing (default every one)")
	if err := c.parse(args); err != nil {
		return err
	}
	filter, err := supporter.ParseListFilter(*status)
	if v, ok := valid.As(err); ok {
		return errors.New("--status: " + v.Message)
	}
	f, d, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	so := supporter.NewStandingOrders(d, f, c.cfg.Location, time.Now)
	orders, err := so.ListStandingOrders(ctx, filter)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(inv.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tAMOUNT\tFREQUENCY\tREFERENCE\tSTATUS\tPAYMENTS\tLAST PAID")
	for _, o := range orders {
		last, st := "never", string(o.Status)
		if !o.LastPaid.IsZero() {
			last = o.LastPaid.Format("2006-01-02")
		}
		if o.Failing {
			st += " (overdue)"
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", o.ID, o.Name, o.Amount, o.Frequency, o.Reference, st, o.Payments, last)
	}
	fmt.Fprintf(w, "%s\n", plural(len(orders), "standing order"))
	if err := w.Flush(); err != nil {
		return err
	}
	return listSubscriptions(ctx, inv, supporter.New(d, f, nil, c.cfg.SiteName, c.cfg.BaseURL), filter)
}

// listSubscriptions prints the card and Direct Debit supporters the
// standing orders' filter names (every status but a checkout never
// finished when it names none).
func listSubscriptions(ctx context.Context, inv *invocation, s *supporter.Service, filter supporter.ListFilter) error {
	var statuses []supporter.Status
	if filter != supporter.ListAll {
		statuses = []supporter.Status{supporter.Status(filter)}
	}
	subs, err := s.Subscriptions(ctx, statuses...)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(inv.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "\nID\tNAME\tEMAIL\tPLAN\tAMOUNT\tMETHOD\tSTATUS\tNEXT PAYMENT")
	for _, sub := range subs {
		next := "none"
		if !sub.NextPaymentAt.IsZero() {
			next = sub.NextPaymentAt.Format("2006-01-02")
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s a %s\t%s\t%s\t%s\n", sub.ID, sub.Name, sub.Email, sub.PlanName, sub.Amount,
			sub.PlanInterval, sub.Method, sub.Status, next)
	}
	fmt.Fprintf(w, "%s by card or Direct Debit\n", plural(len(subs), "subscription"))
	return w.Flush()
}
