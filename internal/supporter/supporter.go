package supporter

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/mail"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment"
)

// Purpose is the purpose a supporter's checkout and subscription carry in
// their metadata, which routes their webhooks to this package's handler.
const Purpose = "supporter"

// recorder is who the ledger names as recording a supporter's payment;
// the fund lets only it use the provider's references.
const recorder = fund.ProviderRecorder

// Provider is the part of the payment adapter (payment.Stripe) that
// supporters use.
type Provider interface {
	CreatePlan(ctx context.Context, r payment.PlanRequest) (productID, priceID string, err error)
	CreateSubscriptionCheckout(ctx context.Context, r payment.SubscriptionCheckoutRequest) (url, sessionID string, err error)
	Subscription(ctx context.Context, id string) (payment.SubscriptionState, error)
	ChangeSubscriptionPrice(ctx context.Context, id string, p payment.Price) (payment.SubscriptionState, error)
	PauseSubscription(ctx context.Context, id string) (payment.SubscriptionState, error)
	ResumeSubscription(ctx context.Context, id string) (payment.SubscriptionState, error)
	CancelSubscription(ctx context.Context, id string) (payment.SubscriptionState, error)
	InvoicePaymentIntent(ctx context.Context, invoiceID string) (string, error)
	ChargeInvoice(ctx context.Context, chargeID, paymentIntent string) (string, error)
}

// Mailer queues mail in the caller's transaction; *mail.Outbox is one.
type Mailer interface {
	EnqueueTx(ctx context.Context, tx *sql.Tx, m mail.Message) (int64, error)
}

// Status is where a subscription stands.
type Status string

// The statuses of a subscription.
const (
	// Pending: the reader was sent to the provider's checkout and has not
	// finished, or the provider has not told us yet.
	Pending Status = "pending"
	// Active: payments are being collected.
	Active Status = "active"
	// Paused: the reader paused collection; nothing is taken until resumed.
	Paused Status = "paused"
	// Failing: the last payment failed and the provider is retrying.
	Failing Status = "failing"
	// Lapsed: the provider gave up collecting; the support has ended.
	Lapsed Status = "lapsed"
	// Cancelled: the reader (or the treasurer) ended it.
	Cancelled Status = "cancelled"
)

// Method is how a supporter pays, as the subscriptions table names it.
type Method string

// The methods a subscription can pay by.
const (
	Card        Method = "card"
	DirectDebit Method = "direct-debit"
)

// ledgerMethod is the fund's method for a supporter's payment by m.
func (m Method) ledgerMethod() fund.Method {
	if m == DirectDebit {
		return fund.DirectDebit
	}
	return fund.Supporter
}

// methodOf turns the provider's payment method type into ours; "" when
// the provider did not say.
func methodOf(providerType string) Method {
	switch providerType {
	case "bacs_debit":
		return DirectDebit
	case "":
		return ""
	}
	return Card
}

// ErrNotYours refuses an action on a subscription by someone other than
// its owner.
var ErrNotYours = errors.New("supporter: that subscription belongs to someone else")

// Limits bound a plan's amount, and what a reader may choose on an
// any-amount plan; both are in the site's currency.
type Limits struct {
	Min, Max money.Money
}

// WithDefaults fills unset limits: £1 to £1,000 a payment.
func (l Limits) WithDefaults() Limits {
	if l.Min.Currency == "" {
		l.Min = money.Major(1, money.DefaultCurrency)
	}
	if l.Max.Currency == "" {
		l.Max = money.Major(1000, l.Min.Currency)
	}
	return l
}

// Service keeps plans and subscriptions and applies their payment events.
// It is safe for concurrent use.
type Service struct {
	db       *db.DB
	fund     *fund.Service
	provider Provider // nil when Stripe is not configured
	mail     Mailer   // nil: no mail is sent
	refunds  payment.Handler
	siteName string
	baseURL  string
	limits   Limits
	now      func() time.Time
	// columnThanks: supporters may be thanked in the fund column.
	columnThanks bool
}

// Option changes a Service's settings at construction.
type Option func(*Service)

// WithLimits sets the range of a plan's amount (default £1 to £1,000).
func WithLimits(l Limits) Option { return func(s *Service) { s.limits = l.WithDefaults() } }

// WithClock sets the service's clock (time.Now by default).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithMail sends the failed-payment and lapsed mails through m.
func WithMail(m Mailer) Option { return func(s *Service) { s.mail = m } }

// WithRefunds hands refunds and disputes of supporters' payments to h:
// the fund's refund rule has one home, the donation handler, which finds
// the ledger entry by the payment whatever it was for.
func WithRefunds(h payment.Handler) Option { return func(s *Service) { s.refunds = h } }

// New returns the service; provider may be nil, and then what needs
// Stripe says payment.ErrNotConfigured.
func New(d *db.DB, f *fund.Service, provider Provider, siteName, baseURL string, opts ...Option) *Service {
	s := &Service{db: d, fund: f, provider: provider, siteName: siteName,
		baseURL: strings.TrimRight(baseURL, "/"), limits: Limits{}.WithDefaults(), now: time.Now}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Limits returns the service's limits, for forms that state them.
func (s *Service) Limits() Limits { return s.limits }

// DirectDebitOffered says whether joining offers Bacs Direct Debit, which
// Stripe takes in pounds only; the join page shows the Guarantee then.
func (s *Service) DirectDebitOffered() bool { return s.limits.Min.Currency == "GBP" }
