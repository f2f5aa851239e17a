package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/society"
)

// sharesForm is what the applicant typed, kept to fill the form again.
type sharesForm struct {
	Name, Address, Email, EmailUse, Class, Shares, PayBy string
}

// sharesPage is the share offer: what a share costs, the limits, what
// membership means, and the application form.
type sharesPage struct {
	layout
	// Enabled is false on a server without the society (the form is left
	// out); Card says whether paying by card online is offered.
	Enabled, Card                                    bool
	Nominal, Minimum, MaxIndividual, MaxOrganisation string
	MinimumShares                                    int64
	Form                                             sharesForm
	Errors                                           fieldErrors
	SignedIn                                         bool
}

// sharesOffer shows the offer and the form, filled in from a signed-in
// reader's account. The page can carry an address, so it is never
// cached (writeFormPage).
func (s *Server) sharesOffer(w http.ResponseWriter, r *http.Request) error {
	f := sharesForm{Class: string(society.Individual), EmailUse: string(society.EmailNotices)}
	a, err := s.sharesApplicant(w, r)
	if err != nil {
		return err
	}
	f.Name, f.Email = a.Name, a.Email
	if s.society != nil && s.society.CardPayments() {
		f.PayBy = string(society.PayCard)
	}
	return s.renderShares(w, r, f, nil, a.ID != 0, http.StatusOK)
}

// sharesApplicant is the signed-in reader, or the zero account.
func (s *Server) sharesApplicant(w http.ResponseWriter, r *http.Request) (account.Account, error) {
	if s.accounts == nil {
		return account.Account{}, nil
	}
	ss, _, ok, err := s.readerSession(w, r)
	if err != nil || !ok {
		return account.Account{}, err
	}
	return ss.Account, nil
}

// sharesApply checks the application through the society's rules, stores
// it and, for a card payer, sends them to the provider's checkout. The
// application counts as paid only when the provider's webhook says so, or
// when the secretary records a cheque or transfer.
func (s *Server) sharesApply(w http.ResponseWriter, r *http.Request) error {
	if s.society == nil {
		return &httpError{Status: http.StatusNotFound, Message: "Applications for shares are not taken on this site."}
	}
	var e fieldErrors
	f := sharesForm{Name: formValue(r, &e, "name", "Your name", 400), Address: formValue(r, &e, "address", "Your address", 1000),
		Email: strings.TrimSpace(formValue(r, &e, "email", "Your email address", 400)), EmailUse: formValue(r, &e, "email_use", "The use of your email", 40),
		Class: formValue(r, &e, "class", "The class", 40), Shares: formValue(r, &e, "shares", "The number of shares", 40),
		PayBy: formValue(r, &e, "pay_by", "How you pay", 40)}
	acct, err := s.sharesApplicant(w, r)
	if err != nil {
		return err
	}
	if len(e) > 0 {
		return s.renderShares(w, r, f, e, acct.ID != 0, http.StatusUnprocessableEntity)
	}
	if f.PayBy == string(society.PayCard) && !s.society.CardPayments() {
		e.Add("pay_by", "Paying by card online is not set up; choose cheque or bank transfer.")
	}
	app, err := society.ParseApplication(society.ApplicationInput{Name: f.Name, Address: f.Address, Email: f.Email,
		EmailUse: f.EmailUse, Class: f.Class, Shares: f.Shares, PayBy: f.PayBy, AccountID: acct.ID}, s.society.Rules())
	if e.addValidation(err, "") || len(e) > 0 {
		return s.renderShares(w, r, f, e, acct.ID != 0, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	by := account.Actor{Name: "web", IP: clientIP(r)}
	if acct.ID != 0 {
		by = account.ActorOf(acct, clientIP(r))
	}
	if app, err = s.society.Submit(r.Context(), app, by); err != nil {
		return err
	}
	if app.PayBy == society.PayCard {
		url, err := s.society.StartCheckout(r.Context(), app.ID)
		if errors.Is(err, payment.ErrNotConfigured) {
			e.Add("pay_by", "Paying by card online is not set up; choose cheque or bank transfer.")
			return s.renderShares(w, r, f, e, acct.ID != 0, http.StatusUnprocessableEntity)
		}
		if err != nil {
			s.log.Error("start share checkout", "application", app.ID, "err", err)
			return &httpError{Status: http.StatusBadGateway, Message: "We could not reach our card payment provider just now. " +
				"Nothing has been taken; please try again in a few minutes, or choose to pay by cheque or bank transfer."}
		}
		http.Redirect(w, r, url, http.StatusSeeOther)
		return nil
	}
	q := url.Values{"application": {strconv.FormatInt(app.ID, 10)}, "pay_by": {string(app.PayBy)}}
	http.Redirect(w, r, "/shares/thanks?"+q.Encode(), http.StatusSeeOther)
	return nil
}

func (s *Server) renderShares(w http.ResponseWriter, r *http.Request, f sharesForm, e fieldErrors, signedIn bool, status int) error {
	d := sharesPage{layout: s.newLayout(r, "Own your paper | "+s.site.Name), Form: f, Errors: e, SignedIn: signedIn}
	d.Canonical = s.site.BaseURL + "/shares"
	d.Description = "How to buy shares and become a member of the co-operative that owns the paper."
	if s.society != nil {
		rules := s.society.Rules()
		m := func(minor int64) string { return money.New(minor, rules.Currency).Format() }
		d.Enabled, d.Card = true, s.society.CardPayments()
		d.Nominal, d.MinimumShares, d.Minimum = m(rules.Nominal), rules.MinimumShares, m(rules.MinimumShares*rules.Nominal)
		d.MaxIndividual = m(rules.MaxIndividual)
		if rules.MaxOrganisation > 0 {
			d.MaxOrganisation = m(rules.MaxOrganisation)
		}
	}
	return s.writeFormPage(w, r, "shares", &d, status)
}

// sharesThanksPage says what happens next. It reads nothing from the
// database: the reference in the address is only echoed, as a number.
type sharesThanksPage struct {
	layout
	Reference string
	PayBy     string
}

func (s *Server) sharesThanks(w http.ResponseWriter, r *http.Request) error {
	d := sharesThanksPage{layout: s.newLayout(r, "Thank you for applying | "+s.site.Name)}
	d.Canonical, d.NoIndex = s.site.BaseURL+"/shares/thanks", true
	if n, err := strconv.ParseInt(r.URL.Query().Get("application"), 10, 64); err == nil && n > 0 {
		d.Reference = "SH-" + strconv.FormatInt(n, 10)
	}
	switch p := r.URL.Query().Get("pay_by"); p {
	case string(society.PayCard), string(society.PayCheque), string(society.PayTransfer):
		d.PayBy = p
	}
	return s.writeFormPage(w, r, "shares_thanks", &d, http.StatusOK)
}
