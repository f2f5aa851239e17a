package db

import (
	"context"
	"fmt"
)

// MigrateTo applies the pending migrations up to and including version,
// so that a test can put rows in an older schema and watch a later
// migration carry them.
func (d *DB) MigrateTo(ctx context.Context, version int64) error {
	p, err := d.provider()
	if err != nil {
		return err
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		return fmt.Errorf("db: migrate to %d: %w", version, err)
	}
	return nil
}
