package account

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// The authenticator-app codes coopress accepts: the common six digits,
// every 30 seconds, HMAC-SHA1, which every app supports. A code is
// accepted one step either side of the server's clock, for phones whose
// clock drifts and people who type slowly.
const (
	totpPeriod = 30
	totpSkew   = 1
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// TOTPSetup is an authenticator-app secret waiting for its first code.
type TOTPSetup struct {
	// Secret is the shared secret in base32, for typing into an app.
	Secret string
	// URL is the otpauth:// address a QR code carries.
	URL string
}

// Key is the setup as the otp library reads it, for drawing its QR code.
func (t TOTPSetup) Key() (*otp.Key, error) { return otp.NewKeyFromURL(t.URL) }

// StartTOTP makes a new authenticator-app secret for a, replacing any
// earlier one still waiting for its first code. It becomes a factor only
// when ConfirmTOTP is given a code it produced.
func (s *Service) StartTOTP(ctx context.Context, a Account) (TOTPSetup, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: s.siteName(), AccountName: a.Email, Period: totpPeriod,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return TOTPSetup{}, fmt.Errorf("account: new authenticator secret: %w", err)
	}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM second_factors WHERE account_id = $1 AND kind = 'totp' AND confirmed_at IS NULL`, a.ID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO second_factors (account_id, kind, name, secret, created_at) VALUES ($1, 'totp', '', $2, $3)`,
			a.ID, key.Secret(), db.UTC(s.now()))
		return err
	})
	if err != nil {
		return TOTPSetup{}, fmt.Errorf("account: store authenticator secret of %d: %w", a.ID, err)
	}
	return TOTPSetup{Secret: key.Secret(), URL: totpURL(s.siteName(), a.Email, key.Secret())}, nil
}

// totpURL is the otpauth:// address of a secret, in the form
// authenticator apps read from a QR code.
func totpURL(issuer, accountName, secret string) string {
	v := url.Values{}
	v.Set("secret", secret)
	v.Set("issuer", issuer)
	v.Set("period", fmt.Sprint(totpPeriod))
	v.Set("digits", "6")
	v.Set("algorithm", "SHA1")
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + accountName, RawQuery: v.Encode()}
	return u.String()
}

// PendingTOTP returns the secret waiting for its first code, or
// ErrNotFound when there is none.
func (s *Service) PendingTOTP(ctx context.Context, a Account) (TOTPSetup, error) {
	var secret string
	err := s.db.QueryRowContext(ctx, `SELECT secret FROM second_factors WHERE account_id = $1 AND kind = 'totp' AND confirmed_at IS NULL`, a.ID).Scan(&secret)
	if errors.Is(err, sql.ErrNoRows) {
		return TOTPSetup{}, ErrNotFound
	}
	if err != nil {
		return TOTPSetup{}, fmt.Errorf("account: pending authenticator of %d: %w", a.ID, err)
	}
	return TOTPSetup{Secret: secret, URL: totpURL(s.siteName(), a.Email, secret)}, nil
}

// ConfirmTOTP turns the secret waiting for its first code into a factor
// called name once code is one it produced, and marks the session token
// (which set it up) as having given it. When the account has no unused
// recovery codes it gets ten, returned here to be shown once.
func (s *Service) ConfirmTOTP(ctx context.Context, by Actor, token string, a Account, name, code string) ([]string, error) {
	name, err := factorName(name, TOTP)
	if err != nil {
		return nil, err
	}
	res, err := s.Reserve(ctx, FactorKey(a.ID))
	if err != nil {
		return nil, err
	}
	var codes []string
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		var id int64
		var secret string
		err := tx.QueryRowContext(ctx, `SELECT id, secret FROM second_factors WHERE account_id = $1 AND kind = 'totp' AND confirmed_at IS NULL`, a.ID).Scan(&id, &secret)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		step, ok := matchTOTP(secret, code, s.now(), 0)
		if !ok {
			return ErrWrongCode
		}
		now := db.UTC(s.now())
		if _, err := tx.ExecContext(ctx, `UPDATE second_factors SET name = $1, last_step = $2, confirmed_at = $3, last_used_at = $3 WHERE id = $4`,
			name, step, now, id); err != nil {
			return err
		}
		codes, err = s.factorAdded(ctx, tx, by, token, a, TOTP, name)
		return err
	})
	if err != nil {
		if errors.Is(err, ErrWrongCode) {
			return nil, err // the reservation stays: a wrong code counts
		}
		return nil, s.release(ctx, res, err)
	}
	return codes, s.ClearFailures(ctx, FactorKey(a.ID))
}

// factorAdded does what follows every new factor, in tx: the audit entry,
// the owner's notice, the session marked, and recovery codes if the
// account has none left.
func (s *Service) factorAdded(ctx context.Context, tx *sql.Tx, by Actor, token string, a Account, kind FactorKind, name string) ([]string, error) {
	if err := s.audit.Record(ctx, tx, Entry{Actor: by, Action: "account.factor_add", ObjectType: "account",
		ObjectID: fmt.Sprint(a.ID), After: factorView{Kind: kind, Name: name}}); err != nil {
		return nil, err
	}
	if err := s.tellOwner(ctx, tx, a, "A second factor was added to your account",
		fmt.Sprintf("A new %s called %q can now be used to sign in to your account.", kindWords(kind), name)); err != nil {
		return nil, err
	}
	if err := markSession(ctx, tx, token, kind); err != nil {
		return nil, err
	}
	var left int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM recovery_codes WHERE account_id = $1 AND used_at IS NULL`, a.ID).Scan(&left); err != nil {
		return nil, fmt.Errorf("account: count recovery codes of %d: %w", a.ID, err)
	}
	if left > 0 {
		return nil, nil
	}
	return s.newRecoveryCodesTx(ctx, tx, by, a.ID)
}

// VerifyTOTP completes the half-signed-in session token with a code from
// one of the account's authenticator apps and returns the new session's
// token. A code is accepted once: the time step it belongs to, and every
// earlier one, are spent for that app. Wrong codes count against the
// account's FactorKey limit.
func (s *Service) VerifyTOTP(ctx context.Context, token string, ss Session, code string) (string, error) {
	return s.verifyFactor(ctx, token, ss, TOTP, func(tx *sql.Tx) (bool, error) {
		rows, err := tx.QueryContext(ctx, `SELECT id, secret, last_step FROM second_factors
			WHERE account_id = $1 AND kind = 'totp' AND confirmed_at IS NOT NULL ORDER BY id`, ss.Account.ID)
		if err != nil {
			return false, err
		}
		type app struct {
			id, last int64
			secret   string
		}
		var apps []app
		for rows.Next() {
			var a app
			if err := rows.Scan(&a.id, &a.secret, &a.last); err != nil {
				rows.Close()
				return false, err
			}
			apps = append(apps, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return false, err
		}
		for _, a := range apps {
			step, ok := matchTOTP(a.secret, code, s.now(), a.last)
			if !ok {
				continue
			}
			// The condition makes the step's use atomic: of two requests
			// with one code, only one moves last_step on.
			res, err := tx.ExecContext(ctx, `UPDATE second_factors SET last_step = $1, last_used_at = $2 WHERE id = $3 AND last_step < $1`,
				step, db.UTC(s.now()), a.id)
			if err != nil {
				return false, err
			}
			n, err := res.RowsAffected()
			return n == 1, err
		}
		return false, nil
	})
}

// verifyFactor counts an attempt against the account's limit, runs check
// in a transaction and, when it passes, replaces the session by a
// completed one in the same transaction.
func (s *Service) verifyFactor(ctx context.Context, token string, ss Session, kind FactorKind, check func(tx *sql.Tx) (bool, error)) (string, error) {
	res, err := s.Reserve(ctx, FactorKey(ss.Account.ID))
	if err != nil {
		return "", err
	}
	var newToken string
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		ok, err := check(tx)
		if err != nil {
			return err
		}
		if !ok {
			return ErrWrongCode
		}
		newToken, err = s.completeSession(ctx, tx, token, ss, kind)
		return err
	})
	if errors.Is(err, ErrWrongCode) {
		return "", s.factorFailed(ctx, ss.Account)
	}
	if err != nil {
		return "", s.release(ctx, res, err)
	}
	return newToken, s.ClearFailures(ctx, FactorKey(ss.Account.ID))
}

// factorFailed tells the owner when wrong codes reach the limit, which
// means someone who has their password is guessing, and returns
// ErrWrongCode.
func (s *Service) factorFailed(ctx context.Context, a Account) error {
	l, err := s.limitFor(FactorKey(a.ID))
	if err != nil {
		return err
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM login_attempts WHERE key = $1 AND at > $2`,
		FactorKey(a.ID), db.UTC(s.now().Add(-l.Window))).Scan(&n); err != nil {
		return fmt.Errorf("account: count factor attempts of %d: %w", a.ID, err)
	}
	if n != l.Max {
		return ErrWrongCode
	}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		return s.tellOwner(ctx, tx, a, "Someone who knows your password is trying to sign in",
			fmt.Sprintf("Your password was given correctly, then %d wrong second-factor codes in a row. "+
				"Your second factor kept them out, but they know your password: choose a new one now.", n))
	})
	return errors.Join(ErrWrongCode, err)
}

// matchTOTP reports whether code is secret's code for a time step within
// the skew of now and later than after, and which step.
func matchTOTP(secret, code string, now time.Time, after int64) (int64, bool) {
	code = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, code)
	if len(code) != 6 {
		return 0, false
	}
	for _, c := range code {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	current := now.Unix() / totpPeriod
	for d := int64(-totpSkew); d <= totpSkew; d++ {
		step := current + d
		if step <= after {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

func (s *Service) siteName() string {
	if s.opt.SiteName == "" {
		return "coopress"
	}
	return s.opt.SiteName
}
