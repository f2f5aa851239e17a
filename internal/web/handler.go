package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/valid"
)

// handlerFunc is a page handler that returns its failure instead of writing
// it, so that one place decides what the reader sees and what is logged.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// httpError carries a status and a message that is safe to show a reader,
// and optionally the internal cause for the log.
type httpError struct {
	Status  int
	Message string
	Cause   error
}

func (e *httpError) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%d %s: %v", e.Status, e.Message, e.Cause)
	}
	return fmt.Sprintf("%d %s", e.Status, e.Message)
}

func (e *httpError) Unwrap() error { return e.Cause }

// badRequest is a 400 with a message for the reader.
func badRequest(msg string) error { return &httpError{Status: http.StatusBadRequest, Message: msg} }

// errNotFound makes a 404 page.
var errNotFound = &httpError{Status: http.StatusNotFound, Message: "We could not find that page."}

// errGone makes a 410 page.
var errGone = &httpError{Status: http.StatusGone, Message: "This article has been taken down."}

// handle adapts a handlerFunc: it recovers panics, maps errors to pages
// (httpError → its status, valid.Error → 422 with its message,
// db.ErrNotFound → 404, anything else → a logged 500 that shows no
// internals) and logs each failure once.
//
// A form that can be shown again puts a valid.Error beside its field
// itself (fieldErrors.addValidation); the 422 here is the safety net for
// one that reaches the adapter, so refused input is never a 500 in the
// log. Staff pages get a fuller answer from adminRoute first.
func (s *Server) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic serving request", "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				s.errorPage(w, r, &httpError{Status: http.StatusInternalServerError, Message: "Something went wrong on our side."})
			}
		}()
		err := h(w, r)
		if err == nil {
			return
		}
		var he *httpError
		switch {
		case errors.As(err, &he):
		case len(valid.All(err)) > 0:
			he = &httpError{Status: http.StatusUnprocessableEntity, Message: strings.Join(invalidLines(err), " "), Cause: err}
		case errors.Is(err, db.ErrNotFound):
			he = errNotFound
		case errors.Is(err, account.ErrBusy):
			w.Header().Set("Retry-After", busyRetryAfter)
			he = &httpError{Status: http.StatusServiceUnavailable, Message: busyMessage}
		case r.Context().Err() != nil:
			return // the reader went away; nothing to tell them
		default:
			he = &httpError{Status: http.StatusInternalServerError, Message: "Something went wrong on our side.", Cause: err}
		}
		if he.Status >= 500 {
			s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "status", he.Status, "err", err)
		}
		s.errorPage(w, r, he)
	})
}

// errorPageData is what the 4xx/5xx page shows: the message and a way on.
type errorPageData struct {
	layout
	Status  int
	Message string
	Query   string
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, he *httpError) {
	title := "Page not found"
	switch he.Status {
	case http.StatusGone:
		title = "Article removed"
	case http.StatusBadRequest:
		title = "We could not understand that request"
	case http.StatusMethodNotAllowed:
		title = "Method not allowed"
	case http.StatusUnprocessableEntity:
		title = "Check what you entered"
	default:
		if he.Status >= 500 {
			title = "Something went wrong"
		}
	}
	data := errorPageData{layout: s.newLayout(r, title), Status: he.Status, Message: he.Message}
	data.NoIndex = true
	w.Header().Set("Cache-Control", "no-store")
	var buf bytes.Buffer
	if err := s.tmpl.execute(&buf, "error", &data, s.renderBox()); err != nil {
		s.log.Error("render error page", "err", err)
		http.Error(w, he.Message, he.Status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(he.Status)
	_, _ = w.Write(buf.Bytes())
}

// notFoundPage answers every address no route claims.
func (s *Server) notFoundPage(w http.ResponseWriter, r *http.Request) error {
	return errNotFound
}

// invalidText is a valid.Error as one line for a person: the field, in
// words, then the message ("Donor email: is not an email address."). A
// message the web layer wrote as a whole sentence (it starts with a
// capital) already says which field it means, so it stands alone; so
// does one with no field, given its capital.
func invalidText(v valid.Error) string {
	msg := strings.TrimSuffix(strings.TrimSpace(v.Message), ".")
	if msg == "" {
		msg = "is not right"
	}
	first, _ := utf8.DecodeRuneInString(msg)
	switch {
	case unicode.IsUpper(first):
		return msg + "."
	case v.Field == "":
		return capitalise(msg) + "."
	}
	return fieldLabel(v.Field) + ": " + msg + "."
}

// invalidLines is invalidText for every valid.Error in err (errors.Join
// may hold several), in order.
func invalidLines(err error) []string {
	var out []string
	for _, v := range valid.All(err) {
		out = append(out, invalidText(v))
	}
	return out
}

// fieldLabel turns a domain's field name ("donor_email") into words
// ("Donor email").
func fieldLabel(field string) string { return capitalise(strings.ReplaceAll(field, "_", " ")) }

// capitalise upper-cases the first letter of s.
func capitalise(s string) string {
	first, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(first)) + s[n:]
}
