package testservers_test

import (
	"net"
	"net/smtp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/testservers"
)

func sendRaw(t *testing.T, m *testservers.Mailpit, from, to, raw string) {
	t.Helper()
	addr := net.JoinHostPort(m.SMTPHost(), strconv.Itoa(m.SMTPPort()))
	if err := smtp.SendMail(addr, nil, from, []string{to}, []byte(strings.ReplaceAll(raw, "\n", "\r\n"))); err != nil {
		t.Fatalf("send: %v", err)
	}
}

func TestMailpitReceivesAndReportsMail(t *testing.T) {
	m := testservers.StartMailpit(t)
	sendRaw(t, m, "desk@paper.test", "ann@example.test", `From: The Desk <desk@paper.test>
To: Ann <ann@example.test>
Subject: Hello Ann
X-Test: one

Plain body for Ann.
`)
	sendRaw(t, m, "desk@paper.test", "joann@example.test", `From: desk@paper.test
To: joann@example.test
Subject: Hello Joann

For Joann.
`)

	got := m.WaitFor(t, "ann@example.test", 5*time.Second)
	if got.Subject != "Hello Ann" || !strings.Contains(got.Text, "Plain body for Ann.") {
		t.Fatalf("got %q / %q", got.Subject, got.Text)
	}
	if got.From.Address != "desk@paper.test" || len(got.To) != 1 || got.To[0].Name != "Ann" {
		t.Fatalf("from %+v to %+v", got.From, got.To)
	}
	if h := m.Headers(t, got.ID); len(h["X-Test"]) != 1 || h["X-Test"][0] != "one" {
		t.Fatalf("headers: %v", h)
	}
	// to: in mailpit's search matches joann@ too; To is exact.
	if n := len(m.To(t, "ann@example.test")); n != 1 {
		t.Fatalf("To(ann) found %d mails, want 1", n)
	}
	if n := len(m.Search(t, "subject:Joann")); n != 1 {
		t.Fatalf("Search(subject:Joann) found %d, want 1", n)
	}
	if n := len(m.Messages(t)); n != 2 {
		t.Fatalf("Messages: %d, want 2", n)
	}
	m.Clear(t)
	if n := len(m.Messages(t)); n != 0 {
		t.Fatalf("after Clear: %d mails", n)
	}
}

func TestMailpitsAreIndependent(t *testing.T) {
	a, b := testservers.StartMailpit(t), testservers.StartMailpit(t)
	if a.SMTPPort() == b.SMTPPort() {
		t.Fatal("two mailpits share a port")
	}
	sendRaw(t, a, "x@paper.test", "only-a@example.test", "To: only-a@example.test\nSubject: a\n\nbody\n")
	a.WaitFor(t, "only-a@example.test", 5*time.Second)
	if n := len(b.Messages(t)); n != 0 {
		t.Fatalf("the second mailpit has %d mails", n)
	}
}
