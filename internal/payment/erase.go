package payment

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/valid"
)

// ErasedAddress replaces an erased person's address inside stored events.
const ErasedAddress = "erased@invalid"

// StoredEvents is the payment events table's part in erasing a person: the
// raw body of each webhook is kept (see migration 00005), and a provider's
// checkout or invoice event carries the payer's address and name.
type StoredEvents struct{}

// BlockErasure refuses while an event naming the address waits to be
// applied: applying it after the erasure would write the person's details
// into the ledger again. Events are applied within seconds, so the person
// is told to try again shortly.
func (StoredEvents) BlockErasure(ctx context.Context, q db.Queryer, email string) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM payment_events
		WHERE applied_at IS NULL AND lower(payload) LIKE $1 ESCAPE '\'`, db.LikeContains(email)).Scan(&n); err != nil {
		return fmt.Errorf("payment: pending events for an address: %w", err)
	}
	if n > 0 {
		return valid.Error{Field: "account", Message: "A payment of yours is still being processed. Try again in a few minutes."}
	}
	return nil
}

// ErasePersonal replaces, in tx, the address and name inside every stored
// event body that holds the address, whatever their case. The event's id,
// type, payment reference and the rest of its body stay, so the payment
// can still be traced at the provider; the body no longer matches the
// provider's signature, which was checked when it arrived.
func (StoredEvents) ErasePersonal(ctx context.Context, tx *sql.Tx, email, name string) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, payload FROM payment_events WHERE lower(payload) LIKE $1 ESCAPE '\'`,
		db.LikeContains(email))
	if err != nil {
		return fmt.Errorf("payment: events for an address: %w", err)
	}
	type event struct {
		id      int64
		payload string
	}
	var found []event
	for rows.Next() {
		var e event
		if err := rows.Scan(&e.id, &e.payload); err != nil {
			rows.Close()
			return fmt.Errorf("payment: events for an address: %w", err)
		}
		found = append(found, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("payment: events for an address: %w", err)
	}
	byAddress := regexp.MustCompile(`(?i)` + regexp.QuoteMeta(email))
	byName := regexp.MustCompile(`(?i)` + regexp.QuoteMeta(name))
	for _, e := range found {
		p := byAddress.ReplaceAllLiteralString(e.payload, ErasedAddress)
		if name != "" {
			p = byName.ReplaceAllLiteralString(p, "Erased reader")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE payment_events SET payload = $2 WHERE id = $1`, e.id, p); err != nil {
			return fmt.Errorf("payment: erase event %d: %w", e.id, err)
		}
	}
	return nil
}
