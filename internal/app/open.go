package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/jobs"
)

// OpenDB opens the database the configuration names, creating it when
// missing, and migrates it. Only serve and migrate use it: they are the
// commands that may make a new site.
func OpenDB(ctx context.Context, c *Config) (*db.DB, error) {
	d, err := db.Open(ctx, c.DatabaseURL, c.DataDir)
	if err != nil {
		return nil, c.openError(err)
	}
	return migrated(ctx, c, d)
}

// OpenExistingDB opens and migrates a database that must already exist;
// every command other than serve and migrate goes through it, so a
// mistyped --data is an error and creates nothing. On PostgreSQL a
// database "exists" for coopress once its migration table does (coopress
// serve or migrate creates it).
func OpenExistingDB(ctx context.Context, c *Config) (*db.DB, error) {
	d, err := db.OpenExisting(ctx, c.DatabaseURL, c.DataDir)
	if err != nil {
		return nil, c.openError(err)
	}
	return migrated(ctx, c, d)
}

func migrated(ctx context.Context, c *Config, d *db.DB) (*db.DB, error) {
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("migrate %s: %w", c.Where(), err)
	}
	if err := jobs.Migrate(ctx, d); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// openError puts the database's refusals in the operator's words: which
// setting to check, and what to do about a damaged file.
func (c *Config) openError(err error) error {
	switch {
	case errors.Is(err, db.ErrNoDatabase) && c.DatabaseURL == "":
		return plainError{fmt.Sprintf("no coopress database in %s (is --data or COOPRESS_DATA right?)", c.DataDir), err}
	case errors.Is(err, db.ErrNoDatabase) && c.isPostgres():
		return plainError{fmt.Sprintf("no coopress database at %s: the schema has not been created "+
			"(is --database or COOPRESS_DATABASE_URL right? `coopress migrate` creates it)", c.Redacted()), err}
	case errors.Is(err, db.ErrNoDatabase):
		return plainError{fmt.Sprintf("no coopress database at %s (is --database or COOPRESS_DATABASE_URL right?)", c.Redacted()), err}
	case errors.Is(err, db.ErrCorrupt):
		return fmt.Errorf("the database %s is damaged or is not a coopress database; "+
			"put a backup back with `coopress restore FILE` (see `coopress restore -h`): %w", c.Where(), err)
	}
	return err
}

// Where names the database for messages: the SQLite directory or the
// PostgreSQL URL without its password.
func (c *Config) Where() string {
	if c.DatabaseURL == "" {
		return c.DataDir
	}
	return c.Redacted()
}

func (c *Config) isPostgres() bool { return db.IsPostgresURL(c.DatabaseURL) }

// OpenExistingAsIs is OpenExistingDB without migrating: a backup copies the
// database as it is and must not migrate it under a server that may be an
// older version.
func OpenExistingAsIs(ctx context.Context, c *Config) (*db.DB, error) {
	d, err := db.OpenExisting(ctx, c.DatabaseURL, c.DataDir)
	if err != nil {
		return nil, c.openError(err)
	}
	return d, nil
}

// plainError says msg and still matches its cause with errors.Is: the
// cause's own words would only repeat the message in a developer's terms.
type plainError struct {
	msg   string
	cause error
}

func (e plainError) Error() string { return e.msg }
func (e plainError) Unwrap() error { return e.cause }
