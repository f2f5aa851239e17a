package supporter

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/valid"
)

// Frequency is how often a standing order pays.
type Frequency string

// The frequencies a bank's standing order form offers that the paper sees.
const (
	Monthly   Frequency = "monthly"
	Quarterly Frequency = "quarterly"
	Yearly    Frequency = "yearly"
)

// Frequencies lists them in the order the treasurer's form shows them.
func Frequencies() []Frequency { return []Frequency{Monthly, Quarterly, Yearly} }

// Months is how many months apart the payments are.
func (f Frequency) Months() int {
	switch f {
	case Quarterly:
		return 3
	case Yearly:
		return 12
	}
	return 1
}

// OrderStatus is where a standing order stands.
type OrderStatus string

// The statuses of a standing order. Only an active one is expected to pay;
// a lapsed one (payments stopped coming) is still matched when a payment
// does come, and a cancelled one is never matched again.
const (
	OrderActive    OrderStatus = "active"
	OrderLapsed    OrderStatus = "lapsed"
	OrderCancelled OrderStatus = "cancelled"
)

// StandingOrder is a supporter who gives by standing order from their bank.
type StandingOrder struct {
	ID            int64
	Name          string
	Email         string
	PostalAddress string
	Amount        money.Money
	Frequency     Frequency
	// Reference is what the supporter asked their bank to write on each
	// payment, as typed; ReferenceKey is it folded for matching.
	Reference    string
	ReferenceKey string
	Status       OrderStatus
	// StartedOn is the day of the first payment, in the publication's zone.
	StartedOn time.Time
	// Thanks is how the supporter asked to be thanked in the fund column,
	// which the treasurer records for them.
	Thanks    Thanks
	CreatedAt time.Time
	CreatedBy string
	UpdatedAt time.Time
}

// OrderInput is a standing order as the treasurer typed it. Refusals name
// the fields "name", "email", "postal_address", "amount", "frequency",
// "reference" and "started_on", which the form uses as its ids.
type OrderInput struct {
	Name, Email, PostalAddress string
	Amount, Frequency          string
	Reference, StartedOn       string
	// Thanks is the supporter's wish to be thanked in the fund column.
	Thanks ThanksInput
}

// The bounds of a reference: UK banks carry 18 characters, and fewer than
// four letters or digits would be found inside too many other payments'
// descriptions to match anything safely.
const (
	MinReferenceKey = 4
	MaxReferenceKey = 18
)

// ErrDuplicateReference is the Cause of the refusal of a reference another
// active standing order already uses.
var ErrDuplicateReference = errors.New("supporter: reference already used by an active standing order")

// ReferenceKey folds a bank reference for matching: upper case, with
// spaces, punctuation and anything else that is not a letter or digit
// removed, since banks reformat references freely ("J. Smith-12" arrives
// as "J SMITH 12" or "JSMITH12").
func ReferenceKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// ParseOrder checks a typed standing order against every rule and returns
// the order to store (ID, status and times left to the store). Each field
// at fault gives one valid.Error, joined, so a form shows them all at once.
// cur is the currency the paper's fund is kept in; loc and now place
// "today" for the first payment's day, which may be up to a year ahead.
func ParseOrder(in OrderInput, cur string, loc *time.Location, now time.Time) (StandingOrder, error) {
	var errs []error
	fail := func(field, msg string) { errs = append(errs, valid.New(field, msg)) }
	o := StandingOrder{Name: strings.TrimSpace(in.Name), Email: strings.TrimSpace(in.Email),
		PostalAddress: strings.TrimSpace(in.PostalAddress), Reference: strings.TrimSpace(in.Reference),
		Frequency: Frequency(strings.ToLower(strings.TrimSpace(in.Frequency)))}
	for _, f := range []struct{ field, label, v string }{{"name", "The name", o.Name}, {"email", "The email address", o.Email},
		{"postal_address", "The postal address", o.PostalAddress}, {"reference", "The reference", o.Reference}} {
		if !utf8.ValidString(f.v) || strings.ContainsRune(f.v, 0) {
			fail(f.field, f.label+" contains characters we could not read.")
		} else if n := orderMaxRunes(f.field); utf8.RuneCountInString(f.v) > n {
			fail(f.field, fmt.Sprintf("%s is longer than %d characters.", f.label, n))
		}
	}
	if o.Name == "" {
		fail("name", "Enter the supporter's name, as the bank shows it or as they like to be thanked.")
	}
	if o.Email != "" && !orderEmail(o.Email) {
		fail("email", "Enter an email address such as name@example.org, or leave it empty.")
	}
	if amount, err := money.Parse(in.Amount, cur); err != nil {
		fail("amount", orderAmountMessage(err, cur))
	} else {
		o.Amount = amount
	}
	if !o.Frequency.valid() {
		fail("frequency", "Choose how often the standing order pays: monthly, quarterly or yearly.")
	}
	o.ReferenceKey = ReferenceKey(o.Reference)
	switch n := utf8.RuneCountInString(o.ReferenceKey); {
	case o.Reference == "":
		fail("reference", "Enter the reference the supporter gave their bank, which appears on the statement.")
	case n < MinReferenceKey:
		fail("reference", fmt.Sprintf("The reference needs at least %d letters or digits, so that it is found only on this supporter's payments.", MinReferenceKey))
	case n > MaxReferenceKey:
		fail("reference", fmt.Sprintf("The reference has more than %d letters and digits; a bank carries at most %d.", MaxReferenceKey, MaxReferenceKey))
	}
	started, err := parseStartDay(in.StartedOn, loc, now)
	if err != nil {
		errs = append(errs, err)
	}
	o.StartedOn = started
	if o.Thanks, err = ParseThanks(in.Thanks); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return StandingOrder{}, errors.Join(errs...)
	}
	return o, nil
}

func (f Frequency) valid() bool {
	for _, k := range Frequencies() {
		if f == k {
			return true
		}
	}
	return false
}

// orderMaxRunes bounds a text field; an address has several lines.
func orderMaxRunes(field string) int {
	if field == "postal_address" {
		return 500
	}
	return 200
}

// orderEmail is the shape of an address mail can go to, with nothing a
// mail header would read as markup.
func orderEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && !strings.ContainsAny(s, " \t\r\n<>(),;:\"[]\\") && !strings.Contains(domain, "@") &&
		strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// orderAmountMessage says why money.Parse refused a typed amount.
func orderAmountMessage(err error, cur string) string {
	switch {
	case errors.Is(err, money.ErrEmpty):
		return "Enter the amount of each payment, such as 5 or 12.50."
	case errors.Is(err, money.ErrNotPositive):
		return "The amount must be more than zero."
	case errors.Is(err, money.ErrTooPrecise):
		return "The amount can have at most two decimal places (whole pence)."
	case errors.Is(err, money.ErrTooLarge):
		return "The amount is more than " + money.New(money.MaxEntry, cur).Format() + ", the most one payment can be."
	case errors.Is(err, money.ErrCurrency):
		return "Write the amount in " + cur + " (" + money.Symbol(cur) + "): the fund takes no other currency."
	}
	return "Write the amount in figures, such as 5, 12.50 or 1,250."
}

// parseStartDay reads the first payment's day, YYYY-MM-DD; empty is today.
// A day more than a year ahead, or before 2000, is a slip of the keyboard.
func parseStartDay(s string, loc *time.Location, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	today := now.In(loc)
	start := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc)
	if s == "" {
		return start, nil
	}
	d, err := time.ParseInLocation("2006-01-02", s, loc)
	switch {
	case err != nil:
		return time.Time{}, valid.New("started_on", "Write the day as year-month-day, such as "+today.Format("2006-01-02")+".")
	case d.Year() < 2000:
		return time.Time{}, valid.New("started_on", "The first payment's day is too long ago; check the year.")
	case d.After(start.AddDate(1, 0, 0)):
		return time.Time{}, valid.New("started_on", "The first payment's day is more than a year ahead; check the year.")
	}
	return d, nil
}
