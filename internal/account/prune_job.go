package account

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// PruneArgs is the periodic job that deletes expired sessions and old
// sign-in attempts, so the tables stay small on a long-running site.
type PruneArgs struct{}

// Kind names the job in River's table.
func (PruneArgs) Kind() string { return "account_prune" }

// PruneWorker runs PruneArgs.
type PruneWorker struct {
	river.WorkerDefaults[PruneArgs]
	Service *Service
}

// Work deletes expired sessions, dead reader links, sign-in attempts
// older than a day and passkey challenges past their time; it is
// idempotent.
func (w *PruneWorker) Work(ctx context.Context, _ *river.Job[PruneArgs]) error {
	if _, err := w.Service.PruneSessions(ctx); err != nil {
		return err
	}
	if _, err := w.Service.PruneReaderLinks(ctx); err != nil {
		return err
	}
	_, err := w.Service.PruneAttempts(ctx)
	return err
}

// PruneSchedule runs the clean-up every six hours and at start.
func PruneSchedule() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(6*time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return PruneArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}
