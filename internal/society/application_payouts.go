package society

import (
	"context"
	"fmt"
	"strconv"
)

// CardPaymentRefs names every card payment the society has taken for
// shares, by its PaymentIntent: those applied to an application and
// those held for the secretary, and those returned because they came
// after a rejection. Stripe pays them out with the fund's
// gifts, so the treasurer's payouts page sets them apart as share
// capital rather than as money the fund's ledger lacks.
func (s *Service) CardPaymentRefs(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	rows, err := s.db.QueryContext(ctx, `SELECT reference, application_id FROM share_application_events
		WHERE kind = 'paid' AND method = 'card' AND reference <> ''
		UNION ALL SELECT payment_ref, COALESCE(application_id, 0) FROM share_payment_holds WHERE payment_ref <> ''
		UNION ALL SELECT payment_ref, application_id FROM share_payment_returns`)
	if err != nil {
		return nil, fmt.Errorf("society: card payments for shares: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ref string
		var app int64
		if err := rows.Scan(&ref, &app); err != nil {
			return nil, err
		}
		label := "a payment for shares held for the secretary"
		if app != 0 {
			label = "shares: application " + strconv.FormatInt(app, 10)
		}
		if _, seen := out[ref]; !seen {
			out[ref] = label
		}
	}
	return out, rows.Err()
}
