package app

import (
	"context"
	"fmt"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/jobs"
)

// OpenDB opens and migrates the database the configuration names. Every
// subcommand goes through it, so a fresh data directory just works.
func OpenDB(ctx context.Context, c *Config) (*db.DB, error) {
	d, err := db.Open(ctx, c.DatabaseURL, c.DataDir)
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("migrate %s: %w", c.Redacted(), err)
	}
	if err := jobs.Migrate(ctx, d); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}
