package account

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/db"
)

// Limit allows Max failures within Window.
type Limit struct {
	Max    int
	Window time.Duration
}

// DefaultLimits are the rate limits by key prefix. Per account they stop
// guessing one person's password; per IP they stop one machine trying many
// accounts, yet leave room for an office behind one address. Reset
// requests are limited so that nobody can fill a mailbox.
func DefaultLimits() map[string]Limit {
	return map[string]Limit{
		"account:": {Max: 5, Window: 15 * time.Minute},
		"ip:":      {Max: 30, Window: 15 * time.Minute},
		"reset:":   {Max: 3, Window: 15 * time.Minute},
	}
}

// AccountKey is the rate-limit key for sign-ins to one address.
func AccountKey(email string) string { return "account:" + NormalizeEmail(email) }

// IPKey is the rate-limit key for one client address.
func IPKey(ip string) string { return "ip:" + ip }

// ResetKey is the rate-limit key for reset emails to one address.
func ResetKey(email string) string { return "reset:" + NormalizeEmail(email) }

func (s *Service) limitFor(key string) (Limit, error) {
	for prefix, l := range s.opt.Limits {
		if strings.HasPrefix(key, prefix) {
			return l, nil
		}
	}
	return Limit{}, fmt.Errorf("account: no rate limit for key %q", key)
}

// Allow reports whether key is still under its limit. The failures are
// counted in the database, so every node of a cluster sees the same count.
func (s *Service) Allow(ctx context.Context, key string) (bool, error) {
	l, err := s.limitFor(key)
	if err != nil {
		return false, err
	}
	var n int
	err = s.db.QueryRowContext(ctx, `SELECT count(*) FROM login_attempts WHERE key = $1 AND at > $2`,
		key, db.UTC(s.now().Add(-l.Window))).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("account: count attempts for %s: %w", key, err)
	}
	return n < l.Max, nil
}

// RecordFailure counts one failure against each key and forgets failures
// older than a day, so the table stays small without a separate job.
func (s *Service) RecordFailure(ctx context.Context, keys ...string) error {
	now := db.UTC(s.now())
	for _, key := range keys {
		if _, err := s.db.ExecContext(ctx, `INSERT INTO login_attempts (key, at) VALUES ($1, $2)`, key, now); err != nil {
			return fmt.Errorf("account: record attempt for %s: %w", key, err)
		}
		if _, err := s.db.ExecContext(ctx, `DELETE FROM login_attempts WHERE key = $1 AND at < $2`, key, now.Add(-24*time.Hour)); err != nil {
			return fmt.Errorf("account: prune attempts for %s: %w", key, err)
		}
	}
	return nil
}

// ClearFailures forgets the failures of key: after a successful sign-in the
// account starts afresh. Callers clear the account's key, never the IP's,
// or one valid account would unlock guessing at every other.
func (s *Service) ClearFailures(ctx context.Context, key string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM login_attempts WHERE key = $1`, key); err != nil {
		return fmt.Errorf("account: clear attempts for %s: %w", key, err)
	}
	return nil
}
