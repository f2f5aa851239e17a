package donation

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/valid"
)

// The longest donor details a checkout carries, in characters; the
// provider's metadata values are bounded too (500).
const (
	maxName    = 200
	maxEmail   = 200
	maxTown    = 200
	maxMessage = 500
)

// Request is a validated gift, ready for a payment provider's checkout.
type Request struct {
	Amount  money.Money
	Name    string
	Email   string
	Town    string
	Message string
	// Public is the donor's opt-in to printed thanks.
	Public bool
}

// Input is a gift as the donor asked for it, before any checking.
type Input struct {
	// Amount is as typed: "10", "15.50", "£15.50".
	Amount string
	// Currency is the currency the form offered, when it said; it must be
	// the limits' currency.
	Currency                   string
	Name, Email, Town, Message string
	Public                     bool
}

// Limits bound one online gift; both are in the site's currency.
type Limits struct {
	Min, Max money.Money
}

// WithDefaults fills unset limits: £1 to £10,000.
func (l Limits) WithDefaults() Limits {
	if l.Min.Currency == "" {
		l.Min = money.Major(1, money.DefaultCurrency)
	}
	if l.Max.Currency == "" {
		l.Max = money.Major(10000, l.Min.Currency)
	}
	return l
}

// NewRequest checks every field of in against l and says what is wrong
// with each: the error joins one valid.Error per field at fault (Field is
// "amount", "name", "email", "town" or "message"), so a form can show
// every message beside its field at once.
func NewRequest(in Input, l Limits) (Request, error) {
	l = l.WithDefaults()
	r := Request{Name: strings.TrimSpace(in.Name), Email: strings.TrimSpace(in.Email),
		Town: strings.TrimSpace(in.Town), Message: strings.TrimSpace(in.Message), Public: in.Public}
	var errs []error
	add := func(field, msg string) {
		if msg != "" {
			errs = append(errs, valid.New(field, msg))
		}
	}
	var msg string
	r.Amount, msg = checkAmount(strings.TrimSpace(in.Amount), in.Currency, l)
	add("amount", msg)
	add("name", tooLong(r.Name, maxName))
	msg = tooLong(r.Email, maxEmail)
	if msg == "" && r.Email != "" && (!strings.Contains(r.Email, "@") || strings.ContainsAny(r.Email, " \t<>,;")) {
		msg = "Enter an email address like name@example.com, or leave it empty."
	}
	add("email", msg)
	add("town", tooLong(r.Town, maxTown))
	add("message", tooLong(r.Message, maxMessage))
	return r, errors.Join(errs...)
}

// checkAmount parses raw in the limits' currency and keeps it within them;
// the message says what to type instead.
func checkAmount(raw, currency string, l Limits) (money.Money, string) {
	cur := l.Min.Currency
	amount, err := money.Parse(raw, cur)
	var pe *money.ParseError
	switch {
	case currency != "" && !strings.EqualFold(currency, cur):
		return amount, "We can take gifts online in " + cur + " only."
	case errors.As(err, &pe) && errors.Is(err, money.ErrCurrency):
		return amount, "We can take gifts online in " + cur + " only: enter an amount in " + money.Symbol(cur) + "."
	case errors.Is(err, money.ErrEmpty):
		return amount, "Choose an amount, or enter your own."
	case errors.Is(err, money.ErrNotNumber):
		return amount, "Enter the amount as a number, like 15 or 15.50."
	case errors.Is(err, money.ErrTooPrecise):
		return amount, "Enter pounds and pence, with no more than two figures after the point."
	case errors.Is(err, money.ErrNotPositive):
		return amount, "Enter an amount of at least " + l.Min.Format() + "."
	case errors.Is(err, money.ErrTooLarge) || (err == nil && amount.Minor > l.Max.Minor):
		return amount, "We can take up to " + l.Max.Format() +
			" online. For a larger gift, please give by bank transfer or post; thank you."
	case err != nil:
		return amount, "Enter the amount as a number, like 15 or 15.50."
	case amount.Minor < l.Min.Minor:
		return amount, "The smallest gift we can take online is " + l.Min.Format() + "."
	}
	return amount, ""
}

// tooLong says so when s has more than n characters or is not UTF-8.
func tooLong(s string, n int) string {
	switch {
	case !utf8.ValidString(s):
		return "We could not read some characters; please type it again."
	case utf8.RuneCountInString(s) > n:
		return "Please keep this to " + strconv.Itoa(n) + " characters."
	}
	return ""
}
