package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/valid"
)

// ErrLastAdmin is the Cause of the valid.Error that SetRoles and
// Disable return rather than leave the paper with no active admin: nobody
// could then add staff or give roles, short of the command line.
var ErrLastAdmin = errors.New("account: that would leave no active admin")

// adminLockKey is the PostgreSQL advisory lock that serialises changes
// which may remove an admin; any fixed number unused elsewhere will do.
const adminLockKey = 7_402_001

// lockAdmins makes the "is another admin left?" check and the change that
// follows it one step, whatever else runs at the same time. Without it two
// admins disabling each other at once would each see the other still
// active, and both succeed.
//
// On SQLite every write transaction begins IMMEDIATE (see db.sqliteDSN), so
// it already holds the database's single write lock, across processes
// too. On PostgreSQL (READ COMMITTED) a transaction-scoped advisory lock
// queues such changes; each statement after it sees what the one before
// committed. Row locks would not do: a role change deletes rows of
// account_roles that a concurrent count has already passed over.
func (s *Service) lockAdmins(ctx context.Context, tx *sql.Tx) error {
	if s.db.Dialect() != db.Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, adminLockKey); err != nil {
		return fmt.Errorf("account: lock admins: %w", err)
	}
	return nil
}

// countActiveAdmins counts accounts with the admin role that are not
// disabled.
func countActiveAdmins(ctx context.Context, q db.Queryer) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts a JOIN account_roles r ON r.account_id = a.id
		WHERE r.role = 'admin' AND a.disabled = 0`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("account: count admins: %w", err)
	}
	return n, nil
}

// keepsAnAdmin refuses a change that removes a, when a is the last active
// admin. field and verb shape the message ("disable", "take the admin
// role from"). Call it after lockAdmins, in the change's transaction.
func keepsAnAdmin(ctx context.Context, tx *sql.Tx, a Account, field, verb string) error {
	if a.Disabled || !a.HasAny(Admin) {
		return nil
	}
	n, err := countActiveAdmins(ctx, tx)
	if err != nil {
		return err
	}
	if n > 1 {
		return nil
	}
	return valid.Error{Field: field, Cause: ErrLastAdmin, Message: fmt.Sprintf(
		"%s is the only active admin; give another account the admin role before you %s it, so the paper always has one.", a.Email, verb)}
}

// ActiveAdmins counts the admins who can sign in: none means nobody can add
// staff from the website, and serve says how to create the first.
func (s *Service) ActiveAdmins(ctx context.Context) (int, error) { return countActiveAdmins(ctx, s.db) }

// Enable lets a disabled account sign in again, with its old password if
// it had one. Enabling an account that is not disabled is refused, so a
// typo in the address is noticed.
func (s *Service) Enable(ctx context.Context, by Actor, id int64) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		before, err := byID(ctx, tx, id)
		if err != nil {
			return err
		}
		if !before.Disabled {
			return valid.Error{Field: "email", Message: before.Email + " is not disabled."}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET disabled = 0 WHERE id = $1`, id); err != nil {
			return fmt.Errorf("account: enable %d: %w", id, err)
		}
		after := before
		after.Disabled = false
		return s.audit.Record(ctx, tx, Entry{Actor: by, Action: "account.enable", ObjectType: "account",
			ObjectID: fmt.Sprint(id), Before: viewOf(before), After: viewOf(after)})
	})
}
