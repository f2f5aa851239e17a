package mail_test

import (
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
	"github.com/coopress/coopress/internal/testwait"
)

func TestEnqueueTxSendsThroughSMTP(t *testing.T) {
	mp := testservers.StartMailpit(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		migrateJobs(t, d)
		c := newClient(t, d, smtpTo(mp))
		o := mail.NewOutbox(d, c, nil)
		start(t, c)

		to := addr(d, "ann")
		var id int64
		err := d.InTx(ctx, func(tx *sql.Tx) error {
			var err error
			id, err = o.EnqueueTx(ctx, tx, mail.Message{
				To: "Ann Lee <" + to + ">", Subject: "Reset your password — coopress",
				Text: "Follow this link:\nhttps://paper.test/reset/abc\n", HTML: "<p>Follow <a href=\"https://paper.test/reset/abc\">this link</a>.</p>",
				Kind: "password_reset",
			})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		got := mp.WaitFor(t, to, 15*time.Second)
		if got.Subject != "Reset your password — coopress" {
			t.Errorf("subject %q", got.Subject)
		}
		if len(got.To) != 1 || got.To[0].Address != to || got.To[0].Name != "Ann Lee" {
			t.Errorf("to %+v", got.To)
		}
		if got.From.Address != "desk@paper.test" || got.From.Name != "The Paper" {
			t.Errorf("from %+v", got.From)
		}
		if !strings.Contains(got.Text, "https://paper.test/reset/abc") || !strings.Contains(got.HTML, `<a href="https://paper.test/reset/abc">`) {
			t.Errorf("bodies: text %q html %q", got.Text, got.HTML)
		}
		h := mp.Headers(t, got.ID)
		if k := h["X-Coopress-Kind"]; len(k) != 1 || k[0] != "password_reset" {
			t.Errorf("X-Coopress-Kind %v", k)
		}
		if !strings.HasPrefix(got.MessageID, "outbox-") || !strings.HasSuffix(got.MessageID, "@paper.test") {
			t.Errorf("Message-ID %q", got.MessageID)
		}
		e := waitEntry(t, o, id, 5*time.Second, func(e mail.Entry) bool { return e.Status == mail.Sent })
		if e.Attempts != 1 || e.SentAt.IsZero() || e.LastError != "" || e.Kind != "password_reset" {
			t.Errorf("entry after send: %+v", e)
		}
		if n := len(mp.To(t, to)); n != 1 {
			t.Errorf("%d mails to %s, want 1", n, to)
		}
	})
}

func TestRolledBackTransactionSendsNothing(t *testing.T) {
	mp := testservers.StartMailpit(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		migrateJobs(t, d)
		c := newClient(t, d, smtpTo(mp))
		o := mail.NewOutbox(d, c, nil)
		start(t, c)

		lost := addr(d, "rolled-back")
		errRollback := errors.New("the change failed")
		err := d.InTx(ctx, func(tx *sql.Tx) error {
			if _, err := o.EnqueueTx(ctx, tx, mail.Message{To: lost, Subject: "never", Text: "never", Kind: "test"}); err != nil {
				t.Fatal(err)
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("InTx: %v", err)
		}
		// A later mail arriving shows the worker ran past where the lost
		// one would have been.
		marker := addr(d, "marker")
		if _, err := o.Enqueue(ctx, mail.Message{To: marker, Subject: "marker", Text: "marker", Kind: "test"}); err != nil {
			t.Fatal(err)
		}
		mp.WaitFor(t, marker, 15*time.Second)
		if n := len(mp.To(t, lost)); n != 0 {
			t.Fatalf("%d mails from a rolled-back transaction", n)
		}
		// No row and no job: nothing is left that could send it later.
		var rows int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM mail_outbox WHERE to_addr = $1`, lost).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if rows != 0 || sendJobs(t, d) != 1 {
			t.Fatalf("%d outbox rows and %d jobs left by the rollback", rows, sendJobs(t, d)-1)
		}
	})
}

func TestDuplicateRefQueuesOneMail(t *testing.T) {
	mp := testservers.StartMailpit(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		migrateJobs(t, d)
		c := newClient(t, d, smtpTo(mp))
		o := mail.NewOutbox(d, c, nil)

		to := addr(d, "donor")
		receipt := func(text string) mail.Message {
			return mail.Message{To: to, Subject: "Thank you", Text: text, Kind: "receipt", Ref: "receipt:ledger:42"}
		}
		first, err := o.Enqueue(ctx, receipt("first"))
		if err != nil {
			t.Fatal(err)
		}
		// Again in a later transaction, and twice in one: a redelivered
		// webhook must not thank the donor twice, nor break its caller's
		// transaction (on PostgreSQL a unique violation would abort it).
		again, err := o.Enqueue(ctx, receipt("second"))
		if err != nil || again != first {
			t.Fatalf("second Enqueue = %d, %v; want %d, nil", again, err, first)
		}
		err = d.InTx(ctx, func(tx *sql.Tx) error {
			for range 2 {
				id, err := o.EnqueueTx(ctx, tx, receipt("third"))
				if err != nil || id != first {
					t.Errorf("EnqueueTx = %d, %v; want %d, nil", id, err, first)
				}
			}
			_, err := tx.ExecContext(ctx, `UPDATE mail_outbox SET kind = kind WHERE id = $1`, first)
			return err // the transaction is still usable
		})
		if err != nil {
			t.Fatal(err)
		}
		// Messages without a Ref never collide with each other.
		for range 2 {
			if _, err := o.Enqueue(ctx, mail.Message{To: addr(d, "noref"), Subject: "s", Text: "t", Kind: "test"}); err != nil {
				t.Fatal(err)
			}
		}
		if n := sendJobs(t, d); n != 3 {
			t.Fatalf("%d send jobs, want 3", n)
		}

		start(t, c)
		got := mp.WaitFor(t, to, 15*time.Second)
		waitEntry(t, o, first, 5*time.Second, func(e mail.Entry) bool { return e.Status == mail.Sent })
		if !strings.Contains(got.Text, "first") {
			t.Errorf("sent %q, want the first message's text", got.Text)
		}
		// All three jobs have now run: only then can "one receipt" fail.
		testwait.Until(t, 15*time.Second, "both mails without a Ref", func() bool {
			return len(mp.To(t, addr(d, "noref"))) >= 2
		})
		if n := len(mp.To(t, to)); n != 1 {
			t.Fatalf("%d receipts sent, want 1", n)
		}
	})
}
