package supporter

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/valid"
)

// StandingOrders keeps the standing-order supporters and matches bank
// statements to them, recording their payments in the fund's ledger. It is
// safe for concurrent use.
type StandingOrders struct {
	db   *db.DB
	fund *fund.Service
	loc  *time.Location
	now  func() time.Time
	// columnThanks: supporters may be thanked in the fund column.
	columnThanks bool
}

// NewStandingOrders makes the service on d, recording payments through f,
// with days in loc and now as its clock (time.Now in production).
func NewStandingOrders(d *db.DB, f *fund.Service, loc *time.Location, now func() time.Time) *StandingOrders {
	if loc == nil {
		loc = time.UTC
	}
	if now == nil {
		now = time.Now
	}
	return &StandingOrders{db: d, fund: f, loc: loc, now: now}
}

// OrderHook runs inside the transaction of a change to a standing order,
// with the order before (zero when added) and after, so that what it
// writes (the audit log) is kept or lost with the change.
type OrderHook func(ctx context.Context, tx *sql.Tx, before, after StandingOrder) error

// Currency is the currency standing orders are kept in: the current
// campaign's, or the default before there is one.
func (s *StandingOrders) Currency(ctx context.Context) (string, error) {
	c, err := s.fund.Campaign(ctx, s.fund.MonthOf(s.now()))
	if errors.Is(err, db.ErrNotFound) {
		return money.DefaultCurrency, nil
	}
	if err != nil {
		return "", err
	}
	return c.Target.Currency, nil
}

// AddStandingOrder checks and records a new standing order, active from
// now. A reference another active order uses is refused on "reference".
func (s *StandingOrders) AddStandingOrder(ctx context.Context, in OrderInput, by string, hooks ...OrderHook) (StandingOrder, error) {
	o, err := s.parse(ctx, in, by)
	if err != nil {
		return StandingOrder{}, err
	}
	now := db.UTC(s.now())
	o.Status, o.CreatedAt, o.CreatedBy, o.UpdatedAt = OrderActive, now, by, now
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := refuseTakenReference(ctx, tx, o.ReferenceKey, 0); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO standing_orders (name, email, postal_address, amount_minor,
			currency, frequency, reference, reference_key, status, started_on, created_at, created_by, updated_at,
			thanks, thanks_name, thanks_town)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
			o.Name, o.Email, o.PostalAddress, o.Amount.Minor, o.Amount.Currency, string(o.Frequency), o.Reference,
			o.ReferenceKey, string(o.Status), o.StartedOn.Format(dayLayout), o.CreatedAt, o.CreatedBy, o.UpdatedAt,
			boolInt(o.Thanks.On), o.Thanks.Name, o.Thanks.Town).Scan(&o.ID)
		if db.IsUniqueViolation(err) {
			return takenReference()
		}
		if err != nil {
			return fmt.Errorf("supporter: add standing order: %w", err)
		}
		return s.changed(ctx, tx, "added", StandingOrder{}, o, by, hooks)
	})
	if err != nil {
		return StandingOrder{}, err
	}
	return o, nil
}

// UpdateStandingOrder replaces what the treasurer typed about order id,
// keeping its status. A cancelled order cannot be changed.
func (s *StandingOrders) UpdateStandingOrder(ctx context.Context, id int64, in OrderInput, by string, hooks ...OrderHook) (StandingOrder, error) {
	next, err := s.parse(ctx, in, by)
	if err != nil {
		return StandingOrder{}, err
	}
	return s.change(ctx, id, "updated", by, hooks, func(o StandingOrder) (StandingOrder, error) {
		if o.Status == OrderCancelled {
			return o, valid.New("status", "This standing order is cancelled and can no longer be changed; add a new one.")
		}
		next.ID, next.Status, next.CreatedAt, next.CreatedBy = o.ID, o.Status, o.CreatedAt, o.CreatedBy
		return next, nil
	})
}

// LapseStandingOrder marks an active order lapsed: its payments stopped.
// A payment that does come later is still matched to it.
func (s *StandingOrders) LapseStandingOrder(ctx context.Context, id int64, by string, hooks ...OrderHook) (StandingOrder, error) {
	return s.setStatus(ctx, id, OrderLapsed, by, hooks)
}

// CancelStandingOrder ends an order for good: the supporter told the bank
// to stop. Its reference is then free for another order.
func (s *StandingOrders) CancelStandingOrder(ctx context.Context, id int64, by string, hooks ...OrderHook) (StandingOrder, error) {
	return s.setStatus(ctx, id, OrderCancelled, by, hooks)
}

// ResumeStandingOrder makes a lapsed order active again, when its
// payments have started to come once more.
func (s *StandingOrders) ResumeStandingOrder(ctx context.Context, id int64, by string, hooks ...OrderHook) (StandingOrder, error) {
	return s.setStatus(ctx, id, OrderActive, by, hooks)
}

// setStatus moves an order to lapsed or cancelled, refusing a move that
// makes no sense (lapsing a lapsed order, anything after cancelling).
func (s *StandingOrders) setStatus(ctx context.Context, id int64, to OrderStatus, by string, hooks []OrderHook) (StandingOrder, error) {
	action := string(to)
	if to == OrderActive {
		action = "resumed"
	}
	return s.change(ctx, id, action, by, hooks, func(o StandingOrder) (StandingOrder, error) {
		switch {
		case o.Status == OrderCancelled:
			return o, valid.New("status", "This standing order is already cancelled.")
		case o.Status == to:
			return o, valid.New("status", "This standing order is already "+string(to)+".")
		}
		o.Status = to
		return o, nil
	})
}

// change applies edit to order id in one transaction, with its history.
func (s *StandingOrders) change(ctx context.Context, id int64, action, by string, hooks []OrderHook,
	edit func(StandingOrder) (StandingOrder, error)) (StandingOrder, error) {
	if strings.TrimSpace(by) == "" {
		return StandingOrder{}, valid.New("by", "say who is changing the standing order")
	}
	var after StandingOrder
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		before, err := getOrder(ctx, tx, id, s.loc)
		if err != nil {
			return err
		}
		if after, err = edit(before); err != nil {
			return err
		}
		if after.Status == OrderActive {
			if err := refuseTakenReference(ctx, tx, after.ReferenceKey, id); err != nil {
				return err
			}
		}
		after.UpdatedAt = db.UTC(s.now())
		_, err = tx.ExecContext(ctx, `UPDATE standing_orders SET name = $1, email = $2, postal_address = $3,
			amount_minor = $4, currency = $5, frequency = $6, reference = $7, reference_key = $8, status = $9,
			started_on = $10, updated_at = $11, thanks = $12, thanks_name = $13, thanks_town = $14 WHERE id = $15`,
			after.Name, after.Email, after.PostalAddress, after.Amount.Minor, after.Amount.Currency, string(after.Frequency),
			after.Reference, after.ReferenceKey, string(after.Status), after.StartedOn.Format(dayLayout), after.UpdatedAt,
			boolInt(after.Thanks.On), after.Thanks.Name, after.Thanks.Town, id)
		if db.IsUniqueViolation(err) {
			return takenReference()
		}
		if err != nil {
			return fmt.Errorf("supporter: change standing order %d: %w", id, err)
		}
		return s.changed(ctx, tx, action, before, after, by, hooks)
	})
	if err != nil {
		return StandingOrder{}, err
	}
	return after, nil
}

// parse checks typed input in the fund's currency.
func (s *StandingOrders) parse(ctx context.Context, in OrderInput, by string) (StandingOrder, error) {
	if strings.TrimSpace(by) == "" {
		return StandingOrder{}, valid.New("by", "say who is recording the standing order")
	}
	cur, err := s.Currency(ctx)
	if err != nil {
		return StandingOrder{}, err
	}
	return ParseOrder(in, cur, s.loc, s.now())
}

// changed writes the history row and runs the hooks.
func (s *StandingOrders) changed(ctx context.Context, tx *sql.Tx, action string, before, after StandingOrder, by string, hooks []OrderHook) error {
	b := ""
	if before.ID != 0 {
		b = orderJSON(before)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO standing_order_changes (standing_order_id, action, before_state,
		after_state, changed_at, changed_by) VALUES ($1, $2, $3, $4, $5, $6)`,
		after.ID, action, b, orderJSON(after), db.UTC(s.now()), by)
	if err != nil {
		return fmt.Errorf("supporter: record change to standing order %d: %w", after.ID, err)
	}
	for _, h := range hooks {
		if err := h(ctx, tx, before, after); err != nil {
			return err
		}
	}
	return nil
}

// refuseTakenReference refuses key when an active order other than id has it.
func refuseTakenReference(ctx context.Context, q db.Queryer, key string, id int64) error {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM standing_orders WHERE reference_key = $1 AND status = 'active' AND id <> $2`,
		key, id).Scan(&n)
	if err != nil {
		return fmt.Errorf("supporter: check reference: %w", err)
	}
	if n > 0 {
		return takenReference()
	}
	return nil
}

func takenReference() error {
	return valid.Error{Field: "reference", Cause: ErrDuplicateReference,
		Message: "Another active standing order has this reference (ignoring spaces, punctuation and case). Each supporter needs their own."}
}

// orderJSON is an order as its history keeps it.
func orderJSON(o StandingOrder) string {
	b, _ := json.Marshal(map[string]any{"name": o.Name, "email": o.Email, "postal_address": o.PostalAddress,
		"amount_minor": o.Amount.Minor, "currency": o.Amount.Currency, "frequency": o.Frequency,
		"reference": o.Reference, "status": o.Status, "started_on": o.StartedOn.Format(dayLayout),
		"thanks": o.Thanks.On, "thanks_name": o.Thanks.Name, "thanks_town": o.Thanks.Town})
	return string(b)
}

// dayLayout is how days are stored: as text, the same on both engines.
const dayLayout = "2006-01-02"
