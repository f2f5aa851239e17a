package fund

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// RolloverArgs is the durable job that opens campaigns before they are
// needed: this month's and next month's, each starting from the target of
// the month before unless the treasurer has set one.
type RolloverArgs struct{}

// Kind names the job in River's table.
func (RolloverArgs) Kind() string { return "fund_rollover" }

// RolloverWorker runs RolloverArgs.
type RolloverWorker struct {
	river.WorkerDefaults[RolloverArgs]
	Service *Service
}

// Work makes sure this month's and next month's campaigns exist. It is
// idempotent, so running it twice, or on several nodes, changes nothing.
func (w *RolloverWorker) Work(ctx context.Context, _ *river.Job[RolloverArgs]) error {
	return w.Service.Rollover(ctx)
}

// Rollover creates this month's and next month's campaigns if missing.
func (s *Service) Rollover(ctx context.Context) error {
	now := s.now().In(s.loc)
	for _, t := range []time.Time{now, time.Date(now.Year(), now.Month()+1, 1, 12, 0, 0, 0, s.loc)} {
		if _, err := s.EnsureCampaign(ctx, s.MonthOf(t)); err != nil {
			return err
		}
	}
	return nil
}

// RolloverSchedule runs the rollover at start and every hour, so next
// month's campaign is open well before midnight on the last day, even on a
// server that was down for a while.
func RolloverSchedule() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return RolloverArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}
