package web

import (
	"bytes"
	"fmt"
	"net/http"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/valid"
)

// adminFrame is what the staff frame (templates/layout/admin.html) needs;
// every staff and sign-in page's data embeds it.
type adminFrame struct {
	Site    Site
	Title   string
	CSS     string
	Account *account.Account // nil on the sign-in pages
	Nav     []navItem
	// Notice is a one-line confirmation shown above the page ("Saved").
	Notice string
	// Alert is a refusal announced at the top of the page, as on the
	// public layout: the form limit's, on a reader's page in this frame.
	Alert  string
	Errors fieldErrors
	// routes is the staff route table, for May.
	routes []AdminRoute
}

// May reports whether the signed-in person may use the staff route
// pattern, written as in routes.go, so that a page shared by several
// roles offers each only the links and forms its roles open. A pattern
// that is not a staff route is an error: a typo fails the page instead of
// quietly hiding a link.
func (f adminFrame) May(pattern string) (bool, error) {
	for _, r := range f.routes {
		if r.Pattern == pattern {
			return f.Account != nil && f.Account.HasAny(r.Roles...), nil
		}
	}
	return false, fmt.Errorf("web: May(%q): no such staff route", pattern)
}

func (s *Server) newAdminFrame(r *http.Request, title string) adminFrame {
	f := adminFrame{Site: s.site, Title: title, CSS: s.static.path("style.css"), routes: s.adminTable, Alert: alertOf(r)}
	if au := currentAuth(r); au.account.ID != 0 {
		f.Account = &au.account
		if au.stage == account.StageDone {
			f.Nav = s.navFor(au.account, r.URL.Path)
		}
	}
	return f
}

// fieldError is one message for one form field; Field is the input's id.
type fieldError struct {
	Field, Message string
}

// fieldErrors are a form's messages in the order of its fields. The frame
// shows them in a summary with role=alert; each field shows its own.
type fieldErrors []fieldError

// Add appends a message for field, keeping only the first per field.
func (e *fieldErrors) Add(field, msg string) {
	if e.Of(field) == "" {
		*e = append(*e, fieldError{Field: field, Message: msg})
	}
}

// Of is field's message, or "".
func (e fieldErrors) Of(field string) string {
	for _, f := range e {
		if f.Field == field {
			return f.Message
		}
	}
	return ""
}

// addValidation records every valid.Error in err (each under its own
// field, or all as field when that is set) and reports whether there was
// one; anything else is for the caller to return.
func (e *fieldErrors) addValidation(err error, field string) bool {
	all := valid.All(err)
	for _, v := range all {
		f := field
		if f == "" {
			f = v.Field
		}
		e.Add(f, v.Message)
	}
	return len(all) > 0
}

// formField is what the "admin_field" template draws: a label, the input
// with its error wiring, a hint and the message.
type formField struct {
	ID, Label, Type, Value, Autocomplete, Hint, Error string
	Required                                          bool
}

// Field builds a formField for a template: {{template "admin_field"
// (.Field "email" "Email address" "email" .Email "username" "")}}. The error
// comes from the frame, so every page gets aria-invalid and
// aria-describedby the same way.
func (f adminFrame) Field(id, label, typ, value, autocomplete, hint string) formField {
	return formField{ID: id, Label: label, Type: typ, Value: value, Autocomplete: autocomplete, Hint: hint,
		Error: f.Errors.Of(id), Required: true}
}

// Optional drops the required attribute, for filters and other fields that
// may stay empty: (.Field "actor" …).Optional.
func (f formField) Optional() formField {
	f.Required = false
	return f
}

// renderAdmin executes the "admin_layout" frame with page name's "main"
// into a buffer, then writes it with status. Staff pages are personal, so
// nothing may cache them.
func (s *Server) renderAdmin(w http.ResponseWriter, status int, name string, data any) error {
	tp, ok := s.tmpl.pages[name]
	if !ok {
		return fmt.Errorf("web: no page template %q", name)
	}
	var buf bytes.Buffer
	if err := tp.ExecuteTemplate(&buf, "admin_layout", data); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// formStatus is the status for a form shown again: 422 when it has errors.
func formStatus(e fieldErrors) int {
	if len(e) > 0 {
		return http.StatusUnprocessableEntity
	}
	return http.StatusOK
}
