package payment

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/riverqueue/river"
)

// maxBatch bounds how many deliveries share one transaction.
const maxBatch = 64

// pendingEvent is one verified delivery waiting to be stored.
type pendingEvent struct {
	ev         Event
	apiVersion string
	body       []byte
	duplicate  bool
	err        error
	done       chan struct{}
}

// batcher stores concurrent deliveries in shared transactions ("group
// commit"). Each delivery is still answered only after the transaction
// holding its event and its job has committed, so an acknowledged event is
// never lost; but under load one commit, and one insert of River jobs,
// serves many deliveries. This matters on SQLite, whose single writer would
// otherwise spend most of its time beginning and committing transactions.
// There is no goroutine of its own: the first delivery to find no batch
// being written writes the queue, its own event first, until it is empty.
type batcher struct {
	mu      sync.Mutex
	queue   []*pendingEvent
	writing bool
}

// store queues p and returns once p's transaction has committed or failed.
func (in *Intake) store(ctx context.Context, p *pendingEvent) {
	b := &in.batch
	b.mu.Lock()
	b.queue = append(b.queue, p)
	if b.writing {
		b.mu.Unlock()
		<-p.done
		return
	}
	b.writing = true
	b.mu.Unlock()
	// The writer works for everyone queued: a reader who hangs up must not
	// cancel the others' transaction.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	for {
		b.mu.Lock()
		n := min(len(b.queue), maxBatch)
		batch := b.queue[:n:n]
		b.queue = b.queue[n:]
		if n == 0 {
			b.writing = false
			b.mu.Unlock()
			break
		}
		b.mu.Unlock()
		in.writeBatch(wctx, batch)
	}
	<-p.done
}

// writeBatch stores a batch in one transaction; if that fails, each event
// is tried alone, so one bad event cannot fail the others.
func (in *Intake) writeBatch(ctx context.Context, batch []*pendingEvent) {
	err := in.db.InTx(ctx, func(tx *sql.Tx) error { return in.insertEvents(ctx, tx, batch) })
	if err != nil && len(batch) > 1 {
		for _, p := range batch {
			p.duplicate = false
			p.err = in.db.InTx(ctx, func(tx *sql.Tx) error { return in.insertEvents(ctx, tx, []*pendingEvent{p}) })
			close(p.done)
		}
		return
	}
	for _, p := range batch {
		p.err = err
		close(p.done)
	}
}

// insertEvents inserts each event once (a redelivery is a duplicate) and
// one job per new event, in tx.
func (in *Intake) insertEvents(ctx context.Context, tx *sql.Tx, batch []*pendingEvent) error {
	var jobs []river.InsertManyParams
	for _, p := range batch {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO payment_events
			(provider, event_id, type, api_version, payment_ref, purpose, payload, received_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (provider, event_id) DO NOTHING RETURNING id`,
			ProviderStripe, p.ev.ID, p.ev.Type, p.apiVersion, p.ev.PaymentRef, p.ev.Purpose, string(p.body),
			db.UTC(in.now())).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			p.duplicate = true
			continue
		}
		if err != nil {
			return fmt.Errorf("payment: store event %s: %w", p.ev.ID, err)
		}
		p.duplicate = false
		jobs = append(jobs, river.InsertManyParams{Args: ApplyEventArgs{Provider: ProviderStripe, EventID: p.ev.ID}})
	}
	if len(jobs) == 0 {
		return nil
	}
	if _, err := in.jobs.InsertManyTx(ctx, tx, jobs); err != nil {
		return fmt.Errorf("payment: queue %d events: %w", len(jobs), err)
	}
	return nil
}
