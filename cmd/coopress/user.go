package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/app"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/valid"
)

func init() {
	commands["user"] = &command{summary: "accounts: add, list, roles, disable, enable, link, reset-second-factor, erase", subs: map[string]*command{
		"add":  {summary: "create an account and print a one-time sign-in link", run: userAdd, about: roleHelp()},
		"list": {summary: "list every account with its roles and status", run: userList},
		"roles": {summary: "replace an account's roles", run: userRoles,
			about: "Refused if it would leave the paper with no active admin.\n\n" + roleHelp()},
		"disable": {summary: "stop an account signing in and end its sessions", run: userDisable,
			about: "Refused if it would leave the paper with no active admin. `coopress user enable` undoes it."},
		"enable": {summary: "let a disabled account sign in again", run: userEnable},
		"link":   {summary: "print a new one-time sign-in link for an account (when mail cannot reach them)", run: userLink},
		"reset-second-factor": {summary: "remove every passkey, authenticator app and recovery code of an account that lost them", run: userResetFactor,
			about: "For when no other admin can do it on the account's page (the only admin lost their phone). The account's sessions end, " +
				"it is audited, and the owner is emailed; at their next sign-in they must set up a new second factor. " +
				"Check it is really them asking, by a way other than email."},
		"erase": {summary: "erase a reader's personal data for good, keeping their gifts' amounts", run: userErase,
			about: "What the reader can do at /account/delete, for one who asks by letter or phone: see docs/accounts.md. " +
				"Refused for staff (remove the roles first), members of the society and active standing orders. Needs --yes."},
	}}
}

// userCLI opens the database and the user service for a subcommand.
type userCLI struct {
	*storeCLI
	email *string
}

// newUserCLI makes the subcommand's flags; those that act on one account
// get --email.
func newUserCLI(inv *invocation, emailUsage string) *userCLI {
	c := &userCLI{storeCLI: newStoreCLI(inv)}
	if emailUsage != "" {
		c.email = c.fs.String("email", "", emailUsage)
	}
	return c
}

// parse parses the flags and insists on --email where there is one.
func (c *userCLI) parse(args []string) error {
	if err := c.storeCLI.parse(args); err != nil {
		return err
	}
	if c.email != nil && strings.TrimSpace(*c.email) == "" {
		return errors.New("--email is required: the account's email address")
	}
	return nil
}

// open opens the database (which must exist) and the service; the caller
// closes the returned DB.
func (c *userCLI) open(ctx context.Context) (*account.Service, *db.DB, error) {
	d, err := app.OpenExistingDB(ctx, &c.cfg)
	if err != nil {
		return nil, nil, err
	}
	opts, err := app.CommandAccountOptions(d, &c.cfg)
	if err != nil {
		_ = d.Close()
		return nil, nil, err
	}
	return account.New(d, opts), d, nil
}

// byEmail opens the service and finds the account --email names.
func (c *userCLI) byEmail(ctx context.Context) (*account.Service, *db.DB, account.Account, error) {
	s, d, err := c.open(ctx)
	if err != nil {
		return nil, nil, account.Account{}, err
	}
	a, err := s.ByEmail(ctx, *c.email)
	if errors.Is(err, account.ErrNotFound) {
		d.Close()
		return nil, nil, account.Account{}, fmt.Errorf("--email %s: there is no account with that address (see coopress user list)", *c.email)
	}
	if err != nil {
		d.Close()
		return nil, nil, account.Account{}, err
	}
	return s, d, a, nil
}

// inUserWords rewrites an account validation error in terms of the flags.
func inUserWords(err error) error {
	if v, ok := valid.As(err); ok {
		if f, ok := map[string]string{"email": "--email", "name": "--name", "roles": "--role"}[v.Field]; ok {
			return fmt.Errorf("%s: %s", f, v.Message)
		}
		return errors.New(v.Message)
	}
	return err
}

// cliActor names the person at the terminal in the audit log.
func cliActor() account.Actor { return account.Actor{Name: recordedBy()} }

// baseURLFlag adds --base-url, defaulting to the configured public address
// (COOPRESS_BASE_URL, else http://COOPRESS_ADDR), for printed links.
func (c *userCLI) baseURLFlag() *string {
	return c.fs.String("base-url", "", "public URL of the site, for the link (default COOPRESS_BASE_URL, else http://COOPRESS_ADDR)")
}

// linkBase is the address printed links start with.
func (c *userCLI) linkBase(flagValue string) string {
	if flagValue != "" {
		return strings.TrimRight(flagValue, "/")
	}
	return c.cfg.BaseURL
}

// userAdd creates an account and prints a one-time sign-in link; the new
// person chooses their own password, so none passes through a terminal.
func userAdd(ctx context.Context, inv *invocation, args []string) error {
	c := newUserCLI(inv, "the person's email address (required)")
	name := c.fs.String("name", "", "the person's name (required)")
	roles := c.fs.String("role", "", "roles, comma-separated: "+roleNames()+" (required)")
	baseURL := c.baseURLFlag()
	if err := c.parse(args); err != nil {
		return err
	}
	rs, err := account.ParseRoles(*roles)
	switch {
	case strings.TrimSpace(*name) == "":
		return errors.New("--name is required: the person's name")
	case err != nil:
		return inUserWords(err)
	case len(rs) == 0:
		return errors.New("--role is required: one or more of " + roleNames() + ", e.g. --role admin")
	}
	s, d, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	a, err := s.CreateAccount(ctx, cliActor(), account.NewAccount{Email: *c.email, Name: *name, Roles: rs})
	if err != nil {
		return inUserWords(err)
	}
	token, err := s.IssueSignInLink(ctx, cliActor(), a.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(inv.stdout, "created account %d for %s (%s) with roles %s\n", a.ID, a.Email, a.Name, joinRoles(a.Roles))
	fmt.Fprintf(inv.stdout, "sign-in link, works once within 24 hours; then choose a password:\n%s/signin/link/%s\n", c.linkBase(*baseURL), token)
	return nil
}

// roleNames is every role, for flags' help and errors.
func roleNames() string {
	var names []string
	for _, r := range account.AllRoles() {
		names = append(names, string(r))
	}
	return strings.Join(names, ", ")
}

// roleHelp is a line per role saying what it is for. No role implies
// another, so a person may need several.
func roleHelp() string {
	var b strings.Builder
	b.WriteString("Roles (no role includes another; give each that is needed):")
	for _, r := range account.AllRoles() {
		fmt.Fprintf(&b, "\n  %-10s %s", r, r.Description())
	}
	return b.String()
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

func userList(ctx context.Context, inv *invocation, args []string) error {
	c := newUserCLI(inv, "")
	if err := c.parse(args); err != nil {
		return err
	}
	s, d, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	list, err := s.List(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(inv.stdout, 0, 0, 2, ' ', 0)
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

func userRoles(ctx context.Context, inv *invocation, args []string) error {
	c := newUserCLI(inv, "the account's email address (required)")
	roles := c.fs.String("role", "", "the complete new list of roles, comma-separated; empty removes every role")
	if err := c.parse(args); err != nil {
		return err
	}
	rs, err := account.ParseRoles(*roles)
	if err != nil {
		return inUserWords(err)
	}
	s, d, a, err := c.byEmail(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	after, err := s.SetRoles(ctx, cliActor(), a.ID, rs)
	if err != nil {
		return inUserWords(err)
	}
	fmt.Fprintf(inv.stdout, "%s now has roles %s (was %s)\n", after.Email, joinRoles(after.Roles), joinRoles(a.Roles))
	return nil
}

// userLink prints a new one-time sign-in link for an existing account: the
// way back in for someone locked out when the site cannot send email.
func userLink(ctx context.Context, inv *invocation, args []string) error {
	c := newUserCLI(inv, "the account's email address (required)")
	baseURL := c.baseURLFlag()
	if err := c.parse(args); err != nil {
		return err
	}
	s, d, a, err := c.byEmail(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	if a.Disabled {
		return fmt.Errorf("%s is disabled; enable it first with coopress user enable", a.Email)
	}
	token, err := s.IssueSignInLink(ctx, cliActor(), a.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(inv.stdout, "sign-in link for %s, works once within 24 hours:\n%s/signin/link/%s\n", a.Email, c.linkBase(*baseURL), token)
	return nil
}

// onAccount is a subcommand that applies act to the account --email
// names, as the operator, and prints what done says of it.
func onAccount(act func(ctx context.Context, s *account.Service, a account.Account) error, done func(a account.Account) string) func(context.Context, *invocation, []string) error {
	return func(ctx context.Context, inv *invocation, args []string) error {
		c := newUserCLI(inv, "the account's email address (required)")
		if err := c.parse(args); err != nil {
			return err
		}
		s, d, a, err := c.byEmail(ctx)
		if err != nil {
			return err
		}
		defer d.Close()
		if err := act(ctx, s, a); err != nil {
			return inUserWords(err)
		}
		fmt.Fprintln(inv.stdout, done(a))
		return nil
	}
}

var (
	userDisable = onAccount(func(ctx context.Context, s *account.Service, a account.Account) error {
		return s.Disable(ctx, cliActor(), a.ID)
	}, func(a account.Account) string {
		return "disabled " + a.Email + "; their sessions have ended (coopress user enable undoes it)"
	})
	userEnable = onAccount(func(ctx context.Context, s *account.Service, a account.Account) error {
		return s.Enable(ctx, cliActor(), a.ID)
	}, func(a account.Account) string {
		return "enabled " + a.Email + "; they can sign in again with their password, or with a link from coopress user link"
	})
	userResetFactor = onAccount(func(ctx context.Context, s *account.Service, a account.Account) error {
		return s.ResetSecondFactors(ctx, cliActor(), a.ID)
	}, func(a account.Account) string {
		return fmt.Sprintf("removed %d second factors and the recovery codes of %s and ended their sessions; "+
			"they set up a new second factor when they next sign in", a.SecondFactors, a.Email)
	})
)
