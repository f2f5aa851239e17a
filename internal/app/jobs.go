package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/jobs"
	"github.com/coopress/coopress/internal/payment"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// jobRunner is the server's River client. Services that enqueue jobs are
// built before it (its workers need them), so they take Inserter, which
// forwards to the client once start has built it.
type jobRunner struct {
	workers  *jobs.Workers
	periodic []*river.PeriodicJob
	client   atomic.Pointer[jobs.Client]
}

func newJobRunner() *jobRunner { return &jobRunner{workers: jobs.NewWorkers()} }

// Workers is the registry to add workers to before start.
func (j *jobRunner) Workers() *jobs.Workers { return j.workers }

// AddPeriodic schedules a job (its worker must be in Workers); call it
// before start.
func (j *jobRunner) AddPeriodic(p *river.PeriodicJob) { j.periodic = append(j.periodic, p) }

// InsertTx inserts a job through the client; it fails before start.
func (j *jobRunner) InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	c := j.client.Load()
	if c == nil {
		return nil, errors.New("app: job queue not started")
	}
	return c.InsertTx(ctx, tx, args, opts)
}

// InsertManyTx inserts several jobs in one statement; it fails before start.
func (j *jobRunner) InsertManyTx(ctx context.Context, tx *sql.Tx, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error) {
	c := j.client.Load()
	if c == nil {
		return nil, errors.New("app: job queue not started")
	}
	return c.InsertManyTx(ctx, tx, params)
}

// start builds the client with every registered worker and starts working
// jobs; stop waits for running jobs to finish (up to 10 s, then cancels
// them: each job is idempotent and is retried after a restart).
func (j *jobRunner) start(ctx context.Context, d *db.DB, log *slog.Logger) (stop func(), err error) {
	if err := requeueOrphans(ctx, d); err != nil {
		return nil, err
	}
	c, err := jobs.NewClient(d, log, j.workers, jobs.Options{MaxWorkers: 50, PollInterval: 50 * time.Millisecond,
		Periodic: j.periodic})
	if err != nil {
		return nil, err
	}
	j.client.Store(c)
	// Jobs outlive the request that queued them, not the server: they get
	// their own context so shutdown can let them finish.
	if err := c.Start(context.WithoutCancel(ctx)); err != nil {
		return nil, fmt.Errorf("start job workers: %w", err)
	}
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := c.Stop(sctx); err != nil {
			log.Warn("job workers did not stop in time; cancelling", "err", err)
			hctx, hcancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer hcancel()
			_ = c.StopAndCancel(hctx)
		}
	}, nil
}

// requeueOrphans makes payment jobs left "running" by a killed process
// available again. River's rescuer would do it too, but only an hour later,
// and a donation should not wait that long to show. On SQLite the data
// directory's lock proves no other server is working jobs, so at start
// every running job is an orphan; the payment worker is idempotent, so
// running one again is safe. On PostgreSQL other nodes may be working
// them, so there the rescuer is left to it.
func requeueOrphans(ctx context.Context, d *db.DB) error {
	if d.Dialect() != db.SQLite {
		return nil
	}
	_, err := d.ExecContext(ctx, `UPDATE river_job SET state = 'available'
		WHERE state = 'running' AND kind = $1`, payment.ApplyEventArgs{}.Kind())
	if err != nil {
		return fmt.Errorf("requeue orphaned payment jobs: %w", err)
	}
	return nil
}
