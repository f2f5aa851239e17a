package society

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/valid"
)

// FieldPayBy names the way of paying in an application's refusals.
const FieldPayBy = "pay_by"

// PayBy is how an applicant pays for their shares.
type PayBy string

// The ways to pay: online through the card provider's checkout, or by
// cheque or bank transfer, which the secretary records when it arrives.
const (
	PayCard     PayBy = "card"
	PayCheque   PayBy = "cheque"
	PayTransfer PayBy = "transfer"
)

// Status is where an application stands, read from its events.
type Status string

// The stages of an application.
const (
	// Submitted: waiting for the money.
	Submitted Status = "submitted"
	// Paid: the money is in; waiting for the secretary.
	Paid Status = "paid"
	// Approved: the shares are allotted.
	Approved Status = "approved"
	// Rejected: refused; any money goes back.
	Rejected Status = "rejected"
	// Refunded: refused and the card payment returned.
	Refunded Status = "refunded"
)

// EventKind is the kind of a step in an application's life.
type EventKind string

// The steps an application's events record.
const (
	EventCheckout     EventKind = "checkout"
	EventPaid         EventKind = "paid"
	EventApproved     EventKind = "approved"
	EventRejected     EventKind = "rejected"
	EventRefunded     EventKind = "refunded"
	EventRepaymentDue EventKind = "repayment-due"
)

// ApplicationInput is an application as the applicant typed it.
type ApplicationInput struct {
	Name, Address, Email string
	// EmailUse is none, notices or notices-and-news, as for a member.
	EmailUse string
	// Class is individual (the default) or organisation.
	Class string
	// Shares is how many shares, as typed.
	Shares string
	// PayBy is card, cheque or transfer.
	PayBy string
	// AccountID is the signed-in reader's account; 0 is none.
	AccountID int64
}

// Application is a checked application to buy shares, with its life so
// far when read back.
type Application struct {
	ID        int64
	Class     Class
	Contact   Contact
	Shares    int64
	Amount    money.Money
	PayBy     PayBy
	AccountID int64
	// SubmittedAt and SubmittedBy say when and by whom (the applicant's
	// address, or "web" for one who gave none).
	SubmittedAt time.Time
	SubmittedBy string
	Events      []ApplicationEvent
}

// ApplicationEvent is one step in an application's life.
type ApplicationEvent struct {
	ID           int64
	Kind         EventKind
	Method       PayBy
	Amount       money.Money
	Reference    string
	MemberNumber int64
	Note         string
	RecordedAt   time.Time
	RecordedBy   string
}

// event is the application's event of kind k, if any.
func (a Application) event(k EventKind) (ApplicationEvent, bool) {
	for _, e := range a.Events {
		if e.Kind == k {
			return e, true
		}
	}
	return ApplicationEvent{}, false
}

// Status is where the application stands.
func (a Application) Status() Status {
	has := func(k EventKind) bool { _, ok := a.event(k); return ok }
	switch {
	case has(EventRefunded):
		return Refunded
	case has(EventRejected):
		return Rejected
	case has(EventApproved):
		return Approved
	case has(EventPaid):
		return Paid
	}
	return Submitted
}

// Payment is the payment received, if any.
func (a Application) Payment() (ApplicationEvent, bool) { return a.event(EventPaid) }

// MemberNumber is the member the approval admitted or allotted to; 0
// before approval.
func (a Application) MemberNumber() int64 {
	e, _ := a.event(EventApproved)
	return e.MemberNumber
}

// RefundOwed reports whether the application was rejected after a card
// payment that has not been refunded yet.
func (a Application) RefundOwed() bool {
	p, paid := a.Payment()
	return a.Status() == Rejected && paid && p.Method == PayCard
}

// ParseApplication checks a typed application against the rules: the
// applicant's details as for a member, and a whole number of shares from
// the minimum holding up to the class's limit. Each field at fault gives
// one valid.Error, all joined, so a form can show each beside its field.
func ParseApplication(in ApplicationInput, r Rules) (Application, error) {
	var a Application
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	var err error
	a.Contact, a.Class, errs = parseWho(in.Name, in.Address, in.Email, in.EmailUse, in.Class,
		whoWords{"your name", "your postal address", "Choose whether you apply as an individual or for an organisation."})
	switch p := PayBy(strings.ToLower(strings.TrimSpace(in.PayBy))); p {
	case PayCard, PayCheque, PayTransfer:
		a.PayBy = p
	default:
		add(valid.New(FieldPayBy, "Choose how you will pay: by card online, by cheque or by bank transfer."))
	}
	a.Shares, err = applicationShares(in.Shares, a.Class, r)
	add(err)
	a.Amount = money.New(a.Shares*r.Nominal, r.Currency)
	a.AccountID = in.AccountID
	return a, errors.Join(errs...)
}

// applicationShares reads the number of shares applied for and keeps it
// between the minimum holding and the class's limit.
func applicationShares(raw string, c Class, r Rules) (int64, error) {
	n, err := parseShares(raw)
	var ve valid.Error
	if errors.As(err, &ve) && strings.HasPrefix(strings.TrimSpace(raw), "-") {
		return 0, valid.New(FieldShares, "Enter how many shares you want to buy, a whole number from "+
			strconv.FormatInt(r.MinimumShares, 10)+" up.")
	}
	if err != nil {
		return 0, err
	}
	if n < r.MinimumShares {
		return 0, valid.New(FieldShares, "The smallest holding the rules allow is "+plural(r.MinimumShares, "share")+
			" ("+money.New(r.MinimumShares*r.Nominal, r.Currency).Format()+").")
	}
	if lim := r.limit(c); lim > 0 && n > lim/r.Nominal {
		who := "an individual"
		if c == Organisation {
			who = "an organisation"
		}
		return 0, valid.Error{Field: FieldShares, Cause: ErrOverCap, Message: "The rules let " + who + " hold at most " +
			grouped(lim/r.Nominal) + " shares" + " (" + money.New(lim, r.Currency).Format() + ")."}
	}
	return n, nil
}

// grouped writes a count as people do, with commas: 20,000.
func grouped(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
