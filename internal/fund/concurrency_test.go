package fund_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
)

// TestConcurrentDuplicates delivers 100 distinct payments twice each from
// 200 goroutines at once, as a redelivering payment provider might, and
// wants exactly 100 credits and the exact total.
func TestConcurrentDuplicates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		const distinct = 100
		var wg sync.WaitGroup
		var dups, errs atomic.Int64
		start := make(chan struct{})
		for i := range 2 * distinct {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				n := int64(i%distinct + 1) // £1 … £100, each twice
				_, err := s.Record(ctx, gift(n, fund.Card, ref(fmt.Sprintf("pi_%03d", n))))
				switch {
				case errors.Is(err, fund.ErrDuplicate):
					dups.Add(1)
				case err != nil:
					errs.Add(1)
					t.Error(err)
				}
			}()
		}
		close(start)
		wg.Wait()
		if errs.Load() != 0 {
			t.Fatalf("%d records failed", errs.Load())
		}
		tot, err := s.Totals(ctx, "2024-11")
		if err != nil {
			t.Fatal(err)
		}
		const want = distinct * (distinct + 1) / 2 // £5,050
		if tot.Gifts != distinct || tot.Raised != gbp(want) || dups.Load() != distinct {
			t.Fatalf("%d gifts, raised %s, %d duplicates; want %d, £%d, %d", tot.Gifts, tot.Raised, dups.Load(), distinct, want, distinct)
		}
		if b := s.Snapshot().Box(c.Now()); b.Raised != gbp(want) {
			t.Fatalf("snapshot shows %s, want £%d", b.RaisedText, want)
		}
		rep, err := s.Check(ctx)
		if err != nil || !rep.OK() {
			t.Fatalf("check after the storm: %+v %v", rep, err)
		}
	})
}
