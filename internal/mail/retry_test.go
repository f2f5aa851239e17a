package mail_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/mail"
	"github.com/coopress/coopress/internal/testservers"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// A mail server that is down costs attempts, not mail: the error is kept,
// the mail stays queued, and it goes once a server answers.
func TestFailingServerIsRetriedUntilItSends(t *testing.T) {
	mp := testservers.StartMailpit(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		migrateJobs(t, d)
		down := smtpTo(mp)
		down.Port = closedPort(t)
		c := newClient(t, d, down)
		o := mail.NewOutbox(d, c, nil)
		to := addr(d, "patient")
		id, err := o.Enqueue(ctx, mail.Message{To: to, Subject: "Receipt", Text: "Thanks", Kind: "receipt", Ref: "r-" + to})
		if err != nil {
			t.Fatal(err)
		}
		stop := start(t, c)
		e := waitEntry(t, o, id, 15*time.Second, func(e mail.Entry) bool { return e.Attempts >= 2 })
		stop()
		if e.Status != mail.Queued || !e.SentAt.IsZero() {
			t.Fatalf("after failures: status %s, sent_at %v", e.Status, e.SentAt)
		}
		if !strings.Contains(e.LastError, "connection refused") {
			t.Errorf("last_error %q does not say why", e.LastError)
		}
		if n := len(mp.To(t, to)); n != 0 {
			t.Fatalf("%d mails while the server was down", n)
		}

		// The same job, picked up by a process configured with a working
		// server (as after an operator fixes COOPRESS_SMTP_*).
		c2 := newClient(t, d, smtpTo(mp))
		start(t, c2)
		mp.WaitFor(t, to, 15*time.Second)
		sent := waitEntry(t, o, id, 5*time.Second, func(e mail.Entry) bool { return e.Status == mail.Sent })
		if sent.Attempts <= e.Attempts || sent.SentAt.IsZero() {
			t.Errorf("after success: attempts %d (was %d), sent_at %v", sent.Attempts, e.Attempts, sent.SentAt)
		}
		if n := sendJobs(t, d); n != 1 {
			t.Errorf("%d send jobs, want the one retried", n)
		}
	})
}

// The final attempt marks the mail failed; Retry queues it again; a job
// for mail already sent sends nothing.
func TestFinalAttemptFailsThenRetrySendsOnce(t *testing.T) {
	mp := testservers.StartMailpit(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		migrateJobs(t, d)
		c := newClient(t, d, smtpTo(mp)) // never started: it only inserts
		o := mail.NewOutbox(d, c, nil)
		to := addr(d, "unlucky")
		id, err := o.Enqueue(ctx, mail.Message{To: to, Subject: "Reset", Text: "link", Kind: "password_reset"})
		if err != nil {
			t.Fatal(err)
		}
		down := smtpTo(mp)
		down.Port = closedPort(t)
		broken, err := mail.NewSendWorker(d, down, mail.WorkerOptions{Log: quiet()})
		if err != nil {
			t.Fatal(err)
		}
		job := func(attempt int) *river.Job[mail.SendArgs] {
			return &river.Job[mail.SendArgs]{
				JobRow: &rivertype.JobRow{ID: 1, Attempt: attempt, MaxAttempts: mail.MaxAttempts},
				Args:   mail.SendArgs{ID: id},
			}
		}
		if err := broken.Work(ctx, job(1)); err == nil {
			t.Fatal("Work succeeded against a closed port")
		}
		if e, _ := o.Get(ctx, id); e.Status != mail.Queued || e.Attempts != 1 {
			t.Fatalf("after a failed attempt: %s, %d attempts", e.Status, e.Attempts)
		}
		if err := o.Retry(ctx, id); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("Retry of queued mail: %v, want ErrNotFound", err)
		}
		if err := broken.Work(ctx, job(mail.MaxAttempts)); err == nil {
			t.Fatal("final Work succeeded against a closed port")
		}
		e, _ := o.Get(ctx, id)
		if e.Status != mail.Failed || e.Attempts != 2 || e.LastError == "" {
			t.Fatalf("after the final attempt: %+v", e)
		}

		if err := o.Retry(ctx, id); err != nil {
			t.Fatal(err)
		}
		if e, _ := o.Get(ctx, id); e.Status != mail.Queued || sendJobs(t, d) != 2 {
			t.Fatalf("after Retry: %s with %d jobs", e.Status, sendJobs(t, d))
		}
		good, err := mail.NewSendWorker(d, smtpTo(mp), mail.WorkerOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for range 3 { // a job retried after "sent" was recorded sends nothing
			if err := good.Work(ctx, job(1)); err != nil {
				t.Fatal(err)
			}
		}
		mp.WaitFor(t, to, 5*time.Second)
		if e, _ := o.Get(ctx, id); e.Status != mail.Sent || e.Attempts != 3 {
			t.Fatalf("after sending: %s, %d attempts", e.Status, e.Attempts)
		}
		// A later mail through the same worker arriving shows the three
		// jobs before it are through the mail server too.
		marker := addr(d, "marker")
		markerID, err := o.Enqueue(ctx, mail.Message{To: marker, Subject: "marker", Text: "marker", Kind: "test"})
		if err != nil {
			t.Fatal(err)
		}
		if err := good.Work(ctx, &river.Job[mail.SendArgs]{
			JobRow: &rivertype.JobRow{ID: 2, Attempt: 1, MaxAttempts: mail.MaxAttempts}, Args: mail.SendArgs{ID: markerID},
		}); err != nil {
			t.Fatal(err)
		}
		mp.WaitFor(t, marker, 5*time.Second)
		if n := len(mp.To(t, to)); n != 1 {
			t.Fatalf("%d mails sent, want 1", n)
		}
	})
}

// A job whose row is gone is cancelled rather than retried for hours.
func TestMissingRowCancelsJob(t *testing.T) {
	d := dbtest.SQLite(t)
	w, err := mail.NewSendWorker(d, mail.SMTPConfig{Host: "127.0.0.1", Port: 25, From: "a@b.test", TLS: mail.TLSNone}, mail.WorkerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	err = w.Work(context.Background(), &river.Job[mail.SendArgs]{
		JobRow: &rivertype.JobRow{Attempt: 1, MaxAttempts: 10}, Args: mail.SendArgs{ID: 999},
	})
	var cancel *river.JobCancelError
	if !errors.As(err, &cancel) || !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("Work on a missing row: %v, want a cancelled ErrNotFound", err)
	}
}

// A configured login is used; mailpit accepts any, and records it.
func TestSendsWithLogin(t *testing.T) {
	mp := testservers.StartMailpit(t)
	d := dbtest.SQLite(t)
	migrateJobs(t, d)
	o := mail.NewOutbox(d, newClient(t, d, smtpTo(mp)), nil)
	id, err := o.Enqueue(context.Background(), mail.Message{To: "login@example.test", Subject: "s", Text: "t", Kind: "test"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := smtpTo(mp)
	cfg.Username, cfg.Password = "desk", "pw"
	w, err := mail.NewSendWorker(d, cfg, mail.WorkerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	job := &river.Job[mail.SendArgs]{JobRow: &rivertype.JobRow{Attempt: 1, MaxAttempts: 10}, Args: mail.SendArgs{ID: id}}
	if err := w.Work(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	mp.WaitFor(t, "login@example.test", 5*time.Second)
	if got := mp.To(t, "login@example.test"); len(got) != 1 || got[0].Username != "desk" {
		t.Fatalf("sent as %+v, want user desk", got)
	}
}
