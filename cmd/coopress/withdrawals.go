package main

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/society"
)

func init() {
	commands["withdrawals"] = &command{summary: "the board's suspensions of withdrawals: suspend, suspensions, suspension-end",
		subs: map[string]*command{
			"suspend": {summary: "record the board's suspension of withdrawals", run: withdrawalsSuspend,
				about: "No withdrawal is paid from --from up to the day before --until; without --until the suspension\n" +
					"stands until it is given an end (withdrawals suspension-end). Days are in the society's zone."},
			"suspensions": {summary: "list the suspensions in force", run: withdrawalsSuspensions},
			"suspension-end": {summary: "give a suspension a new end, or none", run: withdrawalsSuspensionEnd,
				about: "--id is the suspension's number, as withdrawals suspensions lists it. The change is recorded\n" +
					"as a new suspension that replaces it, from the same day; without --until it stands until\n" +
					"further notice. --until today lifts it today."},
		}}
}

func withdrawalsSuspend(ctx context.Context, inv *invocation, args []string) error {
	c := newSocietyCLI(inv)
	var in society.SuspensionInput
	c.fs.StringVar(&in.StartsOn, "from", "", "the first day suspended, YYYY-MM-DD, today or later (required)")
	c.fs.StringVar(&in.EndsOn, "until", "", "the first day withdrawals may be paid again, YYYY-MM-DD (default: until further notice)")
	c.fs.StringVar(&in.Resolution, "resolution", "", "the board's resolution, e.g. 2026/14 (required)")
	var p society.Suspension
	return c.record(ctx, args, "--from", func(r society.Rules) (err error) {
		p, err = society.ParseSuspension(in, time.Now(), r)
		return err
	}, func(s *society.Service, by account.Actor) error {
		p, err := s.Suspend(ctx, p, by)
		if err == nil {
			fmt.Fprintf(inv.stdout, "suspension %d: withdrawals suspended %s\n", p.ID, p.Period())
		}
		return err
	})
}

func withdrawalsSuspensionEnd(ctx context.Context, inv *invocation, args []string) error {
	c := newSocietyCLI(inv)
	id := c.fs.String("id", "", "the suspension's number (required)")
	until := c.fs.String("until", "", "the first day withdrawals may be paid again, YYYY-MM-DD (default: until further notice)")
	resolution := c.fs.String("resolution", "", "the board's resolution (required)")
	var n int64
	var end, res string
	return c.record(ctx, args, "--until", func(r society.Rules) (err error) {
		if n, err = strconv.ParseInt(*id, 10, 64); err != nil || n <= 0 {
			return fmt.Errorf("--id: give the suspension's number, as coopress withdrawals suspensions lists it")
		}
		end, res, err = society.ParseSuspensionEnd(*until, *resolution, time.Now(), r)
		return err
	}, func(s *society.Service, by account.Actor) error {
		p, err := s.EndSuspension(ctx, n, end, res, by)
		if err == nil {
			fmt.Fprintf(inv.stdout, "suspension %d (replacing %d): withdrawals suspended %s\n", p.ID, n, p.Period())
		}
		return err
	})
}

func withdrawalsSuspensions(ctx context.Context, inv *invocation, args []string) error {
	c := newSocietyCLI(inv)
	if err := c.parse(args); err != nil {
		return err
	}
	s, d, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	all, err := s.Suspensions(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(inv.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tFROM\tUNTIL\tRESOLUTION\tRECORDED BY")
	for _, p := range all {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", p.ID, p.StartsOn, dash(p.EndsOn), p.Resolution, p.RecordedBy)
	}
	fmt.Fprintf(w, "\n%d in force\n", len(all))
	return w.Flush()
}
