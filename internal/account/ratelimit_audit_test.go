package account_test

import (
	"context"
	"errors"
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
		reset, ip := account.ResetKey("Ed@example.org"), account.IPKey("192.0.2.1")
		for i := range 3 {
			if _, err := s.Reserve(ctx, reset); err != nil {
				t.Fatalf("request %d refused: %v", i+1, err)
			}
		}
		var lim *account.LimitedError
		if _, err := s.Reserve(ctx, reset); !errors.As(err, &lim) || lim.Key != reset || lim.RetryAfter != 15*time.Minute {
			t.Fatalf("fourth request within 15 minutes: %v", err)
		}
		if _, err := s.Reserve(ctx, account.ResetKey("other@example.org")); err != nil {
			t.Fatalf("another address was limited: %v", err)
		}
		c.Advance(15*time.Minute + time.Second)
		if _, err := s.Reserve(ctx, reset); err != nil {
			t.Fatalf("still limited after 15 minutes: %v", err)
		}
		for range 30 {
			if _, err := s.Reserve(ctx, ip); err != nil {
				t.Fatal(err)
			}
		}
		// A refusal by the second key takes back the first key's count.
		if _, err := s.Reserve(ctx, reset, ip); !errors.As(err, &lim) || lim.Key != ip {
			t.Fatalf("31st attempt from one IP: %v", err)
		}
		if err := s.ClearFailures(ctx, reset); err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			if _, err := s.Reserve(ctx, reset); err != nil {
				t.Fatalf("after clearing, request %d: %v", i+1, err)
			}
		}
		if _, err := s.Reserve(ctx, "nokey"); err == nil || errors.As(err, &lim) {
			t.Fatalf("unknown key prefix: %v", err)
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

// TestPruneAttempts: the periodic job forgets attempts older than a day
// under every key, including client addresses never seen again, and
// keeps the recent ones every limit still counts.
func TestPruneAttempts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		for _, key := range []string{account.IPKey("198.51.100.1"), account.IPKey("198.51.100.2"), account.AccountKey("a@example.org")} {
			if _, err := s.Reserve(ctx, key); err != nil {
				t.Fatal(err)
			}
		}
		c.Advance(25 * time.Hour)
		if _, err := s.Reserve(ctx, account.IPKey("198.51.100.3")); err != nil {
			t.Fatal(err)
		}
		n, err := s.PruneAttempts(ctx)
		if err != nil || n != 3 {
			t.Fatalf("pruned %d (%v), want the 3 attempts older than a day", n, err)
		}
		var left int
		if err := d.QueryRowContext(ctx, `SELECT count(*) FROM login_attempts`).Scan(&left); err != nil || left != 1 {
			t.Errorf("attempts left %d (%v), want the recent one", left, err)
		}
	})
}
