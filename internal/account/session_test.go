package account_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

func TestSessions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		a := mustCreate(t, s, "ed@example.org", goodPassword, account.Editor)
		token, ss, err := s.NewSession(ctx, a.ID, "192.0.2.1", "test")
		if err != nil || len(token) != 43 {
			t.Fatalf("new session: %q %v", token, err)
		}
		// The token itself is never stored.
		var n int
		if err := d.QueryRowContext(ctx, `SELECT count(*) FROM sessions WHERE id = $1`, token).Scan(&n); err != nil || n != 0 {
			t.Fatalf("token stored in the clear: %d %v", n, err)
		}
		got, err := s.Session(ctx, token)
		if err != nil || got.Account.ID != a.ID || got.ID != ss.ID || !got.Account.HasAny(account.Editor) {
			t.Fatalf("session: %+v %v", got, err)
		}
		for _, bad := range []string{"", "forged", token + "x", ss.ID} {
			if _, err := s.Session(ctx, bad); !errors.Is(err, account.ErrNoSession) {
				t.Errorf("session %q: %v", bad, err)
			}
		}

		// Sliding idle expiry: used every 11 hours it lives on ...
		for range 3 {
			c.Advance(11 * time.Hour)
			if _, err := s.Session(ctx, token); err != nil {
				t.Fatalf("after 11h idle: %v", err)
			}
		}
		// ... idle for 12 hours it ends.
		c.Advance(12 * time.Hour)
		if _, err := s.Session(ctx, token); !errors.Is(err, account.ErrNoSession) {
			t.Fatalf("after 12h idle: %v", err)
		}

		// However busy, a session ends 30 days after sign-in.
		token, _, _ = s.NewSession(ctx, a.ID, "", "")
		for range 70 { // 770 hours, past 30 days
			c.Advance(11 * time.Hour)
			if _, err := s.Session(ctx, token); err != nil {
				break
			}
		}
		if _, err := s.Session(ctx, token); !errors.Is(err, account.ErrNoSession) {
			t.Fatalf("session older than 30 days: %v", err)
		}
	})
}

func TestRotateRevokeAndDisable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		a := mustCreate(t, s, "ed@example.org", goodPassword, account.Editor)
		old, _, _ := s.NewSession(ctx, a.ID, "", "")
		other, _, _ := s.NewSession(ctx, a.ID, "", "")
		rotated, _, err := s.RotateSession(ctx, old, a.ID, "", "", "")
		if err != nil || rotated == old {
			t.Fatalf("rotate: %v", err)
		}
		if _, err := s.Session(ctx, old); !errors.Is(err, account.ErrNoSession) {
			t.Errorf("old session survived rotation: %v", err)
		}
		if _, err := s.Session(ctx, rotated); err != nil {
			t.Errorf("rotated session: %v", err)
		}
		if err := s.RevokeAll(ctx, account.ActorOf(a, ""), a.ID); err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{rotated, other} {
			if _, err := s.Session(ctx, tok); !errors.Is(err, account.ErrNoSession) {
				t.Errorf("session survived RevokeAll: %v", err)
			}
		}

		tok, _, _ := s.NewSession(ctx, a.ID, "", "")
		if err := s.SetPassword(ctx, cli, a.ID, "another long password"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Session(ctx, tok); !errors.Is(err, account.ErrNoSession) {
			t.Errorf("session survived a password change: %v", err)
		}
		tok, _, _ = s.NewSession(ctx, a.ID, "", "")
		if err := s.Disable(ctx, cli, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Session(ctx, tok); !errors.Is(err, account.ErrNoSession) {
			t.Errorf("session survived Disable: %v", err)
		}
		if _, _, err := s.NewSession(ctx, a.ID, "", ""); !errors.Is(err, account.ErrNoSession) {
			t.Errorf("new session for a disabled account: %v", err)
		}
	})
}
