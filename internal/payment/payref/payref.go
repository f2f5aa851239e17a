// Package payref is the one format of the provider reference a card gift
// carries in the fund's ledger. The donation handler writes it; the
// fund's card reconciliation, the payout matcher and the handler itself
// read it back, so each asks this package rather than cutting strings.
//
// A gift paid through a provider is keyed by its PaymentIntent ("pi_123"),
// the one id its checkout, refunds and disputes all carry. After a
// partial refund the part the paper keeps is recorded again under
// "pi_123~kept-after-refund-500", where 500 is the total refunded so far
// in minor units; each later partial refund gives a new, higher total and
// so a new reference. Full refunds and disputes write reversals, which
// carry no reference of their own.
//
// The package imports nothing of coopress, so that the fund can use it
// without taking in the payment provider's client.
package payref

import (
	"errors"
	"strconv"
	"strings"
)

// Kind is what a reference names.
type Kind int

// The kinds of reference.
const (
	// Gift is the payment itself, as first credited.
	Gift Kind = iota + 1
	// Kept is the part of the payment kept after partial refunds.
	Kept
)

// keptSep joins a payment to the refunded total of a kept part.
const keptSep = "~kept-after-refund-"

// maxPaymentLen bounds a payment id; Stripe's are under 40 characters.
const maxPaymentLen = 255

// ErrInvalid is returned for a reference or a payment id that is not in
// the format, so that a malformed id can never be written as, or read as,
// another payment's part.
var ErrInvalid = errors.New("payref: not a payment reference")

// Ref is a parsed reference.
type Ref struct {
	// Payment is the provider's payment id, a Stripe PaymentIntent.
	Payment string
	Kind    Kind
	// Refunded is, for Kept, the total refunded (minor units) when the
	// part was recorded; zero for Gift.
	Refunded int64
}

// GiftOf is the reference of payment's first credit.
func GiftOf(payment string) Ref { return Ref{Payment: payment, Kind: Gift} }

// KeptAfter is the reference of the part of payment kept once refunded
// minor units in all have gone back.
func KeptAfter(payment string, refunded int64) Ref {
	return Ref{Payment: payment, Kind: Kept, Refunded: refunded}
}

// Format writes r as the ledger stores it, or ErrInvalid when r could not
// be read back as itself: an empty or odd payment id, an unknown kind, or
// a kept part with no refund.
func (r Ref) Format() (string, error) {
	if !validPayment(r.Payment) {
		return "", ErrInvalid
	}
	switch {
	case r.Kind == Gift && r.Refunded == 0:
		return r.Payment, nil
	case r.Kind == Kept && r.Refunded > 0:
		return r.Payment + keptSep + strconv.FormatInt(r.Refunded, 10), nil
	}
	return "", ErrInvalid
}

// Parse reads a reference Format wrote. Anything else, including a
// reference a treasurer typed for a gift taken some other way, is
// ErrInvalid.
func Parse(s string) (Ref, error) {
	payment, rest, kept := strings.Cut(s, keptSep)
	if !validPayment(payment) {
		return Ref{}, ErrInvalid
	}
	if !kept {
		return GiftOf(payment), nil
	}
	// Only the canonical decimal: no sign, no leading zero, no spaces, so
	// that one kept part has exactly one reference.
	if rest == "" || rest[0] == '0' || strings.TrimLeft(rest, "0123456789") != "" {
		return Ref{}, ErrInvalid
	}
	n, err := strconv.ParseInt(rest, 10, 64)
	if err != nil {
		return Ref{}, ErrInvalid
	}
	return KeptAfter(payment, n), nil
}

// PaymentOf is the payment a ledger reference belongs to: the payment of
// a gift or kept part, and for any other reference the reference itself
// (it names its own payment, or nothing a provider knows).
func PaymentOf(s string) string {
	if r, err := Parse(s); err == nil {
		return r.Payment
	}
	return s
}

// validPayment accepts a provider's payment id: letters, digits, "_" and
// "-" only. "~" in particular would let an id pose as a kept part.
func validPayment(p string) bool {
	if p == "" || len(p) > maxPaymentLen {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
