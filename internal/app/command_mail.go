package app

import (
	"io"
	"log/slog"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/jobs"
	"github.com/coopress/coopress/internal/mail"
)

// CommandAccountOptions are the account options for a command that changes
// roles (coopress user): with SMTP configured, the notices of admin,
// treasurer and secretary grants are queued through an insert-only job
// client and the server's workers send them, as for grants on the web.
// Without SMTP the grants are audited and no mail is queued.
func CommandAccountOptions(d *db.DB, cfg *Config) (account.Options, error) {
	opts := account.Options{SiteName: cfg.SiteName, BaseURL: cfg.BaseURL}
	if !cfg.MailEnabled() {
		return opts, nil
	}
	c, err := jobs.NewClient(d, slog.New(slog.NewTextHandler(io.Discard, nil)), nil, jobs.Options{})
	if err != nil {
		return opts, err
	}
	opts.Mail = mail.NewOutbox(d, c, nil)
	return opts, nil
}
