package app

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/demo"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/mail"
	"github.com/coopress/coopress/internal/media"
	"github.com/coopress/coopress/internal/supporter"
	"github.com/coopress/coopress/internal/web"
	"github.com/riverqueue/river"
)

// services are the domain services of a running server, wired together.
type services struct {
	articles *article.Store
	fund     *fund.Service
	fundBox  web.FundSource
	accounts *account.Service
	outbox   *mail.Outbox // nil without SMTP
	media    *media.Store
	pay      payments
	jobs     *jobRunner
}

// startServices builds every service in the order their dependencies need,
// registers their background workers and starts the job runner. stop ends
// the workers and the fund's watch.
func startServices(ctx context.Context, cfg *Config, d *db.DB, log *slog.Logger) (s *services, stop func(), err error) {
	s = &services{articles: article.NewStore(d, time.Now), jobs: newJobRunner()}
	var stops []func()
	stop = func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	defer func() {
		if err != nil {
			stop()
		}
	}()
	demoStart := time.Now()
	if cfg.Demo {
		// Demo content goes only into an empty database: mixed into a
		// paper's own, it could not be told apart or taken out again.
		if err := demo.CheckEmpty(ctx, d); err != nil {
			return nil, stop, err
		}
		if err := demo.Load(ctx, s.articles, DemoArticles); err != nil {
			return nil, stop, err
		}
	}
	// Receipts and password resets share one outbox, when SMTP is set.
	if s.outbox, err = setupReceipts(cfg, d, s.jobs, log); err != nil {
		return nil, stop, err
	}
	var fundOpts []fund.Option
	if s.outbox != nil {
		fundOpts = append(fundOpts, fund.WithReceipts(receiptFunc(s.outbox, cfg)))
	}
	var stopFund func()
	if s.fund, s.fundBox, stopFund, err = startFund(ctx, cfg, d, log, fundOpts...); err != nil {
		return nil, stop, err
	}
	stops = append(stops, stopFund)
	if cfg.Demo {
		if err := demo.LoadFund(ctx, s.fund, time.Now()); err != nil {
			return nil, stop, err
		}
		loaded, err := demo.Count(ctx, d)
		if err != nil {
			return nil, stop, err
		}
		log.Info("demo content loaded", "articles", loaded.Articles, "ledger_entries", loaded.LedgerEntries,
			"took", time.Since(demoStart).Round(time.Millisecond))
	} else {
		log.Info("no demo content loaded (no --demo)")
	}
	// Grants of admin, treasurer and secretary are mailed to the role's
	// other holders through the outbox, when there is one.
	acctOpts := account.Options{HashSlots: hashSlots(), SecondFactor: cfg.factorPolicy, SiteName: cfg.SiteName, BaseURL: cfg.BaseURL}
	if s.outbox != nil { // a nil *Outbox in the interface would not read as nil
		acctOpts.Mail = s.outbox
	}
	s.accounts = account.New(d, acctOpts)
	s.registerJobs(log)
	if s.pay, err = setupPayments(cfg, d, s.fund, s.jobs, log, s.outbox); err != nil {
		return nil, stop, err
	}
	// Uploaded images live in the data directory, or in a bucket that
	// every node shares (--media-url).
	loc := cfg.MediaLocation
	if loc == (media.Location{}) { // a Config that skipped Validate
		if loc, err = media.ParseLocation(cfg.MediaURL, cfg.DataDir); err != nil {
			return nil, stop, err
		}
	}
	blobs, err := media.OpenBlobs(ctx, loc, cfg.S3)
	if err != nil {
		return nil, stop, err
	}
	log.Info("image library", "store", blobs.String(), "public_url", cfg.MediaPublicURL)
	if s.media, err = media.NewStore(d, blobs, media.Options{Audit: s.accounts.Audit(), PublicURL: cfg.MediaPublicURL}); err != nil {
		return nil, stop, err
	}
	stopJobs, err := s.jobs.start(ctx, d, log)
	if err != nil {
		return nil, stop, err
	}
	stops = append(stops, stopJobs)
	return s, stop, nil
}

// registerJobs adds the periodic and scheduled work of each domain.
func (s *services) registerJobs(log *slog.Logger) {
	w := s.jobs.Workers()
	river.AddWorker(w, &fund.RolloverWorker{Service: s.fund})
	s.jobs.AddPeriodic(fund.RolloverSchedule())
	river.AddWorker(w, &account.PruneWorker{Service: s.accounts})
	s.jobs.AddPeriodic(account.PruneSchedule())
	// Scheduled publication; the job is audited as the scheduler's act.
	article.RegisterWorkers(w, s.articles, func(ctx context.Context, q db.Queryer, action string, id int64, before, after any) error {
		return s.accounts.Audit().Record(ctx, q, account.Entry{Actor: account.Actor{Name: "scheduler"}, Action: action,
			ObjectType: "article", ObjectID: strconv.FormatInt(id, 10), Before: before, After: after})
	}, log)
}

// webDeps is what the HTTP server is given.
func (s *services) webDeps(cfg *Config, d *db.DB, log *slog.Logger) web.Deps {
	deps := web.Deps{
		Site: web.Site{Name: cfg.SiteName, BaseURL: cfg.BaseURL, Location: cfg.Location,
			ShareOfferURL: cfg.ShareOfferURL, SocietyName: cfg.SocietyName},
		Articles: s.articles, Fund: s.fundBox, FundReports: s.fund, Ready: newReadiness(d, cfg), Logger: log,
		Donations: s.pay.starter, DonationLimits: s.pay.limits, StripeWebhooks: s.pay.intake, Payouts: s.pay.payouts,
		Supporters: s.pay.supporters, Accounts: s.accounts, Media: s.media, Jobs: s.jobs, TrustedProxies: cfg.Proxies,
		LiveLimits:      web.LiveLimits{PerNode: cfg.LivePerNode, PerClient: cfg.LivePerClient},
		FormLimits:      cfg.FormLimits,
		SupporterThanks: cfg.SupporterThanks, BallotAllowChange: cfg.BallotAllowChange,
	}
	if s.outbox != nil { // a nil *Outbox in the interface would not read as nil
		deps.Mail = s.outbox
	}
	// The society's register and share applications, under the share
	// rules of the settings (setupPayments builds it).
	if s.pay.society != nil {
		deps.Society = s.pay.society
	}
	// Standing-order supporters' payments are recorded through the fund.
	deps.StandingOrders = supporter.NewStandingOrders(d, s.fund, cfg.Location, time.Now).ThankInColumn(cfg.SupporterColumnThanks)
	pd, err := NewPersonalData(d, cfg, s.accounts, s.fund)
	if err != nil {
		log.Error("personal data pages left out", "err", err)
	}
	deps.PersonalData = pd
	return deps
}
