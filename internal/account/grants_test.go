package account_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/jobs"
	"github.com/coopress/coopress/internal/mail"
)

// outboxService is an account service whose grant notices go through the
// real outbox on d.
func outboxService(t *testing.T, d *db.DB) *account.Service {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, d); err != nil {
		t.Fatal(err)
	}
	jc, err := jobs.NewClient(d, slog.New(slog.NewTextHandler(io.Discard, nil)), nil, jobs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := newClock()
	return account.New(d, account.Options{Now: c.Now, Hash: cheap, Mail: mail.NewOutbox(d, jc, c.Now)})
}

// queued lists the outbox as "to: subject" lines, in order.
func queued(t *testing.T, d *db.DB) []string {
	t.Helper()
	rows, err := d.QueryContext(context.Background(), `SELECT to_addr, subject, kind FROM mail_outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var to, subject, kind string
		if err := rows.Scan(&to, &subject, &kind); err != nil {
			t.Fatal(err)
		}
		out = append(out, to+": "+subject+" ("+kind+")")
	}
	return out
}

// grants lists the audit log's account.grant entries as their After.
func grants(t *testing.T, s *account.Service) []string {
	t.Helper()
	list, _, err := s.Audit().List(context.Background(), account.Filter{Action: "account.grant"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range list {
		out = append(out, e.ActorName+" "+e.After)
	}
	slices.Sort(out)
	return out
}

// TestPowerGrantsAuditedAndAnnounced: giving admin, treasurer or secretary
// writes an account.grant entry and queues, in the same transaction, a
// notice to every other active holder of that role (never a disabled one,
// nor the grantee); other roles, and roles already held, do neither.
func TestPowerGrantsAuditedAndAnnounced(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := outboxService(t, d)
		first := mustCreate(t, s, "first@example.org", goodPassword, account.Admin)
		mustCreate(t, s, "t1@example.org", goodPassword, account.Treasurer)
		gone := mustCreate(t, s, "t2@example.org", goodPassword, account.Treasurer)
		if err := s.Disable(ctx, cli, gone.ID); err != nil {
			t.Fatal(err)
		}
		// t1 heard of t2's grant; nobody held admin before first.
		if got, want := queued(t, d), []string{"t1@example.org: t2@example.org now has the treasurer role (role_grant)"}; !slices.Equal(got, want) {
			t.Fatalf("after setup, outbox %q, want %q", got, want)
		}
		by := account.ActorOf(first, "192.0.2.1")
		newbie := mustCreate(t, s, "new@example.org", goodPassword, account.Writer)
		if _, err := s.SetRoles(ctx, by, newbie.ID, []account.Role{account.Writer, account.Treasurer, account.Admin}); err != nil {
			t.Fatal(err)
		}
		got := queued(t, d)[1:]
		want := []string{
			"first@example.org: new@example.org now has the admin role (role_grant)",
			"t1@example.org: new@example.org now has the treasurer role (role_grant)",
		}
		if !slices.Equal(got, want) {
			t.Errorf("outbox after grant %q, want %q (never the disabled t2, never the grantee)", got, want)
		}
		// Saving the same roles again, or adding a non-power role, is no grant.
		if _, err := s.SetRoles(ctx, by, newbie.ID, []account.Role{account.Writer, account.Editor, account.Treasurer, account.Admin}); err != nil {
			t.Fatal(err)
		}
		if n := len(queued(t, d)); n != 3 {
			t.Errorf("re-saving held roles queued mail: %d in the outbox, want 3", n)
		}
		g := grants(t, s)
		if len(g) != 2 || !strings.Contains(strings.Join(g, "\n"), `first@example.org {"email":"new@example.org","role":"admin"}`) {
			t.Errorf("account.grant entries %q, want 2 (new's admin and treasurer; a new account's roles are in its account.create entry)", g)
		}
		// The first secretary has nobody to tell; the grant is still audited.
		before := len(queued(t, d))
		sec, err := s.SetRoles(ctx, account.ActorOf(newbie, ""), first.ID, []account.Role{account.Secretary})
		if err != nil {
			t.Fatalf("taking admin from first while new is admin: %v", err)
		}
		if !slices.Equal(sec.Roles, []account.Role{account.Secretary}) || len(queued(t, d)) != before {
			t.Errorf("a secretary grant with no other secretary queued %d mails", len(queued(t, d))-before)
		}
		if g := grants(t, s); len(g) != 3 {
			t.Errorf("the secretary grant was not audited: %q", g)
		}
	})
}

// TestTellerGrantToldToSecretaries: a teller grant is audited and told to
// the other tellers and to the secretaries, once to someone who is both,
// never to the grantee nor to holders of other roles.
func TestTellerGrantToldToSecretaries(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := outboxService(t, d)
		admin := mustCreate(t, s, "admin@example.org", goodPassword, account.Admin)
		mustCreate(t, s, "sec@example.org", goodPassword, account.Secretary)
		mustCreate(t, s, "both@example.org", goodPassword, account.Secretary, account.Teller)
		mustCreate(t, s, "treasurer@example.org", goodPassword, account.Treasurer)
		newbie := mustCreate(t, s, "new@example.org", goodPassword, account.Reader)
		before := len(queued(t, d))
		if _, err := s.SetRoles(ctx, account.ActorOf(admin, ""), newbie.ID, []account.Role{account.Reader, account.Teller}); err != nil {
			t.Fatal(err)
		}
		got := queued(t, d)[before:]
		want := []string{
			"both@example.org: new@example.org now has the teller role (role_grant)",
			"sec@example.org: new@example.org now has the teller role (role_grant)",
		}
		if !slices.Equal(got, want) {
			t.Errorf("outbox after a teller grant %q, want %q", got, want)
		}
		if g := grants(t, s); !slices.Contains(g, `admin@example.org {"email":"new@example.org","role":"teller"}`) {
			t.Errorf("account.grant entries %q lack the teller grant", g)
		}
	})
}

// TestNoSelfGrant: a person cannot add a role to their own account, even
// an admin; they may drop one; the operator's command line (an actor
// without an account) may grant anything.
func TestNoSelfGrant(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := outboxService(t, d)
		mustCreate(t, s, "other@example.org", goodPassword, account.Admin)
		me := mustCreate(t, s, "me@example.org", goodPassword, account.Admin, account.Editor)
		by := account.ActorOf(me, "")
		for _, r := range []account.Role{account.Treasurer, account.Secretary, account.Writer} {
			_, err := s.SetRoles(ctx, by, me.ID, []account.Role{account.Admin, account.Editor, r})
			if !errors.Is(err, account.ErrSelfGrant) {
				t.Errorf("admin giving themselves %s: %v, want ErrSelfGrant", r, err)
			}
		}
		if a, _ := s.ByID(ctx, me.ID); !slices.Equal(a.Roles, []account.Role{account.Editor, account.Admin}) {
			t.Errorf("roles after refused self-grants: %v", a.Roles)
		}
		if _, err := s.SetRoles(ctx, by, me.ID, []account.Role{account.Admin}); err != nil {
			t.Errorf("dropping one's own editor role: %v", err)
		}
		if _, err := s.SetRoles(ctx, cli, me.ID, []account.Role{account.Admin, account.Treasurer}); err != nil {
			t.Errorf("the command line granting treasurer: %v", err)
		}
	})
}
