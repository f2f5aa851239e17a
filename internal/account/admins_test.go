package account_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/valid"
)

func TestLastAdminIsKept(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		ed := mustCreate(t, s, "ed@example.org", goodPassword, account.Admin, account.Editor)
		w := mustCreate(t, s, "w@example.org", goodPassword, account.Writer)
		for name, change := range map[string]func() error{
			"disable":      func() error { return s.Disable(ctx, cli, ed.ID) },
			"demote":       func() error { _, err := s.SetRoles(ctx, cli, ed.ID, []account.Role{account.Editor}); return err },
			"remove roles": func() error { _, err := s.SetRoles(ctx, cli, ed.ID, nil); return err },
		} {
			var v valid.Error
			if err := change(); !errors.Is(err, account.ErrLastAdmin) || !errors.As(err, &v) ||
				v.Message != "ed@example.org is the only active admin; give another account the admin role before you "+
					map[string]string{"disable": "disable", "demote": "take the admin role from", "remove roles": "take the admin role from"}[name]+
					" it, so the paper always has one." {
				t.Errorf("%s: %v", name, err)
			}
		}
		// Other changes to the last admin, and any change to others, go ahead.
		if _, err := s.SetRoles(ctx, cli, ed.ID, []account.Role{account.Admin}); err != nil {
			t.Errorf("keep admin, drop editor: %v", err)
		}
		if err := s.Disable(ctx, cli, w.ID); err != nil {
			t.Errorf("disable a writer: %v", err)
		}
		// A disabled admin does not count: enabling one makes two.
		other := mustCreate(t, s, "o@example.org", goodPassword, account.Admin)
		if err := s.Disable(ctx, cli, other.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.Disable(ctx, cli, ed.ID); !errors.Is(err, account.ErrLastAdmin) {
			t.Fatalf("disable ed while the other admin is disabled: %v", err)
		}
		if err := s.Enable(ctx, cli, other.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.Enable(ctx, cli, other.ID); err == nil {
			t.Error("enabling an active account was not refused")
		}
		if n, err := s.ActiveAdmins(ctx); err != nil || n != 2 {
			t.Fatalf("active admins %d, %v", n, err)
		}
		if err := s.Disable(ctx, cli, ed.ID); err != nil {
			t.Errorf("disable ed with another admin active: %v", err)
		}
		// The re-enabled account signs in with its old password.
		if _, err := s.Authenticate(ctx, "o@example.org", goodPassword); err != nil {
			t.Errorf("re-enabled account: %v", err)
		}
		entries, _, err := s.Audit().List(ctx, account.Filter{}, 1)
		if err != nil || entries[1].Action != "account.enable" {
			t.Errorf("audit: %+v %v", entries, err)
		}
	})
}

// TestLastAdminRace has two admins remove each other (or themselves) at the
// same moment, many times over: exactly one change may win each round, or
// the paper is left without an admin. Without the lock in lockAdmins the
// PostgreSQL half fails within a few rounds.
func TestLastAdminRace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		for round := range 30 {
			a := mustCreate(t, s, "a"+itoa(round)+"@example.org", "", account.Admin)
			b := mustCreate(t, s, "b"+itoa(round)+"@example.org", "", account.Admin)
			// Alternate the kinds of change, and mix them.
			changes := []func(id int64) error{
				func(id int64) error { return s.Disable(ctx, cli, id) },
				func(id int64) error { _, err := s.SetRoles(ctx, cli, id, []account.Role{account.Writer}); return err },
			}
			start := make(chan struct{})
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for i, id := range []int64{a.ID, b.ID} {
				change := changes[(round+i)%2]
				if round%3 == 0 {
					change = changes[round%2]
				}
				wg.Go(func() {
					<-start
					errs[i] = change(id)
				})
			}
			close(start)
			wg.Wait()
			refused := 0
			for _, err := range errs {
				switch {
				case errors.Is(err, account.ErrLastAdmin):
					refused++
				case err != nil:
					t.Fatalf("round %d: %v", round, err)
				}
			}
			n, err := s.ActiveAdmins(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n != 1 || refused != 1 {
				t.Fatalf("round %d: %d active admins left, %d changes refused; want 1 and 1", round, n, refused)
			}
			// Start the next round with no admin but its own pair: retire
			// the survivor behind the service's back.
			if _, err := d.ExecContext(ctx, `UPDATE accounts SET disabled = 1 WHERE id IN ($1, $2)`, a.ID, b.ID); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
