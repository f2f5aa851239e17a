package payment

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/riverqueue/river"
)

// ApplyEventArgs is the durable job that applies one stored event.
type ApplyEventArgs struct {
	Provider string `json:"provider"`
	EventID  string `json:"event_id"`
}

// Kind names the job in River's table.
func (ApplyEventArgs) Kind() string { return "payment_apply_event" }

// ErrPurposeUnknown is returned (and retried) when a refund or dispute
// arrives before the payment's own event has told us what it was for.
var ErrPurposeUnknown = errors.New("payment: purpose of the payment not known yet")

// Worker applies stored events by handing them to the registered Handler,
// then marks them applied. It is safe for River to run many at once.
type Worker struct {
	river.WorkerDefaults[ApplyEventArgs]
	db       *db.DB
	handlers Handlers
	log      *slog.Logger
	now      func() time.Time
	// Backoff is the wait before retry number attempt (1-based).
	backoff func(attempt int) time.Duration
}

// WorkerOptions tune a Worker; zero values take the defaults.
type WorkerOptions struct {
	// Backoff is the wait before a failed event is tried again. The
	// default doubles from one second to at most six hours, so River's 25
	// attempts span about three days, as long as Stripe keeps retrying.
	Backoff func(attempt int) time.Duration
	Now     func() time.Time
}

// NewWorker returns the worker; register it with river.AddWorker.
func NewWorker(d *db.DB, handlers Handlers, log *slog.Logger, o WorkerOptions) *Worker {
	if o.Backoff == nil {
		o.Backoff = DefaultBackoff
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Worker{db: d, handlers: handlers, log: log, now: o.Now, backoff: o.Backoff}
}

// DefaultBackoff doubles from 1 s up to 6 h.
func DefaultBackoff(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	if attempt > 15 {
		return 6 * time.Hour
	}
	return min(time.Second<<(attempt-1), 6*time.Hour)
}

// NextRetry uses the worker's backoff instead of River's default.
func (w *Worker) NextRetry(job *river.Job[ApplyEventArgs]) time.Time {
	return w.now().Add(w.backoff(job.Attempt))
}

// Work applies one event. It is idempotent: an event already applied is
// skipped, and Handlers are required to tolerate being called again for an
// event whose earlier run crashed before it was marked.
func (w *Worker) Work(ctx context.Context, job *river.Job[ApplyEventArgs]) error {
	a := job.Args
	var rowID int64
	var payload string
	var applied sql.NullTime
	err := w.db.QueryRowContext(ctx, `SELECT id, payload, applied_at FROM payment_events
		WHERE provider = $1 AND event_id = $2`, a.Provider, a.EventID).Scan(&rowID, &payload, &applied)
	if errors.Is(err, sql.ErrNoRows) {
		return river.JobCancel(fmt.Errorf("payment: event %s/%s is not stored", a.Provider, a.EventID))
	}
	if err != nil {
		return fmt.Errorf("payment: load event %s: %w", a.EventID, err)
	}
	if applied.Valid {
		return nil
	}
	_, ev, err := parseStripeEvent([]byte(payload))
	if err != nil {
		return river.JobCancel(fmt.Errorf("payment: event %s: %w", a.EventID, err))
	}
	note, err := w.apply(ctx, ev)
	if err != nil {
		w.note(ctx, rowID, err.Error())
		return fmt.Errorf("payment: apply %s %s: %w", ev.Type, ev.ID, err)
	}
	// In a transaction, not on its own, so that on SQLite the mark shares
	// a commit (a disk sync) with other work (db.InTx).
	err = w.db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE payment_events SET applied_at = $1, attempts = attempts + 1,
			last_error = $2 WHERE id = $3 AND applied_at IS NULL`, db.UTC(w.now()), note, rowID)
		return err
	})
	if err != nil {
		return fmt.Errorf("payment: mark %s applied: %w", ev.ID, err)
	}
	return nil
}

// apply finds the event's handler and calls it. The note explains an event
// that was deliberately left alone; it is kept in last_error.
func (w *Worker) apply(ctx context.Context, ev Event) (note string, err error) {
	if ev.Kind == "" {
		return "no action for " + ev.Type + " (or not paid yet)", nil
	}
	if ev.Purpose == "" && ev.PaymentRef != "" {
		err := w.db.QueryRowContext(ctx, `SELECT purpose FROM payment_events
			WHERE provider = $1 AND payment_ref = $2 AND purpose <> '' ORDER BY id LIMIT 1`,
			ev.Provider, ev.PaymentRef).Scan(&ev.Purpose)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return "", fmt.Errorf("payment: find purpose of %s: %w", ev.PaymentRef, err)
		}
	}
	if ev.Purpose == "" {
		p, err := w.claimant(ctx, ev)
		if err != nil {
			return "", err
		}
		ev.Purpose = p
	}
	if ev.Purpose == "" {
		if ev.Kind != Refunded && ev.Kind != Disputed {
			return "no purpose in the metadata: not a coopress checkout or subscription", nil
		}
		// The payment's own event may simply not have arrived yet.
		return "", ErrPurposeUnknown
	}
	h, ok := w.handlers[ev.Purpose]
	if !ok {
		w.log.Warn("payment event with no handler", "event", ev.ID, "type", ev.Type, "purpose", ev.Purpose)
		return "no handler for purpose " + ev.Purpose, nil
	}
	return "", h.HandlePayment(ctx, ev)
}

// note records a failed attempt for operators; the job's own retry is what
// matters, so a failure to write the note is only logged.
func (w *Worker) note(ctx context.Context, rowID int64, msg string) {
	if len(msg) > 1000 {
		msg = msg[:1000]
	}
	if _, err := w.db.ExecContext(ctx, `UPDATE payment_events SET attempts = attempts + 1, last_error = $1
		WHERE id = $2`, msg, rowID); err != nil && ctx.Err() == nil {
		w.log.Warn("payment: note failed attempt", "err", err)
	}
}

// claimant asks the handlers that can recognise their own events without
// a purpose (see Claimer), in the order of their purposes' names so that
// the answer never depends on map order; "" when none claims ev.
func (w *Worker) claimant(ctx context.Context, ev Event) (string, error) {
	purposes := make([]string, 0, len(w.handlers))
	for p := range w.handlers {
		purposes = append(purposes, p)
	}
	slices.Sort(purposes)
	for _, p := range purposes {
		c, ok := w.handlers[p].(Claimer)
		if !ok {
			continue
		}
		mine, err := c.Claims(ctx, ev)
		if err != nil {
			return "", fmt.Errorf("payment: ask %s about %s: %w", p, ev.ID, err)
		}
		if mine {
			return p, nil
		}
	}
	return "", nil
}
