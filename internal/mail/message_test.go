package mail_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/coopress/coopress/internal/valid"
	"log/slog"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/mail"
)

func goodMessage() mail.Message {
	return mail.Message{To: "ann@example.test", Subject: "Hello", Text: "Body", Kind: "password_reset"}
}

func TestMessageValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*mail.Message)
		field string // "" for valid
	}{
		{"valid", func(*mail.Message) {}, ""},
		{"display name", func(m *mail.Message) { m.To = `"Lee, Ann" <ann@example.test>` }, ""},
		{"unicode subject", func(m *mail.Message) { m.Subject = "£20 from a Swansea reader — diolch" }, ""},
		{"html and ref", func(m *mail.Message) { m.HTML = "<p>x</p>"; m.Ref = "receipt:ledger:1" }, ""},
		{"body line breaks", func(m *mail.Message) { m.Text = "a\r\nb\n\nBcc: x@evil.test\n" }, ""},
		{"no to", func(m *mail.Message) { m.To = "" }, "to"},
		{"not an address", func(m *mail.Message) { m.To = "ann" }, "to"},
		{"two addresses", func(m *mail.Message) { m.To = "ann@example.test, bob@example.test" }, "to"},
		{"CRLF in to", func(m *mail.Message) { m.To = "ann@example.test\r\nBcc: all@example.test" }, "to"},
		{"LF in to", func(m *mail.Message) { m.To = "Ann\n <ann@example.test>" }, "to"},
		{"long to", func(m *mail.Message) { m.To = strings.Repeat("a", 250) + "@example.test" }, "to"},
		{"no subject", func(m *mail.Message) { m.Subject = "" }, "subject"},
		{"CRLF in subject", func(m *mail.Message) { m.Subject = "Hi\r\nBcc: all@example.test" }, "subject"},
		{"LF in subject", func(m *mail.Message) { m.Subject = "Hi\nX-Evil: 1" }, "subject"},
		{"CR in subject", func(m *mail.Message) { m.Subject = "Hi\rX-Evil: 1" }, "subject"},
		{"NUL in subject", func(m *mail.Message) { m.Subject = "Hi\x00" }, "subject"},
		{"long subject", func(m *mail.Message) { m.Subject = strings.Repeat("é", mail.MaxSubjectLen+1) }, "subject"},
		{"bad UTF-8 subject", func(m *mail.Message) { m.Subject = "Hi \xff" }, "subject"},
		{"blank text", func(m *mail.Message) { m.Text = " \n" }, "text"},
		{"huge text", func(m *mail.Message) { m.Text = strings.Repeat("x", mail.MaxBodyBytes+1) }, "text"},
		{"huge html", func(m *mail.Message) { m.HTML = strings.Repeat("x", mail.MaxBodyBytes+1) }, "html"},
		{"bad UTF-8 html", func(m *mail.Message) { m.HTML = "\xc3" }, "html"},
		{"no kind", func(m *mail.Message) { m.Kind = "" }, "kind"},
		{"kind with space", func(m *mail.Message) { m.Kind = "pass reset" }, "kind"},
		{"ref with newline", func(m *mail.Message) { m.Ref = "a\nb" }, "ref"},
		{"long ref", func(m *mail.Message) { m.Ref = strings.Repeat("r", mail.MaxRefLen+1) }, "ref"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := goodMessage()
			tt.edit(&m)
			err := m.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			var ve valid.Error
			if !errors.As(err, &ve) || ve.Field != tt.field {
				t.Fatalf("Validate = %v, want a valid.Error on %s", err, tt.field)
			}
		})
	}
}

// Header injection is refused before anything is written, and the caller's
// transaction is left for it to commit or roll back.
func TestEnqueueRefusesInjection(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		migrateJobs(t, d)
		o := mail.NewOutbox(d, newClient(t, d, mail.SMTPConfig{Host: "127.0.0.1", Port: 25, From: "a@b.test", TLS: mail.TLSNone}), nil)
		for _, m := range []mail.Message{
			{To: "ann@example.test\r\nBcc: all@example.test", Subject: "s", Text: "t", Kind: "k"},
			{To: "ann@example.test", Subject: "s\r\nBcc: all@example.test", Text: "t", Kind: "k"},
		} {
			var ve valid.Error
			if _, err := o.Enqueue(ctx, m); !errors.As(err, &ve) {
				t.Errorf("Enqueue(%q, %q) = %v, want a valid.Error", m.To, m.Subject, err)
			}
		}
		var n int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM mail_outbox`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 || sendJobs(t, d) != 0 {
			t.Fatalf("%d rows and %d jobs after refused mail", n, sendJobs(t, d))
		}
	})
}

func TestSMTPConfigFromLookup(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	c, err := mail.SMTPConfigFromLookup(env())
	if err != nil {
		t.Fatal(err)
	}
	want := mail.SMTPConfig{Host: "127.0.0.1", Port: 25, From: "coopress@localhost", TLS: mail.TLSNone}
	if c != want {
		t.Fatalf("defaults %+v, want %+v", c, want)
	}
	for tls, port := range map[string]int{"starttls": 587, "TLS": 465, "none": 25} {
		c, err := mail.SMTPConfigFromLookup(env(mail.EnvSMTPTLS, tls))
		if err != nil || c.Port != port {
			t.Errorf("TLS %s: port %d, %v; want %d", tls, c.Port, err, port)
		}
	}
	c, err = mail.SMTPConfigFromLookup(env(mail.EnvSMTPHost, "smtp.paper.example", mail.EnvSMTPPort, "2525",
		mail.EnvSMTPUsername, "desk", mail.EnvSMTPPassword, "s3cret-pw", mail.EnvSMTPFrom, "The Paper <desk@paper.example>",
		mail.EnvSMTPTLS, "starttls"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Host != "smtp.paper.example" || c.Port != 2525 || c.Username != "desk" || c.Password != "s3cret-pw" || c.TLS != mail.TLSStartTLS {
		t.Fatalf("read %+v", c)
	}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "smtp", c)
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), c.String(), logged.String()} {
		if strings.Contains(s, "s3cret-pw") {
			t.Errorf("password shown: %s", s)
		}
	}
	for _, bad := range [][]string{
		{mail.EnvSMTPPort, "smtp"}, {mail.EnvSMTPPort, "70000"}, {mail.EnvSMTPTLS, "ssl"},
		{mail.EnvSMTPFrom, "not an address"}, {mail.EnvSMTPHost, "a b"}, {mail.EnvSMTPPassword, "pw"},
		{mail.EnvSMTPHost, "smtp.example", mail.EnvSMTPUsername, "u"}, // a password in the clear over the network
	} {
		var ve valid.Error
		if _, err := mail.SMTPConfigFromLookup(env(bad...)); !errors.As(err, &ve) {
			t.Errorf("%s=%q: %v, want a valid.Error", bad[0], bad[1], err)
		}
	}
}
