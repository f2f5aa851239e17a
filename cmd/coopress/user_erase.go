package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/coopress/coopress/internal/app"
	"github.com/coopress/coopress/internal/fund"
)

// userErase erases a reader as their own /account/delete does, for the
// operator acting on a request made by other means. It asks for --yes,
// since nothing brings the data back.
func userErase(ctx context.Context, inv *invocation, args []string) error {
	c := newUserCLI(inv, "the reader's email address (required)")
	yes := c.fs.Bool("yes", false, "confirm: the personal data cannot be brought back")
	if err := c.parse(args); err != nil {
		return err
	}
	if !*yes {
		return errors.New("erasing cannot be undone: add --yes to confirm (see docs/accounts.md for what is erased and kept)")
	}
	s, d, a, err := c.byEmail(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	pd, err := app.NewPersonalData(d, &c.cfg, s, fund.New(d, c.cfg.Location, time.Now))
	if err != nil {
		return err
	}
	if err := pd.Erase(ctx, cliActor(), a.ID); err != nil {
		return inUserWords(err)
	}
	fmt.Fprintf(inv.stdout, "erased account %d (was %s); its gifts keep their amounts, with no name attached\n", a.ID, a.Email)
	return nil
}
