package db_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

// The statement cache must give the same answers as preparing each time:
// the same query run again with new arguments, the same query run while its
// earlier rows are still open, and more distinct queries than it keeps.
func TestSQLiteStatementReuse(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	const q = `INSERT INTO gone_slugs (slug, removed_at) VALUES ($1, $2)`
	for i := 0; i < 50; i++ {
		if _, err := d.ExecContext(ctx, q, fmt.Sprintf("s%02d", i), db.UTC(time.Now())); err != nil {
			t.Fatal(err)
		}
	}
	const sel = `SELECT slug FROM gone_slugs WHERE slug >= $1 ORDER BY slug`
	// Nested use of one statement inside a transaction, on the writer's
	// single connection: the inner query must not disturb the outer rows.
	err := d.InTx(ctx, func(tx *sql.Tx) error {
		outer, err := tx.QueryContext(ctx, sel, "s45")
		if err != nil {
			return err
		}
		defer outer.Close()
		n := 0
		for outer.Next() {
			var slug string
			if err := outer.Scan(&slug); err != nil {
				return err
			}
			var inner int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (`+sel+`)`, slug).Scan(&inner); err != nil {
				return err
			}
			rows, err := tx.QueryContext(ctx, sel, slug)
			if err != nil {
				return err
			}
			m := 0
			for rows.Next() {
				m++
			}
			rows.Close()
			if m != inner || m != 50-45-n {
				return fmt.Errorf("at %s: inner %d, count %d", slug, m, inner)
			}
			n++
		}
		if n != 5 {
			return fmt.Errorf("outer rows %d, want 5", n)
		}
		return outer.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	// More distinct statements than the cache holds.
	for i := 0; i < 300; i++ {
		var got int
		if err := d.Writer().QueryRowContext(ctx, fmt.Sprintf("SELECT %d + $1", i), 1).Scan(&got); err != nil || got != i+1 {
			t.Fatalf("statement %d: %d, %v", i, got, err)
		}
	}
	if err := d.Close(); err != nil {
		t.Fatalf("close with cached statements: %v", err)
	}
}
