package account_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

// TestSignInSlowsDownRatherThanLocks: failures to one account from many
// addresses never lock it; after the free five each further try waits a
// delay that doubles up to a minute, and one address alone is stopped
// after five without affecting anyone else.
func TestSignInSlowsDownRatherThanLocks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		mustCreate(t, s, "ed@example.org", goodPassword, account.Editor)
		var lim *account.LimitedError
		want := []time.Duration{0, 0, 0, 0, 0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second,
			16 * time.Second, 32 * time.Second, time.Minute, time.Minute}
		for i, wait := range want {
			ip := fmt.Sprintf("192.0.2.%d", i+1)
			_, err := s.ReserveSignIn(ctx, "ed@example.org", ip)
			if wait == 0 && err != nil {
				t.Fatalf("failure %d: %v", i+1, err)
			}
			if wait > 0 {
				if !errors.As(err, &lim) || !lim.PerAccount() || lim.RetryAfter != wait {
					t.Fatalf("attempt %d at once: %v, want a wait of %s", i+1, err, wait)
				}
				c.Advance(wait - time.Millisecond)
				if _, err := s.ReserveSignIn(ctx, "ed@example.org", ip); !errors.As(err, &lim) {
					t.Fatalf("attempt %d before its wait: %v", i+1, err)
				}
				c.Advance(time.Millisecond)
				if _, err := s.ReserveSignIn(ctx, "ed@example.org", ip); err != nil {
					t.Fatalf("attempt %d after %s: %v", i+1, wait, err)
				}
			}
			if err := s.SignInFailed(ctx, "ed@example.org", nil); err != nil {
				t.Fatal(err)
			}
		}
		// One address alone: five failures to another account, then a hard stop
		// for that address and account only.
		mustCreate(t, s, "tre@example.org", goodPassword, account.Treasurer)
		for i := range 5 {
			if _, err := s.ReserveSignIn(ctx, "tre@example.org", "198.51.100.9"); err != nil {
				t.Fatalf("failure %d: %v", i+1, err)
			}
			c.Advance(2 * time.Second)
		}
		if _, err := s.ReserveSignIn(ctx, "tre@example.org", "198.51.100.9"); !errors.As(err, &lim) || lim.PerAccount() || lim.RetryAfter != 15*time.Minute {
			t.Fatalf("sixth from one address: %v", err)
		}
		r, err := s.ReserveSignIn(ctx, "tre@example.org", "198.51.100.10")
		if err != nil {
			t.Fatalf("the owner from elsewhere, a second later: %v", err)
		}
		if err := s.SignInSucceeded(ctx, r, "tre@example.org", "198.51.100.10"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReserveSignIn(ctx, "tre@example.org", "198.51.100.10"); err != nil {
			t.Fatalf("after a success the account starts afresh: %v", err)
		}
	})
}

// TestFailureBurstAlertsOnce: the owner hears of a burst of failures once,
// however long it lasts, and again after a quiet window; unknown addresses
// send nothing.
func TestFailureBurstAlertsOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		mustCreate(t, s, "ed@example.org", goodPassword, account.Editor)
		var sent []int
		alert := func(_ context.Context, tx *sql.Tx, a account.Account, n int) error {
			if tx == nil || a.Email != "ed@example.org" {
				t.Errorf("alert for %s in tx %v", a.Email, tx)
			}
			sent = append(sent, n)
			return nil
		}
		fail := func(email string, times int) {
			for i := range times {
				ip := fmt.Sprintf("203.0.113.%d", i+1)
				for {
					_, err := s.ReserveSignIn(ctx, email, ip)
					var lim *account.LimitedError
					if errors.As(err, &lim) {
						c.Advance(lim.RetryAfter)
						continue
					}
					if err != nil {
						t.Fatal(err)
					}
					break
				}
				if err := s.SignInFailed(ctx, email, alert); err != nil {
					t.Fatal(err)
				}
			}
		}
		fail("ed@example.org", account.AlertAfter-1)
		if len(sent) != 0 {
			t.Fatalf("alerted after %d failures", account.AlertAfter-1)
		}
		fail("ed@example.org", 4)
		if len(sent) != 1 || sent[0] != account.AlertAfter {
			t.Fatalf("one burst of %d failures: alerts %v, want one at %d", account.AlertAfter+3, sent, account.AlertAfter)
		}
		fail("nobody@example.org", 15)
		if len(sent) != 1 {
			t.Fatalf("an unknown address alerted: %v", sent)
		}
		c.Advance(16 * time.Minute)
		fail("ed@example.org", account.AlertAfter)
		if len(sent) != 2 {
			t.Fatalf("a second burst after a quiet window: alerts %v", sent)
		}
	})
}
