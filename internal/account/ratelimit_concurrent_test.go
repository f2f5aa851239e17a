package account_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

// TestReserveUnderConcurrency: however many attempts arrive at once, no
// more than the limit get through Reserve, and the others are refused
// with a LimitedError, not a database error.
func TestReserveUnderConcurrency(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d)
		for _, tc := range []struct {
			key      string
			n, limit int
		}{
			{account.ResetKey("ed@example.org"), 20, 3},
			{account.IPKey("192.0.2.1"), 60, 30},
		} {
			var passed, refused atomic.Int32
			var wg sync.WaitGroup
			for range tc.n {
				wg.Go(func() {
					_, err := s.Reserve(context.Background(), tc.key)
					var lim *account.LimitedError
					switch {
					case err == nil:
						passed.Add(1)
					case errors.As(err, &lim):
						refused.Add(1)
					default:
						t.Errorf("%s: %v", tc.key, err)
					}
				})
			}
			wg.Wait()
			if int(passed.Load()) > tc.limit || int(passed.Load()+refused.Load()) != tc.n {
				t.Errorf("%s: %d at once: %d passed, %d refused; want at most %d passed", tc.key, tc.n, passed.Load(), refused.Load(), tc.limit)
			}
		}
	})
}
