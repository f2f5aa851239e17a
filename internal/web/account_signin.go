package web

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/mail"
)

// readerFrame is what every reader page under /account needs: the public
// layout, a one-line notice and the form's messages.
type readerFrame struct {
	layout
	Notice string
	Errors fieldErrors
}

func (s *Server) newReaderFrame(r *http.Request, title string) readerFrame {
	f := readerFrame{layout: s.newLayout(r, title+" | "+s.site.Name)}
	f.NoIndex = true
	return f
}

// readerSigninPage asks for the address to send a sign-in link to.
type readerSigninPage struct {
	readerFrame
	Email      string
	Sent       bool
	PasskeysOn bool // the site's address can use passkeys
}

// readerSigninForm asks for the address, or sends a browser already
// signed in to its account page.
func (s *Server) readerSigninForm(w http.ResponseWriter, r *http.Request) error {
	if _, _, ok, err := s.readerSession(w, r); err != nil {
		return err
	} else if ok {
		http.Redirect(w, r, "/account", http.StatusSeeOther)
		return nil
	}
	p := &readerSigninPage{readerFrame: s.newReaderFrame(r, "Sign in"), PasskeysOn: s.accounts.PasskeysEnabled()}
	switch {
	case r.URL.Query().Get("signedout") != "":
		p.Notice = "You have signed out."
	case r.URL.Query().Get("everywhere") != "":
		p.Notice = "You have signed out on every device."
	}
	return s.writeReaderPage(w, "account_signin", p, http.StatusOK)
}

// readerSignin emails a sign-in link. The answer, and the work behind
// it, are the same whether or not the address has an account: one
// transaction stores a link and queues one email. Requests count
// against the limits per address and per client address first, found or
// not, so that nobody can fill a mailbox or learn who reads the paper.
func (s *Server) readerSignin(w http.ResponseWriter, r *http.Request) error {
	p := &readerSigninPage{readerFrame: s.newReaderFrame(r, "Sign in"), PasskeysOn: s.accounts.PasskeysEnabled()}
	p.Email = strings.TrimSpace(formValue(r, &p.Errors, "email", "The email address", 254))
	if p.Email == "" {
		p.Errors.Add("email", "Enter your email address.")
	}
	if len(p.Errors) > 0 {
		return s.writeReaderPage(w, "account_signin", p, http.StatusUnprocessableEntity)
	}
	if s.mail == nil {
		return &httpError{Status: http.StatusServiceUnavailable,
			Message: "Signing in by email is not set up on this site yet."}
	}
	ctx := r.Context()
	_, err := s.accounts.Reserve(ctx, account.IPKey(clientIP(r)), account.ReaderKey(p.Email))
	if lim := (*account.LimitedError)(nil); errors.As(err, &lim) {
		p.Errors.Add("email", "Too many sign-in links asked for. Wait 15 minutes, then check your inbox and spam folder before asking again.")
		w.Header().Set("Retry-After", retryAfter(lim.RetryAfter))
		return s.writeReaderPage(w, "account_signin", p, http.StatusTooManyRequests)
	}
	if err != nil {
		return err
	}
	err = s.accounts.RequestReaderLink(ctx, p.Email, func(tx *sql.Tx, m account.ReaderLinkMail) error {
		_, err := s.mail.EnqueueTx(ctx, tx, s.readerLinkMail(m))
		return err
	})
	if p.Errors.addValidation(err, "email") {
		return s.writeReaderPage(w, "account_signin", p, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	p.Sent = true
	return s.writeReaderPage(w, "account_signin", p, http.StatusOK)
}

// readerLinkMail is the email carrying a reader's sign-in link. Only the
// mailbox's owner reads it, so it may say whether an account exists.
func (s *Server) readerLinkMail(m account.ReaderLinkMail) mail.Message {
	link := s.site.BaseURL + "/account/link/" + m.Token
	greeting, what := "Hello,", "sign in to your "+s.site.Name+" account"
	if m.Known {
		greeting = "Hello " + m.Name + ","
	} else {
		what = "make your " + s.site.Name + " reader account and sign in"
	}
	return mail.Message{
		To: m.To, Subject: "Your sign-in link for " + s.site.Name, Kind: "reader_signin",
		Text: fmt.Sprintf("%s\n\nSomeone, probably you, asked for a link to %s with this email address.\n\n"+
			"Open this link within 15 minutes; it works once:\n\n%s\n\n"+
			"If it was not you, ignore this email: nothing happens unless the link is opened.\n", greeting, what, link),
	}
}

// readerLinkPage shows a reader's link before it is spent.
type readerLinkPage struct {
	readerFrame
	Valid bool
	Email string
	Token string
}

// readerLinkForm only shows a button: mail scanners and link previews
// fetch GET addresses, and a GET that spent the link would leave the
// reader with a dead one.
func (s *Server) readerLinkForm(w http.ResponseWriter, r *http.Request) error {
	p := &readerLinkPage{readerFrame: s.newReaderFrame(r, "Sign in with your link"), Token: r.PathValue("token")}
	email, err := s.accounts.CheckReaderLink(r.Context(), p.Token)
	if errors.Is(err, account.ErrTokenInvalid) {
		p.Token = ""
		return s.writeReaderPage(w, "account_link", p, http.StatusNotFound)
	}
	if err != nil {
		return err
	}
	p.Valid, p.Email = true, email
	return s.writeReaderPage(w, "account_link", p, http.StatusOK)
}

// readerLink spends the link and starts a reader session: one that opens
// /account only (loadStaffSession).
func (s *Server) readerLink(w http.ResponseWriter, r *http.Request) error {
	old := ""
	if c, err := r.Cookie(sessionCookie); err == nil {
		old = c.Value
	}
	token, ss, created, err := s.accounts.SignInByReaderLink(r.Context(), r.PathValue("token"), old, clientIP(r), r.UserAgent())
	if errors.Is(err, account.ErrTokenInvalid) || errors.Is(err, account.ErrNotFound) {
		p := &readerLinkPage{readerFrame: s.newReaderFrame(r, "Sign in with your link")}
		return s.writeReaderPage(w, "account_link", p, http.StatusNotFound)
	}
	if err != nil {
		return err
	}
	s.setSessionCookie(w, r, token)
	// The link proved the address: a member the register gives it to is
	// linked to this account, so their membership and ballots are here.
	// A failure leaves it to the secretary and does not stop the sign-in.
	if s.society != nil {
		if _, err := s.society.LinkByEmail(r.Context(), account.ActorOf(ss.Account, clientIP(r)), ss.Account.Email); err != nil {
			s.log.Warn("link member by sign-in address", "err", err)
		}
	}
	to := "/account"
	if created {
		to += "?welcome=1"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// readerSignout ends the session and returns to the readers' sign-in page.
func (s *Server) readerSignout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := s.accounts.RevokeSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w, r)
	http.Redirect(w, r, "/account/signin?signedout=1", http.StatusSeeOther)
	return nil
}
