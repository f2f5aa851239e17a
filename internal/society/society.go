package society

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
)

// Class is a member's class: the Act caps individuals' holdings, not
// those of member societies and other bodies.
type Class string

// The two classes of member.
const (
	Individual   Class = "individual"
	Organisation Class = "organisation"
)

// EmailUse is what a member allows their electronic address to be used
// for; the register records it beside the address.
type EmailUse string

// The uses a member may allow.
const (
	EmailNone           EmailUse = "none"
	EmailNotices        EmailUse = "notices"
	EmailNoticesAndNews EmailUse = "notices-and-news"
)

// Kind is the kind of a share-ledger entry.
type Kind string

// The kinds of share-ledger entry.
const (
	Allotment    Kind = "allotment"
	Withdrawal   Kind = "withdrawal"
	Transmission Kind = "transmission"
	Cancellation Kind = "cancellation"
)

// Sentinels for refusals that callers may want to tell apart; each comes
// as the Cause of a valid.Error with a message for the person.
var (
	// ErrOverCap: the holding would pass the member's limit.
	ErrOverCap = errors.New("society: over the holding limit")
	// ErrBelowZero: the member does not hold that many shares.
	ErrBelowZero = errors.New("society: not that many shares held")
	// ErrAlreadyMember: the person is already a member.
	ErrAlreadyMember = errors.New("society: already a member")
	// ErrNumberTaken: the membership number is in use.
	ErrNumberTaken = errors.New("society: membership number taken")
	// ErrCeased: the member has ceased; they must be admitted again.
	ErrCeased = errors.New("society: membership has ceased")
	// ErrSuspended: the board has suspended withdrawals.
	ErrSuspended = errors.New("society: withdrawals suspended")
)

// ErrNotFound is db.ErrNotFound: no member by that number.
var ErrNotFound = db.ErrNotFound

// Member is a member as admitted, with their contact details now.
type Member struct {
	ID         int64
	Number     int64
	Class      Class
	AccountID  int64 // 0 when not linked to a reader account
	AdmittedOn string
	Contact    Contact
}

// Contact is a member's name and addresses from a date.
type Contact struct {
	Name, Address, Email string
	EmailUse             EmailUse
	EffectiveOn          string
}

// Entry is one line of the share ledger.
type Entry struct {
	ID           int64
	MemberNumber int64
	Kind         Kind
	On           string
	Shares       int64 // signed: the change to the holding
	Amount       int64 // signed, minor units
	Reason       string
	Resolution   string
	// Counterpart is the member number on the other side of a
	// transmission to a nominee member; 0 otherwise.
	Counterpart int64
	// Transferee names whom a transmission went to when not a member.
	Transferee string
	RecordedBy string
}

// Service keeps the society on one database under one set of rules.
type Service struct {
	db    *db.DB
	rules Rules
	now   func() time.Time
	audit *account.Audit
	// apps are what applications need beyond the database (options.go).
	apps appDeps
}

// New returns the society on d under rules, which must be valid; opts
// give applications their payment provider and mail.
func New(d *db.DB, rules Rules, now func() time.Time, opts ...Option) (*Service, error) {
	if err := rules.Validate(); err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	s := &Service{db: d, rules: rules, now: now, audit: account.NewAudit(d, now)}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// Rules are the rules the service keeps.
func (s *Service) Rules() Rules { return s.rules }

// societyLockKey is the PostgreSQL advisory lock that serialises changes
// to the membership and the share ledger; any fixed number unused
// elsewhere will do.
const societyLockKey = 7_402_018

// lock makes each change's checks and its writes one step. A holding cap,
// "no holding below zero" and "not a member already" are all read then
// written: two requests at once would each pass the check on the state
// before the other, and both write. On SQLite every write transaction
// begins IMMEDIATE (db.sqliteDSN) and so already holds the one write
// lock; on PostgreSQL (READ COMMITTED) a transaction-scoped advisory lock
// queues the changes, and each sees what the one before committed.
func (s *Service) lock(ctx context.Context, tx *sql.Tx) error {
	if s.db.Dialect() != db.Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, societyLockKey); err != nil {
		return fmt.Errorf("society: lock: %w", err)
	}
	return nil
}
