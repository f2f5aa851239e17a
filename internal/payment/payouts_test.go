package payment_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/testservers"
)

// stripe-mock's data is canned (one payout, one transaction, whatever the
// filters), so this asserts on the shape of what ListPayouts returns and
// on the arithmetic, not on the values.
func TestListPayoutsAgainstStripeMock(t *testing.T) {
	mock := testservers.StartStripeMock(t)
	s, err := payment.NewStripe(payment.StripeConfig{SecretKey: "sk_test_123", APIURL: mock.URL()})
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC)
	payouts, err := s.ListPayouts(context.Background(), from, from.AddDate(0, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(payouts) == 0 {
		t.Fatal("no payouts")
	}
	for _, p := range payouts {
		if !strings.HasPrefix(p.ID, "po_") || len(p.Currency) != 3 || p.Currency != strings.ToUpper(p.Currency) ||
			p.ArrivalDate.IsZero() || p.Status == "" || p.AmountMinor == 0 {
			t.Errorf("payout %+v", p)
		}
		if p.Automatic && len(p.Transactions) == 0 {
			t.Errorf("automatic payout %s has no transactions", p.ID)
		}
		for _, tx := range p.Transactions {
			if !strings.HasPrefix(tx.ID, "txn_") || tx.Type == "" || tx.Type == "payout" || tx.SourceID == "" ||
				tx.NetMinor != tx.AmountMinor-tx.FeeMinor || len(tx.Currency) != 3 {
				t.Errorf("transaction %+v", tx)
			}
		}
	}
}
