package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

// TestConcurrentTransactionsFailAlone: on SQLite concurrent InTx calls
// share commits; one that fails (or panics) after writing must be undone
// alone, and every other one kept. Run on both engines, so PostgreSQL's
// own transactions give the same answers.
func TestConcurrentTransactionsFailAlone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		errOdd := errors.New("odd")
		const n = 200
		var wg sync.WaitGroup
		results := make([]error, n)
		panics := make([]any, n)
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { panics[i] = recover() }()
				<-start
				results[i] = d.InTx(ctx, func(tx *sql.Tx) error {
					if _, err := tx.ExecContext(ctx, `INSERT INTO gone_slugs (slug, removed_at) VALUES ($1, $2)`,
						fmt.Sprintf("s%03d", i), db.UTC(time.Now())); err != nil {
						return err
					}
					switch {
					case i%10 == 7:
						panic(fmt.Sprintf("boom %d", i))
					case i%2 == 1:
						return errOdd
					}
					return nil
				})
			}()
		}
		close(start)
		wg.Wait()
		for i := range n {
			switch {
			case i%10 == 7:
				if panics[i] != fmt.Sprintf("boom %d", i) {
					t.Errorf("call %d: panicked with %v in its own goroutine, want boom", i, panics[i])
				}
			case i%2 == 1:
				if !errors.Is(results[i], errOdd) {
					t.Errorf("call %d: %v, want its own error", i, results[i])
				}
			case results[i] != nil || panics[i] != nil:
				t.Errorf("call %d: %v %v", i, results[i], panics[i])
			}
		}
		var kept, odd int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN CAST(SUBSTR(slug, 2) AS INTEGER) % 2 = 1 THEN 1 ELSE 0 END), 0)
			FROM gone_slugs WHERE slug LIKE 's%'`).Scan(&kept, &odd); err != nil {
			t.Fatal(err)
		}
		if kept != n/2 || odd != 0 {
			t.Fatalf("%d rows kept (%d of failed calls), want %d and none", kept, odd, n/2)
		}
	})
}
