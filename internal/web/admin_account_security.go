package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"html/template"
	"image/png"
	"io"
	"net/http"
	"strings"

	"github.com/coopress/coopress/internal/account"
)

// securityPath is the page where staff manage their second factors. An
// account that must have one and has none is sent here before anything
// else.
const securityPath = "/admin/account/security"

// duringSetUp reports whether a staff route stays open to a session that
// must set up a second factor first: the security page and its actions.
func duringSetUp(path string) bool {
	return path == securityPath || strings.HasPrefix(path, securityPath+"/")
}

// securityPage lists the person's second factors and sets new ones up.
type securityPage struct {
	adminFrame
	SetUp   bool // the account must set a factor up before anything else
	Factors []account.Factor
	Pending *account.TOTPSetup
	// PendingURL is Pending's otpauth:// address, which the template
	// would otherwise refuse as an unknown scheme; coopress made it.
	PendingURL template.URL
	Codes      []string // recovery codes, shown once
	Left       int      // unused recovery codes
	Passkeys   bool     // passkeys can be offered on this site
	// NeedsPassword: the person came by a sign-in link and has no
	// password yet; the page says where to choose one next.
	NeedsPassword bool
}

func (s *Server) adminSecurityPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderSecurity(w, r, http.StatusOK, nil, nil)
}

// renderSecurity shows the page with errs beside their fields and, once,
// codes: the recovery codes just made.
func (s *Server) renderSecurity(w http.ResponseWriter, r *http.Request, status int, errs fieldErrors, codes []string) error {
	au := currentAuth(r)
	ctx := r.Context()
	p := &securityPage{adminFrame: s.newAdminFrame(r, "Sign-in security"), SetUp: au.stage == account.StageSetUp,
		Codes: codes, Passkeys: s.accounts.PasskeysEnabled(), NeedsPassword: !au.account.HasPassword}
	p.Errors = errs
	var err error
	if p.Factors, err = s.accounts.Factors(ctx, au.account.ID); err != nil {
		return err
	}
	if p.Left, err = s.accounts.RecoveryCodesLeft(ctx, au.account.ID); err != nil {
		return err
	}
	switch pending, err := s.accounts.PendingTOTP(ctx, au.account); {
	case err == nil:
		p.Pending, p.PendingURL = &pending, template.URL(pending.URL)
	case !errors.Is(err, account.ErrNotFound):
		return err
	}
	switch q := r.URL.Query(); {
	case len(codes) > 0:
		p.Notice = "Your recovery codes are below. Keep them somewhere safe now: they will not be shown again."
	case q.Get("added") != "":
		p.Notice = "The second factor is added."
	case q.Get("removed") != "":
		p.Notice = "The second factor is removed."
	case p.SetUp:
		p.Notice = "Your role needs a second factor: a passkey or an authenticator app. Set one up to continue."
	}
	return s.renderAdmin(w, status, "admin_account_security", p)
}

// adminTOTPStart makes a new authenticator-app secret and shows it.
func (s *Server) adminTOTPStart(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.accounts.StartTOTP(r.Context(), currentAccount(r)); err != nil {
		return err
	}
	http.Redirect(w, r, securityPath+"#totp", http.StatusSeeOther)
	return nil
}

// adminTOTPImage is the QR code of the secret waiting for its first code.
func (s *Server) adminTOTPImage(w http.ResponseWriter, r *http.Request) error {
	pending, err := s.accounts.PendingTOTP(r.Context(), currentAccount(r))
	if errors.Is(err, account.ErrNotFound) {
		return &httpError{Status: http.StatusNotFound, Message: "There is no authenticator app being set up."}
	}
	if err != nil {
		return err
	}
	key, err := pending.Key()
	if err != nil {
		return err
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	_, err = w.Write(buf.Bytes())
	return err
}

// adminTOTPConfirm turns the secret into a factor once the person types a
// code their app shows.
func (s *Server) adminTOTPConfirm(w http.ResponseWriter, r *http.Request) error {
	au := currentAuth(r)
	var errs fieldErrors
	name := formValue(r, &errs, "name", "The name", 60)
	code := formValue(r, &errs, "code", "The code", 20)
	if strings.TrimSpace(code) == "" {
		errs.Add("code", "Enter the 6-digit code your app shows.")
	}
	if len(errs) > 0 {
		return s.renderSecurity(w, r, formStatus(errs), errs, nil)
	}
	codes, err := s.accounts.ConfirmTOTP(r.Context(), actor(r), au.token, au.account, name, code)
	switch lim := (*account.LimitedError)(nil); {
	case errors.As(err, &lim):
		errs.Add("code", "Too many wrong codes. Wait 15 minutes, then try again.")
		w.Header().Set("Retry-After", retryAfter(lim.RetryAfter))
		return s.renderSecurity(w, r, http.StatusTooManyRequests, errs, nil)
	case errors.Is(err, account.ErrWrongCode):
		errs.Add("code", "That code is not right. Check the app shows the account for this site, and type the newest code.")
		return s.renderSecurity(w, r, http.StatusUnprocessableEntity, errs, nil)
	case errors.Is(err, account.ErrNotFound):
		errs.Add("code", "Start setting up an authenticator app first.")
		return s.renderSecurity(w, r, http.StatusUnprocessableEntity, errs, nil)
	case errs.addValidation(err, "name"):
		return s.renderSecurity(w, r, formStatus(errs), errs, nil)
	case err != nil:
		return err
	}
	return s.afterFactorAdded(w, r, codes)
}

// afterFactorAdded shows the security page with the new recovery codes,
// if any, as the answer to the POST itself: codes never go into an
// address, a redirect or a log.
func (s *Server) afterFactorAdded(w http.ResponseWriter, r *http.Request, codes []string) error {
	au := currentAuth(r)
	if a, err := s.accounts.ByID(r.Context(), au.account.ID); err == nil {
		au.account = a
	}
	au.stage = account.StageDone
	r = withAuth(r, au)
	if len(codes) == 0 {
		http.Redirect(w, r, securityPath+"?added=1", http.StatusSeeOther)
		return nil
	}
	return s.renderSecurity(w, r, http.StatusOK, nil, codes)
}

// adminRecoveryCodes replaces the person's recovery codes.
func (s *Server) adminRecoveryCodes(w http.ResponseWriter, r *http.Request) error {
	au := currentAuth(r)
	if au.account.SecondFactors == 0 {
		var errs fieldErrors
		errs.Add("recovery", "Set up a passkey or an authenticator app first: recovery codes stand in for one.")
		return s.renderSecurity(w, r, http.StatusUnprocessableEntity, errs, nil)
	}
	codes, err := s.accounts.NewRecoveryCodes(r.Context(), actor(r), au.account.ID)
	if err != nil {
		return err
	}
	return s.renderSecurity(w, r, http.StatusOK, nil, codes)
}

// adminFactorRemove takes one of the person's factors away.
func (s *Server) adminFactorRemove(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	err = s.accounts.RemoveFactor(r.Context(), actor(r), currentAccount(r), id)
	var errs fieldErrors
	switch {
	case errors.Is(err, account.ErrNotFound):
		return &httpError{Status: http.StatusNotFound, Message: "That second factor is not one of yours, or is already removed."}
	case errs.addValidation(err, "factor"):
		return s.renderSecurity(w, r, http.StatusUnprocessableEntity, errs, nil)
	case err != nil:
		return err
	}
	http.Redirect(w, r, securityPath+"?removed=1", http.StatusSeeOther)
	return nil
}

// maxPasskeyBody bounds a browser's WebAuthn answer: a few kilobytes in
// practice, whatever the authenticator.
const maxPasskeyBody = 64 << 10

// writeJSON answers a script with a JSON body.
func writeJSON(w http.ResponseWriter, status int, body []byte) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := w.Write(body)
	return err
}

// jsonMessage answers a script with {"error": msg}, for it to show.
func jsonMessage(w http.ResponseWriter, status int, msg string) error {
	b, _ := json.Marshal(map[string]string{"error": msg})
	return writeJSON(w, status, b)
}

// adminPasskeyBegin returns the options for navigator.credentials.create.
func (s *Server) adminPasskeyBegin(w http.ResponseWriter, r *http.Request) error {
	opts, err := s.accounts.BeginPasskeyRegistration(r.Context(), currentAuth(r).session)
	if errors.Is(err, account.ErrNoPasskeys) {
		return jsonMessage(w, http.StatusConflict, "Passkeys are not available on this site's address.")
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, opts)
}

// adminPasskeyFinish stores the passkey the browser made; the answer
// carries the new recovery codes, if any, for the script to show once.
func (s *Server) adminPasskeyFinish(w http.ResponseWriter, r *http.Request) error {
	au := currentAuth(r)
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPasskeyBody))
	if err != nil {
		return jsonMessage(w, http.StatusRequestEntityTooLarge, "The passkey's answer is too large.")
	}
	codes, err := s.accounts.FinishPasskeyRegistration(r.Context(), actor(r), au.token, au.session, r.URL.Query().Get("name"), body)
	var errs fieldErrors
	switch {
	case errors.Is(err, account.ErrWrongCode):
		return jsonMessage(w, http.StatusUnprocessableEntity, "The passkey could not be added. Try again, or use another passkey.")
	case errs.addValidation(err, "name"):
		return jsonMessage(w, http.StatusUnprocessableEntity, errs.Of("name"))
	case err != nil:
		return err
	}
	b, err := json.Marshal(map[string]any{"codes": codes, "redirect": securityPath + "?added=1"})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, b)
}
