// Package mail sends coopress's email through a durable outbox.
//
// A caller writes a Message into the outbox in the same transaction as the
// change that needs it (a reset token, a donation), and a River job in that
// transaction sends it over SMTP afterwards. So a mail exists exactly when
// its cause does, survives a crash or a dead mail server, and is retried
// with backoff until it goes or gives up; the row stays behind as the record
// of what was sent. Callers bring their own subject and bodies.
package mail

import (
	"fmt"
	"github.com/coopress/coopress/internal/valid"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on a Message. They are generous for a password reset or a receipt
// and stop a bug or an attacker from queuing something absurd.
const (
	MaxAddressLen = 254 // RFC 5321's limit on a forward path
	MaxSubjectLen = 250 // characters, well inside one folded header
	MaxBodyBytes  = 1 << 20
	MaxKindLen    = 40
	MaxRefLen     = 200
)

// Message is one email to one person.
type Message struct {
	// To is the recipient, "ann@example.org" or "Ann Lee <ann@example.org>".
	To string
	// Subject is a single line.
	Subject string
	// Text is the plain-text body; every mail has one, for readers whose
	// mail program shows no HTML.
	Text string
	// HTML is an optional alternative body.
	HTML string
	// Kind says what the mail is for ("password_reset", "receipt"), so an
	// operator can tell mails apart without reading them.
	Kind string
	// Ref is an optional idempotency key, such as "receipt:ledger:42": a
	// second message with the same Ref is never queued.
	Ref string
	// Attachments are files sent with the mail (a share certificate);
	// they are stored with it in the outbox, in the same transaction.
	Attachments []Attachment
}

// Status is where a mail is in its life.
type Status string

// The statuses of an outbox row.
const (
	// Queued mail is waiting for its job, or between retries.
	Queued Status = "queued"
	// Sent mail was accepted by the SMTP server.
	Sent Status = "sent"
	// Failed mail used up its attempts; last_error says why.
	Failed Status = "failed"
)

func invalid(field, msg string) error { return valid.Error{Field: field, Message: msg} }

// Validate refuses a message that could not be sent as it stands, or that
// would let its content write extra headers: header fields must be one line
// (a CR or LF there is how header injection works) and every field must be
// valid UTF-8 within the size limits.
func (m Message) Validate() error {
	if err := checkAddress("to", m.To); err != nil {
		return err
	}
	if err := checkLine("subject", m.Subject, MaxSubjectLen, true); err != nil {
		return err
	}
	if err := checkBody("text", m.Text, true); err != nil {
		return err
	}
	if err := checkBody("html", m.HTML, false); err != nil {
		return err
	}
	if m.Kind == "" || len(m.Kind) > MaxKindLen || strings.TrimFunc(m.Kind, isKindRune) != "" {
		return invalid("kind", fmt.Sprintf("must be 1 to %d of a-z, 0-9 and _", MaxKindLen))
	}
	if err := checkLine("ref", m.Ref, MaxRefLen, false); err != nil {
		return err
	}
	return checkAttachments(m.Attachments)
}

func isKindRune(r rune) bool { return r == '_' || ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') }

// checkAddress accepts one address that net/mail can parse. The raw text is
// checked for control characters first because the parser would otherwise
// be the only thing standing between a CR/LF and the header block.
func checkAddress(field, s string) error {
	if err := checkLine(field, s, MaxAddressLen, true); err != nil {
		return err
	}
	a, err := mail.ParseAddress(s)
	if err != nil || !strings.Contains(a.Address, "@") {
		return invalid(field, "is not an email address")
	}
	return nil
}

// checkLine accepts a single line of printable UTF-8 of at most max
// characters.
func checkLine(field, s string, max int, required bool) error {
	switch {
	case s == "" && required:
		return invalid(field, "is required")
	case !utf8.ValidString(s):
		return invalid(field, "is not valid UTF-8")
	case utf8.RuneCountInString(s) > max:
		return invalid(field, fmt.Sprintf("is longer than %d characters", max))
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return invalid(field, "must be one line without control characters")
	}
	return nil
}

// checkBody accepts UTF-8 text of bounded size; line breaks are fine there
// because bodies are encoded as a MIME part, never as a header.
func checkBody(field, s string, required bool) error {
	switch {
	case strings.TrimSpace(s) == "" && required:
		return invalid(field, "is required")
	case len(s) > MaxBodyBytes:
		return invalid(field, fmt.Sprintf("is larger than %d bytes", MaxBodyBytes))
	case !utf8.ValidString(s):
		return invalid(field, "is not valid UTF-8")
	}
	return nil
}
