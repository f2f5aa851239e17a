package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/account"
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
	if _, _, ok, err := s.loadSession(w, r); err != nil {
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
	// The attempt is counted before the password is checked, so that
	// concurrent guesses cannot all pass a count taken before any failed.
	ctx, acctKey := r.Context(), account.AccountKey(p.Email)
	res, err := s.accounts.Reserve(ctx, account.IPKey(clientIP(r)), acctKey)
	if lim := (*account.LimitedError)(nil); errors.As(err, &lim) {
		p.Limited = true
		p.Errors.Add("email", "Too many failed attempts to sign in. For your safety, wait 15 minutes before trying again.")
		w.Header().Set("Retry-After", retryAfter(lim.RetryAfter))
		return s.renderAdmin(w, http.StatusTooManyRequests, "auth_signin", p)
	}
	if err != nil {
		return err
	}
	a, err := s.accounts.Authenticate(ctx, p.Email, pw)
	if errors.Is(err, account.ErrBadCredentials) {
		p.Errors.Add("password", "The email address or password is not right.")
		return s.renderAdmin(w, http.StatusUnauthorized, "auth_signin", p)
	}
	if err != nil {
		return errors.Join(err, s.accounts.Release(ctx, res))
	}
	if err := s.accounts.Release(ctx, res); err != nil {
		return err
	}
	if err := s.accounts.ClearFailures(ctx, acctKey); err != nil {
		return err
	}
	if err := s.startSession(w, r, a); err != nil {
		return err
	}
	http.Redirect(w, r, p.Next, http.StatusSeeOther)
	return nil
}

// retryAfter is d in whole seconds, rounded up, for Retry-After.
func retryAfter(d time.Duration) string {
	return strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10)
}

// startSession signs a in: any session the browser had is ended and a new
// one begins, so an id planted before sign-in is worth nothing after it.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, a account.Account) error {
	old := ""
	if c, err := r.Cookie(sessionCookie); err == nil {
		old = c.Value
	}
	token, _, err := s.accounts.RotateSession(r.Context(), old, a.ID, clientIP(r), r.UserAgent())
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
