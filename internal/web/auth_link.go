package web

import (
	"errors"
	"net/http"

	"github.com/coopress/coopress/internal/account"
)

// linkPage shows a one-time sign-in link before it is spent.
type linkPage struct {
	adminFrame
	Valid bool
	Email string
	Token string
}

// signinLinkPage only shows a button: mail scanners and link previews
// fetch GET addresses, and a GET that spent the token would leave the
// person with a dead link.
func (s *Server) signinLinkPage(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	p := &linkPage{adminFrame: s.newAdminFrame(r, "Sign in with a link"), Token: token}
	a, err := s.accounts.CheckToken(r.Context(), token, account.PurposeSignIn)
	switch {
	case err == nil:
		p.Valid, p.Email = true, a.Email
	case errors.Is(err, account.ErrTokenInvalid), errors.Is(err, account.ErrNotFound):
		return s.renderAdmin(w, http.StatusNotFound, "auth_link", p)
	default:
		return err
	}
	return s.renderAdmin(w, http.StatusOK, "auth_link", p)
}

// signinLink spends the token, signs the person in and sends them to
// choose a password.
func (s *Server) signinLink(w http.ResponseWriter, r *http.Request) error {
	a, err := s.accounts.Consume(r.Context(), r.PathValue("token"), account.PurposeSignIn)
	if errors.Is(err, account.ErrTokenInvalid) || errors.Is(err, account.ErrNotFound) {
		p := &linkPage{adminFrame: s.newAdminFrame(r, "Sign in with a link")}
		return s.renderAdmin(w, http.StatusNotFound, "auth_link", p)
	}
	if err != nil {
		return err
	}
	if err := s.startSession(w, r, a, ""); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/account?welcome=1", http.StatusSeeOther)
	return nil
}
