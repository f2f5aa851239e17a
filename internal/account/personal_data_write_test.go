package account_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

func TestExportWrites(t *testing.T) {
	at := time.Date(2024, 11, 6, 9, 0, 0, 0, time.UTC)
	acct := account.Account{ID: 7, Email: "ann@example.org", Name: "Ann Lee", Roles: []account.Role{account.Reader}, CreatedAt: at}
	cases := []struct {
		name     string
		x        account.Export
		json     string
		csv      string
		notInCSV string
	}{
		{
			name: "account only",
			x:    account.Export{ExportedAt: at, Account: acct},
			json: `{
  "exported_at": "2024-11-06T09:00:00Z",
  "items": [
    {
      "kind": "account",
      "id": "7",
      "at": "2024-11-06T09:00:00Z",
      "fields": {
        "email": "ann@example.org",
        "name": "Ann Lee",
        "roles": "reader",
        "disabled": "false",
        "has_password": "false"
      }
    }
  ]
}
`,
			csv: "kind,id,at,email,name,roles,disabled,has_password\n" +
				"account,7,2024-11-06T09:00:00Z,ann@example.org,Ann Lee,reader,false,false\n",
		},
		{
			name: "every kind, one row each, columns as they first appear",
			x: account.Export{ExportedAt: at, Account: acct,
				Sessions:      []account.Session{{CreatedAt: at, LastSeenAt: at, ExpiresAt: at.Add(time.Hour), IP: "192.0.2.1", UserAgent: "Firefox"}},
				SecondFactors: []account.Factor{{ID: 3, Kind: "passkey", Name: "Phone", CreatedAt: at}},
				Preferences:   []account.Preference{{Kind: account.MailNews, Allowed: false}},
				Audit:         []account.LogEntry{{ID: 9, At: at, ActorName: "ann@example.org", Action: "account.preferences", ObjectType: "account", ObjectID: "7"}},
				Records: []account.Record{{Kind: "gift", ID: "42", At: at, Fields: []account.Field{
					{Name: "amount_minor", Value: "-2000"}, {Name: "message", Value: "=HYPERLINK(\"http://x\")"}, {Name: "name", Value: "Ann, \"the\" donor"}}}},
			},
			csv: "kind,id,at,email,name,roles,disabled,has_password,last_seen_at,expires_at,ip,user_agent,second_factor,factor_kind,last_used_at,label,allowed,action,actor,object,before,after,amount_minor,message\n" +
				"account,7,2024-11-06T09:00:00Z,ann@example.org,Ann Lee,reader,false,false,,,,,,,,,,,,,,,,\n" +
				"session,,2024-11-06T09:00:00Z,,,,,,2024-11-06T09:00:00Z,2024-11-06T10:00:00Z,192.0.2.1,Firefox,,,,,,,,,,,,\n" +
				"second factor,3,2024-11-06T09:00:00Z,,Phone,,,,,,,,,passkey,,,,,,,,,,\n" +
				"email preference,news,,,,,,,,,,,,,,News from the paper,false,,,,,,,\n" +
				"audit,9,2024-11-06T09:00:00Z,,,,,,,,,,,,,,,account.preferences,ann@example.org,account 7,,,,\n" +
				// A whole number stays a number; typed text that a
				// spreadsheet would run as a formula is defused.
				"gift,42,2024-11-06T09:00:00Z,,\"Ann, \"\"the\"\" donor\",,,,,,,,,,,,,,,,,,-2000,\"'=HYPERLINK(\"\"http://x\"\")\"\n",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var j, c bytes.Buffer
			if err := tc.x.WriteJSON(&j); err != nil {
				t.Fatal(err)
			}
			if err := tc.x.WriteCSV(&c); err != nil {
				t.Fatal(err)
			}
			if tc.json != "" && j.String() != tc.json {
				t.Errorf("JSON:\n%s\nwant:\n%s", j.String(), tc.json)
			}
			if c.String() != tc.csv {
				t.Errorf("CSV:\n%s\nwant:\n%s", c.String(), tc.csv)
			}
		})
	}
}

// TestExportGathers: a reader's download holds their account, session,
// preferences, audit entries, gifts and refund, standing order, stored
// mail, and nothing of another reader's.
func TestExportGathers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		site := newEraseSite(t, d)
		admin := mustCreate(t, site.accounts, "admin@example.org", goodPassword, account.Admin)
		reader := site.give(t, philippa, admin)
		site.give(t, other, admin)
		x, err := site.data.Export(ctx, reader.ID)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, r := range x.Items() {
			kinds[r.Kind]++
		}
		want := map[string]int{"account": 1, "session": 1, "email preference": 2, "gift": 3, "gift reversal": 1,
			"standing order": 1, "mail": 3}
		for k, n := range want {
			if kinds[k] != n {
				t.Errorf("%d items of kind %q, want %d (all: %v)", kinds[k], k, n, kinds)
			}
		}
		if kinds["audit"] < 2 {
			t.Errorf("%d audit entries, want the account's creation and its preferences", kinds["audit"])
		}
		var j, c bytes.Buffer
		if err := x.WriteJSON(&j); err != nil {
			t.Fatal(err)
		}
		if err := x.WriteCSV(&c); err != nil {
			t.Fatal(err)
		}
		for _, out := range []string{j.String(), c.String()} {
			if !strings.Contains(out, philippa.message) || !strings.Contains(out, philippa.town) {
				t.Errorf("the reader's own message or town is missing:\n%s", out)
			}
			if strings.Contains(out, other.name) || strings.Contains(out, other.email) {
				t.Errorf("another reader's details are in the download:\n%s", out)
			}
		}
	})
}
