package society

import (
	"context"
	"database/sql"
	"strings"

	"github.com/coopress/coopress/internal/mail"
	"github.com/coopress/coopress/internal/payment"
)

// PaymentPurpose is the purpose a share checkout carries, which routes
// its webhooks to the society (HandlePayment) and never to the fund.
const PaymentPurpose = "shares"

// Checkout starts a provider's checkout for a payment; the payment
// adapter is one.
type Checkout interface {
	CreateCheckout(ctx context.Context, r payment.CheckoutRequest) (url, sessionID string, err error)
}

// Refunder returns a card payment through the provider; key makes a
// retried request return the same refund rather than a second one.
type Refunder interface {
	Refund(ctx context.Context, paymentRef string, amountMinor int64, key string) (refundID string, err error)
}

// Mailer queues a mail in the transaction of the change it tells of; the
// mail outbox is one.
type Mailer interface {
	EnqueueTx(ctx context.Context, tx *sql.Tx, m mail.Message) (int64, error)
}

// appDeps are the outside services applications use; each may be nil.
type appDeps struct {
	checkout Checkout
	refunder Refunder
	mail     Mailer
	name     string // the society's name, for mail
	site     string // the site's name
	baseURL  string
}

// Option sets what applications need beyond the database.
type Option func(*Service)

// WithPayments lets applicants pay by card through checkout and the
// secretary refund a rejected card payment through refunder.
func WithPayments(checkout Checkout, refunder Refunder) Option {
	return func(s *Service) { s.apps.checkout, s.apps.refunder = checkout, refunder }
}

// WithMail sends applicants their confirmation or refusal through m.
func WithMail(m Mailer) Option { return func(s *Service) { s.apps.mail = m } }

// WithSite names the society and the site in mail, and gives the address
// the checkout returns to.
func WithSite(society, site, baseURL string) Option {
	return func(s *Service) {
		s.apps.name, s.apps.site, s.apps.baseURL = society, site, strings.TrimRight(baseURL, "/")
	}
}

// CardPayments reports whether applicants can pay by card here.
func (s *Service) CardPayments() bool { return s.apps.checkout != nil }
