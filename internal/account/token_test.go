package account_test

import (
	"context"
	"database/sql"
	"errors"
	"github.com/coopress/coopress/internal/valid"
	"sync"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

func TestOneTimeTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		a := mustCreate(t, s, "new@example.org", "", account.Writer)
		link, err := s.IssueSignInLink(ctx, cli, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Consume(ctx, link, account.PurposeReset); !errors.Is(err, account.ErrTokenInvalid) {
			t.Errorf("sign-in link used as a reset token: %v", err)
		}
		if got, err := s.CheckToken(ctx, link, account.PurposeSignIn); err != nil || got.ID != a.ID {
			t.Fatalf("check: %v", err)
		}
		// Two at once: exactly one wins.
		var wg sync.WaitGroup
		results := make(chan error, 2)
		for range 2 {
			wg.Go(func() {
				_, err := s.Consume(ctx, link, account.PurposeSignIn)
				results <- err
			})
		}
		wg.Wait()
		close(results)
		ok := 0
		for err := range results {
			if err == nil {
				ok++
			} else if !errors.Is(err, account.ErrTokenInvalid) {
				t.Errorf("concurrent consume: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d consumers succeeded, want exactly 1", ok)
		}

		// Sign-in links last 24 hours.
		link, _ = s.IssueSignInLink(ctx, cli, a.ID)
		c.Advance(24 * time.Hour)
		if _, err := s.Consume(ctx, link, account.PurposeSignIn); !errors.Is(err, account.ErrTokenInvalid) {
			t.Errorf("expired link: %v", err)
		}
	})
}

func TestPasswordReset(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		a := mustCreate(t, s, "ed@example.org", goodPassword, account.Editor)
		sent := map[string]string{}
		send := func(tx *sql.Tx, a account.Account, token string) error {
			if tx == nil {
				t.Error("send called outside a transaction")
			}
			sent[a.Email] = token
			return nil
		}
		// An unknown address does the same work, with no token to send.
		if err := s.RequestReset(ctx, "Nobody@example.org", send); err != nil || len(sent) != 1 || sent["nobody@example.org"] != "" {
			t.Fatalf("reset for unknown address: %v %v", err, sent)
		}
		if err := s.RequestReset(ctx, "ED@example.org", send); err != nil || sent["ed@example.org"] == "" {
			t.Fatalf("reset: %v %v", err, sent)
		}
		token := sent["ed@example.org"]
		session, _, _ := s.NewSession(ctx, a.ID, "", "")
		// A weak password leaves the token usable.
		var v valid.Error
		if _, err := s.ResetPassword(ctx, token, "short", ""); !errors.As(err, &v) {
			t.Fatalf("weak password: %v", err)
		}
		if _, err := s.ResetPassword(ctx, token, "a brand new passphrase", "192.0.2.9"); err != nil {
			t.Fatalf("reset: %v", err)
		}
		if _, err := s.ResetPassword(ctx, token, "yet another passphrase", ""); !errors.Is(err, account.ErrTokenInvalid) {
			t.Errorf("token reused: %v", err)
		}
		if _, err := s.Authenticate(ctx, "ed@example.org", "a brand new passphrase"); err != nil {
			t.Errorf("new password: %v", err)
		}
		if _, err := s.Session(ctx, session); !errors.Is(err, account.ErrNoSession) {
			t.Errorf("session survived reset: %v", err)
		}
		// A send that fails leaves no token behind.
		boom := errors.New("smtp down")
		if err := s.RequestReset(ctx, "ed@example.org", func(*sql.Tx, account.Account, string) error { return boom }); !errors.Is(err, boom) {
			t.Fatalf("failed send: %v", err)
		}
		// Reset links last one hour.
		_ = s.RequestReset(ctx, "ed@example.org", send)
		c.Advance(time.Hour)
		if _, err := s.ResetPassword(ctx, sent["ed@example.org"], "a third passphrase", ""); !errors.Is(err, account.ErrTokenInvalid) {
			t.Errorf("expired reset: %v", err)
		}
	})
}
