package mail_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/jobs"
	"github.com/coopress/coopress/internal/mail"
	"github.com/coopress/coopress/internal/testservers"
	"github.com/coopress/coopress/internal/testwait"
)

// quiet discards River's and the worker's logs; failures show through the
// outbox rows the tests check.
func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func smtpTo(mp *testservers.Mailpit) mail.SMTPConfig {
	return mail.SMTPConfig{
		Host: mp.SMTPHost(), Port: mp.SMTPPort(),
		From: "The Paper <desk@paper.test>", TLS: mail.TLSNone,
	}
}

// closedPort is a loopback port nothing listens on, for an SMTP server that
// is down.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// fastRetry retries in milliseconds instead of River's seconds-to-hours.
func fastRetry(int) time.Duration { return 30 * time.Millisecond }

// migrateJobs creates River's tables on d.
func migrateJobs(t *testing.T, d *db.DB) {
	t.Helper()
	if err := jobs.Migrate(context.Background(), d); err != nil {
		t.Fatal(err)
	}
}

// newClient builds a River client whose mail worker sends through cfg. It
// is not started, so tests can enqueue first; start runs it until the test
// ends or stop is called.
func newClient(t *testing.T, d *db.DB, cfg mail.SMTPConfig) *jobs.Client {
	t.Helper()
	w := jobs.NewWorkers()
	if err := mail.RegisterWorkers(w, d, cfg, mail.WorkerOptions{Log: quiet(), RetryDelay: fastRetry}); err != nil {
		t.Fatal(err)
	}
	c, err := jobs.NewClient(d, quiet(), w, jobs.Options{PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func start(t *testing.T, c *jobs.Client) (stop func()) {
	t.Helper()
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = c.Stop(ctx)
		}
	}
	t.Cleanup(stop)
	return stop
}

// waitEntry polls the outbox row until ok accepts it.
func waitEntry(t *testing.T, o *mail.Outbox, id int64, timeout time.Duration, ok func(mail.Entry) bool) mail.Entry {
	t.Helper()
	var e mail.Entry
	if !testwait.For(timeout, func() bool {
		var err error
		if e, err = o.Get(context.Background(), id); err != nil {
			t.Fatal(err)
		}
		return ok(e)
	}) {
		t.Fatalf("outbox %d still %s after %s (attempts %d, last error %q)", id, e.Status, timeout, e.Attempts, e.LastError)
	}
	return e
}

// sendJobs counts the mail jobs River holds, in any state.
func sendJobs(t *testing.T, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(),
		`SELECT COUNT(*) FROM river_job WHERE kind = $1`, mail.SendArgs{}.Kind()).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// addr makes a recipient unique to one engine's run, since both share one
// mailpit.
func addr(d *db.DB, name string) string { return name + "." + string(d.Dialect()) + "@example.test" }
