package account

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/valid"
)

// MailKind is a kind of mail a reader may refuse. Receipts and security
// notices (sign-in links, second factors, role changes) are not kinds:
// the law or the reader's safety needs them sent, so no one can refuse them.
type MailKind string

// The kinds a reader may refuse; the database's CHECK lists the same.
const (
	MailNews    MailKind = "news"
	MailAppeals MailKind = "appeals"
)

// MailKinds lists the refusable kinds in the order the page shows them.
func MailKinds() []MailKind { return []MailKind{MailNews, MailAppeals} }

// Label is how the account page names the kind.
func (k MailKind) Label() string {
	switch k {
	case MailNews:
		return "News from the paper"
	case MailAppeals:
		return "Fighting fund appeals"
	}
	return string(k)
}

// Preference is whether a reader allows one kind of mail.
type Preference struct {
	Kind    MailKind
	Allowed bool
}

// Preferences returns every kind with the account's choice; a kind it has
// never chosen is allowed.
func (s *Service) Preferences(ctx context.Context, accountID int64) ([]Preference, error) {
	if _, err := byID(ctx, s.db, accountID); err != nil {
		return nil, err
	}
	return preferencesOf(ctx, s.db, accountID)
}

func preferencesOf(ctx context.Context, q db.Queryer, accountID int64) ([]Preference, error) {
	rows, err := q.QueryContext(ctx, `SELECT kind, allowed FROM email_preferences WHERE account_id = $1`, accountID)
	if err != nil {
		return nil, fmt.Errorf("account: preferences of %d: %w", accountID, err)
	}
	defer rows.Close()
	chosen := map[MailKind]bool{}
	for rows.Next() {
		var kind string
		var allowed int
		if err := rows.Scan(&kind, &allowed); err != nil {
			return nil, fmt.Errorf("account: preferences of %d: %w", accountID, err)
		}
		chosen[MailKind(kind)] = allowed == 1
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("account: preferences of %d: %w", accountID, err)
	}
	var out []Preference
	for _, k := range MailKinds() {
		allowed, ok := chosen[k]
		out = append(out, Preference{Kind: k, Allowed: allowed || !ok})
	}
	return out, nil
}

// Allows reports whether the account allows mail of kind; senders of news
// and appeals ask before they queue a message.
func (s *Service) Allows(ctx context.Context, accountID int64, kind MailKind) (bool, error) {
	prefs, err := s.Preferences(ctx, accountID)
	if err != nil {
		return false, err
	}
	for _, p := range prefs {
		if p.Kind == kind {
			return p.Allowed, nil
		}
	}
	return false, valid.Error{Field: "kind", Message: fmt.Sprintf("%q is not a kind of mail a reader can choose", string(kind))}
}

// SetPreferences records the account's choice for every kind: allowed
// lists the kinds it wants, and every other kind is refused. An unknown
// kind is refused and nothing changes. The change is in the audit log.
func (s *Service) SetPreferences(ctx context.Context, by Actor, accountID int64, allowed []MailKind) error {
	for _, k := range allowed {
		if !slices.Contains(MailKinds(), k) {
			return valid.Error{Field: "kinds", Message: fmt.Sprintf("%q is not a kind of mail you can choose.", string(k))}
		}
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := byID(ctx, tx, accountID); err != nil {
			return err
		}
		before, err := preferencesOf(ctx, tx, accountID)
		if err != nil {
			return err
		}
		now := db.UTC(s.now())
		for _, k := range MailKinds() {
			on := 0
			if slices.Contains(allowed, k) {
				on = 1
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO email_preferences (account_id, kind, allowed, updated_at)
				VALUES ($1, $2, $3, $4) ON CONFLICT (account_id, kind) DO UPDATE SET allowed = $3, updated_at = $4`,
				accountID, string(k), on, now); err != nil {
				return fmt.Errorf("account: set preferences of %d: %w", accountID, err)
			}
		}
		after, err := preferencesOf(ctx, tx, accountID)
		if err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, Entry{Actor: by, Action: "account.preferences", ObjectType: "account",
			ObjectID: fmt.Sprint(accountID), Before: before, After: after})
	})
}
