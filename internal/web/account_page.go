package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/society"
)

// accountRoute guards a reader page under /account. Readers and staff
// may both open these pages, with a reader session (an emailed link) or a
// completed staff one; a staff session still waiting for its second
// factor counts as none. An anonymous GET is sent to the readers'
// sign-in page, anything else gets 401. The answer is personal, so
// nothing may keep it. h finds the person with currentAccount(r).
func (s *Server) accountRoute(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Cache-Control", "no-store, private")
		ss, token, ok, err := s.readerSession(w, r)
		if err != nil {
			return err
		}
		if !ok {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/account/signin", http.StatusSeeOther)
				return nil
			}
			return &httpError{Status: http.StatusUnauthorized, Message: "Sign in to continue: your session has ended."}
		}
		return h(w, withAuth(r, auth{account: ss.Account, session: ss, stage: s.accounts.Stage(ss), token: token}))
	}
}

// readerSession returns the request's session if it may open the
// reader pages: a reader session, or a staff one that has completed its
// sign-in.
func (s *Server) readerSession(w http.ResponseWriter, r *http.Request) (account.Session, string, bool, error) {
	ss, token, ok, err := s.loadSession(w, r)
	if err != nil || !ok {
		return account.Session{}, "", false, err
	}
	if !ss.Reader && s.accounts.Stage(ss) != account.StageDone {
		return account.Session{}, "", false, nil
	}
	return ss, token, true, nil
}

// accountPageData is the reader's account page: one template whose
// sections come in a fixed order. Later sections (what they give, their
// data, email preferences, deletion) add a field here and a section in
// account.html.
type accountPageData struct {
	readerFrame
	Account account.Account
	// Staff is set for a staff member, whose staff pages still ask for
	// their password.
	Staff bool
	Name  string // the name field as typed
	// Passkeys are the account's passkeys; PasskeysOn says whether the
	// site's address can use them at all.
	Passkeys   []account.Factor
	PasskeysOn bool
	// Support is the reader's monthly support, newest first
	// (account_support.go).
	Support []supportView
	// Payments are every gift given under the reader's address, newest
	// first, each with a receipt.
	Payments []paymentView
	// Society is set on a site that keeps the society's members; Member
	// is the reader's membership, nil when none is linked
	// (account_membership.go).
	Society bool
	Member  *society.Member
}

// newAccountPage fills the page for the signed-in person.
func (s *Server) newAccountPage(r *http.Request) (*accountPageData, error) {
	a := currentAccount(r)
	p := &accountPageData{readerFrame: s.newReaderFrame(r, "Your account"), Account: a, Staff: a.IsStaff(), Name: a.Name,
		PasskeysOn: s.accounts.PasskeysEnabled()}
	fs, err := s.accounts.Factors(r.Context(), a.ID)
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		if f.Kind == account.Passkey {
			p.Passkeys = append(p.Passkeys, f)
		}
	}
	if p.Support, err = s.supportOf(r); err != nil {
		return nil, err
	}
	if p.Payments, err = s.paymentsOf(r); err != nil {
		return nil, err
	}
	if p.Society = s.society != nil; p.Society {
		m, err := s.society.MemberOf(r.Context(), a.ID)
		switch {
		case err == nil:
			p.Member = &m
		case !errors.Is(err, society.ErrNotFound):
			return nil, err
		}
	}
	return p, nil
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.newAccountPage(r)
	if err != nil {
		return err
	}
	switch {
	case r.URL.Query().Get("welcome") != "":
		p.Notice = "Welcome: your account is ready, and you are signed in."
	case r.URL.Query().Get("renamed") != "":
		p.Notice = "Your name is saved."
	case r.URL.Query().Get("passkey") != "":
		p.Notice = "Your passkey is added: you can sign in with it instead of a link."
	case r.URL.Query().Get("removed") != "":
		p.Notice = "The passkey is removed."
	case r.URL.Query().Get("support") != "":
		p.Notice = supportNotices[r.URL.Query().Get("support")]
	}
	return s.writeReaderPage(w, "account", p, http.StatusOK)
}

// accountName changes the name the reader is shown by.
func (s *Server) accountName(w http.ResponseWriter, r *http.Request) error {
	a := currentAccount(r)
	p, err := s.newAccountPage(r)
	if err != nil {
		return err
	}
	p.Name = strings.TrimSpace(formValue(r, &p.Errors, "name", "Your name", 200))
	if len(p.Errors) == 0 {
		_, err := s.accounts.SetName(r.Context(), account.ReaderActor(currentAccount(r)), a.ID, p.Name)
		if err != nil && !p.Errors.addValidation(err, "name") {
			return err
		}
	}
	if len(p.Errors) > 0 {
		return s.writeReaderPage(w, "account", p, http.StatusUnprocessableEntity)
	}
	http.Redirect(w, r, "/account?renamed=1", http.StatusSeeOther)
	return nil
}

// accountSignOutEverywhere ends every session of the account, this one
// too, and spends its unused links.
func (s *Server) accountSignOutEverywhere(w http.ResponseWriter, r *http.Request) error {
	a := currentAccount(r)
	if err := s.accounts.RevokeAll(r.Context(), account.ReaderActor(currentAccount(r)), a.ID); err != nil {
		return err
	}
	s.clearSessionCookie(w, r)
	http.Redirect(w, r, "/account/signin?everywhere=1", http.StatusSeeOther)
	return nil
}

// accountMe tells the masthead's script (static/account.js) whom to
// greet. Public pages are cached and the same for everyone; this small
// answer is the only personal part, so it is never stored anywhere.
func (s *Server) accountMe(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("Cache-Control", "no-store, private")
	h.Set("Vary", "Cookie")
	var me struct {
		SignedIn bool   `json:"signedIn"`
		Name     string `json:"name,omitempty"`
		// Supporter is set, when the site thanks supporters, for a reader
		// who gives every month: the script thanks them in the fund box.
		Supporter bool `json:"supporter,omitempty"`
	}
	ss, _, ok, err := s.readerSession(w, r)
	if err != nil {
		return err
	}
	if ok {
		me.SignedIn, me.Name = true, ss.Account.Name
		if s.thanks {
			if me.Supporter, err = s.givesMonthly(r, ss.Account); err != nil {
				return err
			}
		}
	}
	body, err := json.Marshal(me)
	if err != nil {
		return err
	}
	h.Set("Content-Type", "application/json")
	_, err = w.Write(body)
	return err
}

// writeReaderPage renders a reader page: personal, so private and never
// stored, with the fund box in its slot like any public page.
func (s *Server) writeReaderPage(w http.ResponseWriter, name string, data any, status int) error {
	p, err := s.tmpl.render(name, data)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store, private")
	w.WriteHeader(status)
	return p.writeTo(w, s.renderBox())
}
