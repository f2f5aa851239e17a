package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/coopress/coopress/internal/supporter"
	"github.com/coopress/coopress/internal/valid"
)

func init() {
	commands["supporters"] = &command{summary: "supporters who give every month: list, export", subs: map[string]*command{
		"export": {summary: "write every supporter (card, Direct Debit and standing order) to FILE as CSV", args: "FILE", run: supportersExport,
			about: "The same columns as the treasurer's export on /admin/supporters. FILE holds personal data: it is written\n" +
				"so that only its owner can read it, and an existing FILE is not replaced."},
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

func supportersExport(ctx context.Context, inv *invocation, args []string) error {
	c := newFundCLI(inv)
	file, err := inv.parseFileArg(c.fs, args)
	if err != nil {
		return err
	}
	if err := c.cfg.Validate(); err != nil {
		return err
	}
	f, d, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	subs, err := supporter.New(d, f, nil, c.cfg.SiteName, c.cfg.BaseURL).Subscriptions(ctx)
	if err != nil {
		return err
	}
	list, err := supporter.NewStandingOrders(d, f, c.cfg.Location, time.Now).ListStandingOrders(ctx, supporter.ListAll)
	if err != nil {
		return err
	}
	orders := make([]supporter.StandingOrder, len(list))
	for i, o := range list {
		orders[i] = o.StandingOrder
	}
	out, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s already exists; choose another name", file)
	}
	if err != nil {
		return err
	}
	if err := supporter.WriteCSV(out, subs, orders, c.cfg.Location); err != nil {
		out.Close()
		_ = os.Remove(file)
		return err
	}
	if err := out.Close(); err != nil {
		_ = os.Remove(file)
		return err
	}
	fmt.Fprintf(inv.stdout, "wrote %s and %s to %s\n", plural(len(subs), "subscription"), plural(len(orders), "standing order"), file)
	return nil
}
