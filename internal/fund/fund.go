// Package fund keeps the fighting fund: one campaign per calendar month in
// the publication's zone, the append-only donation ledger, the month's totals,
// the appeal box shown on every page and the daily fund column.
//
// Raised is always the sum of the ledger. Entries are never changed; a
// mistake or a refund is put right by a reversing entry with a reason.
package fund

import (
	"context"
	"database/sql"
	"errors"
	"github.com/coopress/coopress/internal/valid"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/money"
)

// Method is how a gift arrived.
type Method string

// The methods the ledger knows; the database refuses any other.
const (
	Card          Method = "card"
	DirectDebit   Method = "direct-debit"
	Supporter     Method = "supporter"
	Cheque        Method = "cheque"
	PostalOrder   Method = "postal-order"
	BankTransfer  Method = "bank-transfer"
	StandingOrder Method = "standing-order"
	Cash          Method = "cash"
)

// Methods lists every method in the order the treasurer's reports use.
func Methods() []Method {
	return []Method{Card, DirectDebit, Supporter, Cheque, PostalOrder, BankTransfer, StandingOrder, Cash}
}

// Valid reports whether m is one of Methods.
func (m Method) Valid() bool {
	for _, k := range Methods() {
		if m == k {
			return true
		}
	}
	return false
}

// ErrDuplicate is returned by Record, together with the entry already in the
// ledger, when a gift with the same provider reference was recorded before:
// a redelivered webhook must never credit twice.
var ErrDuplicate = errors.New("fund: already recorded")

// ErrAlreadyReversed is wrapped by the valid.Error Reverse returns for an
// entry that has been reversed before, so a redelivered refund can be
// recognised and acknowledged.
var ErrAlreadyReversed = errors.New("fund: entry already reversed")

// invalid is shorthand for a valid.Error.
func invalid(field, msg string) error { return valid.Error{Field: field, Message: msg} }

// Entry is one line of the donation ledger.
type Entry struct {
	ID int64
	// Month is the campaign the entry counts towards, "2024-11".
	Month  string
	Amount money.Money
	Method Method
	// DonorName, DonorEmail and DonorTown are optional; the email is for
	// the receipt and is never printed.
	DonorName  string
	DonorEmail string
	DonorTown  string
	// Public is the donor's opt-in to printed thanks, under PublicName
	// (their name or initials; empty to be "a Leeds reader") with Message.
	Public     bool
	PublicName string
	Message    string
	// ProviderRef is the payment provider's id for the payment; unique.
	ProviderRef string
	// ReceivedAt is when the money arrived; it decides the campaign month.
	// Zero means now.
	ReceivedAt time.Time
	RecordedAt time.Time
	RecordedBy string
	// ReversalOf is the entry this one reverses, 0 for a gift.
	ReversalOf int64
	// Reason says why a reversal was made.
	Reason string
	// Restates is set, by the code that records it, on an entry that
	// states again part of a gift already thanked for (the part a donor
	// kept after a partial refund). It is not stored; it only stops a
	// second receipt for the same money.
	Restates bool
}

// DefaultTarget is the target of the very first campaign, until the
// treasurer sets one; later months start from the month before.
func DefaultTarget() money.Money { return money.Major(18000, money.DefaultCurrency) }

// Service runs the fund on one database. It is safe for concurrent use.
type Service struct {
	db            *db.DB
	loc           *time.Location
	now           func() time.Time
	defaultTarget money.Money
	snap          *Snapshot
	receipts      ReceiptFunc
}

// Option changes a Service's settings at construction.
type Option func(*Service)

// ReceiptFunc queues a receipt for a new gift, inside the transaction that
// records it, so a gift and its receipt are kept or lost together; the
// mail outbox's EnqueueTx is the usual one.
type ReceiptFunc func(ctx context.Context, tx *sql.Tx, e Entry) error

// WithReceipts has every gift recorded with a donor's address send that
// donor a receipt, whatever the channel: online, post or the treasurer's
// batch.
func WithReceipts(f ReceiptFunc) Option { return func(s *Service) { s.receipts = f } }

// WithDefaultTarget sets the target (and so the currency) of the first
// campaign, used when no earlier month has one.
func WithDefaultTarget(m money.Money) Option { return func(s *Service) { s.defaultTarget = m } }

// New makes a Service on d, computing months and days in loc, with now as its
// clock (time.Now in production; a fixed time in tests).
func New(d *db.DB, loc *time.Location, now func() time.Time, opts ...Option) *Service {
	if loc == nil {
		loc = time.UTC
	}
	if now == nil {
		now = time.Now
	}
	s := &Service{db: d, loc: loc, now: now, defaultTarget: DefaultTarget()}
	for _, o := range opts {
		o(s)
	}
	s.snap = newSnapshot(loc, now)
	return s
}

// Snapshot is the in-memory copy of the current month's box that pages
// render from without touching the database.
func (s *Service) Snapshot() *Snapshot { return s.snap }

// Location is the publication's zone the service computes months in.
func (s *Service) Location() *time.Location { return s.loc }

// MonthOf names the campaign month of t in the publication's zone.
func (s *Service) MonthOf(t time.Time) string { return t.In(s.loc).Format("2006-01") }

// ParseMonth checks a month written "2024-11" and returns its first instant
// in loc.
func ParseMonth(month string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01", month, loc)
	if err != nil || t.Format("2006-01") != month {
		return time.Time{}, invalid("month", "write the month as YYYY-MM, for example 2024-11")
	}
	return t, nil
}
