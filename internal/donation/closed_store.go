package donation

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/fund"
)

// closeHook is a fund.Reverse hook that records, in the reversal's own
// transaction, that payment is closed by the provider's event eventID.
// Only the first reversal of a closure writes the row; the rest find it.
func closeHook(payment, eventID string) func(context.Context, *sql.Tx, fund.Entry) error {
	return func(ctx context.Context, tx *sql.Tx, rev fund.Entry) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO closed_payments (payment_ref, entry_id, event_id, closed_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT (payment_ref) DO NOTHING`,
			payment, rev.ID, eventID, db.UTC(rev.RecordedAt))
		if err != nil {
			return fmt.Errorf("donation: close %s: %w", payment, err)
		}
		return nil
	}
}

// Closed reports whether a full refund or a dispute has closed payment
// (a provider's payment id, as payref writes a gift's reference), after
// which no refund re-records any part of it.
func (s *Service) Closed(ctx context.Context, payment string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM closed_payments WHERE payment_ref = $1`, payment).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("donation: read closure of %s: %w", payment, err)
	}
	return n > 0, nil
}
