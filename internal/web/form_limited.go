package web

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// limited puts a public form that stores rows or calls an outside
// service behind the form limiter (form_limit.go), counted against the
// client's address as the sign-in limits read it (clientIP), an IPv6
// address by its /64 (account.AddressBlock). Past the
// limit, h does not run, so nothing is stored and Stripe is not called:
// the answer is 429 with Retry-After, and show (the form's own page, its
// GET handler) drawn again with the refusal announced at the top.
func (s *Server) limited(h, show handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		wait, scope := s.forms.allow(clientIP(r), r.Pattern, s.now())
		if scope == "" {
			return h(w, r)
		}
		w.Header().Set("Retry-After", retryAfter(wait))
		r = r.WithContext(context.WithValue(r.Context(), alertKey{}, formLimitMessage(scope, wait)))
		return show(&statusWriter{ResponseWriter: w, status: http.StatusTooManyRequests}, r)
	}
}

// alertKey carries a message for the top of the page (layout.Alert).
type alertKey struct{}

// alertOf is the request's page-top message, if it has one.
func alertOf(r *http.Request) string {
	msg, _ := r.Context().Value(alertKey{}).(string)
	return msg
}

// formLimitMessage words a refusal: what happened to what they sent,
// and when to try again, in minutes a person can act on.
func formLimitMessage(scope string, wait time.Duration) string {
	when := "in a minute"
	if mins := int((wait + time.Minute - 1) / time.Minute); mins > 1 {
		when = fmt.Sprintf("in %d minutes", mins)
	}
	if scope == scopeAll {
		return "So many forms are being sent to us just now that we could not take yours. " +
			"Nothing has been stored or charged. Please try again " + when + "."
	}
	return "This form has been sent from your connection too many times in a short while, so we did not take it. " +
		"Nothing has been stored or charged. Please try again " + when + "."
}

// statusWriter answers with status where the page would have said 200
// OK, so that a form page drawn again for a refusal carries the
// refusal's status; any other status passes unchanged.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

// WriteHeader sends the refusal's status in place of 200.
func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote && code == http.StatusOK {
		code = w.status
	}
	w.wrote = true
	w.ResponseWriter.WriteHeader(code)
}

// Write sends the status first if the page has not, as net/http would.
func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}
