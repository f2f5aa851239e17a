package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/coopress/coopress/internal/app"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
)

func init() {
	commands["fund"] = command{"the fighting fund: add, reverse, target, show, column, check", runFund}
}

// runFund runs a subcommand of `coopress fund`.
func runFund(ctx context.Context, args []string, stdout io.Writer) error {
	return subcommands{
		"add": fundAdd, "reverse": fundReverse, "target": fundTarget,
		"show": fundShow, "column": fundColumn, "check": fundCheck,
	}.dispatch(ctx, "fund", args, stdout)
}

// fundCLI opens the database and the fund service for a subcommand.
type fundCLI struct{ *storeCLI }

func newFundCLI(name string) *fundCLI { return &fundCLI{newStoreCLI("fund " + name)} }

// open parses the flags and opens the database and the service; the caller
// closes the returned DB.
func (c *fundCLI) open(ctx context.Context, args []string) (*fund.Service, *db.DB, error) {
	d, err := c.openDB(ctx, args)
	if err != nil {
		return nil, nil, err
	}
	// A gift recorded here with an address gets its receipt like any
	// other: queued now, sent by the server's mail worker.
	opts, err := app.CommandReceipts(d, &c.cfg)
	if err != nil {
		d.Close()
		return nil, nil, err
	}
	return fund.New(d, c.cfg.Location, time.Now, opts...), d, nil
}

// recordedBy names the person at the terminal in the ledger.
func recordedBy() string {
	u := os.Getenv("USER")
	if u == "" {
		u = "unknown"
	}
	return "cli:" + u
}

func fundAdd(ctx context.Context, args []string, stdout io.Writer) error {
	c := newFundCLI("add")
	amount := c.fs.String("amount", "", "amount, e.g. 20.00 (required)")
	currency := c.fs.String("currency", money.DefaultCurrency, "ISO 4217 currency")
	method := c.fs.String("method", "", "one of card, direct-debit, supporter, cheque, postal-order, bank-transfer, standing-order, cash (required)")
	name := c.fs.String("name", "", "donor's name")
	town := c.fs.String("town", "", "donor's town")
	email := c.fs.String("email", "", "donor's email, for the receipt; never printed")
	date := c.fs.String("date", "", "day received, YYYY-MM-DD in the publication's zone (default today)")
	public := c.fs.Bool("public", false, "the donor agreed to be thanked in print")
	publicName := c.fs.String("public-name", "", "name or initials to print; empty prints \"a Leeds reader\" (from --town); with --public")
	message := c.fs.String("message", "", "the donor's message, printed with --public")
	ref := c.fs.String("ref", "", "payment reference; a reference already recorded is not added twice")
	s, d, err := c.open(ctx, args)
	if err != nil {
		return err
	}
	defer d.Close()
	in := fund.GiftInput{Amount: *amount, Currency: *currency, Method: *method, Date: *date, Name: *name,
		Town: *town, Email: *email, PublicName: *publicName, Message: *message, Reference: *ref}
	if *public {
		in.Public = "yes"
	}
	if in.Date == "" {
		in.Date = time.Now().In(c.cfg.Location).Format("2006-01-02")
	}
	e, err := fund.ParseGift(in, c.cfg.Location, time.Now())
	if err != nil {
		return err
	}
	e.RecordedBy = recordedBy()
	got, err := s.Record(ctx, e)
	if errors.Is(err, fund.ErrDuplicate) {
		fmt.Fprintf(stdout, "reference %s was already recorded as entry %d (%s); nothing added\n", got.ProviderRef, got.ID, got.Amount)
		return nil
	}
	if err != nil {
		return err
	}
	c2, err := s.Campaign(ctx, got.Month)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "recorded entry %d: %s by %s on %s for %s; raised %s of %s\n", got.ID, got.Amount, got.Method,
		got.ReceivedAt.In(c.cfg.Location).Format("2 Jan 2006"), got.Month, c2.Raised, c2.Target)
	return nil
}

func fundReverse(ctx context.Context, args []string, stdout io.Writer) error {
	c := newFundCLI("reverse")
	id := c.fs.Int64("id", 0, "the entry to reverse (required)")
	reason := c.fs.String("reason", "", "why, for the ledger (required)")
	s, d, err := c.open(ctx, args)
	if err != nil {
		return err
	}
	defer d.Close()
	rev, err := s.Reverse(ctx, *id, *reason, recordedBy())
	if errors.Is(err, db.ErrNotFound) {
		return fmt.Errorf("no entry %d", *id)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "reversed entry %d with entry %d: %s in %s (%s)\n", *id, rev.ID, rev.Amount, rev.Month, rev.Reason)
	return nil
}

func fundTarget(ctx context.Context, args []string, stdout io.Writer) error {
	c := newFundCLI("target")
	month := c.fs.String("month", "", "YYYY-MM (default this month)")
	amount := c.fs.String("amount", "", "the month's target, e.g. 18010 (required)")
	currency := c.fs.String("currency", money.DefaultCurrency, "ISO 4217 currency")
	s, d, err := c.open(ctx, args)
	if err != nil {
		return err
	}
	defer d.Close()
	// Targets are not gifts: allow up to £1bn rather than a gift's cap.
	m, err := money.ParseLimit(*amount, *currency, 1_000_000_000_00)
	if err != nil {
		return fmt.Errorf("--amount: %w", err)
	}
	if *month == "" {
		*month = s.MonthOf(time.Now())
	}
	camp, err := s.SetTarget(ctx, *month, m, recordedBy())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "target for %s is now %s (raised so far %s)\n", camp.Month, camp.Target, camp.Raised)
	return nil
}

func fundShow(ctx context.Context, args []string, stdout io.Writer) error {
	c := newFundCLI("show")
	month := c.fs.String("month", "", "YYYY-MM (default this month)")
	s, d, err := c.open(ctx, args)
	if err != nil {
		return err
	}
	defer d.Close()
	now := time.Now()
	current := s.MonthOf(now)
	if *month == "" || *month == current {
		*month = current
		if _, err := s.EnsureCampaign(ctx, current); err != nil {
			return err
		}
	}
	t, err := s.Totals(ctx, *month)
	if errors.Is(err, db.ErrNotFound) {
		return fmt.Errorf("no campaign for %s", *month)
	}
	if err != nil {
		return err
	}
	start, _ := fund.ParseMonth(*month, s.Location())
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "Fighting fund, %s\n", start.Format("January 2006"))
	fmt.Fprintf(w, "raised\t%s\n", t.Raised)
	fmt.Fprintf(w, "target\t%s\n", t.Target)
	fmt.Fprintf(w, "still needed\t%s\n", t.StillNeeded)
	if t.Raised.Minor >= t.Target.Minor {
		over, _ := t.Raised.Sub(t.Target)
		fmt.Fprintf(w, "target reached\tby %s\n", over)
	}
	switch {
	case *month == current:
		fmt.Fprintf(w, "days remaining\t%d\n", fund.ComputeBox(t.Target, t.Raised, now, s.Location()).DaysRemaining)
	case *month < current:
		fmt.Fprintf(w, "days remaining\t0 (month ended)\n")
	default:
		fmt.Fprintf(w, "days remaining\tnot started\n")
	}
	fmt.Fprintf(w, "gifts\t%d (%d reversed)\n", t.Gifts, t.Reversals)
	if len(t.ByMethod) > 0 {
		fmt.Fprintf(w, "by method:\n")
		for _, m := range t.ByMethod {
			fmt.Fprintf(w, "  %s\t%s\t%s\n", m.Method, m.Amount, plural(m.Gifts, "gift"))
		}
	}
	return w.Flush()
}

// plural writes "1 gift" or "2 gifts".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func fundColumn(ctx context.Context, args []string, stdout io.Writer) error {
	c := newFundCLI("column")
	date := c.fs.String("date", "", "YYYY-MM-DD (default today)")
	s, d, err := c.open(ctx, args)
	if err != nil {
		return err
	}
	defer d.Close()
	day := time.Now()
	if *date != "" {
		if day, err = time.ParseInLocation("2006-01-02", *date, c.cfg.Location); err != nil {
			return fmt.Errorf("--date %q: write it as YYYY-MM-DD", *date)
		}
	}
	col, err := s.DailyColumn(ctx, day)
	if err != nil {
		return err
	}
	_, err = io.WriteString(stdout, col.Text())
	return err
}

func fundCheck(ctx context.Context, args []string, stdout io.Writer) error {
	c := newFundCLI("check")
	s, d, err := c.open(ctx, args)
	if err != nil {
		return err
	}
	defer d.Close()
	r, err := s.Check(ctx)
	if err != nil {
		return err
	}
	for _, cc := range r.Campaigns {
		status := "ok"
		if cc.Cached != cc.Ledger {
			status = "DISAGREE"
		}
		fmt.Fprintf(stdout, "%s  ledger %s in %d entries, total %s  %s\n", cc.Month, cc.Ledger, cc.Entries, cc.Cached, status)
	}
	fmt.Fprintf(stdout, "append-only triggers: %s\n", strings.Join(r.Triggers, ", "))
	if !r.OK() {
		for _, p := range r.Problems {
			fmt.Fprintf(stdout, "PROBLEM: %s\n", p)
		}
		return fmt.Errorf("%d problems: the ledger and the totals disagree or the ledger is not protected", len(r.Problems))
	}
	fmt.Fprintln(stdout, "ok: every total equals the sum of its ledger")
	return nil
}
