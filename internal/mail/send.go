package mail

import (
	"context"
	"fmt"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// smtpTimeout bounds the dial and each SMTP command, well inside River's
// one-minute job timeout, so a hung server turns into a retry.
const smtpTimeout = 30 * time.Second

// send delivers one outbox entry over SMTP with a fresh connection. A new
// go-mail client per mail keeps concurrent workers from sharing connection
// state, and mail is rare enough that the handshake costs nothing.
func (c SMTPConfig) send(ctx context.Context, e Entry) error {
	m := gomail.NewMsg()
	if err := m.From(c.From); err != nil {
		return fmt.Errorf("from: %w", err)
	}
	if err := m.To(e.To); err != nil {
		return fmt.Errorf("to: %w", err)
	}
	m.Subject(e.Subject)
	m.SetDateWithValue(e.CreatedAt)
	// A Message-ID fixed by the outbox row: should a mail ever go twice
	// (the server accepted it but we crashed before recording that), the
	// copies share one id and mail programs show one.
	m.SetMessageIDWithValue(fmt.Sprintf("outbox-%d.%d@%s", e.ID, e.CreatedAt.Unix(), domainOf(c.fromAddress())))
	m.SetGenHeader("X-Coopress-Kind", e.Kind)
	m.SetBodyString(gomail.TypeTextPlain, e.Text)
	if e.HTML != "" {
		m.AddAlternativeString(gomail.TypeTextHTML, e.HTML)
	}
	if err := attach(m, e.Attachments); err != nil {
		return err
	}

	client, err := gomail.NewClient(c.Host, c.clientOptions()...)
	if err != nil {
		return fmt.Errorf("smtp client for %s: %w", c, err)
	}
	if err := client.DialAndSendWithContext(ctx, m); err != nil {
		return fmt.Errorf("send via %s:%d: %w", c.Host, c.Port, err)
	}
	return nil
}

func (c SMTPConfig) clientOptions() []gomail.Option {
	opts := []gomail.Option{gomail.WithPort(c.Port), gomail.WithTimeout(smtpTimeout)}
	switch c.TLS {
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if c.Username != "" {
		// Auto-discovery picks the strongest mechanism the server offers,
		// and over a clear connection refuses those that show the
		// password. A relay on loopback is the one place PLAIN in the
		// clear is safe (Validate refuses the rest).
		auth := gomail.SMTPAuthAutoDiscover
		if c.TLS == TLSNone {
			auth = gomail.SMTPAuthPlain
		}
		opts = append(opts,
			gomail.WithSMTPAuth(auth),
			gomail.WithUsername(c.Username),
			gomail.WithPassword(c.Password))
	}
	return opts
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 && i < len(addr)-1 {
		return addr[i+1:]
	}
	return "coopress.invalid"
}
