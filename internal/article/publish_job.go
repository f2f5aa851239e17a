package article

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/jobs"
	"github.com/riverqueue/river"
)

// PublishArgs is the durable job that publishes a scheduled article. At is
// the time it was scheduled for: the job publishes only if the article is
// still scheduled for exactly that time, so rescheduling or unpublishing
// leaves older jobs with nothing to do. Version is the article's version
// when it was scheduled, kept for the log.
type PublishArgs struct {
	ArticleID int64     `json:"article_id"`
	Version   int       `json:"version"`
	At        time.Time `json:"at"`
}

// Kind names the job in River's table.
func (PublishArgs) Kind() string { return "article_publish" }

// PublishWorker publishes scheduled articles when their time comes. It is
// idempotent: a retried or duplicate job finds the article published and
// stops.
type PublishWorker struct {
	river.WorkerDefaults[PublishArgs]
	newsroom *Newsroom
	log      *slog.Logger
}

// RegisterWorkers adds the article jobs' workers to w. audit, when not
// nil, records each scheduled publication as done by the scheduler.
func RegisterWorkers(w *jobs.Workers, s *Store, audit AuditFunc, log *slog.Logger) {
	if log == nil {
		log = slog.Default()
	}
	river.AddWorker(w, &PublishWorker{newsroom: NewNewsroom(s, nil, audit), log: log})
}

// Work publishes the article if it is still due.
func (w *PublishWorker) Work(ctx context.Context, job *river.Job[PublishArgs]) error {
	done, err := w.newsroom.PublishDue(ctx, job.Args)
	if err != nil {
		return err
	}
	if !done {
		w.log.Info("scheduled publication no longer due", "article", job.Args.ArticleID, "at", job.Args.At, "job", job.ID)
	}
	return nil
}

// PublishDue publishes the article of a job if it is still scheduled for
// the job's time, and reports whether it did.
func (n *Newsroom) PublishDue(ctx context.Context, args PublishArgs) (bool, error) {
	at := db.UTC(args.At).Truncate(time.Second)
	published := false
	_, err := n.transition(ctx, Actor{Name: "scheduler"}, args.ArticleID, "article.publish_scheduled", func(cur *Story) error {
		if cur.Status != Scheduled || !cur.ScheduledAt.Equal(at) {
			return errNotDue
		}
		if cur.PublishedAt.IsZero() {
			cur.PublishedAt = at
		}
		cur.Status, cur.ScheduledAt = Published, time.Time{}
		published = true
		return nil
	})
	switch {
	case errors.Is(err, errNotDue), errors.Is(err, db.ErrNotFound):
		return false, nil
	case err != nil:
		return false, err
	}
	return published, nil
}

// errNotDue rolls back a publish job's transaction that found nothing to
// do; it never leaves this file.
var errNotDue = errors.New("article: publication no longer due")
