package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

// TestSignInLimitHoldsUnderConcurrency sends wrong passwords all at once:
// for one account from one address no more than the limit (5) may reach
// the password check (401); the rest are refused before it (429). The
// same for one address trying many accounts (limit 30).
func TestSignInLimitHoldsUnderConcurrency(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newStaffSite(t, d, nil)
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
					res := s.do(t, "POST", "/signin", "", url.Values{"email": {tc.email(i)}, "password": {fmt.Sprintf("wrong guess %d", i)}})
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
