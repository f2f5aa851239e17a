package payment

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v82"
)

// Bounds on what one ListPayouts reads, so that a month with an unusual
// number of payouts cannot keep a treasurer's page waiting on hundreds of
// API calls. A paper paid out daily has about 31 payouts a month.
const (
	MaxPayouts      = 100
	MaxTransactions = 1000
)

// Payout is money Stripe sent to the paper's bank, with what it contains.
type Payout struct {
	ID string
	// AmountMinor is what reached the bank, in Currency's minor units:
	// the transactions' net, fees already taken.
	AmountMinor int64
	// Currency is ISO 4217, upper case.
	Currency    string
	ArrivalDate time.Time
	Created     time.Time
	// Status is Stripe's: paid, pending, in_transit, canceled or failed.
	Status string
	// Automatic is false for a payout asked for by hand, whose
	// transactions Stripe cannot list, so Transactions stays empty.
	Automatic    bool
	Transactions []PayoutTransaction
	// Incomplete is set when Transactions stopped at MaxTransactions (or
	// the payout is manual), so their sum will not be AmountMinor.
	Incomplete bool
}

// PayoutTransaction is one balance transaction a payout settled: a
// charge, a refund, a dispute's adjustment or a Stripe fee.
type PayoutTransaction struct {
	ID string
	// Type is Stripe's: charge, payment, refund, payment_refund,
	// adjustment, stripe_fee and others.
	Type string
	// AmountMinor is the gross (negative for money going out), FeeMinor
	// what Stripe kept, NetMinor = AmountMinor − FeeMinor; minor units.
	AmountMinor, FeeMinor, NetMinor int64
	Currency                        string
	Created                         time.Time
	// SourceID is the Stripe object behind it ("ch_…", "re_…", "du_…").
	SourceID string
	// PaymentRef is the PaymentIntent the source belongs to, when it has
	// one: the id the ledger keeps as a card gift's provider reference.
	PaymentRef string
}

// ListPayouts returns the payouts expected to arrive in [from, to), oldest
// first, each with the balance transactions it paid out, up to MaxPayouts
// and MaxTransactions in all. Stripe filters by arrival date; stripe-mock
// ignores filters and answers with its canned payout whatever the dates.
func (s *Stripe) ListPayouts(ctx context.Context, from, to time.Time) ([]Payout, error) {
	p := &stripe.PayoutListParams{ArrivalDateRange: &stripe.RangeQueryParams{
		GreaterThanOrEqual: from.Unix(), LesserThan: to.Unix()}}
	p.Limit = stripe.Int64(100)
	var out []Payout
	for po, err := range s.client.V1Payouts.List(ctx, p) {
		if err != nil {
			return nil, fmt.Errorf("payment: list payouts: %w", err)
		}
		out = append(out, Payout{ID: po.ID, AmountMinor: po.Amount, Currency: strings.ToUpper(string(po.Currency)),
			ArrivalDate: time.Unix(po.ArrivalDate, 0).UTC(), Created: time.Unix(po.Created, 0).UTC(),
			Status: string(po.Status), Automatic: po.Automatic, Incomplete: !po.Automatic})
		if len(out) == MaxPayouts {
			break
		}
	}
	slices.SortStableFunc(out, func(a, b Payout) int { return a.ArrivalDate.Compare(b.ArrivalDate) })
	budget := MaxTransactions
	for i := range out {
		if !out[i].Automatic {
			continue
		}
		var err error
		if out[i].Transactions, out[i].Incomplete, err = s.payoutTransactions(ctx, out[i].ID, &budget); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// payoutTransactions lists what payout id settled, spending *budget. The
// payout's own transaction (money leaving the balance for the bank) is
// left out: it is the payout, not part of it.
func (s *Stripe) payoutTransactions(ctx context.Context, id string, budget *int) ([]PayoutTransaction, bool, error) {
	p := &stripe.BalanceTransactionListParams{Payout: stripe.String(id)}
	p.Limit = stripe.Int64(100)
	// Expanding the source gives each charge's PaymentIntent in the same
	// call, instead of one more request per charge.
	p.AddExpand("data.source")
	var out []PayoutTransaction
	for bt, err := range s.client.V1BalanceTransactions.List(ctx, p) {
		if err != nil {
			return nil, false, fmt.Errorf("payment: list transactions of payout %s: %w", id, err)
		}
		if bt.Type == stripe.BalanceTransactionTypePayout {
			continue
		}
		if *budget == 0 {
			return out, true, nil
		}
		*budget--
		t := PayoutTransaction{ID: bt.ID, Type: string(bt.Type), AmountMinor: bt.Amount, FeeMinor: bt.Fee,
			NetMinor: bt.Net, Currency: strings.ToUpper(string(bt.Currency)), Created: time.Unix(bt.Created, 0).UTC()}
		if bt.Source != nil {
			t.SourceID, t.PaymentRef = bt.Source.ID, sourcePaymentRef(bt.Source)
		}
		out = append(out, t)
	}
	return out, false, nil
}

// sourcePaymentRef is the PaymentIntent behind a transaction's source.
func sourcePaymentRef(src *stripe.BalanceTransactionSource) string {
	var pi *stripe.PaymentIntent
	switch {
	case src.Charge != nil:
		pi = src.Charge.PaymentIntent
	case src.Refund != nil:
		pi = src.Refund.PaymentIntent
	case src.Dispute != nil:
		pi = src.Dispute.PaymentIntent
	}
	if pi == nil {
		return ""
	}
	return pi.ID
}
