package db_test

import (
	"context"
	"errors"
	"testing"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

func TestHealthChecksPassOnAGoodDatabase(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := d.QuickCheck(ctx); err != nil {
			t.Errorf("QuickCheck: %v", err)
		}
		if err := d.Probe(ctx); err != nil {
			t.Errorf("Probe: %v", err)
		}
	})
}

// A file with a good header and a damaged table in the middle opens, and
// the migration table still reads (which is all readiness used to look
// at); the quick check and the probe must both see the damage.
func TestHealthChecksFindADamagedTable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d, err := db.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	d.Close()
	dbtest.CorruptTable(t, dir, "articles")

	d, err = db.Open(ctx, "", dir)
	if err != nil {
		t.Fatalf("a file damaged in the middle should still open: %v", err)
	}
	defer d.Close()
	if applied, total, err := d.MigrationStatus(ctx); err != nil || applied != total {
		t.Fatalf("migration status on the damaged file: %d of %d, %v; the test needs it to read", applied, total, err)
	}
	if err := d.QuickCheck(ctx); !errors.Is(err, db.ErrCorrupt) {
		t.Errorf("QuickCheck: %v, want ErrCorrupt", err)
	}
	if err := d.Probe(ctx); !errors.Is(err, db.ErrCorrupt) {
		t.Errorf("Probe: %v, want ErrCorrupt", err)
	}
}
