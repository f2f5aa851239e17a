package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/browsertest"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/jobs"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/payment/paymenttest"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/testwait"
)

// startPaymentWorker runs the payment worker's River jobs on d for
// handlers, as serve does, so webhooks the harness's intake stores are
// applied.
func startPaymentWorker(t *testing.T, d *db.DB, handlers payment.Handlers) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	w := jobs.NewWorkers()
	river.AddWorker(w, payment.NewWorker(d, handlers, log,
		payment.WorkerOptions{Backoff: func(int) time.Duration { return 50 * time.Millisecond }}))
	c, err := jobs.NewClient(d, log, w, jobs.Options{PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = c.Stop(ctx)
	})
}

// TestShareJourney is issue 11's journey in Chromium: a signed-in reader
// applies for shares on /shares and chooses to pay by card (the checkout
// is made at stripe-mock); Stripe's signed webhook arrives at the site's
// endpoint and the payment worker marks the application paid; the
// secretary approves it on its page; the new member opens their
// membership page and downloads a certificate that parses as a PDF and
// names them, their holding and their membership number.
func TestShareJourney(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	var soc *society.Service
	h := newHarness(t, d, withStaff(), withDonations(nil), withSociety(t, d, &soc))
	startPaymentWorker(t, d, payment.Handlers{society.PaymentPurpose: soc})
	reader := h.persona(t, account.Reader)
	signInAs := func(b *browsertest.Browser, token string) {
		b.Navigate(h.http.URL + "/signin")
		browsertest.Eval[bool](b, `document.cookie = "coopress_session=`+token+`; path=/"; true`)
	}

	// The reader applies for 150 shares, paying by card. The form sends
	// their browser on to Stripe's hosted page, which cannot load here.
	b := browsertest.New(t)
	signInAs(b, reader.token)
	if status := b.Navigate(h.http.URL + "/shares"); status != http.StatusOK {
		t.Fatalf("/shares: %d", status)
	}
	browsertest.Eval[bool](b, `document.querySelector('#apply-shares').value = '150';
		document.querySelector('#apply-name').value = 'Rita Reader';
		document.querySelector('#apply-address').value = '12 Mill Lane\nHebden Bridge';
		document.querySelector('#apply-pay_by-card').checked = true;
		document.querySelector('form.donate-form').submit(); true`)
	var app society.Application
	if !testwait.For(10*time.Second, func() bool {
		apps, err := soc.Applications(ctx)
		if err != nil || len(apps) != 1 || len(apps[0].Events) == 0 {
			return false
		}
		app = apps[0]
		return app.Events[len(app.Events)-1].Kind == society.EventCheckout
	}) {
		t.Fatal("the application with its checkout was not stored")
	}
	if app.AccountID != reader.account.ID || app.Shares != 150 {
		t.Fatalf("application %+v: not the signed-in reader's 150 shares", app)
	}

	// Stripe's hosted page is not reachable from here; what counts is the
	// signed webhook that says the checkout is paid.
	body := paymenttest.Event("evt_journey", "checkout.session.completed", testStart, map[string]any{
		"id": app.Events[len(app.Events)-1].Reference, "object": "checkout.session", "payment_intent": "pi_journey",
		"payment_status": "paid", "amount_total": 150_00, "currency": "gbp", "mode": "payment",
		"metadata": map[string]string{"purpose": society.PaymentPurpose, "application": strconv.FormatInt(app.ID, 10)}})
	hook, err := http.NewRequest("POST", h.http.URL+"/webhooks/stripe", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	hook.Header.Set("Content-Type", "application/json")
	hook.Header.Set("Stripe-Signature", paymenttest.Sign(body, hookSecret, time.Now()))
	res, err := http.DefaultClient.Do(hook)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("webhook: %v %v", res, err)
	}
	res.Body.Close()
	if !testwait.For(15*time.Second, func() bool {
		a, err := soc.Application(ctx, app.ID)
		return err == nil && a.Status() == society.Paid
	}) {
		t.Fatal("the webhook did not mark the application paid")
	}

	// The secretary approves it on its page, in their own browser.
	sec := browsertest.New(t)
	signInAs(sec, h.as(t, account.Secretary))
	page := h.http.URL + "/admin/register/applications/" + strconv.FormatInt(app.ID, 10)
	if status := sec.Navigate(page); status != http.StatusOK {
		t.Fatalf("the application's page: %d", status)
	}
	browsertest.Eval[bool](sec, `document.querySelector('#approve').click(); true`)
	if !testwait.For(10*time.Second, func() bool {
		a, err := soc.Application(ctx, app.ID)
		return err == nil && a.Status() == society.Approved
	}) {
		t.Fatal("the approval did not go through")
	}
	m, err := soc.MemberOf(ctx, reader.account.ID)
	if err != nil {
		t.Fatalf("the reader is not linked to a member: %v", err)
	}

	// The new member, still signed in, downloads their certificate.
	if status := b.Navigate(h.http.URL + "/account/membership"); status != http.StatusOK {
		t.Fatalf("/account/membership: %d", status)
	}
	number := strconv.FormatInt(m.Number, 10)
	if text := browsertest.Eval[string](b, `document.querySelector('main').innerText`); !strings.Contains(text, number) || !strings.Contains(text, "150") {
		t.Fatalf("the membership page does not show number %s and 150 shares:\n%s", number, text)
	}
	link := browsertest.Eval[string](b, `(document.querySelector('a[href$="certificate.pdf"]') || {}).href || ''`)
	if link == "" {
		t.Fatal("the membership page has no link to the certificate")
	}
	encoded := browsertest.Eval[string](b, `fetch(`+strconv.Quote(link)+`).then(r => r.arrayBuffer()).then(buf => {
		let s = ''; new Uint8Array(buf).forEach(c => s += String.fromCharCode(c)); return btoa(s); })`)
	pdf, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		t.Fatal(err)
	}
	text := readPDF(t, string(pdf))
	for _, want := range []string{"Rita Reader", "member number " + number + ", holds 150 withdrawable shares"} {
		if !strings.Contains(text, want) {
			t.Errorf("the certificate does not name %q:\n%s", want, text)
		}
	}
}
