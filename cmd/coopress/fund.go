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
	"github.com/coopress/coopress/internal/valid"
)

func init() {
	commands["fund"] = &command{summary: "the fighting fund: add, reverse, target, show, column, check", subs: map[string]*command{
		"add": {summary: "record a gift received by post, bank or in person", run: fundAdd,
			about: "A --ref already in the ledger is not added twice: the same gift again is a no-op (exit 0),\n" +
				"a different amount, currency or method under it is refused (exit 1) and both are shown."},
		"reverse": {summary: "post an entry that cancels a gift, with the reason", run: fundReverse},
		"target":  {summary: "set a month's target", run: fundTarget},
		"show":    {summary: "a month's figures: raised, target, still needed, by method", run: fundShow},
		"column":  {summary: "the day's fund column, as printed in the paper", run: fundColumn},
		"check":   {summary: "prove that every total equals the sum of its ledger", run: fundCheck},
	}}
}

// fundCLI opens the database and the fund service for a subcommand.
type fundCLI struct{ *storeCLI }

func newFundCLI(inv *invocation) *fundCLI { return &fundCLI{newStoreCLI(inv)} }

// open opens the database (which must exist) and the service, once the
// flags are parsed and checked; the caller closes the returned DB.
func (c *fundCLI) open(ctx context.Context) (*fund.Service, *db.DB, error) {
	d, err := app.OpenExistingDB(ctx, &c.cfg)
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

// fundFlags names, for each field of a valid.Error, the flag the
// person typed it in, so that errors speak of --date, not received_at.
var fundFlags = map[string]string{fund.FieldAmount: "--amount", fund.FieldCurrency: "--currency", fund.FieldMethod: "--method",
	fund.FieldDate: "--date", fund.FieldName: "--name", fund.FieldEmail: "--email", fund.FieldTown: "--town",
	fund.FieldPublic: "--public", fund.FieldPublicName: "--public-name", fund.FieldMessage: "--message",
	fund.FieldReference: "--ref", "reason": "--reason", "id": "--id", "target": "--amount", "month": "--month"}

// inFlagWords rewrites fund validation errors, each of them, in terms of
// the flags: "--date: The date received cannot be in the future…".
func inFlagWords(err error) error {
	all := valid.All(err)
	if len(all) == 0 {
		return err
	}
	msgs := make([]string, len(all))
	for i, v := range all {
		f, ok := fundFlags[v.Field]
		if !ok {
			f = v.Field
		}
		msgs[i] = f + ": " + v.Message
	}
	return errors.New(strings.Join(msgs, "; "))
}

// methodNames lists the methods for messages and help.
func methodNames() string {
	var names []string
	for _, m := range fund.Methods() {
		names = append(names, string(m))
	}
	return strings.Join(names, ", ")
}

func fundAdd(ctx context.Context, inv *invocation, args []string) error {
	c := newFundCLI(inv)
	amount := c.fs.String("amount", "", "amount, e.g. 20.00 (required)")
	currency := c.fs.String("currency", money.DefaultCurrency, "ISO 4217 currency")
	method := c.fs.String("method", "", "one of "+methodNames()+" (required)")
	name := c.fs.String("name", "", "donor's name")
	town := c.fs.String("town", "", "donor's town")
	email := c.fs.String("email", "", "donor's email, for the receipt; never printed")
	date := c.fs.String("date", "", "day received, YYYY-MM-DD in the publication's zone (default today)")
	public := c.fs.Bool("public", false, "the donor agreed to be thanked in print")
	publicName := c.fs.String("public-name", "", "name or initials to print; empty prints \"a Leeds reader\" (from --town); with --public")
	message := c.fs.String("message", "", "the donor's message, printed with --public")
	ref := c.fs.String("ref", "", "payment reference; a reference already recorded is not added twice")
	if err := c.parse(args); err != nil {
		return err
	}
	switch {
	case *amount == "":
		return errors.New("--amount is required, e.g. --amount 20.00")
	case *method == "":
		return errors.New("--method is required: one of " + methodNames())
	}
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
		return inFlagWords(err)
	}
	e.RecordedBy = recordedBy()
	s, d, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	got, err := s.Record(ctx, e)
	if errors.Is(err, fund.ErrDuplicate) {
		if err := fund.CompareDuplicate(got, e); err != nil {
			return err
		}
		fmt.Fprintf(inv.stdout, "reference %s was already recorded as entry %d (%s); nothing added\n", got.ProviderRef, got.ID, got.Amount)
		return nil
	}
	if err != nil {
		return inFlagWords(err)
	}
	c2, err := s.Campaign(ctx, got.Month)
	if err != nil {
		return err
	}
	fmt.Fprintf(inv.stdout, "recorded entry %d: %s by %s on %s for %s; raised %s of %s\n", got.ID, got.Amount, got.Method,
		got.ReceivedAt.In(c.cfg.Location).Format("2 Jan 2006"), got.Month, c2.Raised, c2.Target)
	return nil
}

// parseDay reads a YYYY-MM-DD day in loc, telling a day that does not
// exist (2024-02-30) from a date written another way.
func parseDay(flagName, s string, loc *time.Location) (time.Time, error) {
	day, err := time.ParseInLocation("2006-01-02", s, loc)
	if err == nil {
		return day, nil
	}
	var y, m, d int
	if n, _ := fmt.Sscanf(s, "%4d-%2d-%2d", &y, &m, &d); n == 3 && len(s) == 10 {
		if m < 1 || m > 12 {
			return time.Time{}, fmt.Errorf("%s %s: there is no month %d", flagName, s, m)
		}
		last := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
		return time.Time{}, fmt.Errorf("%s %s: that day does not exist (%s %d has %d days)", flagName, s, time.Month(m), y, last)
	}
	return time.Time{}, fmt.Errorf("%s %q: write it as YYYY-MM-DD", flagName, s)
}

func fundReverse(ctx context.Context, inv *invocation, args []string) error {
	c := newFundCLI(inv)
	id := c.fs.Int64("id", 0, "the entry to reverse (required)")
	reason := c.fs.String("reason", "", "why, for the ledger (required)")
	if err := c.parse(args); err != nil {
		return err
	}
	switch {
	case *id <= 0:
		return errors.New("--id is required: the number of the entry to reverse")
	case strings.TrimSpace(*reason) == "":
		return errors.New("--reason is required: say why, for the ledger")
	}
	s, d, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	rev, err := s.Reverse(ctx, *id, *reason, recordedBy())
	if errors.Is(err, db.ErrNotFound) {
		return fmt.Errorf("--id %d: there is no entry %d", *id, *id)
	}
	if err != nil {
		return inFlagWords(err)
	}
	fmt.Fprintf(inv.stdout, "reversed entry %d with entry %d: %s in %s (%s)\n", *id, rev.ID, rev.Amount, rev.Month, rev.Reason)
	return nil
}

func fundTarget(ctx context.Context, inv *invocation, args []string) error {
	c := newFundCLI(inv)
	month := c.fs.String("month", "", "YYYY-MM (default this month)")
	amount := c.fs.String("amount", "", "the month's target, e.g. 18010 (required)")
	currency := c.fs.String("currency", money.DefaultCurrency, "ISO 4217 currency")
	if err := c.parse(args); err != nil {
		return err
	}
	if *amount == "" {
		return errors.New("--amount is required: the month's target, e.g. --amount 18010")
	}
	m, err := fund.ParseTarget(*amount, *currency)
	if err != nil {
		return inFlagWords(err)
	}
	s, d, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	if *month == "" {
		*month = s.MonthOf(time.Now())
	}
	camp, err := s.SetTarget(ctx, *month, m, recordedBy())
	if err != nil {
		return inFlagWords(err)
	}
	fmt.Fprintf(inv.stdout, "target for %s is now %s (raised so far %s)\n", camp.Month, camp.Target, camp.Raised)
	return nil
}

func fundShow(ctx context.Context, inv *invocation, args []string) error {
	c := newFundCLI(inv)
	stdout := inv.stdout
	month := c.fs.String("month", "", "YYYY-MM (default this month)")
	if err := c.parse(args); err != nil {
		return err
	}
	if *month != "" {
		if _, err := fund.ParseMonth(*month, c.cfg.Location); err != nil {
			return inFlagWords(err)
		}
	}
	s, d, err := c.open(ctx)
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
	origin, err := s.OriginOfTarget(ctx, *month)
	if err != nil {
		return err
	}
	switch origin {
	case fund.TargetIsDefault:
		fmt.Fprintf(w, "target\t%s (default: never set; change it with coopress fund target)\n", t.Target)
	case fund.TargetCarried:
		fmt.Fprintf(w, "target\t%s (carried over: not set for this month)\n", t.Target)
	default:
		fmt.Fprintf(w, "target\t%s\n", t.Target)
	}
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

func fundColumn(ctx context.Context, inv *invocation, args []string) error {
	c := newFundCLI(inv)
	stdout := inv.stdout
	date := c.fs.String("date", "", "YYYY-MM-DD (default today)")
	if err := c.parse(args); err != nil {
		return err
	}
	s, d, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	day := time.Now()
	if *date != "" {
		if day, err = parseDay("--date", *date, c.cfg.Location); err != nil {
			return err
		}
	}
	col, err := s.DailyColumn(ctx, day)
	if err != nil {
		return err
	}
	_, err = io.WriteString(stdout, col.Text())
	return err
}

func fundCheck(ctx context.Context, inv *invocation, args []string) error {
	c := newFundCLI(inv)
	stdout := inv.stdout
	if err := c.parse(args); err != nil {
		return err
	}
	s, d, err := c.open(ctx)
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
	fmt.Fprintf(stdout, "open conflicts and held payments: %d\n", len(r.Holds))
	if !r.OK() {
		for _, p := range r.Problems {
			fmt.Fprintf(stdout, "PROBLEM: %s\n", p)
		}
		if len(r.Holds) == len(r.Problems) {
			return fmt.Errorf("%d problems: money is held for the treasurer; resolve each on the fund dashboard", len(r.Problems))
		}
		return fmt.Errorf("%d problems: the ledger and the totals disagree, the ledger is not protected, or money is held for the treasurer", len(r.Problems))
	}
	fmt.Fprintln(stdout, "ok: every total equals the sum of its ledger")
	return nil
}
