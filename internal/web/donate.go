package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/money"
)

// DonationRequest is a validated gift from the donate form, ready for a
// payment provider's checkout.
type DonationRequest struct {
	Amount  money.Money
	Name    string
	Email   string
	Town    string
	Message string
	// Public is the donor's opt-in to printed thanks.
	Public bool
}

// DonationStarter starts an online payment for a gift and returns the
// provider's page to send the donor to. The application supplies it; nil
// means online giving is not set up.
type DonationStarter interface {
	StartDonation(ctx context.Context, r DonationRequest) (checkoutURL string, err error)
}

// DonationLimits bound one online gift; both are in the site's currency.
type DonationLimits struct {
	Min, Max money.Money
}

// suggestedPounds are the radio buttons on the donate form.
var suggestedPounds = [...]string{"5", "10", "25", "50"}

// donateForm is what the donor typed, kept to fill the form again.
type donateForm struct {
	Amount, Custom, Name, Email, Town, Message string
	Public                                     bool
}

// donateErrors are the messages shown beside each field.
type donateErrors struct {
	Amount, Name, Email, Town, Message string
}

func (e donateErrors) any() bool {
	return e.Amount+e.Name+e.Email+e.Town+e.Message != ""
}

// suggestion is one radio button.
type suggestion struct {
	Value, Label string
	Checked      bool
}

// donatePageData is the donate page: the form, or the notice that online
// giving is not set up.
type donatePageData struct {
	layout
	Enabled     bool
	Suggestions []suggestion
	OtherOn     bool
	Form        donateForm
	Errors      donateErrors
	Min, Max    string
	Currency    string
}

func (s *Server) donatePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderDonate(w, r, donateForm{Amount: "10"}, donateErrors{}, http.StatusOK)
}

// donateSubmit validates the form on the server, starts the checkout and
// sends the donor to it. Nothing is stored here: a gift counts only when
// the provider's webhook says it was paid.
func (s *Server) donateSubmit(w http.ResponseWriter, r *http.Request) error {
	if s.donations == nil {
		return s.renderDonate(w, r, donateForm{}, donateErrors{}, http.StatusServiceUnavailable)
	}
	if err := r.ParseForm(); err != nil {
		return badRequest("We could not read the form. Please try again.")
	}
	f := donateForm{
		Amount: r.PostForm.Get("amount"), Custom: strings.TrimSpace(r.PostForm.Get("custom_amount")),
		Name: strings.TrimSpace(r.PostForm.Get("name")), Email: strings.TrimSpace(r.PostForm.Get("email")),
		Town: strings.TrimSpace(r.PostForm.Get("town")), Message: strings.TrimSpace(r.PostForm.Get("message")),
		Public: r.PostForm.Get("public") == "yes",
	}
	req, errs := s.validateDonation(f, r.PostForm.Get("currency"))
	if errs.any() {
		return s.renderDonate(w, r, f, errs, http.StatusUnprocessableEntity)
	}
	url, err := s.donations.StartDonation(r.Context(), req)
	if err != nil {
		s.log.Error("start donation checkout", "err", err)
		return &httpError{Status: http.StatusBadGateway,
			Message: "We could not reach our card payment provider just now. Nothing has been taken; please try again in a few minutes."}
	}
	http.Redirect(w, r, url, http.StatusSeeOther)
	return nil
}

// validateDonation checks every field and says what is wrong beside each.
func (s *Server) validateDonation(f donateForm, currency string) (DonationRequest, donateErrors) {
	var e donateErrors
	cur := s.donationLimits.Min.Currency
	raw := f.Amount
	if raw == "" || raw == "other" {
		raw = f.Custom
	}
	amount, err := money.Parse(raw, cur)
	var pe *money.ParseError
	switch {
	case currency != "" && !strings.EqualFold(currency, cur):
		e.Amount = "We can take gifts online in " + cur + " only."
	case errors.As(err, &pe) && errors.Is(err, money.ErrCurrency):
		e.Amount = "We can take gifts online in " + cur + " only: enter an amount in " + money.Symbol(cur) + "."
	case errors.Is(err, money.ErrEmpty):
		e.Amount = "Choose an amount, or enter your own."
	case errors.Is(err, money.ErrNotNumber):
		e.Amount = "Enter the amount as a number, like 15 or 15.50."
	case errors.Is(err, money.ErrTooPrecise):
		e.Amount = "Enter pounds and pence, with no more than two figures after the point."
	case errors.Is(err, money.ErrNotPositive):
		e.Amount = "Enter an amount of at least " + s.donationLimits.Min.Format() + "."
	case errors.Is(err, money.ErrTooLarge) || (err == nil && amount.Minor > s.donationLimits.Max.Minor):
		e.Amount = "We can take up to " + s.donationLimits.Max.Format() +
			" online. For a larger gift, please give by bank transfer or post; thank you."
	case err != nil:
		e.Amount = "Enter the amount as a number, like 15 or 15.50."
	case amount.Minor < s.donationLimits.Min.Minor:
		e.Amount = "The smallest gift we can take online is " + s.donationLimits.Min.Format() + "."
	}
	e.Name = tooLong(f.Name, 200)
	e.Town = tooLong(f.Town, 200)
	e.Message = tooLong(f.Message, 500)
	if e.Email = tooLong(f.Email, 200); e.Email == "" && f.Email != "" &&
		(!strings.Contains(f.Email, "@") || strings.ContainsAny(f.Email, " \t<>,;")) {
		e.Email = "Enter an email address like name@example.com, or leave it empty."
	}
	return DonationRequest{Amount: amount, Name: f.Name, Email: f.Email, Town: f.Town,
		Message: f.Message, Public: f.Public}, e
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

func (s *Server) renderDonate(w http.ResponseWriter, r *http.Request, f donateForm, e donateErrors, status int) error {
	d := donatePageData{layout: s.newLayout(r, "Donate to the fighting fund | "+s.site.Name),
		Enabled: s.donations != nil, Form: f, Errors: e, Currency: s.donationLimits.Min.Currency,
		Min: s.donationLimits.Min.Format(), Max: s.donationLimits.Max.Format()}
	d.Canonical = s.site.BaseURL + "/donate"
	d.OtherOn = f.Amount == "other" || (f.Amount == "" && f.Custom != "")
	for _, v := range suggestedPounds {
		d.Suggestions = append(d.Suggestions, suggestion{Value: v, Label: money.Symbol(d.Currency) + v, Checked: f.Amount == v})
	}
	return s.writeFormPage(w, r, "donate", &d, status)
}

// writeFormPage renders a page that must never be cached (it holds what
// one person typed), with the fund box in its slot.
func (s *Server) writeFormPage(w http.ResponseWriter, r *http.Request, name string, data any, status int) error {
	p, err := s.tmpl.render(name, data)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return p.writeTo(w, s.renderBox())
}

// donateThanksPage is where Stripe sends the donor back. It promises
// nothing it does not know: the gift counts when the webhook arrives.
func (s *Server) donateThanksPage(w http.ResponseWriter, r *http.Request) error {
	d := donatePageData{layout: s.newLayout(r, "Thank you | "+s.site.Name), Enabled: s.donations != nil}
	d.Canonical, d.NoIndex = s.site.BaseURL+"/donate/thanks", true
	return s.writeFormPage(w, r, "donate_thanks", &d, http.StatusOK)
}

// withDefaults fills unset limits: £1 to £10,000.
func (l DonationLimits) withDefaults() DonationLimits {
	if l.Min.Currency == "" {
		l.Min = money.Major(1, money.DefaultCurrency)
	}
	if l.Max.Currency == "" {
		l.Max = money.Major(10000, l.Min.Currency)
	}
	return l
}
