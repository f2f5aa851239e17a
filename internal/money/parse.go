package money

import (
	"errors"
	"fmt"
	"strings"
)

// MaxEntry is the largest single amount Parse accepts: £1,000,000. A gift
// bigger than that is far likelier a typing slip than a legacy, and the
// treasurer can split a real one; callers with other limits use ParseLimit.
const MaxEntry int64 = 1_000_000_00

// The reasons Parse refuses an input; a ParseError wraps one of them so that
// callers can tell them apart with errors.Is while showing Error() to people.
var (
	ErrEmpty       = errors.New("enter an amount")
	ErrNotNumber   = errors.New("not a number")
	ErrNotPositive = errors.New("must be more than zero")
	ErrTooPrecise  = errors.New("has more than two decimal places")
	ErrTooLarge    = errors.New("is too large")
	ErrCurrency    = errors.New("unknown or different currency")
)

// ParseError says which input was refused and why, in words fit for the
// person who typed it.
type ParseError struct {
	Input  string
	Reason error
	Detail string
}

// Error reads like "amount "1.234" has more than two decimal places".
func (e *ParseError) Error() string {
	msg := fmt.Sprintf("amount %q %s", e.Input, e.Reason)
	if errors.Is(e.Reason, ErrEmpty) {
		msg = e.Reason.Error()
	}
	if e.Detail != "" {
		msg += " (" + e.Detail + ")"
	}
	return msg
}

// Unwrap gives the reason, one of the Err* values above.
func (e *ParseError) Unwrap() error { return e.Reason }

// Parse reads an amount as a person types it, in currency (GBP when empty),
// refusing anything above MaxEntry. It accepts "20", "20.5", "20.50",
// "£1,250.50", "1250", " £20 " and a trailing or leading code ("20 GBP").
// Commas must group thousands properly ("1,250", not "12,50", which may be a
// European decimal comma and is refused rather than guessed). It refuses
// zero, negatives, more than two decimal places, non-numbers and amounts
// whose sign or code names another currency.
func Parse(s, currency string) (Money, error) {
	return ParseLimit(s, currency, MaxEntry)
}

// ParseLimit is Parse with the caller's own ceiling, in minor units.
func ParseLimit(s, currency string, limit int64) (Money, error) {
	if currency == "" {
		currency = DefaultCurrency
	}
	info, ok := currencies()[currency]
	if !ok {
		return Money{}, &ParseError{Input: s, Reason: ErrCurrency, Detail: "currency " + currency + " is not supported"}
	}
	fail := func(reason error, detail string) (Money, error) {
		return Money{}, &ParseError{Input: s, Reason: reason, Detail: detail}
	}
	t := strings.TrimSpace(s)
	if t == "" {
		return fail(ErrEmpty, "")
	}
	negative := false
	if strings.HasPrefix(t, "-") || strings.HasPrefix(t, "−") {
		negative = true
		t = strings.TrimLeft(strings.TrimPrefix(strings.TrimPrefix(t, "-"), "−"), " ")
	}
	t, err := stripCurrency(t, currency, info.symbol)
	if err != nil {
		return fail(ErrCurrency, err.Error())
	}
	if strings.HasPrefix(t, "-") || strings.HasPrefix(t, "−") {
		negative = true
		t = strings.TrimPrefix(strings.TrimPrefix(t, "-"), "−")
	}
	t = strings.TrimPrefix(t, "+")
	intPart, fracPart, hasDot := strings.Cut(t, ".")
	if intPart == "" && (!hasDot || fracPart == "") {
		return fail(ErrNotNumber, "")
	}
	digits, err := ungroup(intPart)
	if err != nil {
		return fail(ErrNotNumber, err.Error())
	}
	if hasDot && (fracPart == "" || !allDigits(fracPart)) {
		return fail(ErrNotNumber, "")
	}
	if negative {
		return fail(ErrNotPositive, "")
	}
	if len(fracPart) > info.digits {
		return fail(ErrTooPrecise, "the smallest unit is 0.01")
	}
	var minor int64
	for _, c := range digits {
		minor = minor*10 + int64(c-'0')
		if minor > limit {
			return fail(ErrTooLarge, "the most accepted is "+New(limit, currency).Format())
		}
	}
	for i := 0; i < info.digits; i++ {
		minor *= 10
		if i < len(fracPart) {
			minor += int64(fracPart[i] - '0')
		}
		if minor > limit {
			return fail(ErrTooLarge, "the most accepted is "+New(limit, currency).Format())
		}
	}
	if minor == 0 {
		return fail(ErrNotPositive, "")
	}
	return Money{Minor: minor, Currency: currency}, nil
}

// stripCurrency removes the currency's sign or code from either end of t,
// and refuses another currency's.
func stripCurrency(t, currency, symbol string) (string, error) {
	switch {
	case strings.HasPrefix(t, symbol):
		t = strings.TrimPrefix(t, symbol)
	case strings.HasPrefix(strings.ToUpper(t), currency):
		t = t[len(currency):]
	case strings.HasSuffix(strings.ToUpper(t), currency):
		t = t[:len(t)-len(currency)]
	}
	t = strings.TrimSpace(t)
	for code, c := range currencies() {
		if code != currency && (strings.Contains(t, c.symbol) || strings.Contains(strings.ToUpper(t), code)) {
			return "", fmt.Errorf("written in %s but the fund is in %s", code, currency)
		}
	}
	return t, nil
}

// ungroup checks the thousands commas in s and returns its bare digits.
func ungroup(s string) (string, error) {
	if s == "" {
		return "0", nil
	}
	if !strings.Contains(s, ",") {
		if !allDigits(s) {
			return "", errors.New("use digits, with an optional point and commas between thousands")
		}
		return s, nil
	}
	groups := strings.Split(s, ",")
	for i, g := range groups {
		if !allDigits(g) || (i == 0 && (len(g) == 0 || len(g) > 3)) || (i > 0 && len(g) != 3) {
			return "", errors.New("commas must separate thousands, as in 1,250")
		}
	}
	return strings.Join(groups, ""), nil
}

// allDigits reports whether s is one or more ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
