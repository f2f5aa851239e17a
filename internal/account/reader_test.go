package account_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/valid"
)

// readerLink asks for a reader link for email and returns what would be
// mailed.
func readerLink(t *testing.T, s *account.Service, email string) account.ReaderLinkMail {
	t.Helper()
	var got account.ReaderLinkMail
	if err := s.RequestReaderLink(context.Background(), email, func(_ *sql.Tx, m account.ReaderLinkMail) error {
		got = m
		return nil
	}); err != nil {
		t.Fatalf("reader link for %s: %v", email, err)
	}
	return got
}

// TestReaderLinkLifecycle: a link is single use, lives 15 minutes, works
// for its own purpose only, makes a reader account for a new address and
// signs an existing account in with a reader session.
func TestReaderLinkLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		staff := mustCreate(t, s, "ed@example.org", goodPassword, account.Editor)

		// A new address: the link makes a reader account.
		m := readerLink(t, s, " New.Reader@Example.org ")
		if m.To != "new.reader@example.org" || m.Known || len(m.Token) != 43 {
			t.Fatalf("mail for a new address: %+v", m)
		}
		if email, err := s.CheckReaderLink(ctx, m.Token); err != nil || email != m.To {
			t.Fatalf("check: %q %v", email, err)
		}
		if _, err := s.ByEmail(ctx, m.To); !errors.Is(err, account.ErrNotFound) {
			t.Fatalf("account made before the link was followed: %v", err)
		}
		tok, ss, created, err := s.SignInByReaderLink(ctx, m.Token, "", "192.0.2.1", "test")
		if err != nil || !created || !ss.Reader || tok == "" {
			t.Fatalf("follow: created %v reader %v: %v", created, ss.Reader, err)
		}
		if !slices.Equal(ss.Account.Roles, []account.Role{account.Reader}) || ss.Account.Name != "new.reader" {
			t.Errorf("new account: %+v", ss.Account)
		}
		if got, err := s.Session(ctx, tok); err != nil || !got.Reader || got.Account.ID != ss.Account.ID {
			t.Fatalf("session read back: %+v %v", got, err)
		}

		// Reused, tampered with, guessed, too long: refused, nothing made.
		for name, token := range map[string]string{
			"reused":   m.Token,
			"tampered": m.Token[:42] + flip(m.Token[42]),
			"guessed":  strings.Repeat("A", 43),
			"empty":    "",
			"too long": strings.Repeat("A", 101),
		} {
			if _, _, _, err := s.SignInByReaderLink(ctx, token, "", "", ""); !errors.Is(err, account.ErrTokenInvalid) {
				t.Errorf("%s link: %v", name, err)
			}
			if _, err := s.CheckReaderLink(ctx, token); !errors.Is(err, account.ErrTokenInvalid) {
				t.Errorf("%s link checked: %v", name, err)
			}
		}

		// Expired after 15 minutes, not before.
		m = readerLink(t, s, staff.Email)
		if !m.Known || m.Name != staff.Name {
			t.Errorf("mail for a known address: %+v", m)
		}
		c.Advance(account.ReaderLinkTTL - time.Second)
		if _, err := s.CheckReaderLink(ctx, m.Token); err != nil {
			t.Errorf("link a second before its expiry: %v", err)
		}
		c.Advance(time.Second)
		if _, _, _, err := s.SignInByReaderLink(ctx, m.Token, "", "", ""); !errors.Is(err, account.ErrTokenInvalid) {
			t.Errorf("expired link: %v", err)
		}

		// Another purpose's token is refused, both ways.
		staffLink, err := s.IssueSignInLink(ctx, cli, staff.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := s.SignInByReaderLink(ctx, staffLink, "", "", ""); !errors.Is(err, account.ErrTokenInvalid) {
			t.Errorf("staff sign-in link used as a reader link: %v", err)
		}
		m = readerLink(t, s, staff.Email)
		if _, err := s.Consume(ctx, m.Token, account.PurposeSignIn); !errors.Is(err, account.ErrTokenInvalid) {
			t.Errorf("reader link used as a staff link: %v", err)
		}
		if _, err := s.Consume(ctx, m.Token, account.PurposeReset); !errors.Is(err, account.ErrTokenInvalid) {
			t.Errorf("reader link used as a reset token: %v", err)
		}

		// A staff member's link signs into their one account with a reader
		// session, which a second factor cannot turn into a staff one.
		_, ss, created, err = s.SignInByReaderLink(ctx, m.Token, "", "", "")
		if err != nil || created || ss.Account.ID != staff.ID || !ss.Reader {
			t.Fatalf("staff member by link: %+v created %v: %v", ss, created, err)
		}

		// Sign out everywhere spends the links still in the mailbox.
		m = readerLink(t, s, staff.Email)
		if err := s.RevokeAll(ctx, cli, staff.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CheckReaderLink(ctx, m.Token); !errors.Is(err, account.ErrTokenInvalid) {
			t.Errorf("link after sign out everywhere: %v", err)
		}

		// A disabled account's link opens nothing.
		if err := s.Disable(ctx, cli, ss.Account.ID); err != nil {
			t.Fatal(err)
		}
		m = readerLink(t, s, staff.Email)
		if _, _, _, err := s.SignInByReaderLink(ctx, m.Token, "", "", ""); !errors.Is(err, account.ErrTokenInvalid) {
			t.Errorf("disabled account by link: %v", err)
		}

		// Bad addresses are refused before anything is written.
		for _, bad := range []string{"", "not an address", "a@b@c", strings.Repeat("x", 250) + "@example.org"} {
			err := s.RequestReaderLink(ctx, bad, func(*sql.Tx, account.ReaderLinkMail) error {
				t.Errorf("%q: send called", bad)
				return nil
			})
			if len(valid.All(err)) == 0 {
				t.Errorf("%q: %v, want a validation error", bad, err)
			}
		}
	})
}

// TestReaderLinkUsedOnce races two uses of one link for a new address:
// exactly one signs in, and one account is made.
func TestReaderLinkUsedOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		m := readerLink(t, s, "race@example.org")
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Go(func() {
				_, _, _, err := s.SignInByReaderLink(ctx, m.Token, "", "", "")
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		ok := 0
		for err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, account.ErrTokenInvalid):
				t.Errorf("concurrent use: %v", err)
			}
		}
		var n int
		if err := d.QueryRowContext(ctx, `SELECT count(*) FROM accounts WHERE email = $1`, m.To).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if ok != 1 || n != 1 {
			t.Fatalf("%d uses succeeded and %d accounts made, want 1 and 1", ok, n)
		}
	})
}

// TestReaderLinkSendFailureKeepsNothing: when the email cannot be queued
// the link is not stored either.
func TestReaderLinkSendFailureKeepsNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		boom := errors.New("outbox full")
		var token string
		err := s.RequestReaderLink(ctx, "r@example.org", func(_ *sql.Tx, m account.ReaderLinkMail) error {
			token = m.Token
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err %v", err)
		}
		if _, err := s.CheckReaderLink(ctx, token); !errors.Is(err, account.ErrTokenInvalid) {
			t.Errorf("link kept without its email: %v", err)
		}
	})
}

func flip(b byte) string {
	if b == 'A' {
		return "B"
	}
	return "A"
}

// TestReaderAuditHoldsNothingPersonal: what a reader does to their own
// account is in the append-only audit log by account number only, so
// erasing the account leaves nothing of theirs there.
func TestReaderAuditHoldsNothingPersonal(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		m := readerLink(t, s, "rosa.private@example.org")
		_, ss, _, err := s.SignInByReaderLink(ctx, m.Token, "", "203.0.113.9", "test")
		if err != nil {
			t.Fatal(err)
		}
		by := account.ReaderActor(ss.Account)
		if _, err := s.SetName(ctx, by, ss.Account.ID, "Rosa Privately"); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeAll(ctx, by, ss.Account.ID); err != nil {
			t.Fatal(err)
		}
		rows, err := d.QueryContext(ctx, `SELECT actor_name, before_json, after_json, ip FROM audit_log`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var cols [4]string
			if err := rows.Scan(&cols[0], &cols[1], &cols[2], &cols[3]); err != nil {
				t.Fatal(err)
			}
			n++
			for _, c := range cols {
				for _, secret := range []string{"rosa", "Rosa", "203.0.113.9"} {
					if strings.Contains(c, secret) {
						t.Errorf("audit entry %v holds %q", cols, secret)
					}
				}
			}
		}
		if n != 3 {
			t.Errorf("%d audit entries, want 3 (create, name, sign out everywhere)", n)
		}
	})
}
