package fund

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment/payref"
	"github.com/coopress/coopress/internal/valid"
)

// GiftInput is one gift as a person typed it: in the treasurer's form, on a
// line of an import file or in the command line's flags. Values are kept as
// typed, so a refused form can be shown again unchanged.
type GiftInput struct {
	Amount string
	// Currency is an ISO 4217 code; empty is money.DefaultCurrency.
	Currency string
	Method   string
	// Date is the day the money came, YYYY-MM-DD in the publication's zone.
	Date              string
	Name, Town, Email string
	// Public is the donor's opt-in to printed thanks: yes, no or empty
	// (no); a form's ticked box sends 1 or on.
	Public              string
	PublicName, Message string
	Reference           string
}

// The fields ParseGift names in its refusals: the Entry's own names, which
// the treasurer's form uses as its ids so each message lands beside its
// field.
const (
	FieldAmount     = "amount"
	FieldCurrency   = "currency"
	FieldMethod     = "method"
	FieldDate       = "received_at"
	FieldName       = "donor_name"
	FieldEmail      = "donor_email"
	FieldTown       = "donor_town"
	FieldPublic     = "public"
	FieldPublicName = "public_name"
	FieldMessage    = "message"
	FieldReference  = "provider_ref"
)

// earliestGift is the first year a typed date may name: an earlier one is
// a slip of the keyboard, not a gift found in a drawer.
const earliestGift = 2000

// ParseGift checks a typed gift against every rule the fund has for one,
// and returns the entry to record (RecordedBy left for the caller). Each
// field at fault gives one valid.Error, all of them joined, so a form can
// show every message beside its field at once.
//
// now is the time of typing; loc the publication's zone. A gift dated
// today is stamped now, so the day's column keeps the order gifts came in;
// an earlier day's at the start of that day. An empty public name is left
// empty, not filled from the donor's name: the column then thanks "a Leeds
// reader", and prints no name the donor did not give for printing.
func ParseGift(in GiftInput, loc *time.Location, now time.Time) (Entry, error) {
	if loc == nil {
		loc = time.UTC
	}
	var errs []error
	fail := func(field, msg string) { errs = append(errs, valid.New(field, msg)) }
	e := Entry{DonorName: strings.TrimSpace(in.Name), DonorEmail: strings.TrimSpace(in.Email),
		DonorTown: strings.TrimSpace(in.Town), PublicName: strings.TrimSpace(in.PublicName),
		Message: strings.TrimSpace(in.Message), ProviderRef: strings.TrimSpace(in.Reference)}
	cur := strings.ToUpper(strings.TrimSpace(in.Currency))
	if cur == "" {
		cur = money.DefaultCurrency
	}
	if !money.Known(cur) {
		fail(FieldCurrency, "The fund does not take "+quoted(in.Currency)+"; give an ISO 4217 code such as "+money.DefaultCurrency+".")
	} else if amount, err := money.Parse(in.Amount, cur); err != nil {
		fail(FieldAmount, amountMessage(err, cur, money.MaxEntry))
	} else {
		e.Amount = amount
	}
	var err error
	if e.Method, err = parseMethod(in.Method); err != nil {
		errs = append(errs, err)
	}
	if e.ReceivedAt, err = parseGiftDate(in.Date, loc, now); err != nil {
		errs = append(errs, err)
	}
	if e.Public, err = parseYesNo(in.Public); err != nil {
		errs = append(errs, err)
	}
	if e.DonorEmail != "" && validText(e.DonorEmail) && !plausibleEmail(e.DonorEmail) {
		fail(FieldEmail, "Enter an email address such as name@example.org, or leave it empty.")
	}
	for _, f := range []struct{ field, label, v string }{{FieldName, "The donor's name", e.DonorName},
		{FieldEmail, "The email address", e.DonorEmail}, {FieldTown, "The town", e.DonorTown},
		{FieldPublicName, "The public name", e.PublicName}, {FieldMessage, "The message", e.Message},
		{FieldReference, "The reference", e.ProviderRef}} {
		if !validText(f.v) {
			fail(f.field, f.label+" contains characters we could not read.")
		} else if n := maxRunes(f.field); utf8.RuneCountInString(f.v) > n {
			fail(f.field, fmt.Sprintf("%s is longer than %s characters.", f.label, groupThousands(n)))
		}
	}
	if msg := reservedReference(e.ProviderRef); msg != "" {
		fail(FieldReference, msg)
	}
	if len(errs) > 0 {
		return Entry{}, errors.Join(errs...)
	}
	return e, nil
}

// MaxTarget is the largest monthly target the fund takes. A target is
// not a gift, so one entry's cap (money.MaxEntry) does not bound it.
const MaxTarget int64 = 1_000_000_000_00

// ParseTarget reads a month's target as typed ("18010", "18,010.50") in
// currency cur: the one rule for the treasurer's form and the command line.
// A refusal is a valid.Error on the field "target".
func ParseTarget(typed, cur string) (money.Money, error) {
	m, err := money.ParseLimit(strings.TrimSpace(typed), cur, MaxTarget)
	if err != nil {
		msg := amountMessage(err, cur, MaxTarget)
		switch {
		case errors.Is(err, money.ErrNotPositive):
			msg = "The target must be more than zero."
		case errors.Is(err, money.ErrTooLarge):
			msg = "The target is more than " + money.New(MaxTarget, cur).Format() + ", the most a month's target can be."
		}
		return money.Money{}, valid.Error{Field: "target", Message: msg, Cause: err}
	}
	return m, nil
}

// amountMessage says in words why money.ParseLimit refused a typed amount
// with the given limit.
func amountMessage(err error, cur string, limit int64) string {
	switch {
	case errors.Is(err, money.ErrEmpty):
		return "Enter the amount, such as 20 or 12.50."
	case errors.Is(err, money.ErrNotPositive):
		return "The amount must be more than zero. To take a gift back, reverse it in the ledger."
	case errors.Is(err, money.ErrTooPrecise):
		return "The amount can have at most two decimal places (whole pence)."
	case errors.Is(err, money.ErrTooLarge):
		return "The amount is more than " + money.New(limit, cur).Format() + ", the most one entry can hold."
	case errors.Is(err, money.ErrCurrency):
		return "Write the amount in " + cur + " (" + money.Symbol(cur) + "): the fund takes no other currency."
	}
	return "Write the amount in figures, such as 20, 12.50 or 1,250."
}

// GiftMethods lists the methods in the order a treasurer meets them: the
// ways money comes by hand first, since typed gifts are mostly the post.
func GiftMethods() []Method {
	return []Method{Cheque, PostalOrder, BankTransfer, StandingOrder, Cash, Card, DirectDebit, Supporter}
}

// parseMethod reads a method as people write it: "Bank Transfer",
// "bank_transfer" and "bank-transfer" are one.
func parseMethod(s string) (Method, error) {
	m := Method(strings.NewReplacer(" ", "-", "_", "-").Replace(strings.ToLower(strings.TrimSpace(s))))
	if m.Valid() {
		return m, nil
	}
	var names []string
	for _, k := range GiftMethods() {
		names = append(names, string(k))
	}
	msg := "Choose how the gift came, one of: " + strings.Join(names, ", ") + "."
	if strings.TrimSpace(s) != "" {
		msg += " " + quoted(s) + " is not one."
	}
	return "", valid.New(FieldMethod, msg)
}

var dateShape = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)

// parseGiftDate reads the day a gift came, refusing days that do not exist
// or have not happened yet, each with the reason.
func parseGiftDate(s string, loc *time.Location, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	today := now.In(loc)
	example := today.Format("2006-01-02")
	fail := func(msg string) (time.Time, error) { return time.Time{}, valid.New(FieldDate, msg) }
	m := dateShape.FindStringSubmatch(s)
	switch {
	case s == "":
		return fail("Enter the date the gift was received, such as " + example + ".")
	case m == nil:
		return fail("Write the date as year-month-day, such as " + example + ".")
	}
	y, _ := strconv.Atoi(m[1])
	mon, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	if mon < 1 || mon > 12 {
		return fail(fmt.Sprintf("Write the date as year-month-day, such as %s: there is no month %d.", example, mon))
	}
	last := time.Date(y, time.Month(mon)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if d < 1 || d > last {
		return fail(fmt.Sprintf("%s does not exist: %s %d has %d days.", s, time.Month(mon), y, last))
	}
	day := time.Date(y, time.Month(mon), d, 0, 0, 0, 0, loc)
	ty, tm, td := today.Date()
	switch start := time.Date(ty, tm, td, 0, 0, 0, 0, loc); {
	case day.After(start):
		return fail("The date received cannot be in the future: today is " + example + ".")
	case y < earliestGift:
		return fail("The date received is too long ago; check the year.")
	case day.Equal(start):
		return now, nil
	}
	return day, nil
}

// parseYesNo reads the public opt-in as forms, files and people write it.
func parseYesNo(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "no", "n", "false", "0", "off":
		return false, nil
	case "yes", "y", "true", "1", "on":
		return true, nil
	}
	return false, valid.New(FieldPublic, "Write yes or no, or leave it empty for no.")
}

// providerPrefixes begin the ids a payment provider (Stripe) gives its
// payments, charges, invoices, refunds, disputes, sessions and events. The
// ledger keys provider gifts by those ids, so a typed one could make the
// real payment look recorded already and never be credited.
var providerPrefixes = []string{"pi_", "ch_", "py_", "in_", "re_", "dp_", "du_", "cs_", "evt_", "sub_", "cus_", "pm_", "seti_", "txn_"}

// importPrefix begins the references the import makes for lines without
// one; a typed one could collide with them.
const importPrefix = "csv:"

// StandingOrderRefPrefix begins the references of standing-order payments
// matched from a bank statement (package supporter makes them from the
// statement line's fingerprint); a typed one could take a payment's place.
const StandingOrderRefPrefix = "standing-order:"

// madePrefixes begin the references coopress makes itself, and says who
// makes them, for the message refusing a typed one.
var madePrefixes = []struct{ prefix, maker string }{
	{importPrefix, "the import for lines without one"},
	{StandingOrderRefPrefix, "the bank statement import for standing orders"},
}

// reservedReference explains why a typed reference may not be used, or is
// empty when it may.
func reservedReference(ref string) string {
	if msg := providerReference(ref); msg != "" {
		return msg
	}
	low := strings.ToLower(strings.TrimSpace(ref))
	for _, m := range madePrefixes {
		if strings.HasPrefix(low, m.prefix) {
			return "References beginning " + m.prefix + " are made by " + m.maker + ". Use the cheque number or bank reference, or leave it empty."
		}
	}
	return ""
}

// providerReference explains why ref belongs to a payment provider, whose
// webhook alone may record it (ProviderRecorder), or is empty when it
// does not. Record refuses such a reference from anyone else, whatever
// path the gift came by.
func providerReference(ref string) string {
	low := strings.ToLower(strings.TrimSpace(ref))
	for _, p := range providerPrefixes {
		if strings.HasPrefix(low, p) {
			return "References beginning " + p + " are Stripe's, which records its own payments. Use the cheque number or bank reference (such as chq-100234), or leave it empty."
		}
	}
	if r, err := payref.Parse(strings.TrimSpace(ref)); err == nil && r.Kind == payref.Kept {
		return "References like " + quoted(ref) + " mark the part of a card gift kept after a refund, which the fund records itself. Write the reference another way, or leave it empty."
	}
	return ""
}

// plausibleEmail is the shape of an address a receipt can go to: one @
// between a local part and a dotted domain, with nothing a mail header
// would treat as markup.
func plausibleEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && !strings.ContainsAny(s, " \t\r\n<>(),;:\"[]\\") &&
		!strings.Contains(domain, "@") && strings.Contains(domain, ".") &&
		!strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".") && !strings.Contains(domain, "..")
}

// maxRunes is the longest a text field of an entry may be.
func maxRunes(field string) int {
	if field == FieldMessage {
		return 1000
	}
	return 200
}

// validText is false for bytes that are not UTF-8, which the database and
// the printed column could not show.
func validText(s string) bool { return utf8.ValidString(s) }

// quoted shows a typed value in a message, cut short so a pasted page does
// not become the message.
func quoted(s string) string {
	s = strings.TrimSpace(strings.ToValidUTF8(s, "?"))
	if utf8.RuneCountInString(s) > 30 {
		s = string([]rune(s)[:30]) + "…"
	}
	return strconv.Quote(s)
}

// groupThousands writes 1000 as "1,000", as the messages do.
func groupThousands(n int) string {
	if n < 1000 {
		return strconv.Itoa(n)
	}
	return fmt.Sprintf("%d,%03d", n/1000, n%1000)
}
