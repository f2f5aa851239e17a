package jobs_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/jobs"
	"github.com/coopress/coopress/internal/testwait"
	"github.com/riverqueue/river"
)

type noteArgs struct {
	Slug string `json:"slug"`
}

func (noteArgs) Kind() string { return "test_note" }

// noteWorker marks a gone_slugs row, failing the first attempt of every job
// so that the test also proves retries happen.
type noteWorker struct {
	river.WorkerDefaults[noteArgs]
	d        *db.DB
	attempts sync.Map
	done     atomic.Int64
}

func (w *noteWorker) Work(ctx context.Context, job *river.Job[noteArgs]) error {
	if _, loaded := w.attempts.LoadOrStore(job.Args.Slug, true); !loaded {
		return errors.New("first attempt fails on purpose")
	}
	if _, err := w.d.ExecContext(ctx, `UPDATE gone_slugs SET slug = slug || '-done' WHERE slug = $1`, job.Args.Slug); err != nil {
		return err
	}
	w.done.Add(1)
	return nil
}

func (w *noteWorker) NextRetry(*river.Job[noteArgs]) time.Time {
	return time.Now().Add(50 * time.Millisecond)
}

func TestJobsInsertedInTransactionRunOnceWithRetry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := jobs.Migrate(ctx, d); err != nil {
			t.Fatal(err)
		}
		w := &noteWorker{d: d}
		workers := jobs.NewWorkers()
		river.AddWorker(workers, w)
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		c, err := jobs.NewClient(d, log, workers, jobs.Options{PollInterval: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		const n = 20
		for i := 0; i < n; i++ {
			slug := "job-" + string(rune('a'+i))
			err := d.InTx(ctx, func(tx *sql.Tx) error {
				if _, err := tx.ExecContext(ctx, `INSERT INTO gone_slugs (slug, removed_at) VALUES ($1, $2)`, slug, db.UTC(time.Now())); err != nil {
					return err
				}
				_, err := c.InsertTx(ctx, tx, noteArgs{Slug: slug}, nil)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		// A rolled-back transaction leaves no job behind.
		_ = d.InTx(ctx, func(tx *sql.Tx) error {
			if _, err := c.InsertTx(ctx, tx, noteArgs{Slug: "rolled-back"}, nil); err != nil {
				t.Fatal(err)
			}
			return errors.New("roll back")
		})
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer c.Stop(ctx)
		// Wait for the queue to drain: every job River holds completed and
		// none waiting or retrying. Only then can "exactly n" be asserted;
		// counting earlier would pass even if a job were about to run twice.
		var completed, unfinished int
		drained := testwait.For(20*time.Second, func() bool {
			if err := d.QueryRowContext(ctx, `SELECT
				COALESCE(SUM(CASE WHEN state = 'completed' THEN 1 ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN state IN ('completed', 'cancelled', 'discarded') THEN 0 ELSE 1 END), 0)
				FROM river_job`).Scan(&completed, &unfinished); err != nil {
				t.Fatal(err)
			}
			return completed == n && unfinished == 0
		})
		if !drained {
			t.Fatalf("queue not drained after 20s: %d jobs completed, %d unfinished, want %d and 0", completed, unfinished, n)
		}
		if got := w.done.Load(); got != n {
			t.Fatalf("%d jobs done, want %d", got, n)
		}
		var doneRows int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM gone_slugs WHERE slug LIKE '%-done'`).Scan(&doneRows); err != nil {
			t.Fatal(err)
		}
		if doneRows != n {
			t.Fatalf("%d rows marked done, want %d (a job ran twice or not at all)", doneRows, n)
		}
		if _, ok := w.attempts.Load("rolled-back"); ok {
			t.Fatal("a job from a rolled-back transaction ran")
		}
	})
}
