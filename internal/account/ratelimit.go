package account

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/db"
)

// Limit allows Max attempts within Window.
type Limit struct {
	Max    int
	Window time.Duration
}

// DefaultLimits are the rate limits by key prefix. Per address they stop
// one machine trying many accounts, yet leave room for an office behind
// one address; per account and address they stop one machine guessing
// one person's password without letting it lock that person out from
// anywhere else. Per account there is no lock but a growing delay
// (SignInDelay), since anyone can aim failures at an account. Reset
// requests and reader sign-in links are limited so that nobody can fill
// a mailbox. Second-factor codes are limited per account: only someone
// with the password can try them, and five tries in fifteen minutes give
// a guesser of a six-digit code about one chance in 70,000.
func DefaultLimits() map[string]Limit {
	return map[string]Limit{
		"ip:":      {Max: 30, Window: 15 * time.Minute},
		"pair:":    {Max: 5, Window: 15 * time.Minute},
		"account:": {Max: 5, Window: 15 * time.Minute},
		"reset:":   {Max: 3, Window: 15 * time.Minute},
		"factor:":  {Max: 5, Window: 15 * time.Minute},
		"reader:":  {Max: 3, Window: 15 * time.Minute},
	}
}

// AccountKey is the key for sign-ins to one address, whoever tries.
func AccountKey(email string) string { return "account:" + NormalizeEmail(email) }

// IPKey is the rate-limit key for one client address (its AddressBlock).
func IPKey(ip string) string { return "ip:" + AddressBlock(ip) }

// AddressBlock is what a client address counts as in a limit per
// address. An IPv6 client is its /64: one home line or phone is given a
// whole /64 and may send from any of its 2^64 addresses, so per address
// a limit would be no limit. An IPv4 address written as IPv6
// (::ffff:a.b.c.d) is that IPv4 address; anything unreadable is kept as
// given.
func AddressBlock(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	if a = a.Unmap(); a.Is4() {
		return a.String()
	}
	return netip.PrefixFrom(a.WithZone(""), 64).Masked().String()
}

// PairKey is the rate-limit key for sign-ins to one account from one
// client address.
func PairKey(email, ip string) string {
	return "pair:" + AddressBlock(ip) + " " + NormalizeEmail(email)
}

// ResetKey is the rate-limit key for reset emails to one address.
func ResetKey(email string) string { return "reset:" + NormalizeEmail(email) }

// LimitedError refuses an attempt over a limit. RetryAfter is how long
// to wait; Key says which limit, for the message and the log.
type LimitedError struct {
	Key        string
	RetryAfter time.Duration
}

func (e *LimitedError) Error() string {
	return fmt.Sprintf("account: %s over its limit; retry after %s", e.Key, e.RetryAfter)
}

// PerAccount reports whether the refusal is the per-account slow-down,
// which anyone may have caused, rather than a limit on the client itself.
func (e *LimitedError) PerAccount() bool { return strings.HasPrefix(e.Key, "account:") }

func (s *Service) limitFor(key string) (Limit, error) {
	for prefix, l := range s.opt.Limits {
		if strings.HasPrefix(key, prefix) {
			return l, nil
		}
	}
	return Limit{}, fmt.Errorf("account: no rate limit for key %q", key)
}

// Reservation is an attempt counted against its keys before the costly
// or mail-sending work it guards.
type Reservation struct {
	ids []int64
}

// Reserve counts one attempt against each key, then checks each key's
// limit, and returns a *LimitedError (taking the attempt back) when one is
// over. Counting before checking makes the limit hold under any
// concurrency: each attempt's row is committed before it counts, so the
// k-th attempt to be written sees at least k rows, and at most Max
// attempts per window get through however many arrive at once. The rows
// live in the database, so every node of a cluster sees the same count.
func (s *Service) Reserve(ctx context.Context, keys ...string) (Reservation, error) {
	var r Reservation
	for _, key := range keys {
		l, err := s.limitFor(key)
		if err != nil {
			return Reservation{}, s.release(ctx, r, err)
		}
		id, err := s.insertAttempt(ctx, key)
		if err != nil {
			return Reservation{}, s.release(ctx, r, err)
		}
		r.ids = append(r.ids, id)
		var n int
		err = s.db.QueryRowContext(ctx, `SELECT count(*) FROM login_attempts WHERE key = $1 AND at > $2`,
			key, db.UTC(s.now().Add(-l.Window))).Scan(&n)
		if err != nil {
			return Reservation{}, s.release(ctx, r, fmt.Errorf("account: count attempts for %s: %w", key, err))
		}
		if n > l.Max {
			return Reservation{}, s.release(ctx, r, &LimitedError{Key: key, RetryAfter: l.Window})
		}
	}
	return r, nil
}

// insertAttempt writes one attempt (committed at once, outside any
// transaction, which the counting argument needs) and forgets the key's
// attempts older than a day, so the table stays small without a job.
func (s *Service) insertAttempt(ctx context.Context, key string) (int64, error) {
	now := db.UTC(s.now())
	var id int64
	if err := s.db.Writer().QueryRowContext(ctx, `INSERT INTO login_attempts (key, at) VALUES ($1, $2) RETURNING id`, key, now).Scan(&id); err != nil {
		return 0, fmt.Errorf("account: record attempt for %s: %w", key, err)
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM login_attempts WHERE key = $1 AND at < $2`, key, now.Add(-attemptsKept)); err != nil {
		return 0, fmt.Errorf("account: prune attempts for %s: %w", key, err)
	}
	return id, nil
}

// release takes back the attempts of a refused reservation, so that a
// refusal counts against nothing, and returns cause.
func (s *Service) release(ctx context.Context, r Reservation, cause error) error {
	for _, id := range r.ids {
		if _, err := s.db.ExecContext(ctx, `DELETE FROM login_attempts WHERE id = $1`, id); err != nil {
			return fmt.Errorf("account: release attempt %d: %w (after %w)", id, err, cause)
		}
	}
	return cause
}

// Release takes back a reservation whose attempt did not happen after
// all (the server was too busy to check it) or succeeded.
func (s *Service) Release(ctx context.Context, r Reservation) error { return s.release(ctx, r, nil) }

// ClearFailures forgets the attempts of key: after a successful sign-in
// the account starts afresh. Callers clear the account's keys, never the
// IP's, or one valid account would unlock guessing at every other.
func (s *Service) ClearFailures(ctx context.Context, key string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM login_attempts WHERE key = $1`, key); err != nil {
		return fmt.Errorf("account: clear attempts for %s: %w", key, err)
	}
	return nil
}

// attemptsKept is how long a counted attempt is kept: longer than any
// limit's window, so every limit sees all it counts.
const attemptsKept = 24 * time.Hour

// PruneAttempts deletes sign-in attempts older than a day, under every
// key (a client address that never comes back leaves its rows, which
// insertAttempt only prunes for a key in use), and passkey challenges
// past their time, for the periodic job. It returns how many attempts
// went.
func (s *Service) PruneAttempts(ctx context.Context) (int64, error) {
	now := db.UTC(s.now())
	res, err := s.db.ExecContext(ctx, `DELETE FROM login_attempts WHERE at < $1`, now.Add(-attemptsKept))
	if err != nil {
		return 0, fmt.Errorf("account: prune attempts: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM webauthn_challenges WHERE expires_at <= $1`, now); err != nil {
		return 0, fmt.Errorf("account: prune passkey challenges: %w", err)
	}
	return res.RowsAffected()
}
