package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/db"
)

// ReaderLinkTTL is how long a reader's sign-in link works: it is asked
// for and arrives at once, and a short life limits what a leaked mailbox
// or a forwarded email can do with it.
const ReaderLinkTTL = 15 * time.Minute

// The kinds of session (sessions.kind). A staff session began with a
// password; a reader session with a reader's link or passkey, and opens
// /account only. A staff member who is also a reader has one account,
// and an emailed link is not the staff password step: with a reader
// session /admin still asks for the password and the second factor.
const (
	sessionStaff  = "staff"
	sessionReader = "reader"
)

// ReaderKey is the rate-limit key for reader sign-in links to one
// address, so that nobody can fill a mailbox with them.
func ReaderKey(email string) string { return "reader:" + NormalizeEmail(email) }

// ReaderLinkMail is what RequestReaderLink hands its caller to queue:
// the address, the account's name when it has one, and the token.
type ReaderLinkMail struct {
	To    string
	Name  string // empty for an address with no account yet
	Known bool   // the address has an account
	Token string
}

// RequestReaderLink makes a sign-in link for email and calls send inside
// the transaction that stores it, so the caller queues the email with the
// link or neither. Whether or not the address has an account the work is
// the same — one look-up, one link written, one email queued — so neither
// the answer nor its timing says who has an account. Following the link
// signs into the account, or makes a reader account for a new address.
func (s *Service) RequestReaderLink(ctx context.Context, email string, send func(tx *sql.Tx, m ReaderLinkMail) error) error {
	email = NormalizeEmail(email)
	if err := checkEmail(email); err != nil {
		return err
	}
	a, err := s.ByEmail(ctx, email)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	m := ReaderLinkMail{To: email}
	if err == nil {
		m.Name, m.Known = a.Name, true
	}
	token, hash, err := newToken()
	if err != nil {
		return err
	}
	m.Token = token
	now := db.UTC(s.now())
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO reader_links (hash, email, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			hash, email, now, now.Add(ReaderLinkTTL)); err != nil {
			return fmt.Errorf("account: reader link for %s: %w", email, err)
		}
		return send(tx, m)
	})
}

// CheckReaderLink returns the address a live reader link is for without
// spending it, so the link's page can show a button first.
func (s *Service) CheckReaderLink(ctx context.Context, token string) (string, error) {
	return s.liveReaderLink(ctx, s.db, token)
}

func (s *Service) liveReaderLink(ctx context.Context, q db.Queryer, token string) (string, error) {
	if token == "" || len(token) > 100 {
		return "", ErrTokenInvalid
	}
	var email string
	var expires time.Time
	var used sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT email, expires_at, used_at FROM reader_links WHERE hash = $1`,
		hashToken(token)).Scan(&email, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrTokenInvalid
	}
	if err != nil {
		return "", fmt.Errorf("account: read reader link: %w", err)
	}
	if used.Valid || !s.now().Before(expires) {
		return "", ErrTokenInvalid
	}
	return email, nil
}

// SignInByReaderLink spends a reader link and starts a reader session
// for its address's account, first making a reader account when the
// address has none, and ends the browser's old session (oldToken, if
// any). It returns the new session's token, the session, and whether the
// account was made now. Of two concurrent uses of one link exactly one
// succeeds; a disabled account's link is refused.
func (s *Service) SignInByReaderLink(ctx context.Context, token, oldToken, ip, userAgent string) (string, Session, bool, error) {
	var out string
	var ss Session
	var created bool
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		email, err := s.liveReaderLink(ctx, tx, token)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE reader_links SET used_at = $1 WHERE hash = $2 AND used_at IS NULL`,
			db.UTC(s.now()), hashToken(token))
		if err != nil {
			return fmt.Errorf("account: spend reader link: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrTokenInvalid
		}
		a, err := s.readerAccountTx(ctx, tx, email, &created)
		if err != nil {
			return err
		}
		if a.Disabled {
			return ErrTokenInvalid
		}
		if oldToken != "" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, hashToken(oldToken)); err != nil {
				return fmt.Errorf("account: end old session: %w", err)
			}
		}
		out, ss, err = s.insertSessionOf(ctx, tx, sessionReader, a, ip, userAgent, "")
		return err
	})
	if err != nil {
		return "", Session{}, false, err
	}
	return out, ss, created, nil
}

// readerAccountTx returns the account of email, making a reader account
// when there is none. The new account is named by the address's local
// part until the reader says otherwise, since a name is required and the
// link form asks only for the address.
func (s *Service) readerAccountTx(ctx context.Context, tx *sql.Tx, email string, created *bool) (Account, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM accounts WHERE email = $1`, email).Scan(&id)
	if err == nil {
		return byID(ctx, tx, id)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return Account{}, fmt.Errorf("account: find %s: %w", email, err)
	}
	name, _, _ := strings.Cut(email, "@")
	if checkName(name) != nil {
		name = "Reader"
	}
	a := Account{Email: email, Name: name, Roles: []Role{Reader}, CreatedAt: db.UTC(s.now())}
	err = tx.QueryRowContext(ctx, `INSERT INTO accounts (email, name, password_hash, created_at) VALUES ($1, $2, '', $3) RETURNING id`,
		a.Email, a.Name, a.CreatedAt).Scan(&a.ID)
	if db.IsUniqueViolation(err) {
		return Account{}, ErrTokenInvalid // the same address's other link won the race; this one is spent
	}
	if err != nil {
		return Account{}, fmt.Errorf("account: create reader %s: %w", email, err)
	}
	if err := insertRoles(ctx, tx, a.ID, a.Roles); err != nil {
		return Account{}, err
	}
	*created = true
	return a, s.audit.Record(ctx, tx, Entry{Actor: ReaderActor(a), Action: "account.reader_create",
		ObjectType: "account", ObjectID: fmt.Sprint(a.ID), After: struct {
			Roles []Role `json:"roles"`
		}{a.Roles}})
}

// ReaderActor names a reader acting on their own account in the audit
// log by number only, without address or client address: the log is
// append-only, so anything personal written there could never be erased
// with the account.
func ReaderActor(a Account) Actor { return Actor{ID: a.ID, Name: fmt.Sprintf("account %d", a.ID)} }

// SetName changes the name an account is shown by, for a reader's own
// account page. The audit log records the change, not the names, which
// are personal and would outlive an erasure there.
func (s *Service) SetName(ctx context.Context, by Actor, id int64, name string) (Account, error) {
	name = strings.TrimSpace(name)
	if err := checkName(name); err != nil {
		return Account{}, err
	}
	var after Account
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		before, err := byID(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET name = $1 WHERE id = $2`, name, id); err != nil {
			return fmt.Errorf("account: rename %d: %w", id, err)
		}
		after = before
		after.Name = name
		return s.audit.Record(ctx, tx, Entry{Actor: by, Action: "account.name", ObjectType: "account", ObjectID: fmt.Sprint(id)})
	})
	return after, err
}

// PruneReaderLinks deletes reader links a day past their expiry: they
// hold addresses of people who may never have made an account, and once
// dead they prove nothing.
func (s *Service) PruneReaderLinks(ctx context.Context) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM reader_links WHERE expires_at <= $1`, db.UTC(s.now().Add(-24*time.Hour)))
	if err != nil {
		return 0, fmt.Errorf("account: prune reader links: %w", err)
	}
	return res.RowsAffected()
}
