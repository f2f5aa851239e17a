// Package app wires coopress together: configuration, the database, the
// domain services, the HTTP server and the background workers.
package app

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"
	_ "time/tzdata" // the publication's zone must load on any machine

	"github.com/coopress/coopress/internal/money"
)

// Config is everything an operator can set, from flags with COOPRESS_*
// environment variables as their defaults. It is built once at start,
// validated, and passed down; nothing reads the environment later.
type Config struct {
	// DataDir holds the SQLite database, uploads and backups.
	DataDir string
	// DatabaseURL is a postgres:// URL, or empty for SQLite in DataDir.
	DatabaseURL string
	// Addr is the address the HTTP server listens on.
	Addr string
	// BaseURL is the public address of the site, used in feeds, canonical
	// links and emails.
	BaseURL string
	// SiteName is the paper's name.
	SiteName string
	// TimeZone is the publication's zone name (Europe/London by default).
	TimeZone string
	// Location is TimeZone loaded; set by Validate.
	Location *time.Location
	// DebugAddr, when set, serves Go's profiler on a separate address.
	DebugAddr string
	// Demo loads demo content into an empty database at start.
	Demo bool
	// ShareOfferURL is where the co-operative box sends readers who want
	// to buy shares.
	ShareOfferURL string
	// SocietyName is the co-operative society that owns the paper.
	SocietyName string
	// StripeSecretKey (sk_…) and StripeWebhookSecret (whsec_…) come from
	// the environment only, never flags (which ps shows), and are never
	// logged. StripeAPIURL points at stripe-mock in tests.
	StripeSecretKey     string
	StripeWebhookSecret string
	StripeAPIURL        string
	// DonationMin and DonationMax bound one online gift, as typed ("1",
	// "10000"); Validate parses them into donationMin and donationMax.
	DonationMin, DonationMax string
	donationMin, donationMax money.Money
}

// env returns the environment variable COOPRESS_<name> or def.
func env(name, def string) string {
	if v, ok := os.LookupEnv("COOPRESS_" + name); ok {
		return v
	}
	return def
}

// AddStoreFlags registers --data and --database, which every subcommand takes.
func (c *Config) AddStoreFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data", env("DATA", "./data"), "data directory (env COOPRESS_DATA)")
	fs.StringVar(&c.DatabaseURL, "database", env("DATABASE_URL", ""), "postgres:// URL; empty for SQLite in the data directory (env COOPRESS_DATABASE_URL)")
	fs.StringVar(&c.TimeZone, "timezone", env("TIMEZONE", "Europe/London"), "the publication's time zone (env COOPRESS_TIMEZONE)")
}

// AddServeFlags registers the flags of the serve command.
func (c *Config) AddServeFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", env("ADDR", "127.0.0.1:8080"), "listen address (env COOPRESS_ADDR)")
	fs.StringVar(&c.BaseURL, "base-url", env("BASE_URL", ""), "public URL of the site; defaults to http://ADDR (env COOPRESS_BASE_URL)")
	fs.StringVar(&c.SiteName, "site-name", env("SITE_NAME", "The Daily Co-op"), "the paper's name (env COOPRESS_SITE_NAME)")
	fs.StringVar(&c.ShareOfferURL, "share-offer-url", env("SHARE_OFFER_URL", "/shares"), "link for the co-operative box (env COOPRESS_SHARE_OFFER_URL)")
	fs.StringVar(&c.SocietyName, "society-name", env("SOCIETY_NAME", "the Daily Co-op Readers' Society"), "the owning co-operative society (env COOPRESS_SOCIETY_NAME)")
	c.StripeSecretKey, c.StripeWebhookSecret = env("STRIPE_SECRET_KEY", ""), env("STRIPE_WEBHOOK_SECRET", "")
	fs.StringVar(&c.StripeAPIURL, "stripe-api-url", env("STRIPE_API_URL", ""), "Stripe API base URL, for stripe-mock; empty for Stripe (env COOPRESS_STRIPE_API_URL)")
	fs.StringVar(&c.DonationMin, "donation-min", env("DONATION_MIN", "1"), "smallest online gift in pounds (env COOPRESS_DONATION_MIN)")
	fs.StringVar(&c.DonationMax, "donation-max", env("DONATION_MAX", "10000"), "largest online gift in pounds (env COOPRESS_DONATION_MAX)")
	fs.StringVar(&c.DebugAddr, "debug-addr", env("DEBUG_ADDR", ""), "if set, serve Go's profiler (net/http/pprof) on this loopback address, never on the public one (env COOPRESS_DEBUG_ADDR)")
	fs.BoolVar(&c.Demo, "demo", env("DEMO", "") == "true", "load demo content into an empty database (env COOPRESS_DEMO=true)")
}

// Validate checks the configuration and fills derived fields.
func (c *Config) Validate() error {
	var errs []error
	if c.TimeZone == "" {
		c.TimeZone = "Europe/London"
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		errs = append(errs, fmt.Errorf("timezone %q: %w", c.TimeZone, err))
	}
	c.Location = loc
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") &&
		!strings.HasPrefix(c.DatabaseURL, "postgresql://") && !strings.HasPrefix(c.DatabaseURL, "sqlite://") {
		errs = append(errs, fmt.Errorf("database %q: want a postgres:// or sqlite:// URL", redact(c.DatabaseURL)))
	}
	if c.SiteName == "" {
		c.SiteName = "The Daily Co-op"
	}
	if c.BaseURL == "" && c.Addr != "" {
		host := c.Addr
		if strings.HasPrefix(host, ":") {
			host = "localhost" + host
		}
		c.BaseURL = "http://" + host
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if err := c.validateDonations(); err != nil {
		errs = append(errs, err)
	}
	if c.BaseURL != "" {
		if u, err := url.Parse(c.BaseURL); err != nil || u.Scheme == "" || u.Host == "" {
			errs = append(errs, fmt.Errorf("base-url %q: want an absolute URL", c.BaseURL))
		}
	}
	return errors.Join(errs...)
}

// redact hides the password in a database URL so it can be logged.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Redacted is the database URL safe to log.
func (c *Config) Redacted() string { return redact(c.DatabaseURL) }
