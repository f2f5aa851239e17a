package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/coopress/coopress/internal/db"
)

// accountColumns reads an account row; the last column counts its
// confirmed second factors, so a session knows what it still needs.
const accountColumns = `id, email, name, password_hash <> '', disabled, created_at,
	(SELECT count(*) FROM second_factors f WHERE f.account_id = accounts.id AND f.confirmed_at IS NOT NULL)`

func scanAccount(row interface{ Scan(...any) error }, a *Account, extra ...any) error {
	var disabled int
	if err := row.Scan(append([]any{&a.ID, &a.Email, &a.Name, &a.HasPassword, &disabled, &a.CreatedAt, &a.SecondFactors}, extra...)...); err != nil {
		return err
	}
	a.Disabled = disabled != 0
	a.CreatedAt = a.CreatedAt.UTC()
	return nil
}

// byID reads an account and its roles through q, so it serves inside a
// transaction too.
func byID(ctx context.Context, q db.Queryer, id int64) (Account, error) {
	var a Account
	err := scanAccount(q.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = $1`, id), &a)
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, ErrNotFound
	}
	if err != nil {
		return Account{}, fmt.Errorf("account: read %d: %w", id, err)
	}
	a.Roles, err = rolesOf(ctx, q, id)
	return a, err
}

func rolesOf(ctx context.Context, q db.Queryer, id int64) ([]Role, error) {
	rows, err := q.QueryContext(ctx, `SELECT role FROM account_roles WHERE account_id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("account: roles of %d: %w", id, err)
	}
	defer rows.Close()
	var roles []Role
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		roles = append(roles, Role(r))
	}
	return sortRoles(roles), rows.Err()
}

// ByID returns the account with this id, or ErrNotFound.
func (s *Service) ByID(ctx context.Context, id int64) (Account, error) { return byID(ctx, s.db, id) }

// ByEmail returns the account with this address (any case), or ErrNotFound.
func (s *Service) ByEmail(ctx context.Context, email string) (Account, error) {
	var hash string
	return s.byEmailWithHash(ctx, NormalizeEmail(email), &hash)
}

func (s *Service) byEmailWithHash(ctx context.Context, email string, hash *string) (Account, error) {
	var a Account
	err := scanAccount(s.db.QueryRowContext(ctx, `SELECT `+accountColumns+`, password_hash FROM accounts WHERE email = $1`, email), &a, hash)
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, ErrNotFound
	}
	if err != nil {
		return Account{}, fmt.Errorf("account: read %s: %w", email, err)
	}
	a.Roles, err = rolesOf(ctx, s.db, a.ID)
	return a, err
}

// List returns every account, by email, with roles.
func (s *Service) List(ctx context.Context) ([]Account, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+accountColumns+` FROM accounts ORDER BY email`)
	if err != nil {
		return nil, fmt.Errorf("account: list: %w", err)
	}
	var list []Account
	byID := map[int64]int{}
	for rows.Next() {
		var a Account
		if err := scanAccount(rows, &a); err != nil {
			rows.Close()
			return nil, fmt.Errorf("account: list: %w", err)
		}
		byID[a.ID] = len(list)
		list = append(list, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("account: list: %w", err)
	}
	roles, err := s.db.QueryContext(ctx, `SELECT account_id, role FROM account_roles`)
	if err != nil {
		return nil, fmt.Errorf("account: list roles: %w", err)
	}
	defer roles.Close()
	for roles.Next() {
		var id int64
		var r string
		if err := roles.Scan(&id, &r); err != nil {
			return nil, err
		}
		if i, ok := byID[id]; ok {
			list[i].Roles = append(list[i].Roles, Role(r))
		}
	}
	for i := range list {
		list[i].Roles = sortRoles(list[i].Roles)
	}
	return list, roles.Err()
}
