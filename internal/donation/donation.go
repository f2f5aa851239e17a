// Package donation takes one-off gifts through a payment provider: it
// checks a donor's request against the limits, starts the provider's
// checkout, and as the payment Handler for Purpose turns a paid checkout
// into a ledger credit and a refund or dispute into reversals.
//
// Every ledger entry it writes is keyed by the provider's payment (a
// Stripe PaymentIntent, the one id that the checkout, its charge's refunds
// and its disputes all carry) in the format of package payref, so a
// redelivered or reordered event finds what is already done.
package donation

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/payment/payref"
)

// Purpose is the purpose a donation's checkout carries in its metadata,
// which routes its webhooks to this package's handler.
const Purpose = "donation"

// recorder is who the ledger names as recording webhook credits; the fund
// lets only it use the provider's references.
const recorder = fund.ProviderRecorder

// Checkout is the part of the payment adapter donations use.
type Checkout interface {
	CreateCheckout(ctx context.Context, r payment.CheckoutRequest) (url, sessionID string, err error)
}

// Service starts donations and applies their payment events. It is safe
// for concurrent use.
type Service struct {
	db       *db.DB
	fund     *fund.Service
	checkout Checkout // nil when Stripe is not configured
	siteName string
	baseURL  string
	limits   Limits
	now      func() time.Time
	// locks serialises the refunds and disputes of one payment in this
	// process, so two events for one charge cannot each re-record a part.
	locks sync.Map
}

// Option changes a Service's settings at construction.
type Option func(*Service)

// WithLimits sets the range of one online gift (default £1 to £10,000); a
// payment outside it is held for the treasurer, not credited.
func WithLimits(l Limits) Option { return func(s *Service) { s.limits = l.WithDefaults() } }

// WithClock sets the service's clock (time.Now by default).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// New returns the service; checkout may be nil, and then StartDonation
// says payment.ErrNotConfigured. Receipts are the fund's business
// (fund.WithReceipts): every gift with an address gets one.
func New(d *db.DB, f *fund.Service, checkout Checkout, siteName, baseURL string, opts ...Option) *Service {
	s := &Service{db: d, fund: f, checkout: checkout, siteName: siteName, baseURL: strings.TrimRight(baseURL, "/"),
		limits: Limits{}.WithDefaults(), now: time.Now}
	for _, o := range opts {
		o(s)
	}
	return s
}

// StartDonation creates a checkout session for r and returns where to
// send the donor. The donor's details ride in the metadata and come back
// with the webhook; only the session, its amount and currency are stored
// now, before the donor is sent to pay, so that the payment can be
// matched to it (see RememberCheckout).
func (s *Service) StartDonation(ctx context.Context, r Request) (string, error) {
	if s.checkout == nil {
		return "", payment.ErrNotConfigured
	}
	public := "no"
	if r.Public {
		public = "yes"
	}
	if r.Amount.Currency != s.limits.Min.Currency || r.Amount.Minor < s.limits.Min.Minor || r.Amount.Minor > s.limits.Max.Minor {
		return "", fmt.Errorf("donation: %s is outside the online limits %s to %s", r.Amount, s.limits.Min, s.limits.Max)
	}
	url, session, err := s.checkout.CreateCheckout(ctx, payment.CheckoutRequest{
		AmountMinor: r.Amount.Minor, Currency: r.Amount.Currency, Email: r.Email,
		Purpose: Purpose, Description: "Donation to the " + s.siteName + " fighting fund",
		DonateButton: true,
		Metadata: map[string]string{"name": clip(r.Name, maxName), "email": clip(r.Email, maxEmail),
			"town": clip(r.Town, maxTown), "public": public, "message": clip(r.Message, maxMessage)},
		SuccessURL: s.baseURL + "/donate/thanks?session_id={CHECKOUT_SESSION_ID}",
		CancelURL:  s.baseURL + "/donate",
	})
	if err != nil {
		return "", err
	}
	if err := RememberCheckout(ctx, s.db, session, r.Amount, s.now()); err != nil {
		return "", err
	}
	return url, nil
}

// HandlePayment applies one donation event; see payment.Handler.
func (s *Service) HandlePayment(ctx context.Context, ev payment.Event) error {
	if ev.PaymentRef == "" {
		return fmt.Errorf("donation: %s %s names no PaymentIntent", ev.Type, ev.ID)
	}
	// A payment id the ledger could not key its entries by would be
	// retried in vain; say so in the event's note.
	gift, err := payref.GiftOf(ev.PaymentRef).Format()
	if err != nil {
		return fmt.Errorf("donation: %s %s: payment %q: %w", ev.Type, ev.ID, ev.PaymentRef, err)
	}
	switch ev.Kind {
	case payment.Paid:
		return s.credit(ctx, gift, ev)
	case payment.Refunded, payment.Disputed:
		mu, _ := s.locks.LoadOrStore(gift, &sync.Mutex{})
		mu.(*sync.Mutex).Lock()
		defer mu.(*sync.Mutex).Unlock()
		return s.takeBack(ctx, gift, ev)
	}
	return nil
}

// credit records a paid checkout under ref; the fund queues the donor's
// receipt in the same transaction. A redelivery finds the entry there. A
// payment the fund should not take unattended (see held) is held for the
// treasurer instead; a conflicting duplicate is held by the fund itself.
func (s *Service) credit(ctx context.Context, ref string, ev payment.Event) error {
	md := ev.Metadata
	public := md["public"] == "yes"
	e := fund.Entry{
		Amount: money.New(ev.AmountMinor, ev.Currency), Method: fund.Card,
		DonorName: md["name"], DonorEmail: cmp.Or(md["email"], ev.Email), DonorTown: md["town"],
		Public: public, Message: md["message"], ProviderRef: ref,
		ReceivedAt: ev.Created, RecordedBy: recorder,
	}
	if public {
		e.PublicName = e.DonorName
	}
	why, err := s.held(ctx, ev)
	if err != nil {
		return err
	}
	if why != "" {
		_, err := s.fund.Hold(ctx, fund.Hold{Kind: fund.KindHeld, Key: "held:" + ref, Attempted: e,
			Reason: fmt.Sprintf("Stripe event %s: %s", ev.ID, why)})
		return err
	}
	if _, err := s.fund.Record(ctx, e); err != nil && !errors.Is(err, fund.ErrDuplicate) {
		return fmt.Errorf("donation: credit %s: %w", ref, err)
	}
	return nil
}

// errNotCredited makes the job retry a refund or dispute whose payment
// has not been credited yet; the credit's own job is usually a moment
// behind.
var errNotCredited = errors.New("donation: payment not credited yet")

// takeBack posts the reversals a refund or dispute calls for (see
// refund.go for the rule).
func (s *Service) takeBack(ctx context.Context, ref string, ev payment.Event) error {
	orig, err := s.fund.EntryByRef(ctx, ref)
	if errors.Is(err, db.ErrNotFound) {
		return fmt.Errorf("%w: %s (%s %s)", errNotCredited, ref, ev.Type, ev.ID)
	}
	if err != nil {
		return err
	}
	return s.applyRefund(ctx, orig, ev)
}

// clip shortens s to at most n characters, on a character boundary.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
