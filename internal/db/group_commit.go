package db

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"sync"
)

// maxGroup bounds how many transactions share one commit.
const maxGroup = 64

// groupCommit lets concurrent InTx calls on SQLite share one transaction
// and so one commit. With synchronous=FULL every commit syncs the WAL to
// disk, and the single writer would otherwise spend most of its time
// waiting for the disk, one credit at a time. Each call's work runs in its
// own savepoint, so a call that fails is undone alone; each caller is
// answered only after the shared commit, so nothing is acknowledged that
// a power cut could lose. There is no goroutine of its own: the first
// caller to find no group being written runs the queue until it is empty.
type groupCommit struct {
	mu      sync.Mutex
	queue   []*pendingTx
	writing bool
}

// pendingTx is one InTx call waiting for its group.
type pendingTx struct {
	ctx context.Context
	fn  func(tx *sql.Tx) error
	err error
	// panicked is what fn panicked with, raised again in its caller's
	// goroutine rather than the leader's.
	panicked any
	done     chan struct{}
}

// run calls fn, turning a panic into an error for the group and keeping
// the value for the caller.
func (p *pendingTx) run(tx *sql.Tx) (err error) {
	defer func() {
		if v := recover(); v != nil {
			p.panicked, err = v, fmt.Errorf("db: panic in transaction: %v", v)
		}
	}()
	return p.fn(tx)
}

// result is what the caller gets: fn's panic again, or the error.
func (p *pendingTx) result() error {
	if p.panicked != nil {
		panic(p.panicked)
	}
	return p.err
}

// inGroup runs fn in the next shared transaction and returns once that
// has committed, or with fn's own error once its savepoint is undone.
func (d *DB) inGroup(ctx context.Context, fn func(tx *sql.Tx) error) error {
	p := &pendingTx{ctx: ctx, fn: fn, done: make(chan struct{})}
	g := &d.group
	g.mu.Lock()
	g.queue = append(g.queue, p)
	if g.writing {
		g.mu.Unlock()
		<-p.done
		return p.result()
	}
	g.writing = true
	g.mu.Unlock()
	// The leader works for everyone queued: its caller going away must
	// not cancel the others' transaction.
	wctx := context.WithoutCancel(ctx)
	for {
		g.mu.Lock()
		n := min(len(g.queue), maxGroup)
		batch := g.queue[:n:n]
		g.queue = g.queue[n:]
		if n == 0 {
			g.writing = false
			g.mu.Unlock()
			break
		}
		g.mu.Unlock()
		d.runGroup(wctx, batch)
	}
	<-p.done
	return p.result()
}

// runGroup runs batch in one transaction, each call in a savepoint, and
// commits once. A failure of the transaction itself (a savepoint that
// cannot be undone, the commit) fails every call whose work was in it.
func (d *DB) runGroup(ctx context.Context, batch []*pendingTx) {
	defer func() {
		for _, p := range batch {
			close(p.done)
		}
	}()
	tx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		for _, p := range batch {
			p.err = fmt.Errorf("db: begin: %w", err)
		}
		return
	}
	var in []*pendingTx // calls whose work is in the transaction
	fail := func(err error) {
		_ = tx.Rollback()
		for _, p := range batch {
			if p.err == nil {
				p.err = err
			}
		}
	}
	for i, p := range batch {
		if err := p.ctx.Err(); err != nil {
			p.err = err
			continue
		}
		sp := "g" + strconv.Itoa(i)
		if _, err := tx.ExecContext(ctx, "SAVEPOINT "+sp); err != nil {
			fail(fmt.Errorf("db: savepoint: %w", err))
			return
		}
		if p.err = p.run(tx); p.err != nil {
			if _, err := tx.ExecContext(ctx, "ROLLBACK TO "+sp); err != nil {
				// SQLite rolled the whole transaction back (a full
				// disk, an I/O error): everyone's work is gone.
				fail(fmt.Errorf("db: transaction lost after %v: %w", p.err, err))
				return
			}
		}
		if _, err := tx.ExecContext(ctx, "RELEASE "+sp); err != nil {
			fail(fmt.Errorf("db: release savepoint: %w", err))
			return
		}
		if p.err == nil {
			in = append(in, p)
		}
	}
	if err := tx.Commit(); err != nil {
		for _, p := range in {
			p.err = fmt.Errorf("db: commit: %w", err)
		}
	}
}

// QueuedTx counts the InTx calls on SQLite waiting behind the group being
// written; it is always 0 on PostgreSQL. Tests use it to know that
// concurrent requests have all reached the writer, to make a race certain.
func (d *DB) QueuedTx() int {
	d.group.mu.Lock()
	defer d.group.mu.Unlock()
	return len(d.group.queue)
}
