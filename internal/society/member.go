package society

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/valid"
)

// Admit admits a member with their first allotment, in one transaction
// that also keeps the rules that need the database:
//   - the membership number, kept or the next, is not in use;
//   - the holding is within the class's limit;
//   - the person is not a member already. The same person is the same
//     reader account, when the application is linked to one, or the same
//     name and postal address (folded: case, spaces and punctuation do
//     not count), among members who have not ceased. A former member may
//     be admitted again, under a new number; the register keeps both.
func (s *Service) Admit(ctx context.Context, a Admission, by account.Actor) (Member, error) {
	var m Member
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.lock(ctx, tx); err != nil {
			return err
		}
		var err error
		m, err = s.admitTx(ctx, tx, a, by)
		return err
	})
	if err != nil {
		return Member{}, err
	}
	return m, nil
}

// admitTx is Admit inside the caller's transaction, which holds the lock;
// approving an application admits its applicant in the same transaction
// as it records the approval.
func (s *Service) admitTx(ctx context.Context, tx *sql.Tx, a Admission, by account.Actor) (Member, error) {
	m := Member{Number: a.Number, Class: a.Class, AccountID: a.AccountID, AdmittedOn: a.On, Contact: a.Contact}
	amount := a.Shares * s.rules.Nominal
	if lim := s.rules.limit(a.Class); lim > 0 && amount > lim {
		return m, s.overCap(a.Class, 0, amount)
	}
	key := personKey(a.Contact.Name, a.Contact.Address)
	if err := s.notAMember(ctx, tx, key, a.AccountID); err != nil {
		return m, err
	}
	if m.Number == 0 {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(number), 0) + 1 FROM members`).Scan(&m.Number); err != nil {
			return m, fmt.Errorf("society: next number: %w", err)
		}
	}
	var acct sql.NullInt64
	if a.AccountID != 0 {
		acct = sql.NullInt64{Int64: a.AccountID, Valid: true}
	}
	now := db.UTC(s.now())
	err := tx.QueryRowContext(ctx, `INSERT INTO members (number, class, account_id, admitted_on, recorded_at, recorded_by)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, m.Number, string(m.Class), acct, m.AdmittedOn, now, by.Name).Scan(&m.ID)
	if db.IsUniqueViolation(err) {
		return m, valid.Error{Field: FieldNumber, Cause: ErrNumberTaken,
			Message: "Membership number " + strconv.FormatInt(m.Number, 10) + " is already in the register."}
	}
	if err != nil {
		return m, fmt.Errorf("society: admit: %w", err)
	}
	if err := s.insertContact(ctx, tx, m.ID, a.Contact, key, by); err != nil {
		return m, err
	}
	reason := a.reason
	if reason == "" {
		reason = "admission"
	}
	e := Entry{MemberNumber: m.Number, Kind: Allotment, On: a.On, Shares: a.Shares, Amount: amount,
		Reason: reason, RecordedBy: by.Name}
	if _, err := s.insertEntry(ctx, tx, m.ID, 0, e); err != nil {
		return m, err
	}
	return m, s.audit.Record(ctx, tx, account.Entry{Actor: by, Action: "society.admit", ObjectType: "member",
		ObjectID: strconv.FormatInt(m.Number, 10), After: m})
}

// notAMember refuses a second admission of a member who has not ceased.
func (s *Service) notAMember(ctx context.Context, tx *sql.Tx, key string, accountID int64) error {
	n, err := currentMember(ctx, tx, key, accountID)
	if err != nil || n == 0 {
		return err
	}
	return valid.Error{Field: FieldName, Cause: ErrAlreadyMember,
		Message: "This person is already member " + strconv.FormatInt(n, 10) + "; allot them more shares instead."}
}

// currentMember is the number of the member who has not ceased and is
// the same person (by account, or by folded name and address), or 0.
func currentMember(ctx context.Context, tx *sql.Tx, key string, accountID int64) (int64, error) {
	// Current members linked to the account (now: member_links may
	// have changed it since admission), or whose latest details
	// carry the key; the first test finds the few candidates by index.
	var n int64
	err := tx.QueryRowContext(ctx, `SELECT m.number FROM members m
		WHERE (`+linkedAccount+` = $2 OR m.id IN (SELECT c0.member_id FROM member_contacts c0 WHERE c0.person_key = $1))
		AND (`+linkedAccount+` = $2 OR $1 = (SELECT c.person_key FROM member_contacts c WHERE c.member_id = m.id
			ORDER BY c.effective_on DESC, c.id DESC LIMIT 1))
		AND (SELECT COALESCE(SUM(e.shares), 0) FROM share_entries e WHERE e.member_id = m.id) > 0
		ORDER BY m.number LIMIT 1`, key, accountID).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("society: find member: %w", err)
	}
	return n, nil
}

// insertContact appends a member's details.
func (s *Service) insertContact(ctx context.Context, tx *sql.Tx, memberID int64, c Contact, key string, by account.Actor) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO member_contacts (member_id, name, postal_address, email, email_use, person_key,
		effective_on, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		memberID, c.Name, c.Address, c.Email, string(c.EmailUse), key, c.EffectiveOn, db.UTC(s.now()), by.Name)
	if err != nil {
		return fmt.Errorf("society: record details: %w", err)
	}
	return nil
}

// overCap is the refusal of a holding past the class's limit.
func (s *Service) overCap(c Class, held, after int64) error {
	lim := s.rules.limit(c)
	cur := s.rules.Currency
	msg := fmt.Sprintf("That would bring the holding to %s; the rules let %s hold at most %s",
		money.New(after, cur).Format(), map[Class]string{Individual: "an individual", Organisation: "an organisation"}[c],
		money.New(lim, cur).Format())
	if held > 0 {
		msg += fmt.Sprintf(", and they hold %s already", money.New(held, cur).Format())
	}
	return valid.Error{Field: FieldShares, Cause: ErrOverCap, Message: msg + "."}
}

// ChangeContact records new details for a member from a date: an entry,
// not an overwrite, so the register as of an earlier date still shows the
// old ones.
func (s *Service) ChangeContact(ctx context.Context, number int64, c Contact, by account.Actor) error {
	var errs []error
	var err error
	if c.Name, err = text(FieldName, c.Name, maxName, "the member's name", false); err != nil {
		errs = append(errs, err)
	}
	if c.Address, err = text(FieldAddress, c.Address, maxAddress, "the postal address", true); err != nil {
		errs = append(errs, err)
	}
	if c.Email, c.EmailUse, err = parseEmail(c.Email, string(c.EmailUse)); err != nil {
		errs = append(errs, err)
	}
	if c.EffectiveOn, err = parseDate(FieldDate, c.EffectiveOn, s.now(), s.rules); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.lock(ctx, tx); err != nil {
			return err
		}
		st, err := memberState(ctx, tx, number)
		if err != nil {
			return err
		}
		if c.EffectiveOn < st.admittedOn {
			return valid.New(FieldDate, "The change cannot take effect before the member was admitted on "+st.admittedOn+".")
		}
		if err := s.insertContact(ctx, tx, st.id, c, personKey(c.Name, c.Address), by); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, account.Entry{Actor: by, Action: "society.contact", ObjectType: "member",
			ObjectID: strconv.FormatInt(number, 10), After: c})
	})
}

// state is a member's standing as the ledger has it now.
type state struct {
	id         int64
	class      Class
	admittedOn string
	shares     int64
	amount     int64
	lastOn     string
}

// memberState reads a member by number with their holding.
func memberState(ctx context.Context, q db.Queryer, number int64) (state, error) {
	var st state
	err := q.QueryRowContext(ctx, `SELECT m.id, m.class, m.admitted_on, COALESCE(SUM(e.shares), 0),
		COALESCE(SUM(e.amount_minor), 0), COALESCE(MAX(e.entry_on), '')
		FROM members m LEFT JOIN share_entries e ON e.member_id = m.id
		WHERE m.number = $1 GROUP BY m.id, m.class, m.admitted_on`, number).
		Scan(&st.id, &st.class, &st.admittedOn, &st.shares, &st.amount, &st.lastOn)
	if errors.Is(err, sql.ErrNoRows) {
		return st, valid.Error{Field: FieldMember, Cause: ErrNotFound,
			Message: "There is no member " + strconv.FormatInt(number, 10) + " in the register."}
	}
	if err != nil {
		return st, fmt.Errorf("society: member %d: %w", number, err)
	}
	return st, nil
}

// Holding is a member's shares and the amount paid on them now; both are
// zero for a former member.
func (s *Service) Holding(ctx context.Context, number int64) (shares, paid int64, err error) {
	st, err := memberState(ctx, s.db, number)
	return st.shares, st.amount, err
}
