package web

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/coopress/coopress/internal/payment"
)

// maxWebhookBody bounds a Stripe event; real ones are a few kilobytes.
const maxWebhookBody = 256 << 10

// WebhookReceiver verifies and durably stores a provider's webhook;
// *payment.Intake is one.
type WebhookReceiver interface {
	Receive(ctx context.Context, body []byte, signatureHeader string) (duplicate bool, err error)
}

// stripeWebhook answers Stripe as soon as the event is stored: 200 once it
// is safely in the database (or was already), 400 for a request that is not
// a genuine, fresh event (Stripe need not retry it), and 500 only when
// storing failed, so that Stripe delivers it again. Browsers never post
// here; Stripe sends no Origin or Sec-Fetch-Site header, so cross-origin
// protection lets it through while the signature is what authenticates it.
func (s *Server) stripeWebhook(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if s.webhooks == nil {
		http.Error(w, "Stripe webhooks are not configured on this server", http.StatusServiceUnavailable)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		http.Error(w, "event too large", http.StatusRequestEntityTooLarge)
		return
	}
	if err != nil {
		http.Error(w, "could not read the body", http.StatusBadRequest)
		return
	}
	dup, err := s.webhooks.Receive(r.Context(), body, r.Header.Get("Stripe-Signature"))
	switch {
	case payment.Rejected(err):
		// Say why in the log, never the body or the header: they are the
		// attacker's words or the donor's details.
		s.log.Warn("stripe webhook refused", "reason", err.Error(), "bytes", len(body))
		http.Error(w, "refused: "+reason(err), http.StatusBadRequest)
	case err != nil:
		s.log.Error("stripe webhook not stored", "err", err)
		http.Error(w, "could not store the event; please retry", http.StatusInternalServerError)
	case dup:
		_, _ = io.WriteString(w, "already received\n")
	default:
		_, _ = io.WriteString(w, "stored\n")
	}
}

// reason is the short, fixed answer for a refused webhook.
func reason(err error) string {
	switch {
	case errors.Is(err, payment.ErrUnsigned):
		return "no Stripe-Signature header"
	case errors.Is(err, payment.ErrBadSignature):
		return "signature does not match"
	case errors.Is(err, payment.ErrTooOld):
		return "timestamp outside the tolerance"
	case errors.Is(err, payment.ErrAPIVersion):
		return "API version not supported; pin the endpoint to this build's version"
	default:
		return "not a valid event"
	}
}
