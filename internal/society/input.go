package society

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/valid"
)

// The fields that refusals name; a form uses them as its ids and the
// command line maps them to its flags.
const (
	FieldName       = "name"
	FieldAddress    = "address"
	FieldEmail      = "email"
	FieldEmailUse   = "email_use"
	FieldClass      = "class"
	FieldShares     = "shares"
	FieldDate       = "date"
	FieldNumber     = "number"
	FieldMember     = "member"
	FieldReason     = "reason"
	FieldResolution = "resolution"
	FieldNotice     = "notice_given"
	FieldNominee    = "nominee"
)

// Lengths past which a typed value is a mistake, not a name or address.
const (
	maxName    = 200
	maxAddress = 500
	maxEmail   = 254
	maxReason  = 500
	// maxShares is far above any cap at any nominal value, so a count
	// past it is a slip of the keyboard; it also keeps shares × nominal
	// well inside int64.
	maxShares = 1_000_000_000
)

// earliestDate is the first day a typed date may name: an earlier one is
// a slip, not a share certificate found in a drawer.
const earliestDate = "1900-01-01"

// AdmitInput is an application as typed: in a form, an import row or the
// command line's flags.
type AdmitInput struct {
	Name, Address, Email string
	// EmailUse is none, notices or notices-and-news; empty is notices
	// when there is an email and none when not.
	EmailUse string
	// Class is individual (the default when empty) or organisation.
	Class string
	// Shares is the first allotment, a whole number.
	Shares string
	// PaidOn is the day of admission and first allotment, YYYY-MM-DD.
	PaidOn string
	// Number is the membership number to keep (from an old register);
	// empty takes the next.
	Number string
	// AccountID links the member to a reader account; 0 is none.
	AccountID int64
}

// Admission is a checked application.
type Admission struct {
	Number    int64 // 0: the next number
	Class     Class
	AccountID int64
	Contact   Contact
	Shares    int64
	On        string
	// reason is the allotment's reason in the ledger, "admission" when
	// empty; an approved application names itself so that Check can
	// find the allotment it made.
	reason string
}

// ParseAdmission checks a typed application against every rule for one
// that needs no database; each field at fault gives one valid.Error, all
// joined, so a form can show each beside its field.
func ParseAdmission(in AdmitInput, now time.Time, r Rules) (Admission, error) {
	var a Admission
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	var err error
	a.Contact, a.Class, errs = parseWho(in.Name, in.Address, in.Email, in.EmailUse, in.Class,
		whoWords{"the member's name", "the postal address", "Choose individual or organisation."})
	a.Shares, err = parseShares(in.Shares)
	add(err)
	a.On, err = parseDate(FieldDate, in.PaidOn, now, r)
	add(err)
	a.Contact.EffectiveOn = a.On
	if n := strings.TrimSpace(in.Number); n != "" {
		v, perr := strconv.ParseInt(n, 10, 64)
		if perr != nil || v <= 0 {
			add(valid.New(FieldNumber, "A membership number is a whole number from 1 up."))
		}
		a.Number = v
	}
	a.AccountID = in.AccountID
	if a.Shares > 0 && a.Shares < r.MinimumShares {
		add(valid.New(FieldShares, "The rules set a minimum holding of "+strconv.FormatInt(r.MinimumShares, 10)+" shares."))
	}
	return a, errors.Join(errs...)
}

// ShareInput is a change to a member's holding as typed.
type ShareInput struct {
	// Member is the membership number.
	Member string
	// Shares is how many shares, a whole number from one up; the kind of
	// change says which way.
	Shares     string
	Date       string
	Reason     string
	Resolution string
	// NoticeGiven is the day the member gave notice of a withdrawal,
	// needed when the rules ask for notice.
	NoticeGiven string
}

// Change is a checked change to a holding.
type Change struct {
	Member      int64
	Kind        Kind
	Shares      int64 // a count from one up
	On          string
	Reason      string
	Resolution  string
	NoticeGiven string
}

// ParseChange checks a typed allotment, withdrawal or cancellation.
func ParseChange(kind Kind, in ShareInput, now time.Time, r Rules) (Change, error) {
	c := Change{Kind: kind}
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(in.Member), 10, 64)
	if err != nil || n <= 0 {
		add(valid.New(FieldMember, "Give the membership number, a whole number from 1 up."))
	}
	c.Member = n
	c.Shares, err = parseShares(in.Shares)
	add(err)
	c.On, err = parseDate(FieldDate, in.Date, now, r)
	add(err)
	c.Reason, err = text(FieldReason, in.Reason, maxReason, "the reason", false)
	add(err)
	c.Resolution = strings.TrimSpace(in.Resolution)
	if kind == Cancellation && c.Resolution == "" {
		add(valid.New(FieldResolution, "A cancellation needs the board resolution that made it, e.g. 2024/07."))
	}
	if utf8.RuneCountInString(c.Resolution) > maxName {
		add(valid.New(FieldResolution, "The resolution reference is too long."))
	}
	if strings.TrimSpace(in.NoticeGiven) != "" {
		c.NoticeGiven, err = parseDate(FieldNotice, in.NoticeGiven, now, r)
		add(err)
	}
	return c, errors.Join(errs...)
}

// text trims s and refuses it empty, too long or holding control
// characters (a newline is allowed in an address).
func text(field, s string, max int, what string, lines bool) (string, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if s == "" {
		return "", valid.New(field, "Enter "+what+".")
	}
	if utf8.RuneCountInString(s) > max {
		return "", valid.New(field, "Shorten "+what+" to "+strconv.Itoa(max)+" characters at most.")
	}
	if !utf8.ValidString(s) || strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && !(lines && r == '\n')
	}) >= 0 {
		return "", valid.New(field, "Take out the control characters from "+what+".")
	}
	return s, nil
}

// parseEmail checks an optional address and the use allowed of it.
func parseEmail(email, use string) (string, EmailUse, error) {
	email = strings.TrimSpace(email)
	u := EmailUse(strings.ToLower(strings.TrimSpace(use)))
	if email == "" {
		if u != "" && u != EmailNone {
			return "", EmailNone, valid.New(FieldEmailUse, "Give an email address to allow its use.")
		}
		return "", EmailNone, nil
	}
	at := strings.LastIndexByte(email, '@')
	if len(email) > maxEmail || at < 1 || at == len(email)-1 || strings.ContainsAny(email, " \t\n<>,;") {
		return "", EmailNone, valid.New(FieldEmail, "Write the email address like name@example.org.")
	}
	switch u {
	case "":
		u = EmailNotices
	case EmailNone, EmailNotices, EmailNoticesAndNews:
	default:
		return "", EmailNone, valid.New(FieldEmailUse, "Choose none, notices or notices-and-news.")
	}
	return email, u, nil
}

// parseShares reads a whole, positive count of shares.
func parseShares(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, valid.New(FieldShares, "Enter how many shares.")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	switch {
	case err == nil && n == 0:
		return 0, valid.New(FieldShares, "Enter at least one share.")
	case err == nil && n < 0:
		return 0, valid.New(FieldShares, "Count shares from one up; the command says which way they go.")
	case err == nil && n > maxShares:
		return 0, valid.New(FieldShares, "That is more shares than anyone may hold.")
	case err == nil:
		return n, nil
	}
	if _, ferr := strconv.ParseFloat(s, 64); ferr == nil {
		return 0, valid.New(FieldShares, "Shares are whole: write a whole number, e.g. 250.")
	}
	return 0, valid.New(FieldShares, "Write the number of shares in figures, e.g. 250.")
}

// parseDate reads a real day, YYYY-MM-DD, neither in the future in the
// society's zone nor before earliestDate.
func parseDate(field, s string, now time.Time, r Rules) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", valid.New(field, "Enter the date, YYYY-MM-DD.")
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		if len(s) == 10 && s[4] == '-' && s[7] == '-' {
			return "", valid.New(field, s+" is not a day of the calendar.")
		}
		return "", valid.New(field, "Write the date as year-month-day, e.g. 2024-11-06.")
	}
	d := t.Format(time.DateOnly)
	switch {
	case d > r.today(now):
		return "", valid.New(field, "The date cannot be in the future.")
	case d < earliestDate:
		return "", valid.New(field, "The date is before "+earliestDate+"; check the year.")
	}
	return d, nil
}

// personKey folds a name and address to letters and digits, lower case,
// so that "J. Smith, 1 High St" and "j smith 1 high st" are one person.
func personKey(name, address string) string {
	fold := func(s string) string {
		var b strings.Builder
		for _, r := range strings.ToLower(s) {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	return fold(name) + "|" + fold(address)
}

// TransmitInput is a transmission on death as typed: to a nominee who is
// a member (To, a membership number) or to an estate (Estate, a name).
type TransmitInput struct {
	Member, To, Estate, Date, Reason string
}

// Transmittal is a checked transmission on death.
type Transmittal struct {
	From, To int64 // To is 0 for an estate
	Estate   string
	On       string
	Reason   string
}

// ParseTransmission checks a typed transmission.
func ParseTransmission(in TransmitInput, now time.Time, r Rules) (Transmittal, error) {
	var t Transmittal
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(in.Member), 10, 64)
	if err != nil || n <= 0 {
		add(valid.New(FieldMember, "Give the membership number, a whole number from 1 up."))
	}
	t.From = n
	to, estate := strings.TrimSpace(in.To), strings.TrimSpace(in.Estate)
	switch {
	case (to == "") == (estate == ""):
		add(valid.New(FieldNominee, "Name either the nominee's membership number or the estate, not both."))
	case to != "":
		v, err := strconv.ParseInt(to, 10, 64)
		if err != nil || v <= 0 {
			add(valid.New(FieldNominee, "The nominee's membership number is a whole number from 1 up."))
		}
		t.To = v
	default:
		t.Estate, err = text(FieldNominee, estate, maxName, "the estate's name", false)
		add(err)
	}
	t.On, err = parseDate(FieldDate, in.Date, now, r)
	add(err)
	t.Reason, err = text(FieldReason, in.Reason, maxReason, "the reason", false)
	add(err)
	return t, errors.Join(errs...)
}

// whoWords are how a form names what it asks about the person: the
// secretary's admission speaks of the member, the share application to
// the applicant.
type whoWords struct{ name, address, class string }

// parseWho reads the person part of an admission or an application: name,
// postal address, email and its use, and class; each field at fault is
// one valid.Error in the list, in that order.
func parseWho(name, address, email, emailUse, class string, w whoWords) (Contact, Class, []error) {
	var c Contact
	var cl Class
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	var err error
	c.Name, err = text(FieldName, name, maxName, w.name, false)
	add(err)
	c.Address, err = text(FieldAddress, address, maxAddress, w.address, true)
	add(err)
	c.Email, c.EmailUse, err = parseEmail(email, emailUse)
	add(err)
	switch strings.ToLower(strings.TrimSpace(class)) {
	case "", string(Individual):
		cl = Individual
	case string(Organisation):
		cl = Organisation
	default:
		add(valid.New(FieldClass, w.class))
	}
	return c, cl, errs
}
