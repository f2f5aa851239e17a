package donation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/money"
)

// started is a checkout coopress created, as stored when the provider
// returned its id.
type started struct {
	Amount    money.Money
	CreatedAt time.Time
}

// RememberCheckout stores a checkout session coopress has started for a
// donation of amount, so that its payment can be credited: a paid
// checkout is credited only when it matches one of these. StartDonation
// calls it with the session the provider returns; tests of the money path
// call it for the sessions they have the provider complete.
func RememberCheckout(ctx context.Context, d *db.DB, sessionID string, amount money.Money, at time.Time) error {
	_, err := d.ExecContext(ctx, `INSERT INTO checkouts (session_id, purpose, amount_minor, currency, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (session_id) DO NOTHING`,
		sessionID, Purpose, amount.Minor, amount.Currency, db.UTC(at))
	if err != nil {
		return fmt.Errorf("donation: remember checkout %s: %w", sessionID, err)
	}
	return nil
}

// startedCheckout finds a checkout coopress started, or db.ErrNotFound.
func (s *Service) startedCheckout(ctx context.Context, sessionID string) (started, error) {
	var c started
	err := s.db.QueryRowContext(ctx, `SELECT amount_minor, currency, created_at FROM checkouts
		WHERE session_id = $1 AND purpose = $2`, sessionID, Purpose).Scan(&c.Amount.Minor, &c.Amount.Currency, &c.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return c, db.ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("donation: find checkout %s: %w", sessionID, err)
	}
	return c, nil
}
