package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/coopress/coopress/internal/db"
)

// Session is a signed-in browser. ID is the stored hash of its token; the
// token itself lives only in the person's cookie.
type Session struct {
	ID         string
	Account    Account
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
	IP         string
	UserAgent  string
	// SecondFactor is what completed the sign-in after the password or
	// link: empty until a second factor (or a recovery code) is given.
	SecondFactor FactorKind
	// Reader is set on a session begun by a reader's link or passkey: it
	// opens /account only, never the staff area, whatever the account's
	// roles (reader.go).
	Reader bool
}

// touchEvery limits how often a session's last_seen_at is written: once a
// minute is precise enough for a 12-hour idle limit and spares a write on
// every page view.
const touchEvery = time.Minute

// newToken returns 32 random bytes, URL-safe, and the hex SHA-256 the
// database keeps instead. A plain hash is enough: the token has 256 bits of
// entropy, so there is nothing for a slow hash to protect.
func newToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("account: random token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token), nil
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// NewSession starts a session for the account and returns its token, to be
// put in a cookie. Call it at every sign-in: a fresh id defeats session
// fixation. ip and userAgent are kept for the person's own list of sessions.
func (s *Service) NewSession(ctx context.Context, accountID int64, ip, userAgent string) (string, Session, error) {
	return s.startSession(ctx, accountID, ip, userAgent, "")
}

// startSession starts a session of a live account, carrying factor.
func (s *Service) startSession(ctx context.Context, accountID int64, ip, userAgent string, factor FactorKind) (string, Session, error) {
	a, err := byID(ctx, s.db, accountID)
	if err != nil {
		return "", Session{}, err
	}
	if a.Disabled {
		return "", Session{}, ErrNoSession
	}
	return s.insertSession(ctx, s.db, a, ip, userAgent, factor)
}

// RotateSession ends the session of oldToken (if any) and starts a new one
// for the account: what sign-in does. factor is the second factor the
// new session carries over: empty at a sign-in, and the old session's
// own where the person, already signed in, only changed their password.
func (s *Service) RotateSession(ctx context.Context, oldToken string, accountID int64, ip, userAgent string, factor FactorKind) (string, Session, error) {
	if oldToken != "" {
		if err := s.RevokeSession(ctx, oldToken); err != nil {
			return "", Session{}, err
		}
	}
	return s.startSession(ctx, accountID, ip, userAgent, factor)
}

// Session returns the live session for token with its account, or
// ErrNoSession when it is unknown, past its maximum age, idle too long, or
// its account is disabled. Using a session keeps it alive (sliding expiry).
func (s *Service) Session(ctx context.Context, token string) (Session, error) {
	if token == "" || len(token) > 100 {
		return Session{}, ErrNoSession
	}
	hash := hashToken(token)
	var ss Session
	var accountID int64
	var factor, kind string
	err := s.db.QueryRowContext(ctx, `SELECT account_id, created_at, expires_at, last_seen_at, ip, user_agent, second_factor, kind
		FROM sessions WHERE id = $1`, hash).Scan(&accountID, &ss.CreatedAt, &ss.ExpiresAt, &ss.LastSeenAt, &ss.IP, &ss.UserAgent, &factor, &kind)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrNoSession
	}
	if err != nil {
		return Session{}, fmt.Errorf("account: read session: %w", err)
	}
	ss.ID, ss.SecondFactor, ss.Reader = hash, FactorKind(factor), kind == sessionReader
	now := db.UTC(s.now())
	if !now.Before(ss.ExpiresAt) || !now.Before(ss.LastSeenAt.Add(s.opt.SessionIdle)) {
		_, _ = s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, hash)
		return Session{}, ErrNoSession
	}
	if ss.Account, err = byID(ctx, s.db, accountID); err != nil {
		return Session{}, err
	}
	if ss.Account.Disabled {
		return Session{}, ErrNoSession
	}
	if now.Sub(ss.LastSeenAt) >= touchEvery {
		if _, err := s.db.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id = $2`, now, hash); err != nil {
			return Session{}, fmt.Errorf("account: touch session: %w", err)
		}
		ss.LastSeenAt = now
	}
	return ss, nil
}

// RevokeSession ends one session (sign out). An unknown token is not an
// error: the end state is the same.
func (s *Service) RevokeSession(ctx context.Context, token string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, hashToken(token)); err != nil {
		return fmt.Errorf("account: revoke session: %w", err)
	}
	return nil
}

// RevokeAll ends every session of the account ("sign out everywhere")
// and spends its unused sign-in and reset links, which would otherwise
// open a new session the next moment.
func (s *Service) RevokeAll(ctx context.Context, by Actor, accountID int64) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE account_id = $1`, accountID); err != nil {
			return fmt.Errorf("account: revoke sessions of %d: %w", accountID, err)
		}
		if err := s.revokeLinksTx(ctx, tx, accountID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, Entry{Actor: by, Action: "account.signout_everywhere",
			ObjectType: "account", ObjectID: fmt.Sprint(accountID)})
	})
}

// PruneSessions deletes sessions past their maximum age, for a periodic job.
func (s *Service) PruneSessions(ctx context.Context) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, db.UTC(s.now()))
	if err != nil {
		return 0, fmt.Errorf("account: prune sessions: %w", err)
	}
	return res.RowsAffected()
}
