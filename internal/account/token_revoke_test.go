package account_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

// TestLinksEndWithSessions: unused sign-in and reset links stop working
// at each event that ends the account's sessions, and only that
// account's links do.
func TestLinksEndWithSessions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		for _, tc := range []struct {
			name string
			end  func(a account.Account, resetToken string) error
		}{
			{"password change", func(a account.Account, _ string) error {
				return s.SetPassword(ctx, account.ActorOf(a, ""), a.ID, "a brand new password here")
			}},
			{"reset", func(a account.Account, reset string) error {
				_, err := s.ResetPassword(ctx, reset, "a brand new password here", "192.0.2.1")
				return err
			}},
			{"sign out everywhere", func(a account.Account, _ string) error {
				return s.RevokeAll(ctx, account.ActorOf(a, ""), a.ID)
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a := mustCreate(t, s, "ed-"+tc.name[:4]+"@example.org", goodPassword, account.Editor)
				other := mustCreate(t, s, "other-"+tc.name[:4]+"@example.org", goodPassword, account.Editor)
				link := mustLink(t, s, a.ID)
				otherLink := mustLink(t, s, other.ID)
				resets := []string{mustReset(t, s, d, a.ID), mustReset(t, s, d, a.ID)}
				if err := tc.end(a, resets[1]); err != nil {
					t.Fatal(err)
				}
				if _, err := s.CheckToken(ctx, link, account.PurposeSignIn); !errors.Is(err, account.ErrTokenInvalid) {
					t.Errorf("sign-in link still works after %s: %v", tc.name, err)
				}
				if _, err := s.Consume(ctx, resets[0], account.PurposeReset); !errors.Is(err, account.ErrTokenInvalid) {
					t.Errorf("older reset link still works after %s: %v", tc.name, err)
				}
				if _, err := s.CheckToken(ctx, otherLink, account.PurposeSignIn); err != nil {
					t.Errorf("another account's link was revoked: %v", err)
				}
				// A link issued afterwards works.
				if _, err := s.Consume(ctx, mustLink(t, s, a.ID), account.PurposeSignIn); err != nil {
					t.Errorf("a new link after %s: %v", tc.name, err)
				}
			})
		}
	})
}

func mustLink(t *testing.T, s *account.Service, id int64) string {
	t.Helper()
	link, err := s.IssueSignInLink(context.Background(), cli, id)
	if err != nil {
		t.Fatal(err)
	}
	return link
}

func mustReset(t *testing.T, s *account.Service, d *db.DB, id int64) string {
	t.Helper()
	var token string
	err := d.InTx(context.Background(), func(tx *sql.Tx) error {
		var err error
		token, err = s.IssueResetTokenTx(context.Background(), tx, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return token
}
