package mail_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/mail"
	"github.com/coopress/coopress/internal/testservers"
	"github.com/coopress/coopress/internal/valid"
)

// certificatePDF stands in for a share certificate: binary bytes (a NUL,
// high bytes, a CR LF pair) that a text encoding would damage.
var certificatePDF = append([]byte("%PDF-1.3\n%\xe2\xe3\xcf\xd3\r\n"), bytes.Repeat([]byte{0, 0xff, '\r', '\n', 'A'}, 3000)...)

// TestAttachmentReachesTheServer queues a mail with a PDF, with no worker
// running (as if the process had died after the commit), then starts
// one: the bytes that reach mailpit are exactly those queued, as a
// multipart/mixed attachment beside the text body.
func TestAttachmentReachesTheServer(t *testing.T) {
	mp := testservers.StartMailpit(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		migrateJobs(t, d)
		to := addr(d, "member")
		m := mail.Message{To: to, Subject: "Your share certificate", Text: "Welcome, member 42.\n", Kind: "share_certificate",
			Attachments: []mail.Attachment{
				{Filename: "certificate-42.pdf", ContentType: "application/pdf", Data: certificatePDF},
				{Filename: "rules.txt", ContentType: "text/plain", Data: []byte("Rule 1.\n")},
			}}
		queued := mail.NewOutbox(d, newClient(t, d, smtpTo(mp)), nil)
		var id int64
		if err := d.InTx(ctx, func(tx *sql.Tx) error {
			var err error
			id, err = queued.EnqueueTx(ctx, tx, m)
			return err
		}); err != nil {
			t.Fatal(err)
		}

		// A fresh client and outbox, as after a restart, find it all in
		// the database.
		c := newClient(t, d, smtpTo(mp))
		o := mail.NewOutbox(d, c, nil)
		e, err := o.Get(ctx, id)
		if err != nil || len(e.Attachments) != 2 || !bytes.Equal(e.Attachments[0].Data, certificatePDF) {
			t.Fatalf("stored entry: %v, %d attachments", err, len(e.Attachments))
		}
		start(t, c)
		got := mp.WaitFor(t, to, 15*time.Second)
		if !strings.Contains(got.Text, "Welcome, member 42.") {
			t.Errorf("text body %q", got.Text)
		}
		if ct := mp.Headers(t, got.ID)["Content-Type"]; len(ct) != 1 || !strings.HasPrefix(ct[0], "multipart/mixed") {
			t.Errorf("Content-Type %v, want multipart/mixed", ct)
		}
		parts := mp.Attachments(t, got.ID)
		if len(parts) != 2 {
			t.Fatalf("%d attachments: %+v", len(parts), parts)
		}
		for i, want := range m.Attachments {
			p := parts[i]
			if p.FileName != want.Filename || !strings.HasPrefix(p.ContentType, want.ContentType) {
				t.Errorf("attachment %d: %+v, want %s %s", i, p, want.Filename, want.ContentType)
			}
			if data := mp.AttachmentData(t, got.ID, p); !bytes.Equal(data, want.Data) {
				t.Errorf("attachment %s: %d bytes arrived, %d queued, or they differ", want.Filename, len(data), len(want.Data))
			}
		}
		waitEntry(t, o, id, 5*time.Second, func(e mail.Entry) bool { return e.Status == mail.Sent })
	})
}

// TestBadAttachmentsAreRefused: nothing is queued, and the refusal names
// what is wrong.
func TestBadAttachmentsAreRefused(t *testing.T) {
	pdf := mail.Attachment{Filename: "c.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.3")}
	with := func(f func(*mail.Attachment)) []mail.Attachment { a := pdf; f(&a); return []mail.Attachment{a} }
	for _, tc := range []struct {
		name  string
		as    []mail.Attachment
		field string
	}{
		{"no name", with(func(a *mail.Attachment) { a.Filename = "" }), "attachment filename"},
		{"a path", with(func(a *mail.Attachment) { a.Filename = "../etc/passwd" }), "attachment filename"},
		{"a header in the name", with(func(a *mail.Attachment) { a.Filename = "c.pdf\r\nBcc: x@example.test" }), "attachment filename"},
		{"a quote in the name", with(func(a *mail.Attachment) { a.Filename = `c".pdf` }), "attachment filename"},
		{"no type", with(func(a *mail.Attachment) { a.ContentType = "" }), "attachment content type"},
		{"not a type", with(func(a *mail.Attachment) { a.ContentType = "pdf" }), "attachment content type"},
		{"a parameter smuggled in", with(func(a *mail.Attachment) { a.ContentType = "text/plain; name=x.exe" }), "attachment content type"},
		{"empty", with(func(a *mail.Attachment) { a.Data = nil }), "attachment c.pdf"},
		{"too many", []mail.Attachment{pdf, pdf, pdf, pdf, pdf, pdf}, "attachments"},
		{"too large", with(func(a *mail.Attachment) { a.Data = make([]byte, mail.MaxAttachmentBytes+1) }), "attachments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := mail.Message{To: "a@example.test", Subject: "s", Text: "t", Kind: "k", Attachments: tc.as}.Validate()
			var ve valid.Error
			if !errors.As(err, &ve) || ve.Field != tc.field {
				t.Fatalf("got %v, want a refusal of %q", err, tc.field)
			}
		})
	}
	if err := (mail.Message{To: "a@example.test", Subject: "s", Text: "t", Kind: "k",
		Attachments: []mail.Attachment{pdf}}).Validate(); err != nil {
		t.Fatalf("a good attachment refused: %v", err)
	}
}

// TestEraseAddressDeletesAttachments: a certificate names its member as
// much as the body does, so erasing the address takes it too, and leaves
// other people's.
func TestEraseAddressDeletesAttachments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		migrateJobs(t, d)
		// Never started: the mails stay queued.
		down := mail.SMTPConfig{Host: "127.0.0.1", Port: closedPort(t), From: "desk@paper.test", TLS: mail.TLSNone}
		o := mail.NewOutbox(d, newClient(t, d, down), nil)
		att := []mail.Attachment{{Filename: "c.pdf", ContentType: "application/pdf", Data: certificatePDF}}
		var ids []int64
		for _, to := range []string{"Ann <ann@example.test>", "ben@example.test"} {
			id, err := o.Enqueue(ctx, mail.Message{To: to, Subject: "s", Text: "t", Kind: "k", Attachments: att})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		if err := d.InTx(ctx, func(tx *sql.Tx) error { return mail.EraseAddress(ctx, tx, "ann@example.test") }); err != nil {
			t.Fatal(err)
		}
		for i, want := range []int{0, 1} {
			e, err := o.Get(ctx, ids[i])
			if err != nil || len(e.Attachments) != want {
				t.Errorf("mail %d: %v, %d attachments, want %d", i, err, len(e.Attachments), want)
			}
		}
	})
}
