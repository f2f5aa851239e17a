package account_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/valid"
)

func TestEmailPreferences(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		a := mustCreate(t, s, "reader@example.org", "", account.Reader)
		by := account.ActorOf(a, "")
		for _, tc := range []struct {
			name    string
			allowed []account.MailKind
			wantErr string
			want    []account.Preference
		}{
			{"never chosen: everything allowed", nil, "", []account.Preference{{account.MailNews, true}, {account.MailAppeals, true}}},
			{"news only", []account.MailKind{account.MailNews}, "", []account.Preference{{account.MailNews, true}, {account.MailAppeals, false}}},
			{"none", []account.MailKind{}, "", []account.Preference{{account.MailNews, false}, {account.MailAppeals, false}}},
			{"receipts are not optional", []account.MailKind{account.MailNews, "receipt"}, `"receipt" is not a kind`,
				[]account.Preference{{account.MailNews, false}, {account.MailAppeals, false}}},
			{"both again", []account.MailKind{account.MailAppeals, account.MailNews}, "", []account.Preference{{account.MailNews, true}, {account.MailAppeals, true}}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if tc.allowed != nil || tc.wantErr != "" {
					err := s.SetPreferences(ctx, by, a.ID, tc.allowed)
					var v valid.Error
					if tc.wantErr == "" && err != nil || tc.wantErr != "" && (!errors.As(err, &v) || !strings.Contains(v.Message, tc.wantErr)) {
						t.Fatalf("set: %v, want %q", err, tc.wantErr)
					}
				}
				got, err := s.Preferences(ctx, a.ID)
				if err != nil || !slices.Equal(got, tc.want) {
					t.Fatalf("preferences: %v %v, want %v", got, err, tc.want)
				}
				for _, p := range tc.want {
					if ok, err := s.Allows(ctx, a.ID, p.Kind); err != nil || ok != p.Allowed {
						t.Errorf("Allows(%s) = %v %v", p.Kind, ok, err)
					}
				}
			})
		}
		if _, err := s.Preferences(ctx, 9999); !errors.Is(err, account.ErrNotFound) {
			t.Errorf("unknown account: %v", err)
		}
		if err := s.SetPreferences(ctx, by, 9999, nil); !errors.Is(err, account.ErrNotFound) {
			t.Errorf("set for an unknown account: %v", err)
		}
		log, _, err := s.Audit().List(ctx, account.Filter{Action: "account.preferences"}, 1)
		if err != nil || len(log) != 3 {
			t.Errorf("audit: %d entries %v, want one per accepted change", len(log), err)
		}
	})
}
