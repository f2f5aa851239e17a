package account

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"fmt"
	"strings"

	"github.com/coopress/coopress/internal/db"
)

// RecoveryCodeCount is how many recovery codes an account gets at a time.
const RecoveryCodeCount = 10

// recoveryAlphabet is base32 in lower case: 16 characters carry 80
// random bits, shown in four groups of four ("abcd-efgh-2345-wxyz").
var recoveryEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewRecoveryCodes replaces the account's recovery codes with
// RecoveryCodeCount new ones and returns them, to be shown once: only
// their hashes are kept.
func (s *Service) NewRecoveryCodes(ctx context.Context, by Actor, accountID int64) ([]string, error) {
	var codes []string
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		codes, err = s.newRecoveryCodesTx(ctx, tx, by, accountID)
		return err
	})
	return codes, err
}

func (s *Service) newRecoveryCodesTx(ctx context.Context, tx *sql.Tx, by Actor, accountID int64) ([]string, error) {
	if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE account_id = $1`, accountID); err != nil {
		return nil, fmt.Errorf("account: drop recovery codes of %d: %w", accountID, err)
	}
	now := db.UTC(s.now())
	codes := make([]string, RecoveryCodeCount)
	for i := range codes {
		b := make([]byte, 10)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("account: random recovery code: %w", err)
		}
		c := recoveryEncoding.EncodeToString(b)
		codes[i] = c[0:4] + "-" + c[4:8] + "-" + c[8:12] + "-" + c[12:16]
		if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (hash, account_id, created_at) VALUES ($1, $2, $3)`,
			hashToken(c), accountID, now); err != nil {
			return nil, fmt.Errorf("account: store recovery code of %d: %w", accountID, err)
		}
	}
	if err := s.audit.Record(ctx, tx, Entry{Actor: by, Action: "account.recovery_codes", ObjectType: "account",
		ObjectID: fmt.Sprint(accountID), After: map[string]int{"codes": RecoveryCodeCount}}); err != nil {
		return nil, err
	}
	return codes, nil
}

// RecoveryCodesLeft counts the account's unused recovery codes.
func (s *Service) RecoveryCodesLeft(ctx context.Context, accountID int64) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM recovery_codes WHERE account_id = $1 AND used_at IS NULL`, accountID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("account: count recovery codes of %d: %w", accountID, err)
	}
	return n, nil
}

// normalRecoveryCode reads a code as people type it: any case, with or
// without its hyphens and spaces.
func normalRecoveryCode(code string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == ' ':
			return -1
		case r >= 'A' && r <= 'Z':
			return r + ('a' - 'A')
		}
		return r
	}, code)
}

// VerifyRecoveryCode completes the half-signed-in session token with one
// of the account's recovery codes, which is then spent, and tells the
// owner. Wrong codes count against the same limit as authenticator codes.
func (s *Service) VerifyRecoveryCode(ctx context.Context, token string, ss Session, code string) (string, error) {
	code = normalRecoveryCode(code)
	return s.verifyFactor(ctx, token, ss, Recovery, func(tx *sql.Tx) (bool, error) {
		if len(code) != 16 {
			return false, nil
		}
		res, err := tx.ExecContext(ctx, `UPDATE recovery_codes SET used_at = $1 WHERE hash = $2 AND account_id = $3 AND used_at IS NULL`,
			db.UTC(s.now()), hashToken(code), ss.Account.ID)
		if err != nil {
			return false, err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return false, err
		}
		var left int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM recovery_codes WHERE account_id = $1 AND used_at IS NULL`, ss.Account.ID).Scan(&left); err != nil {
			return false, err
		}
		if err := s.audit.Record(ctx, tx, Entry{Actor: ActorOf(ss.Account, ss.IP), Action: "account.recovery_code_used",
			ObjectType: "account", ObjectID: fmt.Sprint(ss.Account.ID), After: map[string]int{"left": left}}); err != nil {
			return false, err
		}
		return true, s.tellOwner(ctx, tx, ss.Account, "A recovery code was used to sign in",
			fmt.Sprintf("One of your recovery codes was just used to sign in to your account; %d are left. "+
				"If you have lost your phone or passkey, remove it and set up a new one on your account's security page.", left))
	})
}
