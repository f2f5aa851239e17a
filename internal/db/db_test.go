package db_test

import (
	"context"
	"errors"
	"fmt"
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

// TestUniqueViolation: a duplicate key on either engine is recognised by
// its driver code, through wrapping; any other constraint failure, and
// text that merely looks like one, is not.
func TestUniqueViolation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		for _, q := range []string{
			`CREATE TABLE dup_test (
				id INTEGER PRIMARY KEY,
				code TEXT NOT NULL UNIQUE,
				email TEXT,
				n INTEGER CHECK (n > 0),
				parent INTEGER REFERENCES dup_test(id))`,
			`CREATE UNIQUE INDEX dup_test_email ON dup_test(email)`,
			`INSERT INTO dup_test (id, code, email, n) VALUES (1, 'a', 'a@example.org', 1)`,
		} {
			if _, err := d.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		insert := func(id int, code, email any, n, parent any) error {
			_, err := d.ExecContext(ctx, `INSERT INTO dup_test (id, code, email, n, parent) VALUES ($1, $2, $3, $4, $5)`,
				id, code, email, n, parent)
			return err
		}
		for _, c := range []struct {
			name string
			err  error
			want bool
		}{
			{"duplicate primary key", insert(1, "b", nil, 1, nil), true},
			{"duplicate UNIQUE column", insert(2, "a", nil, 1, nil), true},
			{"duplicate in a unique index", insert(3, "c", "a@example.org", 1, nil), true},
			{"wrapped duplicate", fmt.Errorf("store: save: %w", insert(4, "a", nil, 1, nil)), true},
			{"NOT NULL", insert(5, nil, nil, 1, nil), false},
			{"CHECK", insert(6, "f", nil, -1, nil), false},
			{"FOREIGN KEY", insert(7, "g", nil, 1, 999), false},
			{"a message that only looks like one", errors.New("UNIQUE constraint failed: x (SQLSTATE 23505)"), false},
			{"nil", nil, false},
		} {
			if c.err == nil && c.name != "nil" {
				t.Errorf("%s: the statement succeeded; the case proves nothing", c.name)
				continue
			}
			if got := db.IsUniqueViolation(c.err); got != c.want {
				t.Errorf("%s: IsUniqueViolation(%v) = %v, want %v", c.name, c.err, got, c.want)
			}
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

// TestWriterSyncsEveryCommit guards what is promised to a payment provider
// and a person: a commit they were told of survives a power cut. On SQLite
// that needs synchronous=FULL (2) on the writing connection, since NORMAL
// under WAL may lose the last commits; on PostgreSQL synchronous_commit
// must be on.
func TestWriterSyncsEveryCommit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if d.Dialect() == db.Postgres {
			var v string
			if err := d.Writer().QueryRowContext(ctx, `SHOW synchronous_commit`).Scan(&v); err != nil {
				t.Fatal(err)
			}
			if v != "on" {
				t.Fatalf("synchronous_commit = %s, want on", v)
			}
			return
		}
		var v int
		if err := d.Writer().QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		if v != 2 {
			t.Fatalf("writer runs synchronous=%d, want 2 (FULL)", v)
		}
	})
}
