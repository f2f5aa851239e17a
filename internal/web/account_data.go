package web

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/coopress/coopress/internal/account"
)

// needPersonal refuses a reader's data pages on a site built without the
// personal-data service (a test server, say) with a clear 503.
func (s *Server) needPersonal(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if s.personal == nil {
			return &httpError{Status: http.StatusServiceUnavailable, Message: "Your data cannot be downloaded or erased on this site yet."}
		}
		return h(w, r)
	}
}

// accountDataPage is the reader's "Your data" page: the downloads, their
// email preferences and the way to erase the account.
type accountDataPage struct {
	adminFrame
	Preferences []account.Preference
}

func (s *Server) accountData(w http.ResponseWriter, r *http.Request) error {
	a := currentAccount(r)
	p := &accountDataPage{adminFrame: s.newAdminFrame(r, "Your data")}
	prefs, err := s.accounts.Preferences(r.Context(), a.ID)
	if err != nil {
		return err
	}
	p.Preferences = prefs
	if r.URL.Query().Get("saved") != "" {
		p.Notice = "Your email preferences are saved."
	}
	return s.renderAdmin(w, http.StatusOK, "account_data", p)
}

// accountPreferences saves the kinds of mail the reader allows: each ticked
// box is a kind allowed, every other kind is refused.
func (s *Server) accountPreferences(w http.ResponseWriter, r *http.Request) error {
	a := currentAccount(r)
	if err := r.ParseForm(); err != nil {
		return badRequest("We could not read that form.")
	}
	var allowed []account.MailKind
	for _, k := range r.PostForm["allow"] {
		allowed = append(allowed, account.MailKind(k))
	}
	if err := s.accounts.SetPreferences(r.Context(), account.ActorOf(a, clientIP(r)), a.ID, allowed); err != nil {
		return err
	}
	http.Redirect(w, r, "/account/data?saved=1", http.StatusSeeOther)
	return nil
}

// accountDataJSON and accountDataCSV send everything coopress holds about
// the signed-in person as a download.
func (s *Server) accountDataJSON(w http.ResponseWriter, r *http.Request) error {
	return s.sendExport(w, r, "json", "application/json; charset=utf-8")
}

func (s *Server) accountDataCSV(w http.ResponseWriter, r *http.Request) error {
	return s.sendExport(w, r, "csv", "text/csv; charset=utf-8")
}

func (s *Server) sendExport(w http.ResponseWriter, r *http.Request, format, contentType string) error {
	x, err := s.personal.Export(r.Context(), currentAccount(r).ID)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if format == "json" {
		err = x.WriteJSON(&buf)
	} else {
		err = x.WriteCSV(&buf)
	}
	if err != nil {
		return err
	}
	name := "your-data-" + x.ExportedAt.In(s.site.Location).Format("2006-01-02") + "." + format
	return sendAttachment(w, contentType, name, buf.Bytes())
}

// accountDeletePage explains what erasing the account removes and keeps,
// and asks the person to type their address to confirm.
type accountDeletePage struct {
	adminFrame
	Confirm string
	// Erased is set once the account is gone: the page then says so.
	Erased bool
}

func (s *Server) accountDeleteForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderAdmin(w, http.StatusOK, "account_delete", &accountDeletePage{adminFrame: s.newAdminFrame(r, "Delete your account")})
}

// accountDelete erases the account once the typed address matches it. A
// refusal (staff roles, a member of the society, an active standing
// order) is shown beside the form and changes nothing.
func (s *Server) accountDelete(w http.ResponseWriter, r *http.Request) error {
	a := currentAccount(r)
	p := &accountDeletePage{adminFrame: s.newAdminFrame(r, "Delete your account")}
	p.Confirm = strings.TrimSpace(formValue(r, &p.Errors, "confirm", "The email address", 254))
	if len(p.Errors) == 0 && !strings.EqualFold(p.Confirm, a.Email) {
		p.Errors.Add("confirm", "Type the email address of your account, "+a.Email+", to confirm.")
	}
	if len(p.Errors) == 0 {
		err := s.personal.Erase(r.Context(), account.ActorOf(a, clientIP(r)), a.ID)
		if !p.Errors.addValidation(err, "confirm") && err != nil {
			return err
		}
	}
	if len(p.Errors) > 0 {
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "account_delete", p)
	}
	s.clearSessionCookie(w, r)
	done := &accountDeletePage{adminFrame: s.newAdminFrame(withAuth(r, auth{}), "Your account has been erased"), Erased: true}
	return s.renderAdmin(w, http.StatusOK, "account_delete", done)
}
