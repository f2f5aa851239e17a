package db

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// migrations holds one folder of goose SQL files per engine. Migrations are
// plain SQL and never import live Go types, so an old migration keeps
// meaning what it meant when it was written.
//
//go:embed migrations
var migrations embed.FS

// Migrate applies every pending migration for this engine.
func (d *DB) Migrate(ctx context.Context) error {
	p, err := d.provider()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("db: migrate: %w", err)
	}
	return nil
}

// MigrationStatus reports how many migrations exist and how many are applied.
func (d *DB) MigrationStatus(ctx context.Context) (applied, total int, err error) {
	p, err := d.provider()
	if err != nil {
		return 0, 0, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("db: migration status: %w", err)
	}
	for _, s := range st {
		if s.State == goose.StateApplied {
			applied++
		}
	}
	return applied, len(st), nil
}

func (d *DB) provider() (*goose.Provider, error) {
	dialect, dir := goose.DialectSQLite3, "migrations/sqlite"
	if d.dialect == Postgres {
		dialect, dir = goose.DialectPostgres, "migrations/postgres"
	}
	sub, err := fs.Sub(migrations, dir)
	if err != nil {
		return nil, fmt.Errorf("db: migrations: %w", err)
	}
	var opts []goose.ProviderOption
	if d.dialect == Postgres {
		// Several nodes may start together: an advisory lock makes one
		// migrate while the others wait, instead of racing.
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
		if err != nil {
			return nil, fmt.Errorf("db: migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, d.write, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("db: migrations: %w", err)
	}
	return p, nil
}
