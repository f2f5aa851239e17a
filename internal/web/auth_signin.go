package web

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/mail"
)

// signinPage is the sign-in form. The typed email is kept; the password
// never is.
type signinPage struct {
	adminFrame
	Email   string
	Next    string
	Limited bool
}

// noStore marks a response as personal: sign-in pages carry form values
// and set cookies, so neither browser nor CDN may keep them.
func noStore(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Cache-Control", "no-store")
		return h(w, r)
	}
}

func (s *Server) signinForm(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.URL.Query().Get("next"))
	if _, _, ok, err := s.loadStaffSession(w, r); err != nil {
		return err
	} else if ok {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	p := &signinPage{adminFrame: s.newAdminFrame(r, "Sign in"), Next: next}
	if r.URL.Query().Get("signedout") != "" {
		p.Notice = "You have signed out."
	}
	return s.renderAdmin(w, http.StatusOK, "auth_signin", p)
}

// formValue reads a form field, refusing bytes that are not UTF-8 and
// values longer than max characters with a message for the field.
func formValue(r *http.Request, e *fieldErrors, field, label string, max int) string {
	v := r.PostFormValue(field)
	if !utf8.ValidString(v) {
		e.Add(field, label+" contains characters we could not read.")
		return strings.ToValidUTF8(v, "")
	}
	if utf8.RuneCountInString(v) > max {
		e.Add(field, label+" is too long.")
	}
	return v
}

func (s *Server) signin(w http.ResponseWriter, r *http.Request) error {
	p := &signinPage{adminFrame: s.newAdminFrame(r, "Sign in"), Next: safeNext(r.PostFormValue("next"))}
	p.Email = strings.TrimSpace(formValue(r, &p.Errors, "email", "The email address", 254))
	pw := formValue(r, &p.Errors, "password", "The password", account.MaxPasswordLength)
	if p.Email == "" {
		p.Errors.Add("email", "Enter your email address.")
	}
	if pw == "" {
		p.Errors.Add("password", "Enter your password.")
	}
	if len(p.Errors) > 0 {
		return s.renderAdmin(w, formStatus(p.Errors), "auth_signin", p)
	}
	if s.accounts.Busy() {
		return s.signinBusy(w, p)
	}
	// The attempt is counted before the password is checked, so that
	// concurrent guesses cannot all pass a count taken before any failed.
	ctx, ip := r.Context(), clientIP(r)
	res, err := s.accounts.ReserveSignIn(ctx, p.Email, ip)
	if lim := (*account.LimitedError)(nil); errors.As(err, &lim) {
		p.Limited = true
		p.Errors.Add("email", limitMessage(lim))
		w.Header().Set("Retry-After", retryAfter(lim.RetryAfter))
		return s.renderAdmin(w, http.StatusTooManyRequests, "auth_signin", p)
	}
	if err != nil {
		return err
	}
	a, err := s.accounts.Authenticate(ctx, p.Email, pw)
	if errors.Is(err, account.ErrBadCredentials) {
		if err := s.accounts.SignInFailed(ctx, p.Email, s.alertOwner); err != nil {
			return err
		}
		p.Errors.Add("password", "The email address or password is not right.")
		return s.renderAdmin(w, http.StatusUnauthorized, "auth_signin", p)
	}
	if err != nil {
		if rerr := s.accounts.Release(ctx, res); rerr != nil {
			return errors.Join(err, rerr)
		}
		if errors.Is(err, account.ErrBusy) {
			return s.signinBusy(w, p)
		}
		return err
	}
	if err := s.accounts.SignInSucceeded(ctx, res, p.Email, ip); err != nil {
		return err
	}
	if err := s.startSession(w, r, a, ""); err != nil {
		return err
	}
	http.Redirect(w, r, p.Next, http.StatusSeeOther)
	return nil
}

// busyMessage and busyRetryAfter answer a request refused because too
// many passwords are being checked at once (account.ErrBusy).
const (
	busyMessage    = "Too many people are signing in at this moment. Try again in a few seconds."
	busyRetryAfter = "2"
)

// signinBusy answers a sign-in at once when too many passwords are being
// checked, so that a flood cannot queue up memory or time.
func (s *Server) signinBusy(w http.ResponseWriter, p *signinPage) error {
	p.Errors.Add("password", busyMessage)
	w.Header().Set("Retry-After", busyRetryAfter)
	return s.renderAdmin(w, http.StatusServiceUnavailable, "auth_signin", p)
}

// limitMessage words a refusal: a limit on the client asks it to wait
// the window out; the per-account slow-down, which others may have
// caused, says for how few seconds.
func limitMessage(lim *account.LimitedError) string {
	if lim.PerAccount() {
		secs := retryAfter(lim.RetryAfter)
		unit := "seconds"
		if secs == "1" {
			unit = "second"
		}
		return fmt.Sprintf("There have been several failed attempts to sign in to this account just now, so each try must wait a little. Try again in %s %s.", secs, unit)
	}
	return "Too many failed attempts to sign in. For your safety, wait 15 minutes before trying again."
}

// retryAfter is d in whole seconds, rounded up, for Retry-After.
func retryAfter(d time.Duration) string {
	return strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10)
}

// alertOwner queues the email that tells an account's owner of a burst
// of failed sign-ins, in the transaction that records it was sent. With
// no mail set up there is no one to tell, and sign-in carries on.
func (s *Server) alertOwner(ctx context.Context, tx *sql.Tx, a account.Account, failures int) error {
	if s.mail == nil {
		return nil
	}
	_, err := s.mail.EnqueueTx(ctx, tx, mail.Message{
		To: a.Email, Subject: "Failed sign-ins to your " + s.site.Name + " account", Kind: "signin_alert",
		Text: fmt.Sprintf("Hello %s,\n\nIn the last 15 minutes there were %d attempts to sign in to your %s account "+
			"with a wrong password.\n\nIf they were yours, there is nothing to do. If not, your password kept them out, "+
			"and while the attempts go on each try to sign in to your account must wait a little.\n\n"+
			"If your password is short or used elsewhere, choose a new one here:\n\n%s/reset\n", a.Name, failures, s.site.Name, s.site.BaseURL),
	})
	return err
}

// startSession signs a in: any session the browser had is ended and a new
// one begins, so an id planted before sign-in is worth nothing after it.
// factor is the second factor the new session carries over from the one
// it replaces: empty at every sign-in.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, a account.Account, factor account.FactorKind) error {
	old := ""
	if c, err := r.Cookie(sessionCookie); err == nil {
		old = c.Value
	}
	token, _, err := s.accounts.RotateSession(r.Context(), old, a.ID, clientIP(r), r.UserAgent(), factor)
	if err != nil {
		return err
	}
	s.setSessionCookie(w, r, token)
	return nil
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil && s.accounts != nil {
		if err := s.accounts.RevokeSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w, r)
	http.Redirect(w, r, "/signin?signedout=1", http.StatusSeeOther)
	return nil
}
