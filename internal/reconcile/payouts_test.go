package reconcile

import (
	"testing"
	"time"

	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment"
)

// The matching on chosen data: stripe-mock's canned payout has no
// PaymentIntent, so this is where the gift-by-gift arithmetic is checked.
func TestMatch(t *testing.T) {
	start := time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 1, 0)
	gbp := func(p int64) money.Money { return money.New(p, "GBP") }
	card := func(id int64, ref string, p int64, day int) fund.Entry {
		return fund.Entry{ID: id, Method: fund.Card, ProviderRef: ref, Amount: gbp(p), ReceivedAt: start.AddDate(0, 0, day-1)}
	}
	entries := []fund.Entry{
		card(1, "pi_oct", 1000, -2), // October's gift, paid out in November
		card(2, "pi_a", 2500, 3),    // paid out, then partly refunded:
		{ID: 3, Method: fund.Card, ReversalOf: 2, Amount: gbp(-2500), ReceivedAt: start.AddDate(0, 0, 5)},
		card(4, "pi_a~kept-after-refund-500", 2000, 3), // the part kept
		card(5, "pi_late", 700, 29),                    // still with Stripe
		{ID: 6, Method: fund.Cheque, ProviderRef: "chq-1", Amount: gbp(5000), ReceivedAt: start.AddDate(0, 0, 4)},
	}
	tx := func(id, typ, pi string, amount, fee int64) payment.PayoutTransaction {
		return payment.PayoutTransaction{ID: id, Type: typ, PaymentRef: pi, AmountMinor: amount, FeeMinor: fee, NetMinor: amount - fee, Currency: "GBP"}
	}
	payouts := []payment.Payout{
		{ID: "po_1", Currency: "GBP", AmountMinor: 3400, Automatic: true, Transactions: []payment.PayoutTransaction{
			tx("txn_1", "charge", "pi_oct", 1000, 35), tx("txn_2", "charge", "pi_a", 2500, 55), tx("txn_f", "stripe_fee", "", -10, 0)}},
		{ID: "po_2", Currency: "GBP", AmountMinor: 1300, Automatic: true, Transactions: []payment.PayoutTransaction{
			tx("txn_3", "refund", "pi_a", -500, 0), tx("txn_4", "charge", "pi_stranger", 1800, 0)}},
	}
	r := Match(payouts, entries, start, end, "GBP", nil)
	for name, c := range map[string]struct{ got, want money.Money }{
		"gross":     {r.Gross, gbp(1000 + 2500 - 10 - 500 + 1800)},
		"fees":      {r.Fee, gbp(90)},
		"net":       {r.Net, gbp(4790 - 90)},
		"payments":  {r.PaymentGross, gbp(1000 + 2500 - 500 + 1800)},
		"ledger":    {r.Ledger, gbp(1000 + 2500 - 2500 + 2000)},
		"unmatched": {r.UnmatchedTotal, gbp(1800)},
		"pending":   {r.PendingTotal, gbp(700)},
		"diff":      {r.Difference, gbp(1800)},
	} {
		if c.got != c.want {
			t.Errorf("%s %v, want %v", name, c.got, c.want)
		}
	}
	if !r.Comparable || r.Mixed || len(r.Unmatched) != 1 || r.Unmatched[0].Tx.ID != "txn_4" ||
		len(r.Pending) != 1 || r.Pending[0].ID != 5 {
		t.Fatalf("comparable %v mixed %v unmatched %+v pending %+v", r.Comparable, r.Mixed, r.Unmatched, r.Pending)
	}
	if l := r.Payouts[0].Lines[1]; !l.HasEntry || len(l.Entries) != 3 || l.Ledger != gbp(2000) {
		t.Errorf("pi_a's line %+v", l)
	}
	if l := r.Payouts[1].Lines[0]; !l.HasEntry || l.Ledger != gbp(0) {
		t.Errorf("the refund counted pi_a's gift again: %+v", l)
	}
	if v := r.Payouts[0]; v.Net != gbp(3400) || v.Amount != gbp(3400) {
		t.Errorf("po_1 net %v, amount %v", v.Net, v.Amount)
	}

	// Stripe in dollars against a ledger in pounds: listed, not compared.
	usd := []payment.Payout{{ID: "po_3", Currency: "USD", AmountMinor: 100, Transactions: []payment.PayoutTransaction{
		{ID: "txn_5", Type: "charge", AmountMinor: 100, NetMinor: 100, Currency: "USD"}}}}
	if r := Match(usd, entries, start, end, "GBP", nil); r.Comparable || r.Gross != money.New(100, "USD") || len(r.Unmatched) != 1 {
		t.Errorf("dollars: %+v", r)
	}
	mixed := append(usd, payouts[0])
	if r := Match(mixed, entries, start, end, "GBP", nil); !r.Mixed || r.Comparable {
		t.Errorf("two currencies: mixed %v comparable %v", r.Mixed, r.Comparable)
	}
}

// TestMatchSupporterInvoices: a supporter's invoice paid by card or Bacs
// Direct Debit through the provider is in its payouts like a card gift,
// its refund too; a Direct Debit the treasurer typed in came through the
// bank and is neither matched nor pending.
func TestMatchSupporterInvoices(t *testing.T) {
	start := time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC)
	gbp := func(p int64) money.Money { return money.New(p, "GBP") }
	entries := []fund.Entry{
		{ID: 1, Method: fund.Supporter, ProviderRef: "pi_sub1", Amount: gbp(500), ReceivedAt: start.AddDate(0, 0, 2), RecordedBy: fund.ProviderRecorder},
		{ID: 2, Method: fund.DirectDebit, ProviderRef: "pi_bacs1", Amount: gbp(1000), ReceivedAt: start.AddDate(0, 0, 3), RecordedBy: fund.ProviderRecorder},
		{ID: 3, Method: fund.DirectDebit, ReversalOf: 2, Amount: gbp(-1000), ReceivedAt: start.AddDate(0, 0, 9), RecordedBy: fund.ProviderRecorder, Reason: "refunded"},
		{ID: 4, Method: fund.Supporter, ProviderRef: "pi_sub2", Amount: gbp(300), ReceivedAt: start.AddDate(0, 0, 20), RecordedBy: fund.ProviderRecorder},
		{ID: 5, Method: fund.DirectDebit, ProviderRef: "bank-dd-77", Amount: gbp(1500), ReceivedAt: start.AddDate(0, 0, 4), RecordedBy: "treasurer@example.org"},
	}
	payouts := []payment.Payout{{ID: "po_1", Currency: "GBP", AmountMinor: 1500, Transactions: []payment.PayoutTransaction{
		{ID: "t1", Type: "charge", PaymentRef: "pi_sub1", AmountMinor: 500, NetMinor: 500, Currency: "GBP"},
		{ID: "t2", Type: "charge", PaymentRef: "pi_bacs1", AmountMinor: 1000, NetMinor: 1000, Currency: "GBP"},
	}}}
	r := Match(payouts, entries, start, start.AddDate(0, 1, 0), "GBP", nil)
	if r.UnmatchedTotal != gbp(0) || len(r.Unmatched) != 0 {
		t.Errorf("supporters' invoices unmatched: %+v", r.Unmatched)
	}
	if r.Ledger != gbp(500+1000-1000) {
		t.Errorf("ledger %v, want the invoices and the refund: £5.00", r.Ledger)
	}
	if len(r.Pending) != 1 || r.Pending[0].ID != 4 {
		t.Errorf("pending %+v, want only the invoice not yet paid out (the typed Direct Debit came through the bank)", r.Pending)
	}
}

// TestMatchSetsShareCapitalApart: a payment for shares paid out with the
// gifts is share capital, not a gift the ledger lacks: it is listed apart,
// left out of the payments' gross, and makes no difference; an unknown
// charge beside it is still unmatched.
func TestMatchSetsShareCapitalApart(t *testing.T) {
	start := time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 1, 0)
	gbp := func(p int64) money.Money { return money.New(p, "GBP") }
	entries := []fund.Entry{{ID: 1, Method: fund.Card, ProviderRef: "pi_gift", Amount: gbp(1000), ReceivedAt: start.AddDate(0, 0, 2)}}
	tx := func(id, pi string, amount int64) payment.PayoutTransaction {
		return payment.PayoutTransaction{ID: id, Type: "charge", PaymentRef: pi, AmountMinor: amount, NetMinor: amount, Currency: "GBP"}
	}
	payouts := []payment.Payout{{ID: "po_1", Currency: "GBP", AmountMinor: 1000 + 25000 + 300, Transactions: []payment.PayoutTransaction{
		tx("txn_gift", "pi_gift", 1000), tx("txn_shares", "pi_shares", 25000), tx("txn_odd", "pi_odd", 300)}}}
	for _, c := range []struct {
		name                   string
		elsewhere              map[string]string
		unmatched, other, diff int64
	}{
		{"the society's payments named", map[string]string{"pi_shares": "shares: application 3"}, 300, 25000, 300},
		{"without them", nil, 25300, 0, 25300},
	} {
		r := Match(payouts, entries, start, end, "GBP", c.elsewhere)
		if r.UnmatchedTotal != gbp(c.unmatched) || r.ElsewhereTotal != gbp(c.other) || r.Difference != gbp(c.diff) ||
			r.Ledger != gbp(1000) || r.Gross != gbp(26300) {
			t.Errorf("%s: unmatched %v, shares %v, difference %v, ledger %v, gross %v; want %d, %d, %d", c.name,
				r.UnmatchedTotal, r.ElsewhereTotal, r.Difference, r.Ledger, r.Gross, c.unmatched, c.other, c.diff)
		}
		if c.elsewhere != nil && (len(r.Elsewhere) != 1 || r.Payouts[0].Lines[1].Elsewhere != "shares: application 3") {
			t.Errorf("%s: the share payment's line %+v", c.name, r.Payouts[0].Lines[1])
		}
	}
}
