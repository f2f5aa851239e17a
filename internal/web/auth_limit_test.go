package web_test

import (
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/web"
)

// TestSignInLimitHoldsUnderConcurrency sends wrong passwords all at once:
// for one account from one address no more than the limit (5) may reach
// the password check (401); the rest are refused before it (429). The
// same for one address trying many accounts (limit 30).
func TestSignInLimitHoldsUnderConcurrency(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newHarness(t, d, withStaff())
		s.person(t, "ed@example.org", account.Editor)
		for _, tc := range []struct {
			name     string
			n, limit int
			email    func(i int) string
		}{
			{"one account", 15, 5, func(int) string { return "ed@example.org" }},
			{"one address, many accounts", 45, 30, func(i int) string { return fmt.Sprintf("nobody%d@example.org", i) }},
		} {
			statuses := make(chan int, tc.n)
			var wg sync.WaitGroup
			for i := range tc.n {
				wg.Go(func() {
					res := s.do(t, req{method: "POST", path: "/signin", form: url.Values{"email": {tc.email(i)}, "password": {fmt.Sprintf("wrong guess %d", i)}}})
					statuses <- res.status
				})
			}
			wg.Wait()
			close(statuses)
			count := map[int]int{}
			for st := range statuses {
				count[st]++
			}
			if count[http.StatusUnauthorized] > tc.limit || count[http.StatusUnauthorized]+count[http.StatusTooManyRequests] != tc.n {
				t.Errorf("%s: %d parallel wrong passwords gave %v; want at most %d checked (401), the rest 429", tc.name, tc.n, count, tc.limit)
			}
		}
	})
}

// TestSignInFailuresCannotLockTheOwnerOut: an attacker's failures stop the
// attacker's address, slow the account by seconds rather than lock it for
// 15 minutes, and tell the owner once by email.
func TestSignInFailuresCannotLockTheOwnerOut(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newHarness(t, d, withStaff(), withDeps(trustLoopback))
		s.person(t, "ed@example.org", account.Editor)
		from := func(ip, pw string) response {
			return s.do(t, req{method: "POST", path: "/signin", form: url.Values{"email": {"ed@example.org"}, "password": {pw}},
				header: map[string]string{"X-Forwarded-For": ip}})
		}
		for i := range 5 {
			if res := from("192.0.2.66", fmt.Sprintf("guess %d", i)); res.status != http.StatusUnauthorized {
				t.Fatalf("guess %d: %d", i+1, res.status)
			}
		}
		if res := from("192.0.2.66", "guess 6"); res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") != "900" {
			t.Fatalf("sixth guess from the same address: %d, Retry-After %q", res.status, res.header.Get("Retry-After"))
		}
		// The owner, elsewhere, is asked to wait a second, not 15 minutes.
		res := from("198.51.100.1", testPassword)
		if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") != "1" ||
			!strings.Contains(res.body, "Try again in 1 second.") || !strings.Contains(res.body, `aria-describedby="email-error"`) {
			t.Fatalf("owner at once: %d, Retry-After %q\n%s", res.status, res.header.Get("Retry-After"), res.body)
		}
		s.clock.Advance(time.Second)
		if res := from("198.51.100.1", testPassword); res.status != http.StatusSeeOther || res.cookie == nil {
			t.Fatalf("owner a second later: %d", res.status)
		}
		// A burst from many addresses: one email to the owner, not one per failure.
		for i := range 15 {
			for {
				res := from(fmt.Sprintf("203.0.113.%d", i+1), "another guess")
				if res.status == http.StatusTooManyRequests {
					wait, err := strconv.Atoi(res.header.Get("Retry-After"))
					if err != nil || wait > 60 {
						t.Fatalf("failure %d: Retry-After %q", i+1, res.header.Get("Retry-After"))
					}
					s.clock.Advance(time.Duration(wait) * time.Second)
					continue
				}
				if res.status != http.StatusUnauthorized {
					t.Fatalf("failure %d: %d", i+1, res.status)
				}
				break
			}
		}
		s.mail.mu.Lock()
		defer s.mail.mu.Unlock()
		if len(s.mail.sent) != 1 || s.mail.sent[0].To != "ed@example.org" || s.mail.sent[0].Kind != "signin_alert" ||
			!strings.Contains(s.mail.sent[0].Text, "10 attempts to sign in") {
			t.Fatalf("mail after a burst of 15 failures: %+v", s.mail.sent)
		}
	})
}

// trustLoopback lets a test name its client with X-Forwarded-For, as a
// proxy on loopback would.
func trustLoopback(d *web.Deps) {
	d.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
}
