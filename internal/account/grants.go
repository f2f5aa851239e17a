package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/mail"
	"github.com/coopress/coopress/internal/valid"
)

// ErrSelfGrant is the Cause of the valid.Error that SetRoles returns when
// a person adds a role to their own account: powers are given by someone
// else, so two people know of every new one.
var ErrSelfGrant = errors.New("account: a role cannot be granted to oneself")

// Mailer queues a message in the caller's transaction; *mail.Outbox is
// one. The notice of a grant is kept or lost with the grant itself.
type Mailer interface {
	EnqueueTx(ctx context.Context, tx *sql.Tx, m mail.Message) (int64, error)
}

// PowerRoles are the roles that open the society's accounts, money,
// register or votes. Each grant of one is audited on its own and
// announced to every other active holder of that role (grantWatchers),
// who can object if it is wrong, and each needs a second factor. A teller
// sees no register, but can check any elector in at a meeting and enter
// the papers cast there: a stolen teller password could cast votes.
func PowerRoles() []Role { return []Role{Admin, Treasurer, Secretary, Teller} }

// grantWatchers are the roles whose holders are told of a grant of r: its
// other holders and, for a teller, the secretaries, who run the ballots
// the teller will count and may never have met them.
func grantWatchers(r Role) []Role {
	if r == Teller {
		return []Role{Teller, Secretary}
	}
	return []Role{r}
}

// grantView is what the audit log keeps of one grant.
type grantView struct {
	Email string `json:"email"`
	Role  Role   `json:"role"`
}

// refuseSelfGrant stops by from adding to their own roles. The command
// line (an Actor with no account) is the operator's and may.
func refuseSelfGrant(by Actor, before Account, roles []Role) error {
	if by.ID == 0 || by.ID != before.ID {
		return nil
	}
	for _, r := range roles {
		if !slices.Contains(before.Roles, r) {
			return valid.Error{Field: "roles", Cause: ErrSelfGrant, Message: fmt.Sprintf(
				"You cannot give yourself the %s role; ask another admin to do it.", r)}
		}
	}
	return nil
}

// recordGrants audits, as account.grant, each power role that a holds and
// had not before, and queues a notice of it to every other active holder
// of the roles that watch it (grantWatchers), all in tx. A new account (created) gets no grant entries:
// its account.create entry already names its roles.
func (s *Service) recordGrants(ctx context.Context, tx *sql.Tx, by Actor, a Account, had []Role, created bool) error {
	for _, r := range PowerRoles() {
		if !slices.Contains(a.Roles, r) || slices.Contains(had, r) {
			continue
		}
		if !created {
			if err := s.audit.Record(ctx, tx, Entry{Actor: by, Action: "account.grant", ObjectType: "account",
				ObjectID: fmt.Sprint(a.ID), After: grantView{Email: a.Email, Role: r}}); err != nil {
				return err
			}
		}
		if s.opt.Mail == nil {
			continue
		}
		var to []string
		for _, w := range grantWatchers(r) {
			holders, err := activeHolders(ctx, tx, w, a.ID)
			if err != nil {
				return err
			}
			for _, h := range holders {
				if !slices.Contains(to, h) {
					to = append(to, h)
				}
			}
		}
		who := by.Name
		if who == "" {
			who = "the operator"
		}
		why := "you hold that role too"
		if r == Teller {
			why = "you are a teller too, or a secretary, who runs the ballots tellers count"
		}
		for _, addr := range to {
			m := mail.Message{To: addr, Kind: "role_grant", Subject: fmt.Sprintf("%s now has the %s role", a.Email, r),
				Text: fmt.Sprintf("Hello,\n\n%s gave the %s role to %s (%s).\n\nYou are told because %s. "+
					"If this is not right, take the role away on the Users page and tell the board.\n", who, r, a.Name, a.Email, why)}
			if _, err := s.opt.Mail.EnqueueTx(ctx, tx, m); err != nil {
				return fmt.Errorf("account: notice of %s grant to %d: %w", r, a.ID, err)
			}
		}
	}
	return nil
}

// activeHolders are the email addresses of the active accounts with role,
// but not the account except.
func activeHolders(ctx context.Context, q db.Queryer, role Role, except int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT a.email FROM accounts a JOIN account_roles r ON r.account_id = a.id
		WHERE r.role = $1 AND a.disabled = 0 AND a.id <> $2 ORDER BY a.email`, string(role), except)
	if err != nil {
		return nil, fmt.Errorf("account: holders of %s: %w", role, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, fmt.Errorf("account: holders of %s: %w", role, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
