package web

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
)

// FundLedger is the treasurer's side of the fund; *fund.Service has it.
// The treasurer's pages find it on Deps.FundReports, which in production
// is the same service, so they need no wiring of their own; where
// FundReports lacks these methods (a test stand-in) they answer 404.
type FundLedger interface {
	FundReports
	Campaign(ctx context.Context, month string) (fund.Campaign, error)
	EnsureCampaign(ctx context.Context, month string) (fund.Campaign, error)
	DailyColumn(ctx context.Context, day time.Time) (fund.Column, error)
	Entry(ctx context.Context, id int64) (fund.Entry, error)
	EntryByRef(ctx context.Context, ref string) (fund.Entry, error)
	Entries(ctx context.Context, month string) ([]fund.Entry, error)
	EntriesReceived(ctx context.Context, from, to time.Time) ([]fund.Entry, error)
	Largest(ctx context.Context, month string, n int) ([]fund.Entry, error)
	RecordBatch(ctx context.Context, gifts []fund.Entry, hook fund.BatchHook) (fund.Batch, error)
	Reverse(ctx context.Context, id int64, reason, by string, hooks ...func(context.Context, *sql.Tx, fund.Entry) error) (fund.Entry, error)
	SetTarget(ctx context.Context, month string, target money.Money, by string, hooks ...func(ctx context.Context, tx *sql.Tx, before, after fund.Campaign) error) (fund.Campaign, error)
	Check(ctx context.Context) (fund.CheckReport, error)
	ResolveHold(ctx context.Context, id int64, note, by string, hooks ...func(ctx context.Context, tx *sql.Tx, h fund.Hold) error) (fund.Hold, error)
	ReconcileCard(ctx context.Context, month, purpose string) (fund.CardReconciliation, error)
}

// treasurers may use the fund's staff pages, and nobody else: an admin
// who also keeps the books is given the treasurer role by another admin,
// and the other treasurers are told (account.PowerRoles).
func treasurers() []account.Role { return []account.Role{account.Treasurer} }

// ledger is the FundLedger, or a 404 when the server has none.
func (s *Server) ledger() (FundLedger, error) {
	if l, ok := s.fundReports.(FundLedger); ok {
		return l, nil
	}
	return nil, errNotFound
}

// today is the start of the current day in the publication's zone.
func (s *Server) today() time.Time {
	y, m, d := s.now().In(s.site.Location).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, s.site.Location)
}

// fundMonth reads ?month=, defaulting to the current month; a bad value is
// a 400 with the format to use.
func (s *Server) fundMonth(r *http.Request) (string, time.Time, error) {
	return monthParam(r, s.site.Location, s.today().Format("2006-01"))
}

// fundCurrency is the currency gifts are typed in: the current campaign's.
func (s *Server) fundCurrency(ctx context.Context, l FundLedger) (string, error) {
	c, err := l.Campaign(ctx, s.today().Format("2006-01"))
	if errors.Is(err, db.ErrNotFound) {
		return money.DefaultCurrency, nil
	}
	return c.Target.Currency, err
}

// methodLabel names a method as the treasurer says it: "Postal order".
func methodLabel(m fund.Method) string {
	s := strings.ReplaceAll(string(m), "-", " ")
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// recorder is how the ledger names the signed-in treasurer: their name
// and email, so that two people called J Smith stay apart.
func recorder(r *http.Request) string {
	a := currentAccount(r)
	if a.Name == "" {
		return a.Email
	}
	return a.Name + " <" + a.Email + ">"
}

// giftAudit is what the audit log keeps of a gift: no email or message,
// which the ledger holds and the log need not copy.
type giftAudit struct {
	ID         int64  `json:"id"`
	Amount     string `json:"amount"`
	Method     string `json:"method"`
	ReceivedAt string `json:"received_at"`
	Donor      string `json:"donor,omitempty"`
	Town       string `json:"town,omitempty"`
	Reference  string `json:"reference,omitempty"`
	Public     bool   `json:"public"`
	ReversalOf int64  `json:"reversal_of,omitempty"`
	Reason     string `json:"reason,omitempty"`
}

func auditGift(e fund.Entry) giftAudit {
	return giftAudit{ID: e.ID, Amount: e.Amount.FormatFull(), Method: string(e.Method),
		ReceivedAt: e.ReceivedAt.UTC().Format(time.RFC3339), Donor: e.DonorName, Town: e.DonorTown,
		Reference: e.ProviderRef, Public: e.Public, ReversalOf: e.ReversalOf, Reason: e.Reason}
}

// audit writes one entry to the audit log through q.
func (s *Server) audit(ctx context.Context, q db.Queryer, r *http.Request, action, objType, objID string, before, after any) error {
	return s.accounts.Audit().Record(ctx, q, account.Entry{Actor: actor(r), Action: action,
		ObjectType: objType, ObjectID: objID, Before: before, After: after})
}
