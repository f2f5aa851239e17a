package supporter

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/valid"
)

// Subscriptions is what account.PersonalData needs of the card and
// Direct Debit supporters: it lists a person's subscriptions for their
// download, refuses erasing someone who still gives, and blanks the
// name and address of their ended ones. It needs no provider: nothing
// reaches Stripe, whose own records the treasurer erases there.
type Subscriptions struct{}

// giving are the statuses in which a subscription still takes money.
const giving = `'active', 'paused', 'failing'`

// BlockErasure refuses while a subscription still takes or may take money.
func (Subscriptions) BlockErasure(ctx context.Context, q db.Queryer, email string) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM subscriptions WHERE lower(email) = $1 AND status IN (`+giving+`)`,
		strings.ToLower(email)).Scan(&n); err != nil {
		return fmt.Errorf("supporter: subscriptions of a person: %w", err)
	}
	if n > 0 {
		return valid.Error{Field: "account", Message: "You still give every month. Cancel your support on your account page first; " +
			"then you can erase your account."}
	}
	return nil
}

// PersonalRecords lists the person's subscriptions.
func (Subscriptions) PersonalRecords(ctx context.Context, q db.Queryer, email string) ([]account.Record, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, created_at, name, email, amount_minor, currency, method, status,
		thanks, thanks_name, thanks_town FROM subscriptions WHERE lower(email) = $1 ORDER BY id`, strings.ToLower(email))
	if err != nil {
		return nil, fmt.Errorf("supporter: subscriptions of a person: %w", err)
	}
	defer rows.Close()
	var out []account.Record
	for rows.Next() {
		var id, amount int64
		var at time.Time
		var name, mail, cur, method, status, thanksName, thanksTown string
		var thanks int
		if err := rows.Scan(&id, &at, &name, &mail, &amount, &cur, &method, &status, &thanks, &thanksName, &thanksTown); err != nil {
			return nil, fmt.Errorf("supporter: subscriptions of a person: %w", err)
		}
		out = append(out, account.Record{Kind: "subscription", ID: strconv.FormatInt(id, 10), At: at.UTC(),
			Fields: []account.Field{{Name: "name", Value: name}, {Name: "email", Value: mail},
				{Name: "amount_minor", Value: strconv.FormatInt(amount, 10)}, {Name: "currency", Value: cur},
				{Name: "method", Value: method}, {Name: "status", Value: status},
				{Name: "thanked_in_the_column", Value: yesNo(thanks == 1)}, {Name: "thanks_name", Value: thanksName},
				{Name: "thanks_town", Value: thanksTown}}})
	}
	return out, rows.Err()
}

// ErasePersonal blanks the email, name and thanks of the person's subscriptions,
// which BlockErasure has found ended. Amounts, dates and the provider's
// ids stay: the ledger entries the invoices became point at them.
func (Subscriptions) ErasePersonal(ctx context.Context, tx *sql.Tx, email, _ string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE subscriptions SET email = '', name = $2, fix_url = '',
		thanks = 0, thanks_name = '', thanks_town = '' WHERE lower(email) = $1`,
		strings.ToLower(email), account.ErasedName); err != nil {
		return fmt.Errorf("supporter: erase subscriptions: %w", err)
	}
	return nil
}
