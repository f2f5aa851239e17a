package account_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/dbtest"
)

// TestAddressBlock: the limits per client address count an IPv6 client
// by its /64 (one line's block) and an IPv4-mapped address as its IPv4,
// so that a client cannot step round them by changing address within
// what its line was given.
func TestAddressBlock(t *testing.T) {
	cases := []struct {
		a, b string
		same bool
	}{
		{"2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", true},
		{"2001:db8:1:2::1", "2001:db8:1:2::1%eth0", true},
		{"2001:db8:1:2::1", "2001:db8:1:3::1", false},
		{"192.0.2.1", "::ffff:192.0.2.1", true},
		{"192.0.2.1", "192.0.2.2", false},
		{"not an address", "not an address", true},
	}
	for _, c := range cases {
		t.Run(c.a+" "+c.b, func(t *testing.T) {
			if got := account.IPKey(c.a) == account.IPKey(c.b); got != c.same {
				t.Errorf("IPKey(%q) = %q, IPKey(%q) = %q: same %v, want %v", c.a, account.IPKey(c.a), c.b, account.IPKey(c.b), got, c.same)
			}
			if got := account.PairKey("ed@example.org", c.a) == account.PairKey("Ed@example.org", c.b); got != c.same {
				t.Errorf("PairKey from %q and %q: same %v, want %v", c.a, c.b, got, c.same)
			}
		})
	}
	// The limit per address holds across the /64: 30 sign-ins from 30
	// addresses of one line, and the 31st, from another, is refused.
	ctx := context.Background()
	s, _ := newService(t, dbtest.SQLite(t))
	limit := account.DefaultLimits()["ip:"].Max
	for i := range limit {
		if _, err := s.Reserve(ctx, account.IPKey(fmt.Sprintf("2001:db8:1:2::%x", i+1))); err != nil {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	var lim *account.LimitedError
	if _, err := s.Reserve(ctx, account.IPKey("2001:db8:1:2::ffff")); !errors.As(err, &lim) {
		t.Fatalf("attempt %d from the same /64: %v, want refused", limit+1, err)
	}
}
