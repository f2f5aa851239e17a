package account

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/mail"
	"github.com/coopress/coopress/internal/valid"
)

// ErasedName is the name an erased account keeps.
const ErasedName = "Erased reader"

// erasedActor is what the audit log names instead of an erased person; the
// trigger on audit_log allows actor_name to change to this value only.
const erasedActor = "erased"

// ErasedEmail is the address an erased account keeps: unique, as the
// accounts table needs, and under the reserved .invalid domain, so it can
// never be a mailbox or match a person's real address.
func ErasedEmail(id int64) string { return fmt.Sprintf("erased-%d@invalid", id) }

// IsErased reports whether a has been erased.
func IsErased(a Account) bool { return a.Email == ErasedEmail(a.ID) }

// Erase removes the person behind an account, in one transaction: the
// account row stays (the audit log and other rows point at its id),
// disabled, with ErasedEmail and ErasedName; its roles, sessions, sign-in
// tokens, second factors, recovery codes, email preferences and rate-limit
// counts are deleted; the audit log keeps every entry by or about it with
// the person's details (actor name, before and after values, address)
// blanked; the outbox's copies of mail to it are blanked; and every domain
// given to NewPersonalData blanks what it keeps under the address (the
// fund its gifts' donor fields, keeping their amounts).
//
// An account holding a staff role is refused (an admin removes the roles
// first, so no one erases a colleague's record of work by accident), and so
// is one a Blocker still needs, such as a member of the society.
func (p *PersonalData) Erase(ctx context.Context, by Actor, accountID int64) error {
	s := p.accounts
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		a, err := byID(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if IsErased(a) {
			return valid.Error{Field: "account", Message: "This account has already been erased."}
		}
		if a.IsStaff() {
			return valid.Error{Field: "account", Message: fmt.Sprintf("This account holds staff roles (%s): an admin must remove them before it can be erased.", roleList(a.Roles))}
		}
		for _, d := range p.domains {
			if b, ok := d.(Blocker); ok {
				if err := b.BlockErasure(ctx, tx, a.Email); err != nil {
					return err
				}
			}
		}
		for _, d := range p.domains {
			if e, ok := d.(Eraser); ok {
				if err := e.ErasePersonal(ctx, tx, a.Email, a.Name); err != nil {
					return err
				}
			}
		}
		if err := mail.EraseAddress(ctx, tx, a.Email); err != nil {
			return err
		}
		if err := eraseAudit(ctx, tx, a); err != nil {
			return err
		}
		if err := eraseAccountRows(ctx, tx, a); err != nil {
			return err
		}
		if by.ID == a.ID { // the person erasing themselves is named no more than elsewhere
			by = Actor{ID: a.ID, Name: erasedActor}
		}
		return s.audit.Record(ctx, tx, Entry{Actor: by, Action: "account.erase", ObjectType: "account",
			ObjectID: fmt.Sprint(a.ID)})
	})
}

func roleList(roles []Role) string {
	var names []string
	for _, r := range roles {
		if r != Reader {
			names = append(names, string(r))
		}
	}
	return strings.Join(names, ", ")
}

// eraseAudit blanks the person's details in the audit log: on entries they
// made, their name and address; on entries they made or that are about
// their account, or that mention their email, the before and after values.
// Who did what to which object, and when, stays.
func eraseAudit(ctx context.Context, tx *sql.Tx, a Account) error {
	id := fmt.Sprint(a.ID)
	pattern := db.LikeContains(a.Email)
	if _, err := tx.ExecContext(ctx, `UPDATE audit_log SET actor_name = $3, ip = ''
		WHERE actor_id = $1 OR lower(actor_name) = $2`, a.ID, strings.ToLower(a.Email), erasedActor); err != nil {
		return fmt.Errorf("account: erase %d: audit actors: %w", a.ID, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_log SET before_json = '', after_json = ''
		WHERE actor_id = $1 OR (object_type = 'account' AND object_id = $2)
		   OR lower(before_json) LIKE $3 ESCAPE '\' OR lower(after_json) LIKE $3 ESCAPE '\'`, a.ID, id, pattern); err != nil {
		return fmt.Errorf("account: erase %d: audit values: %w", a.ID, err)
	}
	return nil
}

// eraseAccountRows deletes what only served the account's signing in and
// replaces its own personal fields.
func eraseAccountRows(ctx context.Context, tx *sql.Tx, a Account) error {
	stmts := []struct {
		what, sql string
		args      []any
	}{
		{"passkey ceremonies", `DELETE FROM webauthn_challenges WHERE session_id IN (SELECT id FROM sessions WHERE account_id = $1)`, []any{a.ID}},
		{"sessions", `DELETE FROM sessions WHERE account_id = $1`, []any{a.ID}},
		{"tokens", `DELETE FROM account_tokens WHERE account_id = $1`, []any{a.ID}},
		{"second factors", `DELETE FROM second_factors WHERE account_id = $1`, []any{a.ID}},
		{"recovery codes", `DELETE FROM recovery_codes WHERE account_id = $1`, []any{a.ID}},
		{"preferences", `DELETE FROM email_preferences WHERE account_id = $1`, []any{a.ID}},
		{"roles", `DELETE FROM account_roles WHERE account_id = $1`, []any{a.ID}},
		// Emailed sign-in links name the address, used or not.
		{"reader links", `DELETE FROM reader_links WHERE email = $1`, []any{NormalizeEmail(a.Email)}},
		// Every rate-limit key that names a person ends with their address
		// ("account:", "reset:", "pair:<ip> ").
		{"sign-in attempts", `DELETE FROM login_attempts WHERE lower(key) LIKE $1 ESCAPE '\' OR key = $2`,
			[]any{strings.TrimSuffix(db.LikeContains(a.Email), "%"), FactorKey(a.ID)}},
		{"account", `UPDATE accounts SET email = $2, name = $3, password_hash = '', disabled = 1 WHERE id = $1`,
			[]any{a.ID, ErasedEmail(a.ID), ErasedName}},
	}
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st.sql, st.args...); err != nil {
			return fmt.Errorf("account: erase %d: %s: %w", a.ID, st.what, err)
		}
	}
	return nil
}
