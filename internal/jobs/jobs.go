// Package jobs runs coopress's durable background work on River, on the same
// database as everything else: a job is inserted in the same transaction as
// the change that needs it, so it exists exactly when the change does, and it
// survives a crash or restart until a worker has done it.
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// Client is River's client over database/sql on either engine. Both drivers
// take *sql.Tx, so domain code enqueues jobs inside its own transactions.
type Client = river.Client[*sql.Tx]

// Workers is the registry that domain packages add their workers to.
type Workers = river.Workers

// NewWorkers returns an empty worker registry.
func NewWorkers() *Workers { return river.NewWorkers() }

// Options tune the queue; zero values take sensible defaults.
type Options struct {
	// MaxWorkers bounds how many jobs run at once in this process.
	MaxWorkers int
	// PollInterval is how often idle workers look for new jobs. Both drivers
	// run in poll-only mode (database/sql cannot LISTEN), so this is the
	// worst-case delay before a job starts.
	PollInterval time.Duration
	// Periodic jobs to run on a schedule (nil for none).
	Periodic []*river.PeriodicJob
}

func driver(d *db.DB) riverdriver.Driver[*sql.Tx] {
	if d.Dialect() == db.Postgres {
		return riverdatabasesql.New(d.Writer())
	}
	// The SQLite writer pool has one connection: River's writes queue
	// behind ours instead of failing with SQLITE_BUSY.
	return riversqlite.New(d.Writer())
}

// Migrate creates or updates River's own tables.
func Migrate(ctx context.Context, d *db.DB) error {
	m, err := rivermigrate.New(driver(d), nil)
	if err != nil {
		return fmt.Errorf("jobs: migrator: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	return nil
}

// NewClient returns a client that works the jobs in workers. With nil
// workers it can only insert jobs, which is what short-lived commands need:
// the server's workers then run them.
func NewClient(d *db.DB, log *slog.Logger, workers *Workers, o Options) (*Client, error) {
	if o.MaxWorkers == 0 {
		o.MaxWorkers = 10
	}
	if o.PollInterval == 0 {
		o.PollInterval = 100 * time.Millisecond
	}
	cfg := &river.Config{
		Logger:            log,
		FetchPollInterval: o.PollInterval,
		// After a fetch that filled every free worker, the next fetch comes
		// after this short pause, not after a whole poll interval: with
		// short jobs the cooldown, not the workers, bounds throughput
		// (MaxWorkers jobs per cooldown at most).
		FetchCooldown: max(time.Millisecond, min(o.PollInterval/10, 5*time.Millisecond)),
		MaxAttempts:   25,
		JobTimeout:    time.Minute,
		// A job left running by a crashed node is taken up again after
		// this long, instead of River's default hour: money that Stripe
		// was told we have must be credited soon. Every job is idempotent,
		// so a slow job that overlaps its rescue does no harm.
		RescueStuckJobsAfter: 2 * time.Minute,
		PeriodicJobs:         o.Periodic,
		// Jobs are the record of money applied; keep finished ones a while
		// so a treasurer can trace a credit back to its event.
		CompletedJobRetentionPeriod: 30 * 24 * time.Hour,
	}
	if workers != nil {
		cfg.Workers = workers
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: o.MaxWorkers}}
	}
	c, err := river.NewClient(driver(d), cfg)
	if err != nil {
		return nil, fmt.Errorf("jobs: new client: %w", err)
	}
	return c, nil
}
