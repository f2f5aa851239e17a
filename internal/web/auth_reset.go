package web

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/mail"
	"github.com/coopress/coopress/internal/valid"
)

// Mailer queues email for durable delivery, inside the caller's
// transaction or on its own; *mail.Outbox is one.
type Mailer interface {
	EnqueueTx(ctx context.Context, tx *sql.Tx, m mail.Message) (int64, error)
	Enqueue(ctx context.Context, m mail.Message) (int64, error)
}

// resetRequestPage asks for the address to send a reset link to.
type resetRequestPage struct {
	adminFrame
	Email string
	Sent  bool
}

func (s *Server) resetRequestForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderAdmin(w, http.StatusOK, "auth_reset_request", &resetRequestPage{adminFrame: s.newAdminFrame(r, "Reset your password")})
}

// resetRequest sends a reset link if the address has an account, and a
// notice that there is none otherwise: the answer and the work behind it
// are the same either way, so the form cannot be used to find out who
// works here. Requests are rate-limited per address and per
// IP so that nobody can flood a mailbox.
func (s *Server) resetRequest(w http.ResponseWriter, r *http.Request) error {
	p := &resetRequestPage{adminFrame: s.newAdminFrame(r, "Reset your password")}
	p.Email = strings.TrimSpace(formValue(r, &p.Errors, "email", "The email address", 254))
	if p.Email == "" || !strings.Contains(p.Email, "@") {
		p.Errors.Add("email", "Enter an email address like name@example.org.")
	}
	if len(p.Errors) > 0 {
		return s.renderAdmin(w, formStatus(p.Errors), "auth_reset_request", p)
	}
	ctx := r.Context()
	// Every request counts against the limits before anything else,
	// found or not, so counting does not reveal which addresses exist
	// either, and concurrent requests cannot slip past the count.
	_, err := s.accounts.Reserve(ctx, account.IPKey(clientIP(r)), account.ResetKey(p.Email))
	if lim := (*account.LimitedError)(nil); errors.As(err, &lim) {
		p.Errors.Add("email", "Too many reset requests. Wait 15 minutes, then check your inbox and spam folder before asking again.")
		w.Header().Set("Retry-After", retryAfter(lim.RetryAfter))
		return s.renderAdmin(w, http.StatusTooManyRequests, "auth_reset_request", p)
	}
	if err != nil {
		return err
	}
	if s.mail == nil {
		return &httpError{Status: http.StatusServiceUnavailable,
			Message: "Password reset by email is not set up on this site yet. Ask an administrator for a sign-in link."}
	}
	err = s.accounts.RequestReset(ctx, p.Email, func(tx *sql.Tx, a account.Account, token string) error {
		_, err := s.mail.EnqueueTx(ctx, tx, s.resetMail(a, token))
		return err
	})
	if len(valid.All(err)) > 0 { // an address the outbox cannot send to, known or not
		p.Errors.Add("email", "Enter an email address like name@example.org.")
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "auth_reset_request", p)
	}
	if err != nil {
		return err
	}
	p.Sent = true
	p.Notice = "Check your email."
	return s.renderAdmin(w, http.StatusOK, "auth_reset_request", p)
}

// resetMail is the email a reset request queues: the link for an
// account, or, with no token, a notice that the address has no account
// (kind password_reset_none, so the outbox's records tell them apart).
func (s *Server) resetMail(a account.Account, token string) mail.Message {
	if token == "" {
		return mail.Message{
			To: a.Email, Subject: "Reset your password for " + s.site.Name, Kind: "password_reset_none",
			Text: fmt.Sprintf("Hello,\n\nSomeone, probably you, asked to reset the password of a %s account with this "+
				"email address, but no active account uses it, so no link was made.\n\n"+
				"If you have an account, you may have signed up with another address. If it was not you, "+
				"ignore this email.\n", s.site.Name),
		}
	}
	link := s.site.BaseURL + "/reset/" + token
	return mail.Message{
		To: a.Email, Subject: "Reset your password for " + s.site.Name, Kind: "password_reset",
		Text: fmt.Sprintf("Hello %s,\n\nSomeone, probably you, asked to reset the password of your %s account.\n\n"+
			"Choose a new password here within the next hour:\n\n%s\n\n"+
			"If it was not you, ignore this email: your password stays as it is.\n", a.Name, s.site.Name, link),
	}
}

// resetPage sets a new password with a reset token.
type resetPage struct {
	adminFrame
	Valid bool
	Email string
	Token string
}

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	p := &resetPage{adminFrame: s.newAdminFrame(r, "Choose a new password"), Token: token}
	a, err := s.accounts.CheckToken(r.Context(), token, account.PurposeReset)
	if errors.Is(err, account.ErrTokenInvalid) || errors.Is(err, account.ErrNotFound) {
		return s.renderAdmin(w, http.StatusNotFound, "auth_reset", p)
	}
	if err != nil {
		return err
	}
	p.Valid, p.Email = true, a.Email
	return s.renderAdmin(w, http.StatusOK, "auth_reset", p)
}

func (s *Server) reset(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	p := &resetPage{adminFrame: s.newAdminFrame(r, "Choose a new password"), Token: token, Valid: true}
	a, err := s.accounts.CheckToken(r.Context(), token, account.PurposeReset)
	if errors.Is(err, account.ErrTokenInvalid) || errors.Is(err, account.ErrNotFound) {
		p.Valid = false
		return s.renderAdmin(w, http.StatusNotFound, "auth_reset", p)
	}
	if err != nil {
		return err
	}
	p.Email = a.Email
	pw := newPassword(r, &p.Errors)
	if len(p.Errors) == 0 {
		a, err = s.accounts.ResetPassword(r.Context(), token, pw, clientIP(r))
		if err != nil && !p.Errors.addValidation(err, "password") {
			if errors.Is(err, account.ErrTokenInvalid) {
				p.Valid = false
				return s.renderAdmin(w, http.StatusNotFound, "auth_reset", p)
			}
			return err
		}
	}
	if len(p.Errors) > 0 {
		return s.renderAdmin(w, formStatus(p.Errors), "auth_reset", p)
	}
	if err := s.startSession(w, r, a, ""); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/account?reset=1", http.StatusSeeOther)
	return nil
}

// newPassword reads the "password" and "confirm" fields of a form that
// sets a password, checking the policy and that both say the same.
func newPassword(r *http.Request, e *fieldErrors) string {
	pw := formValue(r, e, "password", "The password", account.MaxPasswordLength)
	confirm := formValue(r, e, "confirm", "The repeated password", account.MaxPasswordLength)
	if len(*e) > 0 {
		return ""
	}
	if err := account.CheckPassword(pw); err != nil {
		e.addValidation(err, "password")
	} else if confirm != pw {
		e.Add("confirm", "The two passwords are not the same.")
	}
	return pw
}
