package mail

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// JobInserter is the part of the River client the outbox needs; a
// *jobs.Client is one. Taking the interface lets a command that only
// enqueues use an insert-only client.
type JobInserter interface {
	InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
}

// Outbox queues mail for sending.
type Outbox struct {
	db   *db.DB
	jobs JobInserter
	now  func() time.Time
}

// NewOutbox returns an outbox on d that enqueues its send jobs with jobs.
// now is the clock (nil for time.Now).
func NewOutbox(d *db.DB, jobs JobInserter, now func() time.Time) *Outbox {
	if now == nil {
		now = time.Now
	}
	return &Outbox{db: d, jobs: jobs, now: now}
}

// Entry is one row of the outbox: the message and what became of it.
type Entry struct {
	ID int64
	Message
	Status   Status
	Attempts int
	// LastError is the most recent failure to send, kept after a later
	// success so the history is not lost.
	LastError string
	CreatedAt time.Time
	// SentAt is zero until the mail is sent.
	SentAt time.Time
}

// EnqueueTx validates m, writes it to the outbox and inserts the job that
// sends it, both in tx: if tx rolls back, no mail goes. A message whose Ref
// is already in the outbox is not queued again; its existing id is
// returned, with no error, so a retried caller (a redelivered webhook) can
// simply call again.
func (o *Outbox) EnqueueTx(ctx context.Context, tx *sql.Tx, m Message) (int64, error) {
	if err := m.Validate(); err != nil {
		return 0, err
	}
	var ref any // NULL when there is no key: NULLs never collide
	if m.Ref != "" {
		ref = m.Ref
	}
	var id int64
	// ON CONFLICT rather than catching the unique violation: on PostgreSQL
	// a failed statement would abort the caller's whole transaction.
	err := tx.QueryRowContext(ctx, `
		INSERT INTO mail_outbox (to_addr, subject, text_body, html_body, kind, ref, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (ref) DO NOTHING
		RETURNING id`,
		m.To, m.Subject, m.Text, m.HTML, m.Kind, ref, string(Queued), db.UTC(o.now())).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		if err := tx.QueryRowContext(ctx, `SELECT id FROM mail_outbox WHERE ref = $1`, m.Ref).Scan(&id); err != nil {
			return 0, fmt.Errorf("mail: find queued %s: %w", m.Ref, err)
		}
		return id, nil
	}
	if err != nil {
		return 0, fmt.Errorf("mail: queue %s: %w", m.Kind, err)
	}
	if err := insertAttachments(ctx, tx, id, m.Attachments); err != nil {
		return 0, err
	}
	if _, err := o.jobs.InsertTx(ctx, tx, SendArgs{ID: id}, nil); err != nil {
		return 0, fmt.Errorf("mail: enqueue send %d: %w", id, err)
	}
	return id, nil
}

// Enqueue is EnqueueTx in a transaction of its own, for mail that is not
// tied to any other change.
func (o *Outbox) Enqueue(ctx context.Context, m Message) (int64, error) {
	var id int64
	err := o.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = o.EnqueueTx(ctx, tx, m)
		return err
	})
	return id, err
}

// Retry puts a failed mail back in the queue with a fresh set of attempts,
// for when an operator has fixed what was wrong (the SMTP settings, a full
// mailbox). It returns db.ErrNotFound unless the mail exists and failed.
func (o *Outbox) Retry(ctx context.Context, id int64) error {
	return o.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE mail_outbox SET status = $2 WHERE id = $1 AND status = $3`,
			id, string(Queued), string(Failed))
		if err != nil {
			return fmt.Errorf("mail: retry %d: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return fmt.Errorf("mail: retry %d: no failed mail: %w", id, db.ErrNotFound)
		}
		if _, err := o.jobs.InsertTx(ctx, tx, SendArgs{ID: id}, nil); err != nil {
			return fmt.Errorf("mail: enqueue send %d: %w", id, err)
		}
		return nil
	})
}

// Get returns one outbox entry with its attachments, or db.ErrNotFound.
func (o *Outbox) Get(ctx context.Context, id int64) (Entry, error) {
	e, err := getEntry(ctx, o.db, id)
	if err != nil {
		return e, err
	}
	e.Attachments, err = attachmentsOf(ctx, o.db, id)
	return e, err
}

// getEntry reads a row, without its attachments, through q, which the
// worker points at the writer so it sees the status its own last attempt
// wrote.
func getEntry(ctx context.Context, q db.Queryer, id int64) (Entry, error) {
	var (
		e      Entry
		ref    sql.NullString
		status string
		sentAt sql.NullTime
	)
	err := q.QueryRowContext(ctx, `
		SELECT id, to_addr, subject, text_body, html_body, kind, ref, status, attempts, last_error, created_at, sent_at
		FROM mail_outbox WHERE id = $1`, id).Scan(
		&e.ID, &e.To, &e.Subject, &e.Text, &e.HTML, &e.Kind, &ref, &status, &e.Attempts, &e.LastError, &e.CreatedAt, &sentAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, fmt.Errorf("mail: outbox %d: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("mail: outbox %d: %w", id, err)
	}
	e.Ref, e.Status = ref.String, Status(status)
	e.CreatedAt = e.CreatedAt.UTC()
	if sentAt.Valid {
		e.SentAt = sentAt.Time.UTC()
	}
	return e, nil
}
