package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
)

func init() {
	commands["user"] = command{"staff accounts: add, list, roles, disable, link", runUser}
}

func runUser(ctx context.Context, args []string, stdout io.Writer) error {
	return subcommands{
		"add": userAdd, "list": userList, "roles": userRoles, "disable": userDisable, "link": userLink,
	}.dispatch(ctx, "user", args, stdout)
}

// userCLI opens the database and the user service for a subcommand.
type userCLI struct{ *storeCLI }

func newUserCLI(name string) *userCLI { return &userCLI{newStoreCLI("user " + name)} }

// open parses the flags and opens the database and the service; the caller
// closes the returned DB.
func (c *userCLI) open(ctx context.Context, args []string) (*account.Service, *db.DB, error) {
	d, err := c.openDB(ctx, args)
	if err != nil {
		return nil, nil, err
	}
	return account.New(d, account.Options{}), d, nil
}

// cliActor names the person at the terminal in the audit log.
func cliActor() account.Actor { return account.Actor{Name: recordedBy()} }

// userAdd creates an account and prints a one-time sign-in link; the new
// person chooses their own password, so none passes through a terminal.
func userAdd(ctx context.Context, args []string, stdout io.Writer) error {
	c := newUserCLI("add")
	email := c.fs.String("email", "", "the person's email address (required)")
	name := c.fs.String("name", "", "the person's name (required)")
	roles := c.fs.String("role", "", "roles, comma-separated: writer, editor, admin, treasurer, secretary, reader (required)")
	baseURL := c.fs.String("base-url", os.Getenv("COOPRESS_BASE_URL"), "public URL of the site, for the link (env COOPRESS_BASE_URL)")
	s, d, err := c.open(ctx, args)
	if err != nil {
		return err
	}
	defer d.Close()
	rs, err := account.ParseRoles(*roles)
	if err != nil {
		return fmt.Errorf("--role: %w", err)
	}
	if len(rs) == 0 {
		return errors.New("--role is required, e.g. --role admin")
	}
	base := strings.TrimRight(*baseURL, "/")
	if base == "" {
		base = "http://127.0.0.1:8080"
	}
	a, err := s.CreateAccount(ctx, cliActor(), account.NewAccount{Email: *email, Name: *name, Roles: rs})
	if err != nil {
		return err
	}
	token, err := s.IssueSignInLink(ctx, cliActor(), a.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created account %d for %s (%s) with roles %s\n", a.ID, a.Email, a.Name, joinRoles(a.Roles))
	fmt.Fprintf(stdout, "sign-in link, works once within 24 hours; then choose a password:\n%s/signin/link/%s\n", base, token)
	return nil
}

func joinRoles(rs []account.Role) string {
	if len(rs) == 0 {
		return "(none)"
	}
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = string(r)
	}
	return strings.Join(parts, ",")
}

func userList(ctx context.Context, args []string, stdout io.Writer) error {
	s, d, err := newUserCLI("list").open(ctx, args)
	if err != nil {
		return err
	}
	defer d.Close()
	list, err := s.List(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tEMAIL\tNAME\tROLES\tSTATUS")
	for _, a := range list {
		status := "active"
		switch {
		case a.Disabled:
			status = "disabled"
		case !a.HasPassword:
			status = "no password yet"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", a.ID, a.Email, a.Name, joinRoles(a.Roles), status)
	}
	return tw.Flush()
}

func userRoles(ctx context.Context, args []string, stdout io.Writer) error {
	c := newUserCLI("roles")
	email := c.fs.String("email", "", "the account's email address (required)")
	roles := c.fs.String("role", "", "the complete new list of roles, comma-separated; empty removes every role")
	s, d, err := c.open(ctx, args)
	if err != nil {
		return err
	}
	defer d.Close()
	rs, err := account.ParseRoles(*roles)
	if err != nil {
		return fmt.Errorf("--role: %w", err)
	}
	a, err := s.ByEmail(ctx, *email)
	if err != nil {
		return fmt.Errorf("--email %q: %w", *email, err)
	}
	after, err := s.SetRoles(ctx, cliActor(), a.ID, rs)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s now has roles %s (was %s)\n", after.Email, joinRoles(after.Roles), joinRoles(a.Roles))
	return nil
}

func userDisable(ctx context.Context, args []string, stdout io.Writer) error {
	c := newUserCLI("disable")
	email := c.fs.String("email", "", "the account's email address (required)")
	s, d, err := c.open(ctx, args)
	if err != nil {
		return err
	}
	defer d.Close()
	a, err := s.ByEmail(ctx, *email)
	if err != nil {
		return fmt.Errorf("--email %q: %w", *email, err)
	}
	if err := s.Disable(ctx, cliActor(), a.ID); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "disabled %s; their sessions have ended\n", a.Email)
	return nil
}

// userLink prints a new one-time sign-in link for an existing account: the
// way back in for someone locked out when the site cannot send email.
func userLink(ctx context.Context, args []string, stdout io.Writer) error {
	c := newUserCLI("link")
	email := c.fs.String("email", "", "the account's email address (required)")
	baseURL := c.fs.String("base-url", os.Getenv("COOPRESS_BASE_URL"), "public URL of the site, for the link (env COOPRESS_BASE_URL)")
	s, d, err := c.open(ctx, args)
	if err != nil {
		return err
	}
	defer d.Close()
	a, err := s.ByEmail(ctx, *email)
	if err != nil {
		return fmt.Errorf("--email %q: %w", *email, err)
	}
	if a.Disabled {
		return fmt.Errorf("%s is disabled", a.Email)
	}
	token, err := s.IssueSignInLink(ctx, cliActor(), a.ID)
	if err != nil {
		return err
	}
	base := strings.TrimRight(*baseURL, "/")
	if base == "" {
		base = "http://127.0.0.1:8080"
	}
	fmt.Fprintf(stdout, "sign-in link for %s, works once within 24 hours:\n%s/signin/link/%s\n", a.Email, base, token)
	return nil
}
