package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/coopress/coopress/internal/valid"
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/db"
)

// NewAccount is what CreateAccount needs. Password may be empty: the person
// then signs in by a one-time link and sets one.
type NewAccount struct {
	Email    string
	Name     string
	Roles    []Role
	Password string
}

// accountView is what the audit log keeps of an account: never the hash.
type accountView struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Roles    []Role `json:"roles"`
	Disabled bool   `json:"disabled"`
}

func viewOf(a Account) accountView {
	return accountView{Email: a.Email, Name: a.Name, Roles: a.Roles, Disabled: a.Disabled}
}

func checkEmail(email string) error {
	bad := func(msg string) error { return valid.Error{Field: "email", Message: msg} }
	if email == "" {
		return bad("Enter an email address.")
	}
	if !utf8.ValidString(email) || len(email) > 254 || strings.ContainsAny(email, " \t\r\n<>,") {
		return bad("Enter an email address like name@example.org.")
	}
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || !strings.Contains(email, "@") {
		return bad("Enter an email address like name@example.org.")
	}
	return nil
}

func checkName(name string) error {
	if !utf8.ValidString(name) {
		return valid.Error{Field: "name", Message: "The name contains characters we could not read."}
	}
	if n := utf8.RuneCountInString(name); n == 0 || n > 200 {
		return valid.Error{Field: "name", Message: "Enter a name of up to 200 characters."}
	}
	return nil
}

func checkRoles(roles []Role) error {
	for _, r := range roles {
		if !r.Valid() {
			return valid.Error{Field: "roles", Message: fmt.Sprintf("%q is not a role.", string(r))}
		}
	}
	return nil
}

// CreateAccount adds an account with its roles, recording who did it.
func (s *Service) CreateAccount(ctx context.Context, by Actor, n NewAccount) (Account, error) {
	n.Email, n.Name = NormalizeEmail(n.Email), strings.TrimSpace(n.Name)
	if err := errors.Join(checkEmail(n.Email), checkName(n.Name), checkRoles(n.Roles)); err != nil {
		return Account{}, firstValidation(err)
	}
	hash := ""
	if n.Password != "" {
		if err := CheckPassword(n.Password); err != nil {
			return Account{}, err
		}
		var err error
		if hash, err = s.hash(ctx, n.Password); err != nil {
			return Account{}, err
		}
	}
	a := Account{Email: n.Email, Name: n.Name, Roles: sortRoles(n.Roles), HasPassword: hash != "", CreatedAt: db.UTC(s.now())}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO accounts (email, name, password_hash, created_at)
			VALUES ($1, $2, $3, $4) RETURNING id`, a.Email, a.Name, hash, a.CreatedAt).Scan(&a.ID)
		if db.IsUniqueViolation(err) {
			return valid.Error{Field: "email", Message: "An account with that email address already exists."}
		}
		if err != nil {
			return fmt.Errorf("account: create %s: %w", a.Email, err)
		}
		if err := insertRoles(ctx, tx, a.ID, a.Roles); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, tx, Entry{Actor: by, Action: "account.create", ObjectType: "account",
			ObjectID: fmt.Sprint(a.ID), After: viewOf(a)}); err != nil {
			return err
		}
		return s.recordGrants(ctx, tx, by, a, nil, true)
	})
	return a, err
}

// firstValidation returns the first valid.Error in a joined error, so
// a form shows one message per field in order.
func firstValidation(err error) error {
	var v valid.Error
	if errors.As(err, &v) {
		return v
	}
	return err
}

func sortRoles(roles []Role) []Role {
	out := slices.Clone(roles)
	order := AllRoles()
	slices.SortFunc(out, func(a, b Role) int { return slices.Index(order, a) - slices.Index(order, b) })
	return slices.Compact(out)
}

func insertRoles(ctx context.Context, tx *sql.Tx, id int64, roles []Role) error {
	for _, r := range roles {
		if _, err := tx.ExecContext(ctx, `INSERT INTO account_roles (account_id, role) VALUES ($1, $2)`, id, string(r)); err != nil {
			return fmt.Errorf("account: add role %s to %d: %w", r, id, err)
		}
	}
	return nil
}

// SetRoles replaces an account's roles. It refuses, with ErrLastAdmin, to
// take the admin role from the only active admin and, with ErrSelfGrant,
// a person adding a role to their own account. Each power role granted is
// audited and announced (recordGrants).
func (s *Service) SetRoles(ctx context.Context, by Actor, id int64, roles []Role) (Account, error) {
	if err := checkRoles(roles); err != nil {
		return Account{}, err
	}
	var after Account
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockAdmins(ctx, tx); err != nil {
			return err
		}
		before, err := byID(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := refuseSelfGrant(by, before, roles); err != nil {
			return err
		}
		if !slices.Contains(roles, Admin) {
			if err := keepsAnAdmin(ctx, tx, before, "roles", "take the admin role from"); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM account_roles WHERE account_id = $1`, id); err != nil {
			return fmt.Errorf("account: clear roles of %d: %w", id, err)
		}
		after = before
		after.Roles = sortRoles(roles)
		if err := insertRoles(ctx, tx, id, after.Roles); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, tx, Entry{Actor: by, Action: "account.roles", ObjectType: "account",
			ObjectID: fmt.Sprint(id), Before: viewOf(before), After: viewOf(after)}); err != nil {
			return err
		}
		return s.recordGrants(ctx, tx, by, after, before.Roles, false)
	})
	return after, err
}

// Disable stops an account from signing in and ends its sessions. Accounts
// are never deleted: the audit log and bylines still name them. It
// refuses, with ErrLastAdmin, to disable the only active admin.
func (s *Service) Disable(ctx context.Context, by Actor, id int64) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockAdmins(ctx, tx); err != nil {
			return err
		}
		before, err := byID(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := keepsAnAdmin(ctx, tx, before, "disable", "disable"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET disabled = 1 WHERE id = $1`, id); err != nil {
			return fmt.Errorf("account: disable %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE account_id = $1`, id); err != nil {
			return fmt.Errorf("account: end sessions of %d: %w", id, err)
		}
		after := before
		after.Disabled = true
		return s.audit.Record(ctx, tx, Entry{Actor: by, Action: "account.disable", ObjectType: "account",
			ObjectID: fmt.Sprint(id), Before: viewOf(before), After: viewOf(after)})
	})
}

// SetPassword checks pw against the policy, stores its hash, ends every
// session and spends every unused link of the account, since a password is
// changed when it may be known to someone else. The caller starts a new session if it wants one.
func (s *Service) SetPassword(ctx context.Context, by Actor, id int64, pw string) error {
	if err := CheckPassword(pw); err != nil {
		return err
	}
	// Hash before the transaction: it takes tens of milliseconds and
	// SQLite has one writer.
	hash, err := s.hash(ctx, pw)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error { return s.setPasswordTx(ctx, tx, by, id, hash, "account.password") })
}

func (s *Service) setPasswordTx(ctx context.Context, tx *sql.Tx, by Actor, id int64, hash, action string) error {
	res, err := tx.ExecContext(ctx, `UPDATE accounts SET password_hash = $1 WHERE id = $2`, hash, id)
	if err != nil {
		return fmt.Errorf("account: set password of %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE account_id = $1`, id); err != nil {
		return fmt.Errorf("account: end sessions of %d: %w", id, err)
	}
	if err := s.revokeLinksTx(ctx, tx, id); err != nil {
		return err
	}
	return s.audit.Record(ctx, tx, Entry{Actor: by, Action: action, ObjectType: "account", ObjectID: fmt.Sprint(id)})
}

// Authenticate returns the account whose email and password these are. It
// spends the same argon2id time whether or not the email is known, so the
// answer's speed does not tell which addresses have accounts.
func (s *Service) Authenticate(ctx context.Context, email, pw string) (Account, error) {
	email = NormalizeEmail(email)
	var hash string
	a, err := s.byEmailWithHash(ctx, email, &hash)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Account{}, err
	}
	if hash == "" || len(pw) > 4*MaxPasswordLength {
		if _, err := s.hash(ctx, pw); err != nil { // the dummy, for equal timing
			return Account{}, err
		}
		return Account{}, ErrBadCredentials
	}
	ok, err := s.verify(ctx, pw, hash)
	if err != nil {
		return Account{}, fmt.Errorf("account: verify %d: %w", a.ID, err)
	}
	if !ok || a.Disabled {
		return Account{}, ErrBadCredentials
	}
	return a, nil
}
