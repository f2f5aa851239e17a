package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
)

// TestSupportersListSubscriptions: the card and Direct Debit supporters
// follow the standing orders, filtered by the same --status, on both
// engines.
func TestSupportersListSubscriptions(t *testing.T) {
	fundStores(t, func(t *testing.T, store []string) {
		ctx := context.Background()
		d := openStore(t, store)
		now := db.UTC(time.Now())
		if _, err := d.ExecContext(ctx, `INSERT INTO supporter_plans (name, amount_minor, min_minor, currency, billing_interval,
			provider_product, provider_price, active, created_at, created_by)
			VALUES ('Monthly £5', 500, 500, 'GBP', 'month', 'prod_1', 'price_1', 1, $1, 'test')`, now); err != nil {
			t.Fatal(err)
		}
		for _, s := range []struct{ ref, name, method, status string }{
			{"j1", "Dora Reader", "card", "active"}, {"j2", "Eve Reader", "direct-debit", "failing"}, {"j3", "Finn Left", "card", "pending"},
		} {
			if _, err := d.ExecContext(ctx, `INSERT INTO subscriptions (join_ref, plan_id, amount_minor, currency, method, status,
				email, name, created_at, updated_at) SELECT $1, id, 500, 'GBP', $2, $3, 'r@paper.test', $4, $5, $5
				FROM supporter_plans`, s.ref, s.method, s.status, s.name, now); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct {
			status        string
			want, notWant []string
		}{
			{"", []string{"0 standing orders", "Dora Reader", "£5 a month", "direct-debit", "Eve Reader", "failing", "2 subscriptions by card or Direct Debit"}, []string{"Finn"}},
			{"failing", []string{"Eve Reader", "1 subscription by card or Direct Debit"}, []string{"Dora", "Finn"}},
		} {
			var out, errOut bytes.Buffer
			args := append([]string{"supporters", "list"}, store...)
			if tc.status != "" {
				args = append(args, "--status", tc.status)
			}
			if code := run(ctx, args, &out, &errOut); code != 0 {
				t.Fatalf("--status %q: exit %d, stderr %q", tc.status, code, errOut.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("--status %q: stdout lacks %q:\n%s", tc.status, w, out.String())
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(out.String(), w) {
					t.Errorf("--status %q: stdout has %q:\n%s", tc.status, w, out.String())
				}
			}
		}
	})
}
