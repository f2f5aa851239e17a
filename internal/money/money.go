// Package money holds amounts as an integer count of minor units with an
// ISO 4217 currency, never a float, and reads and writes them the way people
// do: "£1,250.50" in, "£5,047" out.
package money

import (
	"errors"
	"fmt"
	"math"
)

// DefaultCurrency is the currency a newspaper in the UK raises its fund in.
const DefaultCurrency = "GBP"

// Money is an amount in the smallest unit of its currency (pence for GBP).
// The zero value has no currency; use New or Zero to make one.
type Money struct {
	// Minor is the amount in minor units; negative for money going out.
	Minor int64
	// Currency is the ISO 4217 code, upper case.
	Currency string
}

// currencyInfo is what formatting and parsing need to know of a currency.
type currencyInfo struct {
	symbol string
	digits int // minor digits; every currency we support has 2
}

// currencies lists the currencies coopress handles. It is a function rather
// than a package variable so that nothing can change it at run time.
func currencies() map[string]currencyInfo {
	return map[string]currencyInfo{
		"GBP": {symbol: "£", digits: 2},
		"EUR": {symbol: "€", digits: 2},
		"USD": {symbol: "$", digits: 2},
	}
}

// Known reports whether code is a currency this package supports.
func Known(code string) bool {
	_, ok := currencies()[code]
	return ok
}

// Symbol returns the currency's sign, such as "£", or the code itself for a
// currency we do not know.
func Symbol(code string) string {
	if c, ok := currencies()[code]; ok {
		return c.symbol
	}
	return code
}

// New makes an amount of minor units in currency.
func New(minor int64, currency string) Money { return Money{Minor: minor, Currency: currency} }

// Zero is nothing, in currency.
func Zero(currency string) Money { return Money{Currency: currency} }

// Major makes an amount of whole units (pounds), for targets and tests.
func Major(units int64, currency string) Money { return Money{Minor: units * 100, Currency: currency} }

// ErrCurrencyMismatch is returned when two amounts in different currencies
// are combined: adding pounds to euros is a bug, never a conversion.
var ErrCurrencyMismatch = errors.New("money: currencies differ")

// ErrOverflow is returned when a sum does not fit in 64 bits; at 9.2e16
// pounds it means corrupt data, not a rich month.
var ErrOverflow = errors.New("money: amount out of range")

// Add returns m + o.
func (m Money) Add(o Money) (Money, error) {
	if m.Currency != o.Currency {
		return Money{}, fmt.Errorf("%w: %s and %s", ErrCurrencyMismatch, m.Currency, o.Currency)
	}
	if (o.Minor > 0 && m.Minor > math.MaxInt64-o.Minor) || (o.Minor < 0 && m.Minor < math.MinInt64-o.Minor) {
		return Money{}, ErrOverflow
	}
	return Money{Minor: m.Minor + o.Minor, Currency: m.Currency}, nil
}

// Sub returns m − o.
func (m Money) Sub(o Money) (Money, error) {
	if o.Minor == math.MinInt64 {
		return Money{}, ErrOverflow
	}
	return m.Add(Money{Minor: -o.Minor, Currency: o.Currency})
}

// Neg returns −m, as a reversing entry needs.
func (m Money) Neg() Money { return Money{Minor: -m.Minor, Currency: m.Currency} }

// IsZero reports whether the amount is nothing.
func (m Money) IsZero() bool { return m.Minor == 0 }

// IsPositive reports whether the amount is more than nothing.
func (m Money) IsPositive() bool { return m.Minor > 0 }

// String is Format, so amounts print sensibly in logs and %v.
func (m Money) String() string { return m.Format() }
