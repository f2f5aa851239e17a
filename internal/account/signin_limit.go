package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/coopress/coopress/internal/db"
)

// MaxSignInDelay caps the per-account slow-down: at worst the owner waits
// a minute between tries, while a guesser spread over many addresses gets
// about one guess a minute.
const MaxSignInDelay = time.Minute

// AlertAfter is how many failed sign-ins to one account within the
// account limit's window make a burst the owner is told about by email.
const AlertAfter = 10

// SignInDelay is how long an account rests after the latest attempt when
// n attempts have failed within the window and free are allowed without
// delay: one second after the first over, doubling each time, at most
// MaxSignInDelay.
func SignInDelay(n, free int) time.Duration {
	if n < free {
		return 0
	}
	if n-free >= 6 { // 64 s already passes the cap; avoid shifting far
		return MaxSignInDelay
	}
	return min(time.Second<<(n-free), MaxSignInDelay)
}

// ReserveSignIn counts a sign-in attempt for email from ip before the
// password is checked: against the address (a hard limit), the account
// from that address (a hard limit) and the account from anywhere (no
// lock, a growing delay after the free attempts). It returns a
// *LimitedError when the attempt must wait. Under any concurrency at most
// the free attempts reach the password check at once: an attempt that
// sees another recent one over the free count waits.
func (s *Service) ReserveSignIn(ctx context.Context, email, ip string) (Reservation, error) {
	r, err := s.Reserve(ctx, IPKey(ip), PairKey(email, ip))
	if err != nil {
		return Reservation{}, err
	}
	key := AccountKey(email)
	l, err := s.limitFor(key)
	if err != nil {
		return Reservation{}, s.release(ctx, r, err)
	}
	id, err := s.insertAttempt(ctx, key)
	if err != nil {
		return Reservation{}, s.release(ctx, r, err)
	}
	r.ids = append(r.ids, id)
	n, latest, err := s.othersRecent(ctx, key, id, l.Window)
	if err != nil {
		return Reservation{}, s.release(ctx, r, err)
	}
	if wait := latest.Add(SignInDelay(n, l.Max)).Sub(s.now()); n >= l.Max && wait > 0 {
		return Reservation{}, s.release(ctx, r, &LimitedError{Key: key, RetryAfter: wait})
	}
	return r, nil
}

// othersRecent counts key's attempts within window other than the one
// with id, and returns the time of the latest.
func (s *Service) othersRecent(ctx context.Context, key string, id int64, window time.Duration) (int, time.Time, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT at FROM login_attempts WHERE key = $1 AND at > $2 AND id <> $3 ORDER BY at DESC`,
		key, db.UTC(s.now().Add(-window)), id)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("account: read attempts for %s: %w", key, err)
	}
	defer rows.Close()
	var n int
	var latest time.Time
	for rows.Next() {
		var at time.Time
		if err := rows.Scan(&at); err != nil {
			return 0, time.Time{}, fmt.Errorf("account: read attempts for %s: %w", key, err)
		}
		if n == 0 {
			latest = at
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return 0, time.Time{}, fmt.Errorf("account: read attempts for %s: %w", key, err)
	}
	return n, latest, nil
}

// SignInSucceeded forgets the account's failures, from this address and
// from anywhere, and takes back the attempt itself, so that staff signing
// in from one office do not use up its address's allowance.
func (s *Service) SignInSucceeded(ctx context.Context, r Reservation, email, ip string) error {
	if err := s.release(ctx, r, nil); err != nil {
		return err
	}
	if err := s.ClearFailures(ctx, PairKey(email, ip)); err != nil {
		return err
	}
	return s.ClearFailures(ctx, AccountKey(email))
}

// SignInFailed keeps the failed attempt counted and, when failures to one
// account reach AlertAfter within the window, calls alert once per burst,
// inside a transaction, so the caller queues the owner's email with the
// record that it was sent. A burst lasts while failures keep coming: each
// one during it refreshes the record, and only a quiet window ends it. An
// unknown or disabled account gets no email.
func (s *Service) SignInFailed(ctx context.Context, email string, alert func(ctx context.Context, tx *sql.Tx, a Account, failures int) error) error {
	key := AccountKey(email)
	l, err := s.limitFor(key)
	if err != nil {
		return err
	}
	n, _, err := s.othersRecent(ctx, key, 0, l.Window)
	if err != nil || n < AlertAfter || alert == nil {
		return err
	}
	a, err := s.ByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) || (err == nil && a.Disabled) {
		return nil
	}
	if err != nil {
		return err
	}
	marker := "alerted:" + NormalizeEmail(email)
	now := db.UTC(s.now())
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		// Two failures at once must not both send: PostgreSQL locks the
		// account's row; SQLite has one writer, so transactions never overlap.
		if s.db.Dialect() == db.Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT id FROM accounts WHERE id = $1 FOR UPDATE`, a.ID); err != nil {
				return fmt.Errorf("account: lock %d: %w", a.ID, err)
			}
		}
		var during int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM login_attempts WHERE key = $1 AND at > $2`,
			marker, now.Add(-l.Window)).Scan(&during); err != nil {
			return fmt.Errorf("account: read alert for %d: %w", a.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO login_attempts (key, at) VALUES ($1, $2)`, marker, now); err != nil {
			return fmt.Errorf("account: note alert for %d: %w", a.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_attempts WHERE key = $1 AND at < $2`, marker, now.Add(-24*time.Hour)); err != nil {
			return fmt.Errorf("account: prune alerts for %d: %w", a.ID, err)
		}
		if during > 0 {
			return nil
		}
		return alert(ctx, tx, a, n)
	})
}
