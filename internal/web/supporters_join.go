package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/supporter"
)

// Supporters is the part of the supporter service the pages use;
// *supporter.Service is one.
type Supporters interface {
	Plans(ctx context.Context) ([]supporter.Plan, error)
	Join(ctx context.Context, in supporter.JoinInput) (checkoutURL string, err error)
	CreatePlan(ctx context.Context, in supporter.PlanInput, hooks ...supporter.PlanHook) (supporter.Plan, error)
	Report(ctx context.Context, loc *time.Location) (supporter.Report, error)
	Subscriptions(ctx context.Context, statuses ...supporter.Status) ([]supporter.Subscription, error)
	DirectDebitOffered() bool
	// ColumnThanks says whether supporters may ask to be thanked by name
	// in the fund column; SetThanks records a reader's answer.
	ColumnThanks() bool
	SetThanks(ctx context.Context, o supporter.Owner, id int64, t supporter.Thanks, hooks ...supporter.SubscriptionHook) (supporter.Subscription, error)
	// The reader's own support, on their account page (account_support.go).
	OwnedBy(ctx context.Context, o supporter.Owner) ([]supporter.Subscription, error)
	Pause(ctx context.Context, o supporter.Owner, id int64, hooks ...supporter.SubscriptionHook) (supporter.Subscription, error)
	Resume(ctx context.Context, o supporter.Owner, id int64, hooks ...supporter.SubscriptionHook) (supporter.Subscription, error)
	Cancel(ctx context.Context, o supporter.Owner, id int64, hooks ...supporter.SubscriptionHook) (supporter.Subscription, error)
	ChangeAmount(ctx context.Context, o supporter.Owner, id int64, in supporter.ChangeInput, hooks ...supporter.SubscriptionHook) (supporter.Subscription, error)
}

// joinOption is one plan as a radio button.
type joinOption struct {
	ID, Label string
	AnyAmount bool
	Checked   bool
}

// joinForm is what the reader typed, kept to fill the form again.
type joinForm struct {
	Plan, Amount, Name, Email string
	Thanks                    supporter.ThanksInput
}

// supportersJoinPage is the join form, or the notice that it is not set
// up. The field errors are the domain's, each beside its field.
type supportersJoinPage struct {
	layout
	Enabled bool
	// ColumnThanks: the form asks whether to thank them in the column.
	ColumnThanks bool
	Plans        []joinOption
	AnyAmount    bool
	DirectDebit  bool
	Form         joinForm
	Errors       fieldErrors
}

func (s *Server) supportersJoin(w http.ResponseWriter, r *http.Request) error {
	return s.renderJoin(w, r, joinForm{}, nil, http.StatusOK)
}

// supportersJoinSubmit checks the form through the supporter rules,
// starts Stripe Checkout in subscription mode and sends the reader to
// it. The support counts only when Stripe's webhooks say it is paid.
func (s *Server) supportersJoinSubmit(w http.ResponseWriter, r *http.Request) error {
	if s.supporters == nil {
		return s.renderJoin(w, r, joinForm{}, nil, http.StatusServiceUnavailable)
	}
	var e fieldErrors
	f := joinForm{Plan: formValue(r, &e, "plan", "The plan", 20), Amount: formValue(r, &e, "amount", "The amount", 20),
		Name: strings.TrimSpace(formValue(r, &e, "name", "Your name", 200)), Email: strings.TrimSpace(formValue(r, &e, "email", "Your email address", 200)),
		Thanks: thanksForm(r, &e)}
	if len(e) > 0 {
		return s.renderJoin(w, r, f, e, http.StatusUnprocessableEntity)
	}
	url, err := s.supporters.Join(r.Context(), supporter.JoinInput{Plan: f.Plan, Amount: f.Amount, Name: f.Name,
		Email: f.Email, AccountID: currentAccount(r).ID, Thanks: f.Thanks})
	if e.addValidation(err, "") {
		return s.renderJoin(w, r, f, e, http.StatusUnprocessableEntity)
	}
	if errors.Is(err, payment.ErrNotConfigured) {
		return s.renderJoin(w, r, f, nil, http.StatusServiceUnavailable)
	}
	if err != nil {
		s.log.Error("start supporter checkout", "err", err)
		return &httpError{Status: http.StatusBadGateway,
			Message: "We could not reach our payment provider just now. Nothing has been set up or taken; please try again in a few minutes."}
	}
	http.Redirect(w, r, url, http.StatusSeeOther)
	return nil
}

func (s *Server) renderJoin(w http.ResponseWriter, r *http.Request, f joinForm, e fieldErrors, status int) error {
	d := supportersJoinPage{layout: s.newLayout(r, "Give every month | "+s.site.Name), Form: f, Errors: e}
	d.Canonical = s.site.BaseURL + "/supporters/join"
	d.Description = "Become a supporter of " + s.site.Name + ": give every month by card or Direct Debit."
	if s.supporters != nil {
		plans, err := s.supporters.Plans(r.Context())
		if err != nil {
			return err
		}
		for _, p := range plans {
			if !p.Active {
				continue
			}
			id := strconv.FormatInt(p.ID, 10)
			label := p.Name + ": " + p.Describe()
			d.Plans = append(d.Plans, joinOption{ID: id, Label: label, AnyAmount: p.AnyAmount(), Checked: f.Plan == id})
			d.AnyAmount = d.AnyAmount || p.AnyAmount()
		}
		d.Enabled, d.DirectDebit = len(d.Plans) > 0 && status != http.StatusServiceUnavailable, s.supporters.DirectDebitOffered()
		d.ColumnThanks = s.supporters.ColumnThanks()
	}
	return s.writeFormPage(w, r, "supporters_join", &d, status)
}

// supportersThanks is where Stripe sends a new supporter back. It
// promises nothing it does not know yet: the webhooks confirm.
func (s *Server) supportersThanks(w http.ResponseWriter, r *http.Request) error {
	d := supportersJoinPage{layout: s.newLayout(r, "Thank you | "+s.site.Name)}
	d.Canonical, d.NoIndex = s.site.BaseURL+"/supporters/thanks", true
	return s.writeFormPage(w, r, "supporters_thanks", &d, http.StatusOK)
}

// thanksForm reads the thanks fields a supporter's form carries (the
// join form, the account page, the treasurer's standing-order form).
func thanksForm(r *http.Request, e *fieldErrors) supporter.ThanksInput {
	return supporter.ThanksInput{On: formValue(r, e, supporter.FieldThanks, "Thanks in the column", 10),
		Name: formValue(r, e, supporter.FieldThanksName, "The name to print", 400),
		Town: formValue(r, e, supporter.FieldThanksTown, "The town", 400)}
}
