package mail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/jobs"
	"github.com/riverqueue/river"
)

// MaxAttempts is how many times a mail is tried before it is marked failed.
// River's backoff (attempt⁴ seconds, with jitter) spreads ten attempts over
// about four hours: long enough to ride out a mail server's restart, short
// enough that nobody gets a stale password-reset link a day late.
const MaxAttempts = 10

// maxErrorLen bounds last_error; an SMTP server's reply can be long.
const maxErrorLen = 1000

// SendArgs is the job that sends one outbox row.
type SendArgs struct {
	ID int64 `json:"id"`
}

// Kind names the job in River's table.
func (SendArgs) Kind() string { return "mail_send" }

// InsertOpts gives mail its own attempt limit, fewer than River's default.
func (SendArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: MaxAttempts} }

// WorkerOptions tune the send worker; zero values take defaults.
type WorkerOptions struct {
	// Log receives one line per failed attempt and per mail given up.
	Log *slog.Logger
	// Now is the clock for sent_at (time.Now when nil).
	Now func() time.Time
	// RetryDelay, when set, replaces River's backoff; tests use it to
	// retry in milliseconds.
	RetryDelay func(attempt int) time.Duration
}

// SendWorker is the River worker for SendArgs.
type SendWorker struct {
	river.WorkerDefaults[SendArgs]
	db   *db.DB
	smtp SMTPConfig
	o    WorkerOptions
}

// NewSendWorker returns a worker that sends outbox mail on d through the
// server in cfg, which it validates.
func NewSendWorker(d *db.DB, cfg SMTPConfig, o WorkerOptions) (*SendWorker, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &SendWorker{db: d, smtp: cfg, o: o}, nil
}

// RegisterWorkers adds the mail workers to w. Call it before the River
// client is built (jobs.NewClient takes the registry); the outbox itself is
// built afterwards with that client.
func RegisterWorkers(w *jobs.Workers, d *db.DB, cfg SMTPConfig, o WorkerOptions) error {
	sw, err := NewSendWorker(d, cfg, o)
	if err != nil {
		return err
	}
	if err := river.AddWorkerSafely(w, sw); err != nil {
		return fmt.Errorf("mail: register worker: %w", err)
	}
	return nil
}

// Work sends the mail unless a previous attempt already did. The send and
// its record are not one transaction (SMTP is not transactional), so after
// a crash between them the mail may go twice; it never goes twice once
// "sent" is recorded.
func (w *SendWorker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	e, err := getEntry(ctx, w.db.Writer(), job.Args.ID)
	if errors.Is(err, db.ErrNotFound) {
		return river.JobCancel(err) // nothing to send, ever
	}
	if err != nil {
		return err
	}
	if e.Status == Sent {
		return nil
	}
	if e.Attachments, err = attachmentsOf(ctx, w.db.Writer(), e.ID); err != nil {
		return err
	}
	if err := e.Message.Validate(); err != nil {
		// A row that fails validation was written around EnqueueTx;
		// retrying cannot fix it.
		w.recordFailure(ctx, e.ID, err, true)
		return river.JobCancel(err)
	}
	sendErr := w.smtp.send(ctx, e)
	if sendErr == nil {
		// The mail has gone: record it even if the job's context ends now.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if _, err := w.db.ExecContext(ctx, `
			UPDATE mail_outbox SET status = $2, sent_at = $3, attempts = attempts + 1
			WHERE id = $1 AND status <> $2`, e.ID, string(Sent), db.UTC(w.o.Now())); err != nil {
			// Returning the error would resend a delivered mail; the row
			// stays queued and the log says why.
			w.o.Log.Error("mail: sent but not recorded", "outbox_id", e.ID, "job_id", job.ID, "err", err)
		}
		return nil
	}
	final := job.Attempt >= job.MaxAttempts
	w.recordFailure(ctx, e.ID, sendErr, final)
	level := slog.LevelWarn
	if final {
		level = slog.LevelError
	}
	w.o.Log.Log(ctx, level, "mail: send failed", "outbox_id", e.ID, "job_id", job.ID, "kind", e.Kind,
		"attempt", job.Attempt, "max_attempts", job.MaxAttempts, "gave_up", final, "err", sendErr)
	return fmt.Errorf("mail: send %d: %w", e.ID, sendErr)
}

// recordFailure counts the attempt and keeps its error; on the final
// attempt it marks the mail failed for the operator to look at.
func (w *SendWorker) recordFailure(ctx context.Context, id int64, cause error, final bool) {
	status := Queued
	if final {
		status = Failed
	}
	msg := cause.Error()
	if len(msg) > maxErrorLen {
		// Cut on bytes, then drop a split rune: PostgreSQL refuses
		// invalid UTF-8.
		msg = strings.ToValidUTF8(msg[:maxErrorLen], "")
	}
	// A background context: the job's own may be the thing that expired,
	// and the record of why is what the operator needs.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if _, err := w.db.ExecContext(ctx, `
		UPDATE mail_outbox SET attempts = attempts + 1, last_error = $2, status = $3
		WHERE id = $1 AND status <> $4`, id, msg, string(status), string(Sent)); err != nil {
		w.o.Log.Error("mail: record failure", "outbox_id", id, "err", err)
	}
}

// NextRetry uses RetryDelay when set; the zero time means River's backoff.
func (w *SendWorker) NextRetry(job *river.Job[SendArgs]) time.Time {
	if w.o.RetryDelay == nil {
		return time.Time{}
	}
	return time.Now().Add(w.o.RetryDelay(job.Attempt))
}
