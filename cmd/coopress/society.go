package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/app"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/valid"
)

func init() {
	commands["member"] = &command{summary: "the co-operative's members: add, link, unlink", subs: map[string]*command{
		"add": {summary: "admit a member with their first shares", run: memberAdd,
			about: "The same person (same name and postal address, whatever the case, spaces or punctuation)\n" +
				"cannot be admitted twice while a member; a former member may be admitted again, under a new number."},
		"link": {summary: "link a member to the reader account they sign in with", run: memberLink(false),
			about: "Signed in with that address, the member sees their shares and details under /account/membership.\n" +
				"An account reaches one current member: unlink another member linked to it first."},
		"unlink": {summary: "remove a member's link to a reader account", run: memberLink(true)},
	}}
	commands["shares"] = &command{summary: "a member's shares: allot, withdraw, cancel, transmit", subs: map[string]*command{
		"allot":    {summary: "allot more shares to a member", run: sharesCmd(society.Allotment)},
		"withdraw": {summary: "record shares withdrawn and repaid at nominal value", run: sharesCmd(society.Withdrawal)},
		"cancel":   {summary: "cancel shares under a board resolution", run: sharesCmd(society.Cancellation)},
		"transmit": {summary: "pass a deceased member's shares to a nominee member or the estate", run: sharesTransmit},
	}}
}

// societyCLI opens the database and the society for a subcommand.
type societyCLI struct{ *storeCLI }

func newSocietyCLI(inv *invocation) *societyCLI { return &societyCLI{newStoreCLI(inv)} }

// rules are the society's rules as the share settings give them
// (--share-*, COOPRESS_SHARE_*; docs/society.md), in the publication's
// zone.
func (c *societyCLI) rules() society.Rules { return c.cfg.SocietyRules }

// open opens the database (which must exist) and the society; the caller
// closes the returned DB.
func (c *societyCLI) open(ctx context.Context) (*society.Service, *db.DB, error) {
	d, err := app.OpenExistingDB(ctx, &c.cfg)
	if err != nil {
		return nil, nil, err
	}
	s, err := society.New(d, c.rules(), time.Now)
	if err != nil {
		d.Close()
		return nil, nil, err
	}
	return s, d, nil
}

// record runs a command that changes the society's records: the flags
// parsed, the input checked against the rules before the database is
// opened, then do, with the operator as the actor. Every refusal, from
// check or do, is named by its flag (date is the flag of the day).
func (c *societyCLI) record(ctx context.Context, args []string, date string,
	check func(society.Rules) error, do func(*society.Service, account.Actor) error) error {
	if err := c.parse(args); err != nil {
		return err
	}
	if err := check(c.rules()); err != nil {
		return inSocietyFlags(err, date)
	}
	s, d, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	return inSocietyFlags(do(s, account.Actor{Name: recordedBy()}), date)
}

// societyFlags names, for each field of a valid.Error, the flag the
// person typed it in.
var societyFlags = map[string]string{society.FieldName: "--name", society.FieldAddress: "--address",
	society.FieldEmail: "--email", society.FieldEmailUse: "--email-use", society.FieldClass: "--class",
	society.FieldShares: "--shares", society.FieldDate: "--date", society.FieldNumber: "--number",
	society.FieldMember: "--member", society.FieldReason: "--reason", society.FieldResolution: "--resolution",
	society.FieldNotice: "--notice-given", society.FieldNominee: "--to or --estate",
	society.FieldOffice: "--office", society.FieldOfficer: "--id",
	society.FieldBallot: "--id", society.FieldCountingKey: "--key-file",
	society.FieldStartsOn: "--from", society.FieldEndsOn: "--until", society.FieldSuspension: "--id"}

// inSocietyFlags rewrites every refusal in err in terms of the flags;
// date names the flag that carried the date (--paid-on or --date).
func inSocietyFlags(err error, date string) error {
	all := valid.All(err)
	if len(all) == 0 {
		return err
	}
	msgs := make([]string, len(all))
	for i, v := range all {
		f, ok := societyFlags[v.Field]
		if !ok {
			f = v.Field
		}
		if v.Field == society.FieldDate {
			f = date
		}
		msgs[i] = f + ": " + v.Message
	}
	return errors.New(strings.Join(msgs, "; "))
}

func memberAdd(ctx context.Context, inv *invocation, args []string) error {
	c := newSocietyCLI(inv)
	var in society.AdmitInput
	c.fs.StringVar(&in.Name, "name", "", "the member's name (required)")
	c.fs.StringVar(&in.Address, "address", "", "postal address (required)")
	c.fs.StringVar(&in.Email, "email", "", "electronic address, if the member gave one")
	c.fs.StringVar(&in.EmailUse, "email-use", "", "what the email may be used for: none, notices or notices-and-news (default notices with --email)")
	c.fs.StringVar(&in.Class, "class", "individual", "individual or organisation")
	c.fs.StringVar(&in.Shares, "shares", "", "shares allotted on admission, a whole number (required)")
	c.fs.StringVar(&in.PaidOn, "paid-on", "", "day admitted and paid, YYYY-MM-DD (required)")
	c.fs.StringVar(&in.Number, "number", "", "membership number to keep, from an earlier register (default the next)")
	var a society.Admission
	return c.record(ctx, args, "--paid-on", func(r society.Rules) (err error) {
		a, err = society.ParseAdmission(in, time.Now(), r)
		return err
	}, func(s *society.Service, by account.Actor) error {
		m, err := s.Admit(ctx, a, by)
		if err != nil {
			return err
		}
		fmt.Fprintf(inv.stdout, "admitted member %d: %s, %s, %s (%s) on %s\n", m.Number, m.Contact.Name, m.Class,
			plural(int(a.Shares), "share"), s.Format(a.Shares*s.Rules().Nominal), m.AdmittedOn)
		return nil
	})
}

// sharesCmd is the run of shares allot, withdraw or cancel.
func sharesCmd(kind society.Kind) func(ctx context.Context, inv *invocation, args []string) error {
	return func(ctx context.Context, inv *invocation, args []string) error {
		c := newSocietyCLI(inv)
		var in society.ShareInput
		c.fs.StringVar(&in.Member, "member", "", "membership number (required)")
		c.fs.StringVar(&in.Shares, "shares", "", "how many shares, a whole number (required)")
		c.fs.StringVar(&in.Date, "date", "", "day of the change, YYYY-MM-DD (required)")
		c.fs.StringVar(&in.Reason, "reason", "", "why, for the ledger (required)")
		c.fs.StringVar(&in.Resolution, "resolution", "", "the board resolution's reference (required to cancel)")
		if kind == society.Withdrawal {
			c.fs.StringVar(&in.NoticeGiven, "notice-given", "", "day the member gave notice, YYYY-MM-DD, when the rules ask for notice")
		}
		var ch society.Change
		return c.record(ctx, args, "--date", func(r society.Rules) (err error) {
			ch, err = society.ParseChange(kind, in, time.Now(), r)
			return err
		}, func(s *society.Service, by account.Actor) error {
			e, err := s.Apply(ctx, ch, by)
			if err != nil {
				return err
			}
			shares, paid, err := s.Holding(ctx, ch.Member)
			if err != nil {
				return err
			}
			done := map[society.Kind]string{society.Allotment: "allotted", society.Withdrawal: "withdrew", society.Cancellation: "cancelled"}[kind]
			fmt.Fprintf(inv.stdout, "member %d: %s %s (%s) on %s; ", ch.Member, done, plural(int(ch.Shares), "share"),
				s.Format(abs(e.Amount)), e.On)
			if shares == 0 {
				fmt.Fprintf(inv.stdout, "no shares left: membership ended on %s\n", e.On)
				return nil
			}
			fmt.Fprintf(inv.stdout, "now holds %s (%s)\n", plural(int(shares), "share"), s.Format(paid))
			return nil
		})
	}
}

func sharesTransmit(ctx context.Context, inv *invocation, args []string) error {
	c := newSocietyCLI(inv)
	var in society.TransmitInput
	c.fs.StringVar(&in.Member, "member", "", "the deceased member's number (required)")
	c.fs.StringVar(&in.To, "to", "", "the nominee's membership number, when they are a member")
	c.fs.StringVar(&in.Estate, "estate", "", "the estate the shares pass to, e.g. \"Estate of Ann Jones\", when not to a member")
	c.fs.StringVar(&in.Date, "date", "", "day of the transmission, YYYY-MM-DD (required)")
	c.fs.StringVar(&in.Reason, "reason", "", "why, for the ledger, e.g. death of the member (required)")
	var t society.Transmittal
	return c.record(ctx, args, "--date", func(r society.Rules) (err error) {
		t, err = society.ParseTransmission(in, time.Now(), r)
		return err
	}, func(s *society.Service, by account.Actor) error {
		shares, paid, err := s.Holding(ctx, t.From)
		if err != nil {
			return err
		}
		if err := s.Transmit(ctx, t, by); err != nil {
			return err
		}
		to := t.Estate
		if t.To != 0 {
			to = fmt.Sprintf("member %d", t.To)
		}
		fmt.Fprintf(inv.stdout, "member %d: %s (%s) passed to %s on %s; membership ended\n", t.From, plural(int(shares), "share"),
			s.Format(paid), to, t.On)
		return nil
	})
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
