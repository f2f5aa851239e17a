package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/mail"
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

// ReceiptQueue queues a donor's receipt; *mail.Outbox is one. Its Ref makes
// a second call for the same entry harmless.
type ReceiptQueue interface {
	Enqueue(ctx context.Context, m mail.Message) (int64, error)
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
	receipts ReceiptQueue
	siteName string
	baseURL  string
	log      *slog.Logger
	// locks serialises the refunds and disputes of one payment in this
	// process, so two events for one charge cannot each re-record a part.
	locks sync.Map
}

// NewDonations returns the glue; checkout and receipts may be nil.
func NewDonations(f *fund.Service, checkout Checkout, receipts ReceiptQueue, siteName, baseURL string, log *slog.Logger) *Donations {
	return &Donations{fund: f, checkout: checkout, receipts: receipts, siteName: siteName,
		baseURL: strings.TrimRight(baseURL, "/"), log: log}
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

// credit records a paid checkout, then queues the receipt. A redelivery,
// or a retry after a crash between the two, finds the entry already there
// (ErrDuplicate) and queues the receipt again, which its Ref makes a no-op.
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
	entry, err := d.fund.Record(ctx, e)
	if err != nil && !errors.Is(err, fund.ErrDuplicate) {
		return fmt.Errorf("donations: credit %s: %w", ev.PaymentRef, err)
	}
	return d.queueReceipt(ctx, entry)
}

func (d *Donations) queueReceipt(ctx context.Context, e fund.Entry) error {
	if d.receipts == nil || e.DonorEmail == "" {
		return nil
	}
	greeting := "Thank you"
	if e.DonorName != "" {
		greeting += ", " + e.DonorName
	}
	text := fmt.Sprintf("%s.\n\nWe have received your donation of %s to the %s fighting fund on %s.\n"+
		"It was paid by card through Stripe; your reference is %s.\n\nEvery pound keeps the paper "+
		"owned by its readers.\n\n%s\n%s\n", greeting, e.Amount.Format(), d.siteName,
		e.ReceivedAt.In(d.fund.Location()).Format("2 January 2006"), e.ProviderRef, d.siteName, d.baseURL)
	_, err := d.receipts.Enqueue(ctx, mail.Message{To: e.DonorEmail, Subject: "Your donation to " + d.siteName,
		Text: text, Kind: "receipt", Ref: "receipt:" + strconv.FormatInt(e.ID, 10)})
	var invalid mail.ValidationError
	if errors.As(err, &invalid) {
		// A donor's odd address must not hold up the ledger; say so once.
		d.log.Warn("donation receipt not queued", "entry", e.ID, "err", err)
		return nil
	}
	return err
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
	limits  web.DonationLimits
}

// setupPayments builds the donation glue and registers the payment worker
// with jobs; the Stripe parts are left out (and the site says so) when
// their secrets are not configured. Secrets go into the adapters only.
func setupPayments(cfg *Config, d *db.DB, f *fund.Service, jr *jobRunner, receipts ReceiptQueue, log *slog.Logger) (payments, error) {
	p := payments{limits: web.DonationLimits{Min: cfg.donationMin, Max: cfg.donationMax}}
	var checkout Checkout
	if cfg.StripeSecretKey != "" {
		s, err := payment.NewStripe(payment.StripeConfig{SecretKey: cfg.StripeSecretKey, APIURL: cfg.StripeAPIURL, MaxNetworkRetries: 2})
		if err != nil {
			return p, err
		}
		checkout = s
	}
	dn := NewDonations(f, checkout, receipts, cfg.SiteName, cfg.BaseURL, log)
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
		"receipts", receipts != nil, "min", cfg.donationMin.Format(), "max", cfg.donationMax.Format())
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

// setupReceipts registers the mail worker and returns the outbox donors'
// receipts go through, when the operator has named an SMTP host
// (COOPRESS_SMTP_HOST). Without one no receipts are queued, rather than
// filling the outbox with failures to reach a relay that is not there.
func setupReceipts(d *db.DB, jr *jobRunner, log *slog.Logger) (ReceiptQueue, error) {
	if os.Getenv(mail.EnvSMTPHost) == "" {
		return nil, nil
	}
	smtp, err := mail.SMTPConfigFromEnv()
	if err != nil {
		return nil, err
	}
	if err := mail.RegisterWorkers(jr.Workers(), d, smtp, mail.WorkerOptions{Log: log}); err != nil {
		return nil, err
	}
	return mail.NewOutbox(d, jr, nil), nil
}
