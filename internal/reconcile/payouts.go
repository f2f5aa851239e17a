// Package reconcile sets what a payment provider paid out against the
// fund's ledger, for the treasurer: each payout's charges and refunds
// beside the gifts they belong to, what one side has and the other lacks,
// and the difference. It only reads; nothing here changes the ledger.
package reconcile

import (
	"time"

	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/payment/payref"
)

// Line is one transaction of a payout beside the ledger's entries
// for the same payment.
type Line struct {
	Tx                payment.PayoutTransaction
	Gross, Fee, Net   money.Money
	Entries           []fund.Entry
	Ledger            money.Money // the payment's ledger net, on its first line only
	Payment, HasEntry bool        // a charge, refund or dispute; with a gift in the ledger
	// Elsewhere says what the payment is when it is not the fund's (share
	// capital): such a line is neither unmatched nor in the difference.
	Elsewhere string
}

// PayoutView is one payout with its lines and their sums.
type PayoutView struct {
	Payout          payment.Payout
	Amount          money.Money
	Gross, Fee, Net money.Money
	Lines           []Line
}

// Payouts sets the payouts arriving in a month against the
// card gifts of the ledger. Stripe's side is in the payouts' currency
// (Currency), the ledger's in LedgerCurrency; the difference is worked
// out only when the two are the same (Comparable).
type Payouts struct {
	Payouts                []PayoutView
	Unmatched              []Line // payments Stripe paid out that the ledger lacks
	Elsewhere              []Line // payments that belong outside the fund (Match's elsewhere)
	ElsewhereTotal         money.Money
	Pending                []fund.Entry // the month's card gifts in none of the payouts
	Currency               string
	LedgerCurrency         string
	Mixed                  bool // the payouts are in more than one currency: no totals
	Comparable             bool
	Gross, Fee, Net        money.Money
	PaymentGross           money.Money // the charges, refunds and disputes within Gross
	Ledger, UnmatchedTotal money.Money
	PendingTotal           money.Money
	Difference             money.Money // PaymentGross − Ledger
}

// isPaymentType reports whether a balance transaction moves a donor's
// money (a charge, its refunds, a dispute's adjustment), as against
// Stripe's own fees and transfers.
func isPaymentType(t string) bool {
	switch t {
	case "charge", "payment", "refund", "payment_refund", "payment_failure_refund", "adjustment":
		return true
	}
	return false
}

// paidThroughProvider reports whether an original entry's money came
// through the payment provider, so that a payout carries it: every card
// gift (a card taken another way still waits, pending, for the treasurer
// to see), and the supporters' invoices the provider's webhook recorded,
// by card or Bacs Direct Debit. A Direct Debit or supporter gift typed by
// the treasurer came through the bank, not a payout.
func paidThroughProvider(e fund.Entry) bool {
	switch e.Method {
	case fund.Card:
		return true
	case fund.Supporter, fund.DirectDebit:
		return e.RecordedBy == fund.ProviderRecorder
	}
	return false
}

// Match matches payouts to ledger entries by PaymentIntent: a
// card gift's provider reference names its PaymentIntent (payref: the gift
// or a part kept after a partial refund; a reversal names the gift it
// reverses).
// entries should reach back before the month, since a payout early in the
// month carries gifts made at the end of the last; only those received in
// [start, end) can be pending. All sums are integer minor units.
//
// elsewhere names payments that are not the fund's at all (payments for
// shares, which are capital), by payment reference: they are listed apart
// and left out of the payments' gross, so they neither wait to be matched
// nor make a difference.
func Match(payouts []payment.Payout, entries []fund.Entry, start, end time.Time, ledgerCur string, elsewhere map[string]string) Payouts {
	r := Payouts{LedgerCurrency: ledgerCur}
	byRef, refOf := map[string][]fund.Entry{}, map[int64]string{}
	fromProvider := map[int64]bool{} // the originals a payout may carry
	for _, e := range entries {
		if e.ReversalOf == 0 && paidThroughProvider(e) {
			fromProvider[e.ID] = true
			refOf[e.ID] = payref.PaymentOf(e.ProviderRef)
		}
	}
	provided := func(e fund.Entry) bool {
		if e.ReversalOf != 0 {
			return fromProvider[e.ReversalOf]
		}
		return fromProvider[e.ID]
	}
	entryRef := func(e fund.Entry) string {
		if e.ReversalOf != 0 {
			return refOf[e.ReversalOf]
		}
		return refOf[e.ID]
	}
	for _, e := range entries {
		if ref := entryRef(e); provided(e) && ref != "" {
			byRef[ref] = append(byRef[ref], e)
		}
	}
	for _, p := range payouts {
		if r.Currency == "" {
			r.Currency = p.Currency
		}
		r.Mixed = r.Mixed || p.Currency != r.Currency
	}
	var gross, fee, net, payGross, ledger, unmatched, pending, other int64
	paidOut := map[string]bool{}
	for _, p := range payouts {
		v := PayoutView{Payout: p, Amount: money.New(p.AmountMinor, p.Currency)}
		var vg, vf, vn int64
		for _, tx := range p.Transactions {
			l := Line{Tx: tx, Gross: money.New(tx.AmountMinor, tx.Currency), Fee: money.New(tx.FeeMinor, tx.Currency),
				Net: money.New(tx.NetMinor, tx.Currency), Payment: isPaymentType(tx.Type) || tx.PaymentRef != "",
				Ledger: money.Zero(ledgerCur)}
			vg, vf, vn = vg+tx.AmountMinor, vf+tx.FeeMinor, vn+tx.NetMinor
			if what, ok := elsewhere[tx.PaymentRef]; ok && tx.PaymentRef != "" {
				l.Elsewhere = what
				other += tx.AmountMinor
				r.Elsewhere = append(r.Elsewhere, l)
				v.Lines = append(v.Lines, l)
				continue
			}
			if l.Payment {
				payGross += tx.AmountMinor
				l.Entries = byRef[tx.PaymentRef]
				l.HasEntry = tx.PaymentRef != "" && len(l.Entries) > 0
			}
			switch {
			case l.HasEntry && !paidOut[tx.PaymentRef]:
				// A charge and its refund may both be paid out; the
				// gift and its reversal are counted once, on the first.
				for _, e := range l.Entries {
					l.Ledger.Minor += e.Amount.Minor
				}
				ledger += l.Ledger.Minor
			case l.Payment && !l.HasEntry:
				unmatched += tx.AmountMinor
				r.Unmatched = append(r.Unmatched, l)
			}
			if tx.PaymentRef != "" {
				paidOut[tx.PaymentRef] = true
			}
			v.Lines = append(v.Lines, l)
		}
		v.Gross, v.Fee, v.Net = money.New(vg, p.Currency), money.New(vf, p.Currency), money.New(vn, p.Currency)
		gross, fee, net = gross+vg, fee+vf, net+vn
		r.Payouts = append(r.Payouts, v)
	}
	for _, e := range entries {
		if !provided(e) || e.ReceivedAt.Before(start) || !e.ReceivedAt.Before(end) || paidOut[entryRef(e)] {
			continue
		}
		r.Pending = append(r.Pending, e)
		pending += e.Amount.Minor
	}
	cur := r.Currency
	if cur == "" {
		cur = ledgerCur
	}
	r.Gross, r.Fee, r.Net = money.New(gross, cur), money.New(fee, cur), money.New(net, cur)
	r.PaymentGross, r.UnmatchedTotal = money.New(payGross, cur), money.New(unmatched, cur)
	r.ElsewhereTotal = money.New(other, cur)
	r.Ledger, r.PendingTotal = money.New(ledger, ledgerCur), money.New(pending, ledgerCur)
	r.Comparable = !r.Mixed && cur == ledgerCur
	r.Difference = money.New(payGross-ledger, cur)
	return r
}
