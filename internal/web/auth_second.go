package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/coopress/coopress/internal/account"
)

// secondPage asks for the second factor after the password.
type secondPage struct {
	adminFrame
	Next     string
	TOTP     bool // the account has an authenticator app
	Passkey  bool // the account has a passkey, and the site can use it
	Recovery bool // the recovery-code form was the one sent
}

// halfSignedIn returns the request's session if it waits for its second
// factor. Otherwise it has answered: to sign in first, or, for a session
// that needs nothing more, straight on to next.
func (s *Server) halfSignedIn(w http.ResponseWriter, r *http.Request, next string) (account.Session, string, bool, error) {
	ss, token, ok, err := s.loadStaffSession(w, r)
	if err != nil {
		return ss, "", false, err
	}
	if !ok {
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(next), http.StatusSeeOther)
		return ss, "", false, nil
	}
	if s.accounts.Stage(ss) != account.StageSecondFactor {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return ss, "", false, nil
	}
	return ss, token, true, nil
}

func (s *Server) newSecondPage(r *http.Request, ss account.Session, next string) (*secondPage, error) {
	fs, err := s.accounts.Factors(r.Context(), ss.Account.ID)
	if err != nil {
		return nil, err
	}
	p := &secondPage{adminFrame: s.newAdminFrame(r, "Confirm it is you"), Next: next}
	p.TOTP = slices.ContainsFunc(fs, func(f account.Factor) bool { return f.Kind == account.TOTP })
	p.Passkey = s.accounts.PasskeysEnabled() && slices.ContainsFunc(fs, func(f account.Factor) bool { return f.Kind == account.Passkey })
	return p, nil
}

func (s *Server) secondForm(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.URL.Query().Get("next"))
	ss, _, ok, err := s.halfSignedIn(w, r, next)
	if !ok || err != nil {
		return err
	}
	p, err := s.newSecondPage(r, ss, next)
	if err != nil {
		return err
	}
	return s.renderAdmin(w, http.StatusOK, "auth_second", p)
}

// second checks an authenticator code or a recovery code and, when it is
// right, replaces the session by a signed-in one.
func (s *Server) second(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.PostFormValue("next"))
	ss, token, ok, err := s.halfSignedIn(w, r, next)
	if !ok || err != nil {
		return err
	}
	p, err := s.newSecondPage(r, ss, next)
	if err != nil {
		return err
	}
	field := "code"
	verify := s.accounts.VerifyTOTP
	if r.PostFormValue("method") == "recovery" {
		field, verify, p.Recovery = "recovery", s.accounts.VerifyRecoveryCode, true
	}
	code := formValue(r, &p.Errors, field, "The code", 40)
	if strings.TrimSpace(code) == "" && len(p.Errors) == 0 {
		p.Errors.Add(field, map[string]string{"code": "Enter the 6-digit code your app shows.", "recovery": "Enter one of your recovery codes."}[field])
	}
	if len(p.Errors) > 0 {
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "auth_second", p)
	}
	newToken, err := verify(r.Context(), token, ss, code)
	switch lim := (*account.LimitedError)(nil); {
	case errors.As(err, &lim):
		p.Errors.Add(field, "Too many wrong codes for this account. For your safety, wait 15 minutes before trying again.")
		w.Header().Set("Retry-After", retryAfter(lim.RetryAfter))
		return s.renderAdmin(w, http.StatusTooManyRequests, "auth_second", p)
	case errors.Is(err, account.ErrWrongCode):
		p.Errors.Add(field, map[string]string{"code": "That code is not right, or was used already. Type the newest code your app shows.",
			"recovery": "That recovery code is not right, or was used already."}[field])
		return s.renderAdmin(w, http.StatusUnauthorized, "auth_second", p)
	case err != nil:
		return err
	}
	s.setSessionCookie(w, r, newToken)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// secondPasskeyBegin returns the options for navigator.credentials.get.
func (s *Server) secondPasskeyBegin(w http.ResponseWriter, r *http.Request) error {
	ss, _, ok, err := s.loadStaffSession(w, r)
	if err != nil {
		return err
	}
	if !ok || s.accounts.Stage(ss) != account.StageSecondFactor {
		return jsonMessage(w, http.StatusUnauthorized, "Sign in with your password first.")
	}
	opts, err := s.accounts.BeginPasskeySignIn(r.Context(), ss)
	if errors.Is(err, account.ErrNoPasskeys) || errors.Is(err, account.ErrNotFound) {
		return jsonMessage(w, http.StatusConflict, "There is no passkey to use for this account here.")
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, opts)
}

// secondPasskeyFinish checks the browser's passkey answer and, when it
// is right, replaces the session by a signed-in one.
func (s *Server) secondPasskeyFinish(w http.ResponseWriter, r *http.Request) error {
	ss, token, ok, err := s.loadStaffSession(w, r)
	if err != nil {
		return err
	}
	if !ok || s.accounts.Stage(ss) != account.StageSecondFactor {
		return jsonMessage(w, http.StatusUnauthorized, "Sign in with your password first.")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPasskeyBody))
	if err != nil {
		return jsonMessage(w, http.StatusRequestEntityTooLarge, "The passkey's answer is too large.")
	}
	newToken, err := s.accounts.FinishPasskeySignIn(r.Context(), token, ss, body)
	switch lim := (*account.LimitedError)(nil); {
	case errors.As(err, &lim):
		w.Header().Set("Retry-After", retryAfter(lim.RetryAfter))
		return jsonMessage(w, http.StatusTooManyRequests, "Too many failed attempts for this account. Wait 15 minutes before trying again.")
	case errors.Is(err, account.ErrWrongCode):
		return jsonMessage(w, http.StatusUnauthorized, "That passkey could not be checked. Try again, or use another way below.")
	case err != nil:
		return err
	}
	s.setSessionCookie(w, r, newToken)
	b, err := json.Marshal(map[string]string{"redirect": safeNext(r.URL.Query().Get("next"))})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, b)
}
