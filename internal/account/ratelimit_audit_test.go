package account_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

func TestRateLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		acct, ip := account.AccountKey("Ed@example.org"), account.IPKey("192.0.2.1")
		for i := range 5 {
			if ok, err := s.Allow(ctx, acct); err != nil || !ok {
				t.Fatalf("attempt %d refused: %v", i+1, err)
			}
			if err := s.RecordFailure(ctx, acct, ip); err != nil {
				t.Fatal(err)
			}
		}
		if ok, _ := s.Allow(ctx, acct); ok {
			t.Fatal("sixth attempt within 15 minutes allowed")
		}
		if ok, _ := s.Allow(ctx, account.AccountKey("other@example.org")); !ok {
			t.Fatal("another account was limited")
		}
		c.Advance(15*time.Minute + time.Second)
		if ok, _ := s.Allow(ctx, acct); !ok {
			t.Fatal("still limited after 15 minutes")
		}
		for range 30 {
			_ = s.RecordFailure(ctx, ip)
		}
		if ok, _ := s.Allow(ctx, ip); ok {
			t.Fatal("31st failure from one IP allowed")
		}
		_ = s.RecordFailure(ctx, acct)
		if err := s.ClearFailures(ctx, acct); err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.Allow(ctx, acct); !ok {
			t.Fatal("not cleared")
		}
		if _, err := s.Allow(ctx, "nokey"); err == nil {
			t.Fatal("unknown key prefix allowed")
		}
	})
}

func TestAuditAppendOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		a := mustCreate(t, s, "admin@example.org", goodPassword, account.Admin)
		au := s.Audit()
		for i, action := range []string{"article.publish", "article.publish", "fund.record"} {
			c.Advance(24 * time.Hour)
			if err := au.Record(ctx, d, account.Entry{Actor: account.ActorOf(a, "192.0.2.1"), Action: action,
				ObjectType: strings.Split(action, ".")[0], ObjectID: "7", Before: map[string]int{"n": i}, After: []string{"x"}}); err != nil {
				t.Fatal(err)
			}
		}
		for _, stmt := range []string{`UPDATE audit_log SET action = 'forged'`, `DELETE FROM audit_log`} {
			if _, err := d.ExecContext(ctx, stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v, want refused as append-only", stmt, err)
			}
		}
		all, total, err := au.List(ctx, account.Filter{}, 1)
		if err != nil || total != 4 || all[0].Action != "fund.record" || all[3].Action != "account.create" {
			t.Fatalf("list: %d %v %+v", total, err, all)
		}
		if all[0].IP != "192.0.2.1" || all[0].ActorID != a.ID || all[0].After != `["x"]` || all[3].ActorName != "cli:test" {
			t.Errorf("entry: %+v", all[0])
		}
		check := func(f account.Filter, want int) {
			t.Helper()
			if _, n, err := au.List(ctx, f, 1); err != nil || n != want {
				t.Errorf("%+v: %d entries, %v; want %d", f, n, err, want)
			}
		}
		start := time.Date(2024, 11, 6, 9, 0, 0, 0, time.UTC)
		check(account.Filter{Action: "article.publish"}, 2)
		check(account.Filter{Actor: "ADMIN@"}, 3)
		check(account.Filter{Actor: "%"}, 0)
		check(account.Filter{ObjectType: "fund", ObjectID: "7"}, 1)
		check(account.Filter{Since: start.Add(48 * time.Hour)}, 2)
		check(account.Filter{Since: start.Add(24 * time.Hour), Until: start.Add(72 * time.Hour)}, 2)
		if list, n, _ := au.List(ctx, account.Filter{}, 2); len(list) != 0 || n != 4 {
			t.Errorf("page 2: %d of %d", len(list), n)
		}
	})
}
