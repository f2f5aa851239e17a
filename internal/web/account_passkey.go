package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/coopress/coopress/internal/account"
)

// passkeyCookie carries the token of a passkey sign-in begun before there
// is a session, so that only the browser that asked can answer the
// challenge. It lives as long as the challenge.
const passkeyCookie = "coopress_passkey"

// readerPasskeyBegin returns the options for adding a reader's passkey.
func (s *Server) readerPasskeyBegin(w http.ResponseWriter, r *http.Request) error {
	opts, err := s.accounts.BeginReaderPasskey(r.Context(), currentAuth(r).session)
	switch {
	case errors.Is(err, account.ErrNoPasskeys):
		return jsonMessage(w, http.StatusConflict, "Passkeys are not available on this site's address.")
	case errors.Is(err, account.ErrStaffPasskey):
		return jsonMessage(w, http.StatusForbidden, "Staff add passkeys on the staff security page.")
	case err != nil:
		return err
	}
	return writeJSON(w, http.StatusOK, opts)
}

// readerPasskeyFinish stores the passkey the browser made.
func (s *Server) readerPasskeyFinish(w http.ResponseWriter, r *http.Request) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPasskeyBody))
	if err != nil {
		return jsonMessage(w, http.StatusRequestEntityTooLarge, "The passkey's answer is too large.")
	}
	err = s.accounts.FinishReaderPasskey(r.Context(), account.ReaderActor(currentAccount(r)), currentAuth(r).session, r.URL.Query().Get("name"), body)
	var errs fieldErrors
	switch {
	case errors.Is(err, account.ErrWrongCode):
		return jsonMessage(w, http.StatusUnprocessableEntity, "The passkey could not be added. Try again, or use another passkey.")
	case errors.Is(err, account.ErrStaffPasskey):
		return jsonMessage(w, http.StatusForbidden, "Staff add passkeys on the staff security page.")
	case errs.addValidation(err, "name"):
		return jsonMessage(w, http.StatusUnprocessableEntity, errs.Of("name"))
	case err != nil:
		return err
	}
	return writeJSON(w, http.StatusOK, []byte(`{"redirect":"/account?passkey=1"}`))
}

// readerPasskeySignInBegin starts a sign-in with a discoverable passkey.
// Each start stores a challenge, so starts count against the client
// address's sign-in limit.
func (s *Server) readerPasskeySignInBegin(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	_, err := s.accounts.Reserve(ctx, account.IPKey(clientIP(r)))
	if lim := (*account.LimitedError)(nil); errors.As(err, &lim) {
		w.Header().Set("Retry-After", retryAfter(lim.RetryAfter))
		return jsonMessage(w, http.StatusTooManyRequests, "Too many attempts to sign in. Wait 15 minutes before trying again.")
	}
	if err != nil {
		return err
	}
	opts, token, err := s.accounts.BeginReaderPasskeySignIn(ctx)
	if errors.Is(err, account.ErrNoPasskeys) {
		return jsonMessage(w, http.StatusConflict, "Passkeys are not available on this site's address.")
	}
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: passkeyCookie, Value: token, Path: "/account/signin/passkey", HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteStrictMode, MaxAge: int((5 * time.Minute) / time.Second)})
	return writeJSON(w, http.StatusOK, opts)
}

// readerPasskeySignInFinish checks the passkey's answer and starts a
// reader session for its account.
func (s *Server) readerPasskeySignInFinish(w http.ResponseWriter, r *http.Request) error {
	c, err := r.Cookie(passkeyCookie)
	if err != nil {
		return jsonMessage(w, http.StatusUnauthorized, "The passkey prompt has expired. Try again.")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPasskeyBody))
	if err != nil {
		return jsonMessage(w, http.StatusRequestEntityTooLarge, "The passkey's answer is too large.")
	}
	old := ""
	if sc, err := r.Cookie(sessionCookie); err == nil {
		old = sc.Value
	}
	token, _, err := s.accounts.FinishReaderPasskeySignIn(r.Context(), c.Value, old, body, clientIP(r), r.UserAgent())
	http.SetCookie(w, &http.Cookie{Name: passkeyCookie, Path: "/account/signin/passkey", HttpOnly: true, Secure: s.secure(r),
		SameSite: http.SameSiteStrictMode, MaxAge: -1})
	switch {
	case errors.Is(err, account.ErrWrongCode) || errors.Is(err, account.ErrNotFound):
		return jsonMessage(w, http.StatusUnauthorized, "That passkey could not be checked. Try again, or ask for a link by email.")
	case errors.Is(err, account.ErrNoPasskeys):
		return jsonMessage(w, http.StatusConflict, "Passkeys are not available on this site's address.")
	case err != nil:
		return err
	}
	s.setSessionCookie(w, r, token)
	b, err := json.Marshal(map[string]string{"redirect": "/account"})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, b)
}

// readerPasskeyRemove takes one of the reader's passkeys away. A staff
// account's passkeys are its second factors, so they are managed on the
// staff security page only.
func (s *Server) readerPasskeyRemove(w http.ResponseWriter, r *http.Request) error {
	a := currentAccount(r)
	if a.IsStaff() {
		return &httpError{Status: http.StatusForbidden, Message: "Staff manage their passkeys on the staff security page."}
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return account.ErrNotFound
	}
	if err := s.accounts.RemoveFactor(r.Context(), account.ReaderActor(currentAccount(r)), a, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/account?removed=1", http.StatusSeeOther)
	return nil
}
