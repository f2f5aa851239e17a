package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/web"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// DemoArticles is how many generated articles `serve --demo` adds beside the
// seed article: enough for several pages on the front page and sections.
const DemoArticles = 120

// logFirstAdmin tells the operator of a site with no active admin how to
// make one: nobody can reach the staff pages until then, and the website
// cannot create the first account.
func logFirstAdmin(ctx context.Context, cfg *Config, svc *services, log *slog.Logger) error {
	n, err := svc.accounts.ActiveAdmins(ctx)
	if err != nil || n > 0 {
		return err
	}
	where := "--data " + shellQuote(cfg.DataDir)
	if cfg.DatabaseURL != "" {
		where = `--database "$COOPRESS_DATABASE_URL"`
	}
	log.Warn("no admin account yet; create the first one, which prints a sign-in link",
		"command", "coopress user add --email you@example.org --name \"Your Name\" --role admin "+where)
	return nil
}

// shellQuote quotes s for a shell command line when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Serve runs the site until ctx ends, then shuts down gracefully. If ready
// is not nil it receives the listening address once requests are accepted.
func Serve(ctx context.Context, cfg *Config, log *slog.Logger, ready chan<- string) error {
	if cfg.DatabaseURL == "" {
		// The lock creates the directory, and names the user and the
		// owner when it cannot.
		unlock, err := db.LockDataDir(cfg.DataDir)
		if err != nil {
			return err
		}
		defer unlock()
	}
	d, err := openChecked(ctx, cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	log.Info("database ready", "engine", d.Dialect(), "database", cfg.Redacted(), "data", cfg.DataDir)

	svc, stopServices, err := startServices(ctx, cfg, d, log)
	if err != nil {
		return err
	}
	defer stopServices()
	if err := logFirstAdmin(ctx, cfg, svc, log); err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Money waiting for the treasurer: alert while it is above zero.
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "coopress_fund_holds_open",
		Help: "Conflicting duplicates and held payments the treasurer has not resolved."}, func() float64 {
		n, err := svc.fund.OpenHoldCount(ctx)
		if err != nil {
			return math.NaN()
		}
		return float64(n)
	}))
	deps := svc.webDeps(cfg, d, log)
	deps.Registry = reg
	srv, err := web.New(deps)
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
			if _, err := svc.fund.Refresh(watchCtx); err != nil && watchCtx.Err() == nil {
				log.Warn("fund refresh after notification failed", "err", err)
			}
		}
		if table == "" || table == "content_state" {
			srv.RefreshContent(watchCtx)
		}
	}, func(err error) { log.Warn("listening for changes failed; retrying", "err", err) })

	if cfg.MetricsAddr != "" {
		stopMetrics, err := startMetrics(cfg.MetricsAddr, srv.MetricsHandler(), log)
		if err != nil {
			return err
		}
		defer stopMetrics()
	}
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
