package app

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/testservers"
	"github.com/coopress/coopress/internal/testwait"
)

// TestReceiptsReachDonorsByEveryChannel runs a real server with SMTP
// pointed at a real mailpit, then gives twice: online (a signed Stripe
// webhook) and by cheque from the command line's code path in another
// connection. Each donor with an address gets one receipt, sent by the
// server's durable mail worker.
func TestReceiptsReachDonorsByEveryChannel(t *testing.T) {
	mp := testservers.StartMailpit(t)
	dir := t.TempDir()
	cfg := Config{DataDir: dir, Addr: "127.0.0.1:0", SiteName: "The Daily Co-op", StripeWebhookSecret: testWebhookSecret,
		SMTP: SMTPSettings{Host: mp.SMTPHost(), Port: strconv.Itoa(mp.SMTPPort()), From: "fund@paper.test", TLS: "none"}}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, &cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), ready) }()
	t.Cleanup(func() { cancel(); <-done })
	var base string
	select {
	case addr := <-ready:
		base = "http://" + addr
	case err := <-done:
		t.Fatal(err)
	}

	// Online: Stripe says a checkout was paid.
	body := paidSession("evt_receipt_1", "pi_receipt_1", 2500, map[string]string{"email": "online@example.org", "name": "Ada"})
	d, err := db.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	started(t, d, body)
	if st, err := deliverTo(base, body, signed(body, time.Now())); err != nil || st != 200 {
		t.Fatalf("webhook: %d %v", st, err)
	}
	// By post: the treasurer records a cheque from the command line.
	opts, err := CommandReceipts(d, &cfg)
	if err != nil || len(opts) == 0 {
		t.Fatalf("receipts option: %d, %v", len(opts), err)
	}
	svc := fund.New(d, cfg.Location, time.Now, opts...)
	if _, err := svc.Record(ctx, fund.Entry{Amount: money.Major(20, "GBP"), Method: fund.Cheque, DonorName: "J Smith",
		DonorEmail: "post@example.org", RecordedBy: "test"}); err != nil {
		t.Fatal(err)
	}
	// A gift without an address gets no receipt, and costs nothing.
	if _, err := svc.Record(ctx, fund.Entry{Amount: money.Major(5, "GBP"), Method: fund.Cash, RecordedBy: "test"}); err != nil {
		t.Fatal(err)
	}

	for to, want := range map[string][]string{
		"online@example.org": {"Thank you, Ada.", "£25", "by card", "pi_receipt_1"},
		"post@example.org":   {"Thank you, J Smith.", "£20", "by cheque"},
	} {
		m := mp.WaitFor(t, to, 15*time.Second)
		if m.Subject != "Your gift to The Daily Co-op" {
			t.Errorf("%s: subject %q", to, m.Subject)
		}
		for _, w := range want {
			if !strings.Contains(m.Text, w) {
				t.Errorf("%s: receipt lacks %q:\n%s", to, w, m.Text)
			}
		}
	}
	// Stripe delivers again: no second receipt.
	if st, err := deliverTo(base, body, signed(body, time.Now())); err != nil || st != 200 {
		t.Fatalf("redelivery: %d %v", st, err)
	}
	// A later gift's receipt arriving, and then no job left waiting, show
	// that the redelivery has been through the whole path: only now can
	// "still one receipt" fail if it sent another.
	marker := paidSession("evt_receipt_2", "pi_receipt_2", 500, map[string]string{"email": "marker@example.org", "name": "Mo"})
	started(t, d, marker)
	if st, err := deliverTo(base, marker, signed(marker, time.Now())); err != nil || st != 200 {
		t.Fatalf("marker webhook: %d %v", st, err)
	}
	mp.WaitFor(t, "marker@example.org", 15*time.Second)
	testwait.Until(t, 15*time.Second, "an empty job queue", func() bool {
		var waiting int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM river_job
			WHERE state NOT IN ('completed', 'cancelled', 'discarded')`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		return waiting == 0
	})
	if n := len(mp.To(t, "online@example.org")); n != 1 {
		t.Fatalf("%d receipts to the online donor, want 1", n)
	}
}
