package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/demo"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/media"
	"github.com/coopress/coopress/internal/web"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/riverqueue/river"
)

// DemoArticles is how many generated articles `serve --demo` adds beside the
// seed article: enough for several pages on the front page and sections.
const DemoArticles = 120

// readiness checks that the database answers and is fully migrated.
type readiness struct{ db *db.DB }

func (r readiness) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	applied, total, err := r.db.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	if applied != total {
		return fmt.Errorf("database at migration %d of %d", applied, total)
	}
	return nil
}

// Serve runs the site until ctx ends, then shuts down gracefully. If ready
// is not nil it receives the listening address once requests are accepted.
func Serve(ctx context.Context, cfg *Config, log *slog.Logger, ready chan<- string) error {
	if cfg.DatabaseURL == "" {
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return fmt.Errorf("create data directory: %w", err)
		}
		unlock, err := db.LockDataDir(cfg.DataDir)
		if err != nil {
			return err
		}
		defer unlock()
	}
	d, err := OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	log.Info("database ready", "engine", d.Dialect(), "database", cfg.Redacted(), "data", cfg.DataDir)

	articles := article.NewStore(d, time.Now)
	if cfg.Demo {
		start := time.Now()
		if err := demo.Load(ctx, articles, DemoArticles); err != nil {
			return err
		}
		log.Info("demo content ready", "took", time.Since(start).Round(time.Millisecond))
	}
	fundSvc, fundSrc, stopFund, err := startFund(ctx, cfg, d, log)
	if err != nil {
		return err
	}
	defer stopFund()
	if cfg.Demo {
		if err := demo.LoadFund(ctx, fundSvc, time.Now()); err != nil {
			return err
		}
	}

	// Background jobs and the money path (jobs.go, donations.go).
	jr := newJobRunner()
	accounts := account.New(d, account.Options{})
	river.AddWorker(jr.Workers(), &fund.RolloverWorker{Service: fundSvc})
	jr.AddPeriodic(fund.RolloverSchedule())
	river.AddWorker(jr.Workers(), &account.PruneWorker{Service: accounts})
	jr.AddPeriodic(account.PruneSchedule())
	// Scheduled publication; the job is audited as the scheduler's act.
	article.RegisterWorkers(jr.Workers(), articles, func(ctx context.Context, q db.Queryer, action string, id int64, before, after any) error {
		return accounts.Audit().Record(ctx, q, account.Entry{Actor: account.Actor{Name: "scheduler"}, Action: action,
			ObjectType: "article", ObjectID: strconv.FormatInt(id, 10), Before: before, After: after})
	}, log)
	receipts, err := setupReceipts(d, jr, log)
	if err != nil {
		return err
	}
	pay, err := setupPayments(cfg, d, fundSvc, jr, receipts, log)
	if err != nil {
		return err
	}
	stopJobs, err := jr.start(ctx, d, log)
	if err != nil {
		return err
	}
	defer stopJobs()

	// Staff accounts; sign-in and reset links go out through the same
	// outbox as receipts, when SMTP is configured.
	mailer, _ := receipts.(web.Mailer)

	// Uploaded images live beside the database, in the data directory.
	images, err := media.NewStore(d, filepath.Join(cfg.DataDir, "media"), media.Options{Audit: accounts.Audit()})
	if err != nil {
		return err
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	srv, err := web.New(web.Deps{
		Site: web.Site{Name: cfg.SiteName, BaseURL: cfg.BaseURL, Location: cfg.Location,
			ShareOfferURL: cfg.ShareOfferURL, SocietyName: cfg.SocietyName},
		Articles: articles, Fund: fundSrc, FundReports: fundSvc, Ready: readiness{d}, Logger: log, Registry: reg,
		Donations: pay.starter, DonationLimits: pay.limits, StripeWebhooks: pay.intake,
		Accounts: accounts, Mail: mailer, Media: images, Jobs: jr,
	})
	if err != nil {
		return err
	}
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	go srv.WatchContent(watchCtx, time.Second)
	// On PostgreSQL, changes made by other nodes arrive at once by
	// LISTEN/NOTIFY; the polls above remain as a safety net.
	go d.Listen(watchCtx, func(table string) {
		if table == "" || table == "fund_state" {
			if _, err := fundSvc.Refresh(watchCtx); err != nil && watchCtx.Err() == nil {
				log.Warn("fund refresh after notification failed", "err", err)
			}
		}
		if table == "" || table == "content_state" {
			srv.RefreshContent(watchCtx)
		}
	}, func(err error) { log.Warn("listening for changes failed; retrying", "err", err) })

	if cfg.DebugAddr != "" {
		stopDebug, err := startDebug(cfg.DebugAddr, log)
		if err != nil {
			return err
		}
		defer stopDebug()
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		// Server-sent events hold a response open, so no WriteTimeout here:
		// handlers that stream set their own deadlines instead.
		IdleTimeout:    120 * time.Second,
		MaxHeaderBytes: 32 << 10,
		ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("serving", "addr", ln.Addr().String(), "base_url", cfg.BaseURL)
	if ready != nil {
		ready <- ln.Addr().String()
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
