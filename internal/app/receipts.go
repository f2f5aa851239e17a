package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/coopress/coopress/internal/valid"
	"io"
	"log/slog"
	"strconv"
	"strings"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/jobs"
	"github.com/coopress/coopress/internal/mail"
)

// setupReceipts registers the mail worker and returns the outbox that
// receipts and password resets go through, when the operator has named an
// SMTP host (COOPRESS_SMTP_HOST). Without one it returns nil: nothing is
// queued, rather than filling the outbox with failures to reach a relay
// that is not there.
func setupReceipts(cfg *Config, d *db.DB, jr *jobRunner, log *slog.Logger) (*mail.Outbox, error) {
	if !cfg.MailEnabled() {
		return nil, nil
	}
	smtp, err := cfg.SMTPConfig()
	if err != nil {
		return nil, err
	}
	if err := mail.RegisterWorkers(jr.Workers(), d, smtp, mail.WorkerOptions{Log: log}); err != nil {
		return nil, err
	}
	return mail.NewOutbox(d, jr, nil), nil
}

// CommandReceipts is the fund option for a command that records gifts
// (coopress fund add): with SMTP configured, receipts are queued through
// an insert-only job client and the server's workers send them. Without
// SMTP there are no options.
//
// The site's name and address in the receipt come from cfg, which
// AddStoreFlags fills from COOPRESS_SITE_NAME and COOPRESS_BASE_URL.
func CommandReceipts(d *db.DB, cfg *Config) ([]fund.Option, error) {
	if !cfg.MailEnabled() {
		return nil, nil
	}
	c, err := jobs.NewClient(d, slog.New(slog.NewTextHandler(io.Discard, nil)), nil, jobs.Options{})
	if err != nil {
		return nil, err
	}
	return []fund.Option{fund.WithReceipts(receiptFunc(mail.NewOutbox(d, c, nil), cfg))}, nil
}

// receiptFunc writes the donor's receipt for a gift and queues it in the
// transaction that records the gift. Its Ref makes a second queueing of
// the same entry a no-op.
func receiptFunc(outbox *mail.Outbox, cfg *Config) fund.ReceiptFunc {
	site, base := cfg.SiteName, strings.TrimRight(cfg.BaseURL, "/")
	if site == "" {
		site = "the paper"
	}
	return func(ctx context.Context, tx *sql.Tx, e fund.Entry) error {
		greeting := "Thank you"
		if e.DonorName != "" {
			greeting += ", " + e.DonorName
		}
		text := fmt.Sprintf("%s.\n\nWe have received your gift of %s to the %s fighting fund (%s, %s).\n",
			greeting, e.Amount.Format(), site, methodWords(e.Method), e.ReceivedAt.In(cfg.Location).Format("2 January 2006"))
		if e.ProviderRef != "" {
			text += "Your reference is " + e.ProviderRef + ".\n"
		}
		text += "\nEvery pound keeps the paper owned by its readers.\n\n" + site + "\n" + base + "\n"
		_, err := outbox.EnqueueTx(ctx, tx, mail.Message{To: e.DonorEmail, Subject: "Your gift to " + site,
			Text: text, Kind: "receipt", Ref: "receipt:" + strconv.FormatInt(e.ID, 10)})
		var invalid valid.Error
		if errors.As(err, &invalid) {
			// An address the mail system cannot use must not hold up the
			// ledger; the gift is recorded without a receipt.
			return nil
		}
		return err
	}
}

// methodWords says how a gift came, as a receipt would.
func methodWords(m fund.Method) string {
	switch m {
	case fund.Card:
		return "by card"
	case fund.DirectDebit, fund.Supporter:
		return "by direct debit"
	case fund.Cheque:
		return "by cheque"
	case fund.PostalOrder:
		return "by postal order"
	case fund.BankTransfer:
		return "by bank transfer"
	case fund.StandingOrder:
		return "by standing order"
	case fund.Cash:
		return "in cash"
	}
	return string(m)
}
