package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/society"
)

// membershipPage is a reader's membership of the society: what the
// register holds about them, their share ledger, a form to change their
// details and one to ask to withdraw shares. A reader who is not a member
// sees how to become one.
type membershipPage struct {
	readerFrame
	// Member is nil for a reader no membership is linked to.
	Member   *society.Member
	Shares   int64
	Paid     money.Money
	CeasedOn string // set when the membership has ended
	History  []society.Entry
	Requests []society.WithdrawalRequest
	Terms    society.WithdrawalTerms
	// Contact is the details form as typed, the register's to begin with.
	Contact society.Contact
	// Withdraw is the count typed in the withdrawal form; All its box.
	Withdraw string
	All      bool
	// Email is the address the reader signs in with, which a membership
	// must be linked to.
	Email    string
	currency string
}

// Money writes minor units in the society's currency, pence included.
func (p *membershipPage) Money(minor int64) string { return money.New(minor, p.currency).FormatFull() }

// Uses are the choices for what the member's email may be used for.
func (p *membershipPage) Uses() []society.EmailUse {
	return []society.EmailUse{society.EmailNone, society.EmailNotices, society.EmailNoticesAndNews}
}

// membershipSociety is the society, or a 503 on a site without one: the
// reader is signed in, only the register is missing.
func (s *Server) membershipSociety() (*society.Service, error) {
	if s.society == nil {
		return nil, &httpError{Status: http.StatusServiceUnavailable, Message: "Membership of the society is not kept on this site yet."}
	}
	return s.society, nil
}

// newMembershipPage fills the page for the signed-in reader.
func (s *Server) newMembershipPage(r *http.Request) (*membershipPage, error) {
	soc, err := s.membershipSociety()
	if err != nil {
		return nil, err
	}
	p := &membershipPage{readerFrame: s.newReaderFrame(r, "Your membership"), currency: soc.Rules().Currency,
		Email: currentAccount(r).Email}
	ctx := r.Context()
	m, err := soc.MemberOf(ctx, currentAccount(r).ID)
	if errors.Is(err, society.ErrNotFound) {
		return p, nil
	}
	if err != nil {
		return nil, err
	}
	p.Member, p.Contact = &m, m.Contact
	if p.Terms, err = soc.WithdrawalTerms(ctx); err != nil {
		return nil, err
	}
	var paid int64
	if p.Shares, paid, err = soc.Holding(ctx, m.Number); err != nil {
		return nil, err
	}
	p.Paid = money.New(paid, p.currency)
	if p.History, err = soc.History(ctx, m.Number); err != nil {
		return nil, err
	}
	if p.Shares == 0 && len(p.History) > 0 {
		p.CeasedOn = p.History[len(p.History)-1].On
	}
	if p.Requests, err = soc.WithdrawalsOf(ctx, m.Number); err != nil {
		return nil, err
	}
	return p, nil
}

// membershipNotices are the confirmations after a change, by ?done=.
var membershipNotices = map[string]string{
	"contact":  "Your details are changed in the register from today.",
	"withdraw": "Your request to withdraw shares is recorded. The secretary will email you when it is paid or answered.",
}

func (s *Server) accountMembership(w http.ResponseWriter, r *http.Request) error {
	p, err := s.newMembershipPage(r)
	if err != nil {
		return err
	}
	p.Notice = membershipNotices[r.URL.Query().Get("done")]
	return s.writeReaderPage(w, "account_membership", p, http.StatusOK)
}

// member is the page's member for a form that changes something, or a
// refusal for a reader who has none or whose membership has ended.
func (p *membershipPage) member() (*society.Member, error) {
	if p.Member == nil || p.CeasedOn != "" {
		return nil, &httpError{Status: http.StatusNotFound, Message: "You have no current membership to change."}
	}
	return p.Member, nil
}

// accountMembershipContact records the member's new details from today:
// an entry in the register, never an overwrite, audited as the reader.
func (s *Server) accountMembershipContact(w http.ResponseWriter, r *http.Request) error {
	p, err := s.newMembershipPage(r)
	if err != nil {
		return err
	}
	m, err := p.member()
	if err != nil {
		return err
	}
	c := society.Contact{
		Name:     formValue(r, &p.Errors, society.FieldName, "Your name", 400),
		Address:  formValue(r, &p.Errors, society.FieldAddress, "Your postal address", 1000),
		Email:    strings.TrimSpace(formValue(r, &p.Errors, society.FieldEmail, "Your email address", 400)),
		EmailUse: society.EmailUse(formValue(r, &p.Errors, society.FieldEmailUse, "What we may email you", 40)),
	}
	c.EffectiveOn = s.now().In(s.site.Location).Format("2006-01-02")
	p.Contact = c
	if len(p.Errors) == 0 {
		err := s.society.ChangeContact(r.Context(), m.Number, c, account.ReaderActor(currentAccount(r)))
		if err != nil && !p.Errors.addValidation(err, "") {
			return err
		}
	}
	if len(p.Errors) > 0 {
		return s.writeReaderPage(w, "account_membership", p, http.StatusUnprocessableEntity)
	}
	http.Redirect(w, r, "/account/membership?done=contact#details", http.StatusSeeOther)
	return nil
}

// accountMembershipWithdraw records the member's request to withdraw
// some or all of their shares, for the secretary to pay or answer.
func (s *Server) accountMembershipWithdraw(w http.ResponseWriter, r *http.Request) error {
	p, err := s.newMembershipPage(r)
	if err != nil {
		return err
	}
	m, err := p.member()
	if err != nil {
		return err
	}
	p.Withdraw = strings.TrimSpace(formValue(r, &p.Errors, society.FieldShares, "The number of shares", 40))
	p.All = r.PostFormValue("all") == "yes"
	if len(p.Errors) == 0 {
		n, err := society.ParseWithdrawalShares(p.Withdraw, p.All)
		if err == nil {
			_, err = s.society.RequestWithdrawal(r.Context(), m.Number, n, account.ReaderActor(currentAccount(r)))
		}
		if err != nil && !p.Errors.addValidation(err, society.FieldShares) {
			return err
		}
	}
	if len(p.Errors) > 0 {
		return s.writeReaderPage(w, "account_membership", p, http.StatusUnprocessableEntity)
	}
	http.Redirect(w, r, "/account/membership?done=withdraw#withdraw", http.StatusSeeOther)
	return nil
}
