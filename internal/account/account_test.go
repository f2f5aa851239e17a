package account_test

import (
	"context"
	"errors"
	"github.com/coopress/coopress/internal/valid"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

func TestPasswordPolicy(t *testing.T) {
	for _, tc := range []struct {
		pw, want string
	}{
		{"", "Enter a password"},
		{"short", "at least 12"},
		{"aaaaaaaaaaaaaaaa", "more than one kind"},
		{"ééééééééééééé", "more than one kind"},
		{strings.Repeat("ab", 501), "at most 1000"},
		{"bad\xffutf8 password", "could not read"},
		{goodPassword, ""},
		{"ünïcødé pässwörd ☃", ""},
		{strings.Repeat("ab", 500), ""},
	} {
		err := account.CheckPassword(tc.pw)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%q: %v", tc.pw, err)
			}
			continue
		}
		var v valid.Error
		if !errors.As(err, &v) || v.Field != "password" || !strings.Contains(v.Message, tc.want) {
			t.Errorf("%.20q: %v, want a password error with %q", tc.pw, err, tc.want)
		}
	}
}

func TestCreateAndAuthenticate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		a := mustCreate(t, s, " Ed@Example.org ", goodPassword, account.Editor, account.Admin, account.Editor)
		if a.Email != "ed@example.org" || len(a.Roles) != 2 || a.Roles[0] != account.Editor || !a.HasPassword {
			t.Fatalf("created %+v", a)
		}
		var hash string
		if err := d.QueryRowContext(ctx, `SELECT password_hash FROM accounts WHERE id = $1`, a.ID).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(hash, "$argon2id$v=19$m=1024,t=1,p=1$") || strings.Contains(hash, goodPassword) {
			t.Fatalf("stored hash %q", hash)
		}
		// A second account differing only in case is refused.
		_, err := s.CreateAccount(ctx, cli, account.NewAccount{Email: "ED@example.org", Name: "X"})
		var v valid.Error
		if !errors.As(err, &v) || v.Field != "email" {
			t.Fatalf("duplicate email: %v", err)
		}
		for _, bad := range []account.NewAccount{{Email: "not-an-email", Name: "X"}, {Email: "a@b.c", Name: ""},
			{Email: "a@b.c", Name: "X", Roles: []account.Role{"king"}}, {Email: "a@b.c", Name: "X", Password: "short"}} {
			if _, err := s.CreateAccount(ctx, cli, bad); !errors.As(err, &v) {
				t.Errorf("%+v: %v, want valid.Error", bad, err)
			}
		}

		got, err := s.Authenticate(ctx, "ED@EXAMPLE.ORG", goodPassword)
		if err != nil || got.ID != a.ID || !got.HasAny(account.Admin) {
			t.Fatalf("authenticate: %+v %v", got, err)
		}
		for _, tc := range [][2]string{{"ed@example.org", "wrong password!!"}, {"nobody@example.org", goodPassword}, {"", ""}} {
			if _, err := s.Authenticate(ctx, tc[0], tc[1]); !errors.Is(err, account.ErrBadCredentials) {
				t.Errorf("authenticate %q: %v", tc[0], err)
			}
		}
		// No password yet (sign-in link accounts) never authenticates.
		mustCreate(t, s, "new@example.org", "")
		if _, err := s.Authenticate(ctx, "new@example.org", ""); !errors.Is(err, account.ErrBadCredentials) {
			t.Errorf("passwordless account: %v", err)
		}
		// Ed is the only admin until another is made (see admins_test.go).
		mustCreate(t, s, "second@example.org", "", account.Admin)
		if err := s.Disable(ctx, cli, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, "ed@example.org", goodPassword); !errors.Is(err, account.ErrBadCredentials) {
			t.Errorf("disabled account: %v", err)
		}
	})
}

func TestRolesAndList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		a := mustCreate(t, s, "w@example.org", goodPassword, account.Writer)
		mustCreate(t, s, "a@example.org", goodPassword, account.Admin)
		after, err := s.SetRoles(ctx, cli, a.ID, []account.Role{account.Treasurer, account.Editor})
		if err != nil || len(after.Roles) != 2 || after.Roles[0] != account.Editor {
			t.Fatalf("set roles: %+v %v", after, err)
		}
		list, err := s.List(ctx)
		if err != nil || len(list) != 2 || list[0].Email != "a@example.org" || !list[1].HasAny(account.Treasurer) || list[1].HasAny(account.Writer) {
			t.Fatalf("list: %+v %v", list, err)
		}
		if _, err := s.SetRoles(ctx, cli, 999, nil); !errors.Is(err, account.ErrNotFound) {
			t.Errorf("roles of unknown account: %v", err)
		}
		if _, err := account.ParseRoles("admin, Editor,admin"); err != nil {
			t.Error(err)
		}
		if _, err := account.ParseRoles("admin,boss"); err == nil {
			t.Error("ParseRoles accepted boss")
		}
		entries, total, err := s.Audit().List(ctx, account.Filter{Action: "account.roles"}, 1)
		if err != nil || total != 1 || !strings.Contains(entries[0].Before, `"writer"`) || !strings.Contains(entries[0].After, `"treasurer"`) {
			t.Fatalf("audit of role change: %+v %d %v", entries, total, err)
		}
	})
}

// TestDefaultCost proves the production parameters (64 MiB, t=2) are what
// new hashes carry.
func TestDefaultCost(t *testing.T) {
	d := dbtest.SQLite(t)
	s := account.New(d, account.Options{})
	a := mustCreate(t, s, "ed@example.org", goodPassword, account.Editor)
	var hash string
	if err := d.QueryRowContext(context.Background(), `SELECT password_hash FROM accounts WHERE id = $1`, a.ID).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=65536,t=2,p=2$") {
		t.Fatalf("hash %q", hash)
	}
	if _, err := s.Authenticate(context.Background(), "ed@example.org", goodPassword); err != nil {
		t.Fatal(err)
	}
}
