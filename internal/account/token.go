package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/coopress/coopress/internal/db"
)

// Purpose says what a one-time token is for; a token works for its own
// purpose only.
type Purpose string

// The two kinds of one-time token.
const (
	PurposeSignIn Purpose = "signin"
	PurposeReset  Purpose = "reset"
)

// IssueSignInLink returns a token that signs the account in once within
// Options.SignInLinkTTL; `coopress user add` prints it as a link.
func (s *Service) IssueSignInLink(ctx context.Context, by Actor, accountID int64) (string, error) {
	var token string
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		token, err = s.issue(ctx, tx, accountID, PurposeSignIn, s.opt.SignInLinkTTL)
		if err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, Entry{Actor: by, Action: "account.signin_link", ObjectType: "account", ObjectID: fmt.Sprint(accountID)})
	})
	return token, err
}

// IssueResetTokenTx returns a password-reset token valid for
// Options.ResetTTL, written in the caller's transaction so that the email
// carrying it is queued with it or not at all.
func (s *Service) IssueResetTokenTx(ctx context.Context, tx *sql.Tx, accountID int64) (string, error) {
	return s.issue(ctx, tx, accountID, PurposeReset, s.opt.ResetTTL)
}

func (s *Service) issue(ctx context.Context, tx *sql.Tx, accountID int64, p Purpose, ttl time.Duration) (string, error) {
	token, hash, err := newToken()
	if err != nil {
		return "", err
	}
	now := db.UTC(s.now())
	_, err = tx.ExecContext(ctx, `INSERT INTO account_tokens (hash, account_id, purpose, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, hash, accountID, string(p), now, now.Add(ttl))
	if err != nil {
		return "", fmt.Errorf("account: issue %s token for %d: %w", p, accountID, err)
	}
	return token, nil
}

// RequestReset finds the account for email and calls send inside a
// transaction, so the caller queues an email with what the transaction
// wrote or not at all. For a live account it first issues a reset token
// and passes it; for an unknown or disabled address it passes an Account
// holding only the normalised Email and an empty token, and the caller
// queues a notice that no link was made. Both paths thus do the same
// work — a look-up, one write transaction, one queued email — so neither
// the answer nor its timing tells which addresses have accounts.
func (s *Service) RequestReset(ctx context.Context, email string, send func(tx *sql.Tx, a Account, token string) error) error {
	a, err := s.ByEmail(ctx, email)
	known := err == nil && !a.Disabled
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	if !known {
		a = Account{Email: NormalizeEmail(email)}
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		token := ""
		if known {
			var err error
			if token, err = s.IssueResetTokenTx(ctx, tx, a.ID); err != nil {
				return err
			}
		}
		return send(tx, a, token)
	})
}

// CheckToken returns the account a token is for without using it up, so a
// page can show a form before the token is spent.
func (s *Service) CheckToken(ctx context.Context, token string, p Purpose) (Account, error) {
	id, err := s.liveToken(ctx, s.db, token, p)
	if err != nil {
		return Account{}, err
	}
	return s.liveAccount(ctx, s.db, id)
}

func (s *Service) liveToken(ctx context.Context, q db.Queryer, token string, p Purpose) (int64, error) {
	if token == "" || len(token) > 100 {
		return 0, ErrTokenInvalid
	}
	var id int64
	var expires time.Time
	var used sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT account_id, expires_at, used_at FROM account_tokens
		WHERE hash = $1 AND purpose = $2`, hashToken(token), string(p)).Scan(&id, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrTokenInvalid
	}
	if err != nil {
		return 0, fmt.Errorf("account: read token: %w", err)
	}
	if used.Valid || !s.now().Before(expires) {
		return 0, ErrTokenInvalid
	}
	return id, nil
}

func (s *Service) liveAccount(ctx context.Context, q db.Queryer, id int64) (Account, error) {
	a, err := byID(ctx, q, id)
	if err != nil {
		return Account{}, err
	}
	if a.Disabled {
		return Account{}, ErrTokenInvalid
	}
	return a, nil
}

// Consume uses a token up and returns its account. Of two concurrent
// attempts with the same token exactly one succeeds.
func (s *Service) Consume(ctx context.Context, token string, p Purpose) (Account, error) {
	var a Account
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		a, err = s.consumeTx(ctx, tx, token, p)
		return err
	})
	return a, err
}

func (s *Service) consumeTx(ctx context.Context, tx *sql.Tx, token string, p Purpose) (Account, error) {
	id, err := s.liveToken(ctx, tx, token, p)
	if err != nil {
		return Account{}, err
	}
	res, err := tx.ExecContext(ctx, `UPDATE account_tokens SET used_at = $1 WHERE hash = $2 AND used_at IS NULL`,
		db.UTC(s.now()), hashToken(token))
	if err != nil {
		return Account{}, fmt.Errorf("account: use token: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return Account{}, ErrTokenInvalid
	}
	return s.liveAccount(ctx, tx, id)
}

// revokeLinksTx spends every unused sign-in, reset and reader link of
// the account. It runs wherever the account's sessions are ended (a new
// password, a reset, "sign out everywhere"): a link mailed before then may
// be in the hands the change was meant to shut out. Marking them used
// rather than deleting them keeps the record of what was issued.
func (s *Service) revokeLinksTx(ctx context.Context, tx *sql.Tx, accountID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE account_tokens SET used_at = $1 WHERE account_id = $2 AND used_at IS NULL`,
		db.UTC(s.now()), accountID)
	if err != nil {
		return fmt.Errorf("account: revoke links of %d: %w", accountID, err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE reader_links SET used_at = $1
		WHERE email = (SELECT email FROM accounts WHERE id = $2) AND used_at IS NULL`, db.UTC(s.now()), accountID)
	if err != nil {
		return fmt.Errorf("account: revoke reader links of %d: %w", accountID, err)
	}
	return nil
}

// ResetPassword spends a reset token and sets the new password in one
// transaction, ending every session of the account. A password that breaks
// the policy leaves the token unspent, so the person can try again.
func (s *Service) ResetPassword(ctx context.Context, token, pw, ip string) (Account, error) {
	if err := CheckPassword(pw); err != nil {
		return Account{}, err
	}
	if _, err := s.CheckToken(ctx, token, PurposeReset); err != nil {
		return Account{}, err // before the costly hash
	}
	hash, err := s.hash(ctx, pw)
	if err != nil {
		return Account{}, err
	}
	var a Account
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if a, err = s.consumeTx(ctx, tx, token, PurposeReset); err != nil {
			return err
		}
		return s.setPasswordTx(ctx, tx, ActorOf(a, ip), a.ID, hash, "account.password_reset")
	})
	if err != nil {
		return Account{}, err
	}
	a.HasPassword = true
	return a, nil
}
