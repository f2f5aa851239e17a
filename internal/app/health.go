package app

import (
	"context"
	"fmt"
	"syscall"
	"time"

	"github.com/coopress/coopress/internal/db"
)

// minFreeDisk is the free space below which a SQLite node says it is not
// ready. SQLite needs room for the write-ahead log and for a transaction's
// journal; with less, every write fails with "database or disk is full"
// and pages that record anything answer 500, so the load balancer should
// send readers elsewhere (or the operator should hear of it) first.
const minFreeDisk = 64 << 20

// readiness answers /readyz: the node can serve when the database is fully
// migrated, every table's first page reads, and on SQLite the data
// directory has room to write. It does not write a probe row: a write on
// every check (every few seconds, from every balancer) would grow the
// write-ahead log and queue behind real writes, while the free-space check
// sees a full disk before SQLite does, for the cost of one statfs call.
type readiness struct {
	db *db.DB
	// dir is the data directory to watch, empty on PostgreSQL (whose disk
	// is the database server's to watch); minFree is minFreeDisk except in
	// tests.
	dir     string
	minFree uint64
}

func newReadiness(d *db.DB, cfg *Config) readiness {
	r := readiness{db: d, minFree: minFreeDisk}
	if d.Dialect() == db.SQLite {
		r.dir = cfg.DataDir
	}
	return r
}

// Ready reports why the node cannot serve, or nil.
func (r readiness) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	applied, total, err := r.db.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	if applied != total {
		return fmt.Errorf("database at migration %d of %d", applied, total)
	}
	if err := r.db.Probe(ctx); err != nil {
		return err
	}
	if r.dir != "" {
		var st syscall.Statfs_t
		if err := syscall.Statfs(r.dir, &st); err != nil {
			return fmt.Errorf("free space in %s: %w", r.dir, err)
		}
		if free := st.Bavail * uint64(st.Bsize); free < r.minFree {
			return fmt.Errorf("only %d MB free in %s; the database needs at least %d MB to write", free>>20, r.dir, r.minFree>>20)
		}
	}
	return nil
}

// openChecked is OpenDB for serve: before migrating or accepting a
// request it runs SQLite's quick check over the whole file, because a file
// damaged in the middle opens without complaint and then fails page by
// page while the site looks up. A damaged file is refused with the way
// back: coopress restore.
func openChecked(ctx context.Context, cfg *Config) (*db.DB, error) {
	d, err := db.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return nil, cfg.openError(err)
	}
	if err := d.QuickCheck(ctx); err != nil {
		d.Close()
		return nil, cfg.openError(err)
	}
	return migrated(ctx, cfg, d)
}
