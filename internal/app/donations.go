package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/web"
	"github.com/riverqueue/river"
)

// DonationPurpose is the purpose a donation's checkout carries in its
// metadata, which routes its webhooks to the Donations handler.
const DonationPurpose = "donation"

// donationRecorder is who the ledger names as recording webhook credits.
const donationRecorder = "stripe webhook"

// Checkout is the part of the payment adapter donations use.
type Checkout interface {
	CreateCheckout(ctx context.Context, r payment.CheckoutRequest) (url, sessionID string, err error)
}

// Donations joins payments to the fund: it starts a donation's checkout
// for the web server, and as the payment Handler for DonationPurpose it
// turns a paid checkout into a ledger credit, and a refund or dispute into
// a reversal.
//
// Every ledger entry it writes is keyed by the Stripe PaymentIntent id,
// the one id that the checkout, its charge's refunds and its disputes all
// carry, so a redelivered or reordered event finds what is already done.
type Donations struct {
	fund     *fund.Service
	checkout Checkout // nil when Stripe is not configured
	siteName string
	baseURL  string
	log      *slog.Logger
	// locks serialises the refunds and disputes of one payment in this
	// process, so two events for one charge cannot each re-record a part.
	locks sync.Map
}

// NewDonations returns the glue; checkout may be nil. Receipts are the
// fund's business (fund.WithReceipts): every gift with an address gets one.
func NewDonations(f *fund.Service, checkout Checkout, siteName, baseURL string, log *slog.Logger) *Donations {
	return &Donations{fund: f, checkout: checkout, siteName: siteName, baseURL: strings.TrimRight(baseURL, "/"), log: log}
}

// StartDonation creates a Stripe Checkout session for r and returns where
// to send the donor. The donor's details ride in the metadata and come
// back with the webhook; nothing is stored until Stripe says it is paid.
func (d *Donations) StartDonation(ctx context.Context, r web.DonationRequest) (string, error) {
	if d.checkout == nil {
		return "", payment.ErrNotConfigured
	}
	public := "no"
	if r.Public {
		public = "yes"
	}
	url, _, err := d.checkout.CreateCheckout(ctx, payment.CheckoutRequest{
		AmountMinor: r.Amount.Minor, Currency: r.Amount.Currency, Email: r.Email,
		Purpose: DonationPurpose, Description: "Donation to the " + d.siteName + " fighting fund",
		DonateButton: true,
		Metadata: map[string]string{"name": clip(r.Name, 200), "email": clip(r.Email, 200),
			"town": clip(r.Town, 200), "public": public, "message": clip(r.Message, 500)},
		SuccessURL: d.baseURL + "/donate/thanks?session_id={CHECKOUT_SESSION_ID}",
		CancelURL:  d.baseURL + "/donate",
	})
	return url, err
}

// HandlePayment applies one donation event; see payment.Handler.
func (d *Donations) HandlePayment(ctx context.Context, ev payment.Event) error {
	if ev.PaymentRef == "" {
		return fmt.Errorf("donations: %s %s names no PaymentIntent", ev.Type, ev.ID)
	}
	switch ev.Kind {
	case payment.Paid:
		return d.credit(ctx, ev)
	case payment.Refunded, payment.Disputed:
		mu, _ := d.locks.LoadOrStore(ev.PaymentRef, &sync.Mutex{})
		mu.(*sync.Mutex).Lock()
		defer mu.(*sync.Mutex).Unlock()
		return d.takeBack(ctx, ev)
	}
	return nil
}

// credit records a paid checkout; the fund queues the donor's receipt in
// the same transaction. A redelivery finds the entry already there.
func (d *Donations) credit(ctx context.Context, ev payment.Event) error {
	md := ev.Metadata
	public := md["public"] == "yes"
	e := fund.Entry{
		Amount: money.New(ev.AmountMinor, ev.Currency), Method: fund.Card,
		DonorName: md["name"], DonorEmail: cmp.Or(md["email"], ev.Email), DonorTown: md["town"],
		Public: public, Message: md["message"], ProviderRef: ev.PaymentRef,
		ReceivedAt: ev.Created, RecordedBy: donationRecorder,
	}
	if public {
		e.PublicName = e.DonorName
	}
	if _, err := d.fund.Record(ctx, e); err != nil && !errors.Is(err, fund.ErrDuplicate) {
		return fmt.Errorf("donations: credit %s: %w", ev.PaymentRef, err)
	}
	return nil
}

// errNotCredited makes River retry a refund or dispute whose payment has
// not been credited yet; the credit's own job is usually a moment behind.
var errNotCredited = errors.New("donations: payment not credited yet")

// takeBack posts the reversals a refund or dispute calls for (see
// refunds.go for the rule).
func (d *Donations) takeBack(ctx context.Context, ev payment.Event) error {
	orig, err := d.fund.EntryByRef(ctx, ev.PaymentRef)
	if errors.Is(err, db.ErrNotFound) {
		return fmt.Errorf("%w: %s (%s %s)", errNotCredited, ev.PaymentRef, ev.Type, ev.ID)
	}
	if err != nil {
		return err
	}
	return d.applyRefund(ctx, orig, ev)
}

// clip shortens s to at most n characters, on a character boundary.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// payments is the money path as the server runs it.
type payments struct {
	starter web.DonationStarter // nil without a Stripe secret key
	intake  web.WebhookReceiver // nil without a webhook secret
	payouts web.PayoutLister    // nil without a Stripe secret key
	limits  web.DonationLimits
}

// setupPayments builds the donation glue and registers the payment worker
// with jobs; the Stripe parts are left out (and the site says so) when
// their secrets are not configured. Secrets go into the adapters only.
func setupPayments(cfg *Config, d *db.DB, f *fund.Service, jr *jobRunner, log *slog.Logger) (payments, error) {
	p := payments{limits: web.DonationLimits{Min: cfg.donationMin, Max: cfg.donationMax}}
	var checkout Checkout
	if cfg.StripeSecretKey != "" {
		s, err := payment.NewStripe(payment.StripeConfig{SecretKey: cfg.StripeSecretKey, APIURL: cfg.StripeAPIURL, MaxNetworkRetries: 2})
		if err != nil {
			return p, err
		}
		checkout, p.payouts = s, s
	}
	dn := NewDonations(f, checkout, cfg.SiteName, cfg.BaseURL, log)
	if checkout != nil {
		p.starter = dn
	}
	w := payment.NewWorker(d, payment.Handlers{DonationPurpose: dn}, log, payment.WorkerOptions{})
	if err := river.AddWorkerSafely(jr.Workers(), w); err != nil {
		return p, fmt.Errorf("register payment worker: %w", err)
	}
	if cfg.StripeWebhookSecret != "" {
		in, err := payment.NewIntake(d, jr, cfg.StripeWebhookSecret, nil)
		if err != nil {
			return p, err
		}
		p.intake = in
	}
	log.Info("online donations", "checkout", checkout != nil, "webhooks", p.intake != nil,
		"min", cfg.donationMin.Format(), "max", cfg.donationMax.Format())
	return p, nil
}

// validateDonations parses the donation limits for Config.Validate.
func (c *Config) validateDonations() error {
	var err1, err2 error
	c.donationMin, err1 = money.Parse(cmp.Or(c.DonationMin, "1"), money.DefaultCurrency)
	c.donationMax, err2 = money.Parse(cmp.Or(c.DonationMax, "10000"), money.DefaultCurrency)
	switch {
	case err1 != nil:
		return fmt.Errorf("donation-min: %w", err1)
	case err2 != nil:
		return fmt.Errorf("donation-max: %w", err2)
	case c.donationMax.Minor < c.donationMin.Minor:
		return errors.New("donation-max is less than donation-min")
	}
	return nil
}
