package mail

import (
	"cmp"
	"fmt"
	"log/slog"
	"net/mail"
	"strconv"
	"strings"
)

// TLSMode is how the connection to the SMTP server is protected.
type TLSMode string

// The TLS modes an SMTPConfig can ask for.
const (
	// TLSNone sends in the clear: only for a relay on the same machine or a
	// test server. go-mail still refuses to send a password in the clear to
	// anything but localhost.
	TLSNone TLSMode = "none"
	// TLSStartTLS connects in the clear and must upgrade with STARTTLS
	// before anything is sent; the usual mode for port 587.
	TLSStartTLS TLSMode = "starttls"
	// TLSImplicit speaks TLS from the first byte; the usual mode for
	// port 465.
	TLSImplicit TLSMode = "tls"
)

// SMTPConfig says how to reach the mail server that relays coopress's mail.
type SMTPConfig struct {
	// Host is the server's name or IP address. With TLS it is also the name
	// the server's certificate must carry.
	Host string
	// Port is the server's port: usually 25 with TLSNone, 587 with
	// TLSStartTLS and 465 with TLSImplicit.
	Port int
	// Username logs in to the server; empty sends without authentication.
	Username string
	// Password goes with Username. It never appears in logs or in the
	// config's String form.
	Password string
	// From is the sender of every mail, "The Paper <news@paper.example>".
	// Its domain should be one the server may send for (SPF, DKIM).
	From string
	// TLS is how the connection is protected (none, starttls or tls).
	TLS TLSMode
}

// Validate refuses a configuration that could never send, so a mistake
// stops the server at start instead of filling the outbox with failures.
func (c SMTPConfig) Validate() error {
	switch {
	case c.Host == "" || strings.ContainsAny(c.Host, " \t\r\n/"):
		return invalid("smtp host", "must be a host name or IP address")
	case c.Port < 1 || c.Port > 65535:
		return invalid("smtp port", "must be between 1 and 65535")
	case c.TLS != TLSNone && c.TLS != TLSStartTLS && c.TLS != TLSImplicit:
		return invalid("smtp tls", `must be "none", "starttls" or "tls"`)
	case strings.ContainsAny(c.Username, "\r\n") || strings.ContainsAny(c.Password, "\r\n"):
		return invalid("smtp username", "must not contain line breaks")
	case c.Password != "" && c.Username == "":
		return invalid("smtp username", "is required when a password is set")
	case c.Username != "" && c.TLS == TLSNone && !isLoopback(c.Host):
		return invalid("smtp tls", "must be starttls or tls to log in to a server that is not on this machine")
	}
	return checkAddress("smtp from", c.From)
}

// String describes the configuration for logs and errors, without the
// password.
func (c SMTPConfig) String() string {
	auth := "no auth"
	if c.Username != "" {
		auth = "user " + c.Username
	}
	return fmt.Sprintf("smtp://%s:%d (tls %s, %s, from %s)", c.Host, c.Port, c.TLS, auth, c.From)
}

// GoString keeps %#v from printing the password.
func (c SMTPConfig) GoString() string { return "mail.SMTPConfig{" + c.String() + "}" }

// LogValue keeps slog from printing the password.
func (c SMTPConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("host", c.Host),
		slog.Int("port", c.Port),
		slog.String("tls", string(c.TLS)),
		slog.String("username", c.Username),
		slog.Bool("password_set", c.Password != ""),
		slog.String("from", c.From),
	)
}

// The environment variables that configure the relay. The application's
// configuration (internal/app) reads them, with every other setting, and
// hands them to SMTPConfigFromLookup; this package reads no environment.
const (
	EnvSMTPHost     = "COOPRESS_SMTP_HOST"
	EnvSMTPPort     = "COOPRESS_SMTP_PORT"
	EnvSMTPUsername = "COOPRESS_SMTP_USERNAME"
	EnvSMTPPassword = "COOPRESS_SMTP_PASSWORD"
	EnvSMTPFrom     = "COOPRESS_SMTP_FROM"
	EnvSMTPTLS      = "COOPRESS_SMTP_TLS"
)

// SMTPConfigFromLookup builds the relay configuration from the
// COOPRESS_SMTP_* values that getenv returns by name. Empty ones take
// defaults that suit a local relay: host 127.0.0.1, TLS none, from
// coopress@localhost, and the port that goes with the TLS mode (25, 587 or
// 465). The result is validated. (The application sends no mail at all
// while COOPRESS_SMTP_HOST is empty; the host default serves a caller that
// has decided to send.)
func SMTPConfigFromLookup(getenv func(string) string) (SMTPConfig, error) {
	or := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	c := SMTPConfig{
		Host:     or(EnvSMTPHost, "127.0.0.1"),
		Username: getenv(EnvSMTPUsername),
		Password: getenv(EnvSMTPPassword),
		From:     or(EnvSMTPFrom, "coopress@localhost"),
		TLS:      TLSMode(strings.ToLower(or(EnvSMTPTLS, string(TLSNone)))),
	}
	defPort := map[TLSMode]string{TLSStartTLS: "587", TLSImplicit: "465"}[c.TLS]
	port, err := strconv.Atoi(or(EnvSMTPPort, cmp.Or(defPort, "25")))
	if err != nil {
		return SMTPConfig{}, invalid("smtp port", EnvSMTPPort+" must be a number")
	}
	c.Port = port
	if err := c.Validate(); err != nil {
		return SMTPConfig{}, err
	}
	return c, nil
}

// fromAddress is the bare address of From, for the Message-ID's domain.
func (c SMTPConfig) fromAddress() string {
	if a, err := mail.ParseAddress(c.From); err == nil {
		return a.Address
	}
	return c.From
}

// isLoopback matches the names go-mail trusts with a password in the clear.
func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}
