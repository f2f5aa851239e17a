package web

import (
	"errors"
	"net/http"

	"github.com/coopress/coopress/internal/account"
)

// accountPage is the person's own account: password and sessions.
type accountPage struct {
	adminFrame
	NeedsPassword bool
}

func (s *Server) adminAccountPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccount(w, r, http.StatusOK, nil)
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, errs fieldErrors) error {
	a := currentAccount(r)
	p := &accountPage{adminFrame: s.newAdminFrame(r, "Your account"), NeedsPassword: !a.HasPassword}
	p.Errors = errs
	switch q := r.URL.Query(); {
	case q.Get("welcome") != "" && !a.HasPassword:
		p.Notice = "You are signed in. Now choose a password, so you can sign in again later."
	case q.Get("reset") != "":
		p.Notice = "Your new password is set, and you are signed in. Any other sessions have ended."
	case q.Get("saved") != "":
		p.Notice = "Your password is changed. Any other sessions have ended."
	}
	return s.renderAdmin(w, status, "admin_account", p)
}

// adminAccountPassword changes the person's own password. The current one
// is asked for, so that a session left open on a shared computer cannot
// take the account over; people who came by a sign-in link have none yet.
func (s *Server) adminAccountPassword(w http.ResponseWriter, r *http.Request) error {
	a := currentAccount(r)
	var errs fieldErrors
	if a.HasPassword {
		cur := formValue(r, &errs, "current", "The current password", account.MaxPasswordLength)
		if cur == "" {
			errs.Add("current", "Enter your current password.")
		} else if len(errs) == 0 {
			ctx, ip := r.Context(), clientIP(r)
			res, err := s.accounts.ReserveSignIn(ctx, a.Email, ip)
			if lim := (*account.LimitedError)(nil); errors.As(err, &lim) {
				errs.Add("current", limitMessage(lim))
				w.Header().Set("Retry-After", retryAfter(lim.RetryAfter))
				return s.renderAccount(w, r, http.StatusTooManyRequests, errs)
			} else if err != nil {
				return err
			}
			if _, err := s.accounts.Authenticate(ctx, a.Email, cur); errors.Is(err, account.ErrBadCredentials) {
				if err := s.accounts.SignInFailed(ctx, a.Email, s.alertOwner); err != nil {
					return err
				}
				errs.Add("current", "That is not your current password.")
			} else if err != nil {
				return errors.Join(err, s.accounts.Release(ctx, res))
			} else if err := s.accounts.SignInSucceeded(ctx, res, a.Email, ip); err != nil {
				return err
			}
		}
	}
	pw := newPassword(r, &errs)
	if len(errs) > 0 {
		return s.renderAccount(w, r, formStatus(errs), errs)
	}
	if err := s.accounts.SetPassword(r.Context(), actor(r), a.ID, pw); err != nil {
		if errs.addValidation(err, "password") {
			return s.renderAccount(w, r, formStatus(errs), errs)
		}
		return err
	}
	// SetPassword ended every session, this one too; start a fresh one.
	if err := s.startSession(w, r, a, currentAuth(r).session.SecondFactor); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/account?saved=1", http.StatusSeeOther)
	return nil
}

// adminSignOutEverywhere ends every session of the person, this one too.
func (s *Server) adminSignOutEverywhere(w http.ResponseWriter, r *http.Request) error {
	a := currentAccount(r)
	if err := s.accounts.RevokeAll(r.Context(), actor(r), a.ID); err != nil {
		return err
	}
	s.clearSessionCookie(w, r)
	http.Redirect(w, r, "/signin?signedout=1", http.StatusSeeOther)
	return nil
}
