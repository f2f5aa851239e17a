package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/coopress/coopress/internal/donation"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/valid"
)

// DonationStarter starts an online payment for a gift and returns the
// provider's page to send the donor to. The application supplies it; nil
// means online giving is not set up.
type DonationStarter interface {
	StartDonation(ctx context.Context, r donation.Request) (checkoutURL string, err error)
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

// validateDonation asks the donation rules about the form and puts each
// message beside its field.
func (s *Server) validateDonation(f donateForm, currency string) (donation.Request, donateErrors) {
	raw := f.Amount
	if raw == "" || raw == "other" {
		raw = f.Custom
	}
	req, err := donation.NewRequest(donation.Input{Amount: raw, Currency: currency, Name: f.Name, Email: f.Email,
		Town: f.Town, Message: f.Message, Public: f.Public}, s.donationLimits)
	var e donateErrors
	for _, fe := range valid.All(err) {
		switch fe.Field {
		case "amount":
			e.Amount = fe.Message
		case "name":
			e.Name = fe.Message
		case "email":
			e.Email = fe.Message
		case "town":
			e.Town = fe.Message
		case "message":
			e.Message = fe.Message
		}
	}
	return req, e
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
