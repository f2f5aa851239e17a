package article_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/jobs"
	"github.com/coopress/coopress/internal/testwait"
)

// TestScheduledPublication schedules through one River client that has no
// workers (a server that then stopped) and works the jobs with a new one:
// the due article is published at its time, the rescheduled and the
// unpublished ones are not.
func TestScheduledPublication(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := jobs.Migrate(ctx, d); err != nil {
			t.Fatal(err)
		}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		before, err := jobs.NewClient(d, log, nil, jobs.Options{})
		if err != nil {
			t.Fatal(err)
		}
		f := newNewsroomFixture(t, d, before)
		f.clock = time.Now()
		due := f.draft(t, f.writer, "Due in two seconds")
		moved := f.draft(t, f.writer, "Moved to tomorrow")
		dropped := f.draft(t, f.writer, "Scheduled then unpublished")
		soon := f.clock.Add(2 * time.Second)
		for _, st := range []*article.Story{due, moved, dropped} {
			if _, err := f.room.Schedule(ctx, f.editor, st.ID, soon); err != nil {
				t.Fatal(err)
			}
		}
		tomorrow := f.clock.Add(24 * time.Hour)
		if _, err := f.room.Schedule(ctx, f.editor, moved.ID, tomorrow); err != nil {
			t.Fatal(err)
		}
		if _, err := f.room.Unpublish(ctx, f.editor, dropped.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.room.Schedule(ctx, f.editor, due.ID, f.clock.Add(-time.Minute)); !isField(err, "publish_at") {
			t.Fatalf("schedule in the past: %v", err)
		}
		if _, err := f.store.Published(ctx, due.Slug); err == nil {
			t.Fatal("published before its time")
		}

		// The restart: a new client with the workers.
		workers := jobs.NewWorkers()
		article.RegisterWorkers(workers, f.store, nil, log)
		after, err := jobs.NewClient(d, log, workers, jobs.Options{PollInterval: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if err := after.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = after.Stop(context.Background()) })

		var got article.Article
		testwait.Until(t, 15*time.Second, "the scheduled article's publication", func() bool {
			var err error
			got, err = f.store.Published(ctx, due.Slug)
			return err == nil
		})
		if time.Now().Before(soon.Truncate(time.Second)) {
			t.Fatalf("published at %v, before its time %v", time.Now(), soon)
		}
		if !got.PublishedAt.Equal(soon.Truncate(time.Second).UTC()) {
			t.Errorf("published_at %v, want the scheduled time %v", got.PublishedAt, soon)
		}
		// Wait for the stale jobs for the other two to run, then check.
		waitJobsDone(t, d, 3)
		if st, _ := f.store.ByID(ctx, moved.ID); st.Status != article.Scheduled || !st.ScheduledAt.Equal(tomorrow.Truncate(time.Second).UTC()) {
			t.Errorf("rescheduled article: %s at %v", st.Status, st.ScheduledAt)
		}
		if st, _ := f.store.ByID(ctx, dropped.ID); st.Status != article.Unpublished {
			t.Errorf("unpublished article: %s", st.Status)
		}
		// A job delivered twice finds nothing more to do.
		if done, err := f.room.PublishDue(ctx, article.PublishArgs{ArticleID: due.ID, At: soon}); err != nil || done {
			t.Errorf("second delivery: %v %v", done, err)
		}
	})
}

// waitJobsDone waits until n article_publish jobs have completed.
func waitJobsDone(t *testing.T, d *db.DB, n int) {
	t.Helper()
	var done int
	if !testwait.For(15*time.Second, func() bool {
		if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM river_job
			WHERE kind = 'article_publish' AND state = 'completed'`).Scan(&done); err != nil {
			t.Fatal(err)
		}
		return done >= n
	}) {
		t.Fatalf("%d of %d publish jobs completed", done, n)
	}
}
