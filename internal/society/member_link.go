package society

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/valid"
)

// linkedAccount is the reader account member m (the alias) is linked to
// now: the latest row of member_links when there is one, since members
// itself is never updated, else the account given at admission. NULL is
// none.
const linkedAccount = `(CASE WHEN EXISTS (SELECT 1 FROM member_links l0 WHERE l0.member_id = m.id)
	THEN (SELECT l.account_id FROM member_links l WHERE l.member_id = m.id ORDER BY l.id DESC LIMIT 1)
	ELSE m.account_id END)`

// ErrLinked is the refusal to link an account already linked to another
// current member.
var ErrLinked = errors.New("society: account linked to another member")

// Link links member number to the reader account accountID, or unlinks
// them when accountID is 0, from now on: an entry, audited, never an
// overwrite. An account reaches one current member only, so linking one
// already linked to another member who has not ceased is refused; the
// secretary unlinks that one first.
func (s *Service) Link(ctx context.Context, number, accountID int64, by account.Actor) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.lock(ctx, tx); err != nil {
			return err
		}
		m, err := s.member(ctx, tx, number)
		if err != nil {
			return err
		}
		switch {
		case accountID == m.AccountID && accountID == 0:
			return valid.New(FieldMember, fmt.Sprintf("Member %d is not linked to an account.", number))
		case accountID == m.AccountID:
			return valid.New(FieldEmail, fmt.Sprintf("Member %d is already linked to that account.", number))
		}
		acct := sql.NullInt64{Int64: accountID, Valid: accountID != 0}
		if accountID != 0 {
			var other int64
			err := tx.QueryRowContext(ctx, `SELECT m.number FROM members m WHERE m.number <> $2 AND `+linkedAccount+` = $1
				AND (SELECT COALESCE(SUM(e.shares), 0) FROM share_entries e WHERE e.member_id = m.id) > 0
				ORDER BY m.number LIMIT 1`, accountID, number).Scan(&other)
			if err == nil {
				return valid.Error{Field: FieldEmail, Cause: ErrLinked, Message: fmt.Sprintf(
					"That account is linked to member %d; unlink it there first.", other)}
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("society: link: %w", err)
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO member_links (member_id, account_id, recorded_at, recorded_by)
			VALUES ($1, $2, $3, $4)`, m.ID, acct, db.UTC(s.now()), by.Name)
		if err != nil {
			return fmt.Errorf("society: link member %d: %w", number, err)
		}
		action := "society.link"
		if accountID == 0 {
			action = "society.unlink"
		}
		return s.audit.Record(ctx, tx, account.Entry{Actor: by, Action: action, ObjectType: "member",
			ObjectID: strconv.FormatInt(number, 10), Before: link{m.AccountID}, After: link{accountID}})
	})
}

// link is what the audit log keeps of a member's account link.
type link struct {
	AccountID int64 `json:"account_id"`
}

// Member is the member with that number, with their details now and the
// account they are linked to.
func (s *Service) Member(ctx context.Context, number int64) (Member, error) {
	return s.member(ctx, s.db, number)
}

// MemberOf is the member the reader account is linked to: the current
// one, or when every linked membership has ceased, the latest, so a
// former member still sees their history. ErrNotFound when none is.
func (s *Service) MemberOf(ctx context.Context, accountID int64) (Member, error) {
	var number int64
	err := s.db.QueryRowContext(ctx, `SELECT m.number FROM members m WHERE `+linkedAccount+` = $1
		ORDER BY (SELECT COALESCE(SUM(e.shares), 0) FROM share_entries e WHERE e.member_id = m.id) > 0 DESC, m.number DESC
		LIMIT 1`, accountID).Scan(&number)
	if errors.Is(err, sql.ErrNoRows) {
		return Member{}, ErrNotFound
	}
	if err != nil {
		return Member{}, fmt.Errorf("society: member of account %d: %w", accountID, err)
	}
	return s.Member(ctx, number)
}

// member reads a member with their latest details and link.
func (s *Service) member(ctx context.Context, q db.Queryer, number int64) (Member, error) {
	var m Member
	var acct sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT m.id, m.number, m.class, `+linkedAccount+`, m.admitted_on,
		c.name, c.postal_address, c.email, c.email_use, c.effective_on
		FROM members m JOIN member_contacts c ON c.id = (SELECT c1.id FROM member_contacts c1 WHERE c1.member_id = m.id
			ORDER BY c1.effective_on DESC, c1.id DESC LIMIT 1)
		WHERE m.number = $1`, number).Scan(&m.ID, &m.Number, &m.Class, &acct, &m.AdmittedOn,
		&m.Contact.Name, &m.Contact.Address, &m.Contact.Email, &m.Contact.EmailUse, &m.Contact.EffectiveOn)
	if errors.Is(err, sql.ErrNoRows) {
		return m, valid.Error{Field: FieldMember, Cause: ErrNotFound,
			Message: "There is no member " + strconv.FormatInt(number, 10) + " in the register."}
	}
	if err != nil {
		return m, fmt.Errorf("society: member %d: %w", number, err)
	}
	m.AccountID = acct.Int64
	return m, nil
}

// History is every entry of the member's share ledger, oldest first.
func (s *Service) History(ctx context.Context, number int64) ([]Entry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT e.id, e.kind, e.entry_on, e.shares, e.amount_minor, e.reason, e.resolution,
		COALESCE(cm.number, 0), e.transferee, e.recorded_by
		FROM share_entries e JOIN members m ON m.id = e.member_id LEFT JOIN members cm ON cm.id = e.counterpart_member_id
		WHERE m.number = $1 ORDER BY e.entry_on, e.id`, number)
	if err != nil {
		return nil, fmt.Errorf("society: history of %d: %w", number, err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e := Entry{MemberNumber: number}
		if err := rows.Scan(&e.ID, &e.Kind, &e.On, &e.Shares, &e.Amount, &e.Reason, &e.Resolution, &e.Counterpart,
			&e.Transferee, &e.RecordedBy); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
