package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

func TestMigrateAndPlaceholders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		applied, total, err := d.MigrationStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if applied != total || total == 0 {
			t.Fatalf("applied %d of %d migrations", applied, total)
		}
		// Both engines bind $N by number, which every store relies on.
		var a, b int
		if err := d.QueryRowContext(ctx, "SELECT CAST($2 AS INTEGER), CAST($1 AS INTEGER)", 10, 20).Scan(&a, &b); err != nil {
			t.Fatal(err)
		}
		if a != 20 || b != 10 {
			t.Fatalf("SELECT $2, $1 gave %d, %d", a, b)
		}
	})
}

func TestTimesRoundTripInUTC(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		when := db.UTC(time.Date(2024, 11, 6, 14, 30, 5, 123456000, time.FixedZone("x", 3600)))
		if _, err := d.ExecContext(ctx, `INSERT INTO gone_slugs (slug, removed_at) VALUES ($1, $2)`, "x", when); err != nil {
			t.Fatal(err)
		}
		var got time.Time
		if err := d.QueryRowContext(ctx, `SELECT removed_at FROM gone_slugs WHERE removed_at <= $1`, when).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if !got.Equal(when) {
			t.Fatalf("got %v want %v", got, when)
		}
	})
}

func TestUniqueViolation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := db.UTC(time.Now())
		if _, err := d.ExecContext(ctx, `INSERT INTO gone_slugs (slug, removed_at) VALUES ($1, $2)`, "dup", now); err != nil {
			t.Fatal(err)
		}
		_, err := d.ExecContext(ctx, `INSERT INTO gone_slugs (slug, removed_at) VALUES ($1, $2)`, "dup", now)
		if !db.IsUniqueViolation(err) {
			t.Fatalf("want unique violation, got %v", err)
		}
	})
}

func TestConcurrentMigrationsOnPostgres(t *testing.T) {
	url := dbtest.PostgresURL(t)
	ctx := context.Background()
	errs := make(chan error, 3)
	for i := 0; i < 3; i++ {
		go func() {
			d, err := db.Open(ctx, url, "")
			if err != nil {
				errs <- err
				return
			}
			defer d.Close()
			errs <- d.Migrate(ctx)
		}()
	}
	for i := 0; i < 3; i++ {
		if err := <-errs; err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
	}
}

func TestPathWithURLCharacters(t *testing.T) {
	dir := t.TempDir() + "/odd?name#with%chars"
	d, err := db.Open(context.Background(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
}
