package society

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/valid"
)

// ErrNoCardPayments says card payments are not set up on this server.
var ErrNoCardPayments = payment.ErrNotConfigured

// Submit stores a checked application (ParseApplication) and audits it;
// by is the applicant, or an actor named "web" for one not signed in.
func (s *Service) Submit(ctx context.Context, a Application, by account.Actor) (Application, error) {
	a.SubmittedAt, a.SubmittedBy = s.now().UTC(), by.Name
	if a.SubmittedBy == "" {
		a.SubmittedBy = "web"
	}
	var acct sql.NullInt64
	if a.AccountID != 0 {
		acct = sql.NullInt64{Int64: a.AccountID, Valid: true}
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO share_applications (class, name, postal_address, email, email_use,
			shares, amount_minor, currency, pay_by, account_id, submitted_at, submitted_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			string(a.Class), a.Contact.Name, a.Contact.Address, a.Contact.Email, string(a.Contact.EmailUse),
			a.Shares, a.Amount.Minor, a.Amount.Currency, string(a.PayBy), acct, db.UTC(a.SubmittedAt), a.SubmittedBy).Scan(&a.ID)
		if err != nil {
			return fmt.Errorf("society: submit application: %w", err)
		}
		return s.auditApp(ctx, tx, by, "society.application.submit", a.ID, nil, a)
	})
	return a, err
}

// StartCheckout starts the card checkout for a submitted application and
// stores its session before the applicant is sent to pay, so that only a
// payment of a checkout coopress started, for the application's amount,
// can mark it paid. It returns the provider's page.
func (s *Service) StartCheckout(ctx context.Context, id int64) (string, error) {
	if s.apps.checkout == nil {
		return "", ErrNoCardPayments
	}
	a, err := s.Application(ctx, id)
	if err != nil {
		return "", err
	}
	if a.PayBy != PayCard || a.Status() != Submitted {
		return "", fmt.Errorf("society: application %d is not waiting for a card payment", id)
	}
	ref := strconv.FormatInt(a.ID, 10)
	url, session, err := s.apps.checkout.CreateCheckout(ctx, payment.CheckoutRequest{
		AmountMinor: a.Amount.Minor, Currency: a.Amount.Currency, Email: a.Contact.Email, Purpose: PaymentPurpose,
		Description: fmt.Sprintf("%s in %s", plural(a.Shares, "share"), s.societyName()),
		Metadata:    map[string]string{"application": ref},
		SuccessURL:  s.apps.baseURL + "/shares/thanks?application=" + ref + "&pay_by=card",
		CancelURL:   s.apps.baseURL + "/shares",
	})
	if err != nil {
		return "", err
	}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		return s.addEvent(ctx, tx, a.ID, ApplicationEvent{Kind: EventCheckout, Amount: a.Amount, Reference: session,
			RecordedBy: a.SubmittedBy})
	})
	if err != nil {
		return "", err
	}
	return url, nil
}

// societyName is the society's name for mail and the checkout, or a
// plain description when the site did not give one.
func (s *Service) societyName() string {
	if s.apps.name != "" {
		return s.apps.name
	}
	if s.apps.site != "" {
		return "the society that owns " + s.apps.site
	}
	return "the society"
}

// addEvent appends a step to an application's life; a second step of a
// kind that happens once is ErrAlreadyDone.
func (s *Service) addEvent(ctx context.Context, tx *sql.Tx, appID int64, e ApplicationEvent) error {
	var member sql.NullInt64
	if e.MemberNumber != 0 {
		member = sql.NullInt64{Int64: e.MemberNumber, Valid: true}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO share_application_events (application_id, kind, method, amount_minor, currency,
		reference, member_number, note, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		appID, string(e.Kind), string(e.Method), e.Amount.Minor, e.Amount.Currency, e.Reference, member, e.Note,
		db.UTC(s.now()), e.RecordedBy)
	if db.IsUniqueViolation(err) {
		return fmt.Errorf("society: application %d: %s: %w", appID, e.Kind, ErrAlreadyDone)
	}
	if err != nil {
		return fmt.Errorf("society: application %d: record %s: %w", appID, e.Kind, err)
	}
	return nil
}

// ErrAlreadyDone says that step of the application was taken already.
var ErrAlreadyDone = errors.New("society: already done")

// auditApp records a person's change to an application.
func (s *Service) auditApp(ctx context.Context, q db.Queryer, by account.Actor, action string, id int64, before, after any) error {
	return s.audit.Record(ctx, q, account.Entry{Actor: by, Action: action, ObjectType: "share_application",
		ObjectID: strconv.FormatInt(id, 10), Before: before, After: after})
}

// Application reads one application with its events, or ErrNotFound.
func (s *Service) Application(ctx context.Context, id int64) (Application, error) {
	return getApplication(ctx, s.db, id)
}

const applicationColumns = `id, class, name, postal_address, email, email_use, shares, amount_minor, currency, pay_by,
	COALESCE(account_id, 0), submitted_at, submitted_by`

func scanApplication(sc interface{ Scan(...any) error }) (Application, error) {
	var a Application
	err := sc.Scan(&a.ID, &a.Class, &a.Contact.Name, &a.Contact.Address, &a.Contact.Email, &a.Contact.EmailUse, &a.Shares,
		&a.Amount.Minor, &a.Amount.Currency, &a.PayBy, &a.AccountID, &a.SubmittedAt, &a.SubmittedBy)
	return a, err
}

func getApplication(ctx context.Context, q db.Queryer, id int64) (Application, error) {
	a, err := scanApplication(q.QueryRowContext(ctx, `SELECT `+applicationColumns+` FROM share_applications WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("society: application %d: %w", id, err)
	}
	byApp, err := applicationEvents(ctx, q, "WHERE application_id = $1", id)
	a.Events = byApp[id]
	return a, err
}

// applicationEvents reads events by application, oldest first.
func applicationEvents(ctx context.Context, q db.Queryer, where string, args ...any) (map[int64][]ApplicationEvent, error) {
	rows, err := q.QueryContext(ctx, `SELECT application_id, id, kind, method, amount_minor, currency, reference,
		COALESCE(member_number, 0), note, recorded_at, recorded_by FROM share_application_events `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("society: application events: %w", err)
	}
	defer rows.Close()
	out := map[int64][]ApplicationEvent{}
	for rows.Next() {
		var app int64
		var e ApplicationEvent
		if err := rows.Scan(&app, &e.ID, &e.Kind, &e.Method, &e.Amount.Minor, &e.Amount.Currency, &e.Reference,
			&e.MemberNumber, &e.Note, &e.RecordedAt, &e.RecordedBy); err != nil {
			return nil, err
		}
		out[app] = append(out[app], e)
	}
	return out, rows.Err()
}

// Applications lists every application, those waiting for the secretary
// (paid, not decided) first, then those waiting for money, then the
// decided; oldest first within each.
func (s *Service) Applications(ctx context.Context) ([]Application, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+applicationColumns+` FROM share_applications ORDER BY submitted_at, id`)
	if err != nil {
		return nil, fmt.Errorf("society: applications: %w", err)
	}
	var apps []Application
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		apps = append(apps, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	evs, err := applicationEvents(ctx, s.db, "")
	if err != nil {
		return nil, err
	}
	for i := range apps {
		apps[i].Events = evs[apps[i].ID]
	}
	rank := map[Status]int{Paid: 0, Submitted: 1, Rejected: 2, Approved: 3, Refunded: 3}
	slices.SortStableFunc(apps, func(a, b Application) int { return rank[a.Status()] - rank[b.Status()] })
	return apps, nil
}

// Hold is a card payment for shares that was not applied.
type Hold struct {
	ID            int64
	EventID       string
	ApplicationID int64 // 0 when no application could be found
	SessionID     string
	PaymentRef    string
	Amount        money.Money
	Reason        string
	RecordedAt    time.Time
}

// Holds lists the held payments, newest first.
func (s *Service) Holds(ctx context.Context) ([]Hold, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, event_id, COALESCE(application_id, 0), session_id, payment_ref,
		amount_minor, currency, reason, recorded_at FROM share_payment_holds ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("society: held payments: %w", err)
	}
	defer rows.Close()
	var hs []Hold
	for rows.Next() {
		var h Hold
		if err := rows.Scan(&h.ID, &h.EventID, &h.ApplicationID, &h.SessionID, &h.PaymentRef, &h.Amount.Minor,
			&h.Amount.Currency, &h.Reason, &h.RecordedAt); err != nil {
			return nil, err
		}
		hs = append(hs, h)
	}
	return hs, rows.Err()
}

// notDecided refuses a step on an application approved or rejected
// already, naming what became of it.
func notDecided(a Application) error {
	switch a.Status() {
	case Approved:
		return valid.Error{Field: "application", Cause: ErrAlreadyDone,
			Message: "This application was approved already (member " + strconv.FormatInt(a.MemberNumber(), 10) + ")."}
	case Rejected, Refunded:
		return valid.Error{Field: "application", Cause: ErrAlreadyDone, Message: "This application was rejected already."}
	}
	return nil
}
