package supporter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/valid"
)

// orderColumns is read by scanOrder, in this order.
const orderColumns = `id, name, email, postal_address, amount_minor, currency, frequency, reference,
	reference_key, status, started_on, thanks, thanks_name, thanks_town, created_at, created_by, updated_at
	FROM standing_orders`

type orderScanner interface{ Scan(dest ...any) error }

func scanOrder(r orderScanner, loc *time.Location) (StandingOrder, error) {
	var o StandingOrder
	var freq, status, started string
	var thanks int
	err := r.Scan(&o.ID, &o.Name, &o.Email, &o.PostalAddress, &o.Amount.Minor, &o.Amount.Currency, &freq,
		&o.Reference, &o.ReferenceKey, &status, &started, &thanks, &o.Thanks.Name, &o.Thanks.Town,
		&o.CreatedAt, &o.CreatedBy, &o.UpdatedAt)
	o.Thanks.On = thanks == 1
	if errors.Is(err, sql.ErrNoRows) {
		return StandingOrder{}, db.ErrNotFound
	}
	if err != nil {
		return StandingOrder{}, fmt.Errorf("supporter: read standing order: %w", err)
	}
	o.Frequency, o.Status = Frequency(freq), OrderStatus(status)
	if o.StartedOn, err = time.ParseInLocation(dayLayout, started, loc); err != nil {
		return StandingOrder{}, fmt.Errorf("supporter: standing order %d: start day %q: %w", o.ID, started, err)
	}
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return o, nil
}

func getOrder(ctx context.Context, q db.Queryer, id int64, loc *time.Location) (StandingOrder, error) {
	return scanOrder(q.QueryRowContext(ctx, `SELECT `+orderColumns+` WHERE id = $1`, id), loc)
}

func queryOrders(ctx context.Context, q db.Queryer, loc *time.Location, query string, args ...any) ([]StandingOrder, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("supporter: list standing orders: %w", err)
	}
	defer rows.Close()
	var out []StandingOrder
	for rows.Next() {
		o, err := scanOrder(rows, loc)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// StandingOrder returns one order, or db.ErrNotFound.
func (s *StandingOrders) StandingOrder(ctx context.Context, id int64) (StandingOrder, error) {
	return getOrder(ctx, s.db, id, s.loc)
}

// OrderListing is a standing order with what its payments show.
type OrderListing struct {
	StandingOrder
	// Payments counts the statement lines recorded for it; LastPaid is
	// the day of the latest, zero when none.
	Payments int
	LastPaid time.Time
	// Failing is set on an active order whose next payment is more than
	// PaymentGrace overdue: the treasurer should ask the supporter.
	Failing bool
}

// PaymentGrace is how late a standing order's payment may be before it
// counts as failing: banks pay on the next working day, and a statement
// is imported some days after.
const PaymentGrace = 10 * 24 * time.Hour

// ListFilter chooses which orders ListStandingOrders returns.
type ListFilter string

// The filters; "" lists every order.
const (
	ListAll       ListFilter = ""
	ListActive    ListFilter = "active"
	ListLapsed    ListFilter = "lapsed"
	ListCancelled ListFilter = "cancelled"
	ListFailing   ListFilter = "failing"
)

// ListStandingOrders lists the orders that pass filter, by name.
func (s *StandingOrders) ListStandingOrders(ctx context.Context, filter ListFilter) ([]OrderListing, error) {
	if _, err := ParseListFilter(string(filter)); err != nil {
		return nil, err
	}
	orders, err := queryOrders(ctx, s.db, s.loc, `SELECT `+orderColumns+` ORDER BY name, id`)
	if err != nil {
		return nil, err
	}
	paid, err := s.payments(ctx)
	if err != nil {
		return nil, err
	}
	today := s.now()
	var out []OrderListing
	for _, o := range orders {
		l := OrderListing{StandingOrder: o}
		if p, ok := paid[o.ID]; ok {
			l.Payments, l.LastPaid = p.n, p.last
		}
		due := o.StartedOn
		if !l.LastPaid.IsZero() {
			due = l.LastPaid.AddDate(0, o.Frequency.Months(), 0)
		}
		l.Failing = o.Status == OrderActive && today.After(due.Add(PaymentGrace))
		switch {
		case filter == ListFailing && !l.Failing,
			filter != ListAll && filter != ListFailing && string(o.Status) != string(filter):
			continue
		}
		out = append(out, l)
	}
	return out, nil
}

// ParseListFilter reads a filter as typed (?status= or --status); a
// refusal is a valid.Error on "status".
func ParseListFilter(s string) (ListFilter, error) {
	switch f := ListFilter(s); f {
	case ListAll, ListActive, ListLapsed, ListCancelled, ListFailing:
		return f, nil
	}
	return "", valid.New("status", "Choose active, lapsed, cancelled or failing, or nothing for every standing order.")
}

type paidSummary struct {
	n    int
	last time.Time
}

// payments sums each order's recorded payments: lines matched at import
// and lines the treasurer assigned later.
func (s *StandingOrders) payments(ctx context.Context) (map[int64]paidSummary, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT standing_order_id, COUNT(*), MAX(booked_on) FROM (
		SELECT standing_order_id, booked_on FROM statement_lines WHERE standing_order_id IS NOT NULL
		UNION ALL
		SELECT r.standing_order_id, l.booked_on FROM statement_line_resolutions r
		JOIN statement_lines l ON l.id = r.line_id WHERE r.outcome = 'assigned') p
		GROUP BY standing_order_id`)
	if err != nil {
		return nil, fmt.Errorf("supporter: sum standing order payments: %w", err)
	}
	defer rows.Close()
	out := map[int64]paidSummary{}
	for rows.Next() {
		var id int64
		var p paidSummary
		var last string
		if err := rows.Scan(&id, &p.n, &last); err != nil {
			return nil, fmt.Errorf("supporter: sum standing order payments: %w", err)
		}
		if p.last, err = time.ParseInLocation(dayLayout, last, s.loc); err != nil {
			return nil, fmt.Errorf("supporter: payment day %q: %w", last, err)
		}
		out[id] = p
	}
	return out, rows.Err()
}

// OrderChange is one line of an order's history.
type OrderChange struct {
	Action string
	// Before and After are the order as JSON; Before is empty when added.
	Before, After string
	ChangedAt     time.Time
	ChangedBy     string
}

// OrderHistory lists the changes to order id, oldest first.
func (s *StandingOrders) OrderHistory(ctx context.Context, id int64) ([]OrderChange, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT action, before_state, after_state, changed_at, changed_by
		FROM standing_order_changes WHERE standing_order_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("supporter: read history of standing order %d: %w", id, err)
	}
	defer rows.Close()
	var out []OrderChange
	for rows.Next() {
		var c OrderChange
		if err := rows.Scan(&c.Action, &c.Before, &c.After, &c.ChangedAt, &c.ChangedBy); err != nil {
			return nil, fmt.Errorf("supporter: read history of standing order %d: %w", id, err)
		}
		c.ChangedAt = c.ChangedAt.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

// ActiveFor reports whether the address has an active standing order:
// such a reader counts as a supporter wherever supporters are thanked.
func (s *StandingOrders) ActiveFor(ctx context.Context, email string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM standing_orders WHERE lower(email) = $1 AND status = 'active'`,
		strings.ToLower(strings.TrimSpace(email))).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("supporter: standing orders of an address: %w", err)
	}
	return n > 0, nil
}
