package db

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// ChangesChannel is the PostgreSQL channel on which committed changes to
// content and to the fund are announced (see migration 00006).
const ChangesChannel = "coopress_changes"

// Listen calls fn with the payload of every notification on ChangesChannel
// until ctx ends, reconnecting after a lost connection. On SQLite there is
// nothing to listen to and it returns at once: processes there poll.
// onError hears about connection failures; it may be nil.
func (d *DB) Listen(ctx context.Context, fn func(payload string), onError func(error)) {
	if d.dialect != Postgres {
		return
	}
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := d.listenOnce(ctx, fn)
		if ctx.Err() != nil {
			return
		}
		if onError != nil {
			onError(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 10*time.Second)
	}
}

func (d *DB) listenOnce(ctx context.Context, fn func(string)) error {
	conn, err := pgx.Connect(ctx, d.URL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+ChangesChannel); err != nil {
		return err
	}
	// A notification may have been missed while disconnected: tell the
	// caller to look, as if something had changed.
	fn("")
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		fn(n.Payload)
	}
}
