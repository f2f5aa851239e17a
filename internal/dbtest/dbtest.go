// Package dbtest gives tests a fresh, migrated database on each engine.
//
// SQLite is always available. PostgreSQL comes from COOPRESS_TEST_DATABASE_URL
// (make test starts a throwaway server and sets it); every call creates a new
// database on that server so tests never see each other's rows. Without it a
// PostgreSQL test is skipped loudly, and under CI=true it fails. Under
// go test -short it is always skipped, quietly.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/coopress/coopress/internal/db"
)

// EnvURL names the variable that points tests at a PostgreSQL server.
const EnvURL = "COOPRESS_TEST_DATABASE_URL"

// SQLite opens a fresh migrated SQLite database in a temporary directory.
func SQLite(t testing.TB) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), "", t.TempDir())
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate sqlite: %v", err)
	}
	return d
}

// PostgresURL creates a fresh, empty database on the test server and returns
// its URL; it skips (or fails under CI) when no server is configured.
func PostgresURL(t testing.TB) string {
	t.Helper()
	// -short is the quick SQLite-only run (make check): skipping here is
	// the point of the flag, so it comes before the CI rule.
	if testing.Short() {
		t.Skip("PostgreSQL half skipped: -short runs SQLite only")
	}
	base := os.Getenv(EnvURL)
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: PostgreSQL tests must run in CI", EnvURL)
		}
		t.Skipf("SKIPPING PostgreSQL test: %s is not set (make test starts a server)", EnvURL)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "coopress_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		_, _ = a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvURL, err)
	}
	u.Path = "/" + name
	return u.String()
}

// Postgres opens a fresh migrated PostgreSQL database.
func Postgres(t testing.TB) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), PostgresURL(t), "")
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate postgres: %v", err)
	}
	return d
}

// Each runs fn as a subtest once on SQLite and once on PostgreSQL, each with
// its own fresh database.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}
