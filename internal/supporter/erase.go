package supporter

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/valid"
)

// ordersOf selects the standing orders recorded under an address, in any
// case. Orders are found by address only: a name is not unique enough to
// erase by.
const ordersOf = `SELECT ` + orderColumns + ` WHERE lower(email) = $1 ORDER BY id`

// BlockErasure refuses to erase a person whose standing order is active:
// their bank still pays it, and the treasurer must cancel it first, or the
// next payment would arrive with no one to thank or match it to.
func (s *StandingOrders) BlockErasure(ctx context.Context, q db.Queryer, email string) error {
	orders, err := queryOrders(ctx, q, s.loc, ordersOf, strings.ToLower(email))
	if err != nil {
		return err
	}
	for _, o := range orders {
		if o.Status == OrderActive {
			return valid.Error{Field: "account", Message: "You give by standing order (reference " + o.Reference +
				"). Cancel it with your bank and ask the treasurer to mark it cancelled before erasing your account."}
		}
	}
	return nil
}

// PersonalRecords lists the person's standing orders for their download.
func (s *StandingOrders) PersonalRecords(ctx context.Context, q db.Queryer, email string) ([]account.Record, error) {
	orders, err := queryOrders(ctx, q, s.loc, ordersOf, strings.ToLower(email))
	if err != nil {
		return nil, err
	}
	var out []account.Record
	for _, o := range orders {
		out = append(out, account.Record{Kind: "standing order", ID: strconv.FormatInt(o.ID, 10), At: o.CreatedAt,
			Fields: []account.Field{{Name: "name", Value: o.Name}, {Name: "email", Value: o.Email},
				{Name: "postal_address", Value: o.PostalAddress}, {Name: "amount", Value: o.Amount.FormatFull()},
				{Name: "amount_minor", Value: strconv.FormatInt(o.Amount.Minor, 10)}, {Name: "currency", Value: o.Amount.Currency},
				{Name: "frequency", Value: string(o.Frequency)}, {Name: "reference", Value: o.Reference},
				{Name: "status", Value: string(o.Status)}, {Name: "started_on", Value: o.StartedOn.Format(dayLayout)}}})
	}
	return out, nil
}

// ErasePersonal replaces, in tx, the name, address, postal address and
// thanks of
// the person's ended standing orders and blanks the before and after
// copies in their history (the trigger of migration 00019 allows only
// that). The amount, frequency, reference, status and dates stay: the
// statement lines and ledger entries the order explains point at it.
// BlockErasure has already refused an active order.
func (s *StandingOrders) ErasePersonal(ctx context.Context, tx *sql.Tx, email, _ string) error {
	email = strings.ToLower(email)
	if _, err := tx.ExecContext(ctx, `UPDATE standing_order_changes SET before_state = '', after_state = ''
		WHERE standing_order_id IN (SELECT id FROM standing_orders WHERE lower(email) = $1)`, email); err != nil {
		return fmt.Errorf("supporter: erase standing order history: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE standing_orders SET name = $2, email = '', postal_address = '',
		thanks = 0, thanks_name = '', thanks_town = '' WHERE lower(email) = $1`, email, account.ErasedName); err != nil {
		return fmt.Errorf("supporter: erase standing orders: %w", err)
	}
	return nil
}
