package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/coopress/coopress/internal/account"
)

// memberLink is the run of member link (unlink false) and member unlink:
// the member reaches their membership under /account when signed in
// with the linked account's address. Both are entries, audited.
func memberLink(unlink bool) func(ctx context.Context, inv *invocation, args []string) error {
	return func(ctx context.Context, inv *invocation, args []string) error {
		c := newSocietyCLI(inv)
		number := c.fs.String("member", "", "membership number (required)")
		var email *string
		if !unlink {
			email = c.fs.String("email", "", "the address the member signs in with as a reader (required)")
		}
		if err := c.parse(args); err != nil {
			return err
		}
		n, err := strconv.ParseInt(strings.TrimSpace(*number), 10, 64)
		if err != nil || n <= 0 {
			return errors.New("--member: a membership number is a whole number from 1 up")
		}
		if email != nil && strings.TrimSpace(*email) == "" {
			return errors.New("--email is required: the address of the member's reader account")
		}
		s, d, err := c.open(ctx)
		if err != nil {
			return err
		}
		defer d.Close()
		var acct account.Account
		if email != nil {
			acct, err = account.New(d, account.Options{}).ByEmail(ctx, strings.TrimSpace(*email))
			if errors.Is(err, account.ErrNotFound) {
				return fmt.Errorf("--email %s: no account signs in with that address; the member signs in once at /account/signin first",
					strings.TrimSpace(*email))
			}
			if err != nil {
				return err
			}
		}
		if err := s.Link(ctx, n, acct.ID, account.Actor{Name: recordedBy()}); err != nil {
			return inSocietyFlags(err, "--date")
		}
		if unlink {
			fmt.Fprintf(inv.stdout, "member %d: unlinked from their account\n", n)
		} else {
			fmt.Fprintf(inv.stdout, "member %d: linked to the account of %s\n", n, acct.Email)
		}
		return nil
	}
}
