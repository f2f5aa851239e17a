package app

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/donation"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/mail"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/supporter"
	"github.com/coopress/coopress/internal/web"
	"github.com/riverqueue/river"
)

// payments is the money path as the server runs it.
type payments struct {
	starter web.DonationStarter // nil without a Stripe secret key
	intake  web.WebhookReceiver // nil without a webhook secret
	payouts web.PayoutLister    // nil without a Stripe secret key
	limits  donation.Limits
	// supporters keeps plans and subscriptions; it always exists (its
	// pages say when Stripe is not configured).
	supporters *supporter.Service
	// society keeps members, shares and applications, and applies the
	// card payments for shares (purpose society.PaymentPurpose); nil
	// when the share rules are not valid.
	society *society.Service
}

// setupPayments builds the donation and supporter services and registers
// the payment worker with jobs; the Stripe parts are left out (and the
// site says so) when their secrets are not configured. Secrets go into the
// adapters only. outbox, when not nil, sends supporters' failed-payment
// and lapse mails.
func setupPayments(cfg *Config, d *db.DB, f *fund.Service, jr *jobRunner, log *slog.Logger, outbox *mail.Outbox) (payments, error) {
	p := payments{limits: donation.Limits{Min: cfg.donationMin, Max: cfg.donationMax}}
	var checkout donation.Checkout
	var provider supporter.Provider
	var socOpts []society.Option
	if cfg.StripeSecretKey != "" {
		s, err := payment.NewStripe(payment.StripeConfig{SecretKey: cfg.StripeSecretKey, APIURL: cfg.StripeAPIURL, MaxNetworkRetries: 2})
		if err != nil {
			return p, err
		}
		checkout, p.payouts, provider = s, s, s
		socOpts = append(socOpts, society.WithPayments(s, s))
	}
	dn := donation.New(d, f, checkout, cfg.SiteName, cfg.BaseURL, donation.WithLimits(p.limits))
	if checkout != nil {
		p.starter = dn
	}
	// Refunds and disputes of a supporter's payment follow the donation
	// handler's rule, which finds the entry by its payment.
	supOpts := []supporter.Option{supporter.WithRefunds(dn), supporter.WithColumnThanks(cfg.SupporterColumnThanks)}
	if outbox != nil { // a nil *Outbox in the interface would not read as nil
		supOpts = append(supOpts, supporter.WithMail(outbox))
	}
	p.supporters = supporter.New(d, f, provider, cfg.SiteName, cfg.BaseURL, supOpts...)
	handlers := payment.Handlers{donation.Purpose: dn, supporter.Purpose: p.supporters}
	// Share money is capital: its payments go to the society, which
	// never writes to the fund.
	socOpts = append(socOpts, society.WithSite(cfg.SocietyName, cfg.SiteName, cfg.BaseURL))
	if outbox != nil {
		socOpts = append(socOpts, society.WithMail(outbox))
	}
	if soc, err := society.New(d, cfg.SocietyRules, time.Now, socOpts...); err != nil {
		log.Error("share applications and the register left out", "err", err)
	} else {
		p.society, handlers[society.PaymentPurpose] = soc, soc
	}
	w := payment.NewWorker(d, handlers, log, payment.WorkerOptions{})
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
