// Package app wires coopress together: configuration, the database, the
// domain services, the HTTP server and the background workers.
package app

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the publication's zone must load on any machine

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/mail"
	"github.com/coopress/coopress/internal/media"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/web"
)

// Config is everything an operator can set, from flags with COOPRESS_*
// environment variables as their defaults, and a few settings (secrets,
// mail) from the environment only. AddStoreFlags and AddServeFlags are the
// only places that read the environment; the Config is then validated once
// and passed down, and no package reads a COOPRESS_* variable itself.
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
	// MetricsAddr serves Prometheus metrics on a listener of their own,
	// loopback by default, so the site's port never shows them; empty
	// turns them off.
	MetricsAddr string
	// LivePerNode and LivePerClient cap the fund box's live streams on
	// this node and from one client address.
	LivePerNode, LivePerClient int
	// FormLimit and FormLimitAll bound the public forms that store rows
	// or call Stripe on this node: how many one client address, and all
	// addresses together, may send at once, refilling evenly over
	// FormLimitWindow (as typed, "10m"), which Validate parses into
	// FormLimits.
	FormLimit, FormLimitAll int
	FormLimitWindow         string
	FormLimits              web.FormLimits
	// Demo loads demo content at start; serve refuses it unless the
	// database is empty.
	Demo bool
	// LogLevel is debug, info, warn or error; Validate parses it into Level.
	LogLevel string
	Level    slog.Level
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
	// SMTP is the outgoing mail relay, from COOPRESS_SMTP_* only: receipts
	// and password resets are sent when SMTP.Host is set.
	SMTP SMTPSettings
	// TrustedProxies are the CIDRs of the reverse proxies and load
	// balancers whose X-Forwarded-For and Forwarded headers name the
	// client, comma-separated; Validate parses them into Proxies.
	TrustedProxies string
	Proxies        []netip.Prefix
	// MediaURL is where the image library keeps its files: empty for the
	// data directory's media/, an absolute directory, or
	// s3://bucket/prefix (with the S3 settings); Validate parses it into
	// MediaLocation. MediaPublicURL, when set, is where browsers fetch
	// renditions straight from (a public bucket or a CDN).
	MediaURL       string
	MediaPublicURL string
	MediaLocation  media.Location
	// S3 is how to reach the bucket of an s3:// MediaURL, from
	// COOPRESS_S3_* only: the keys are secrets.
	S3 media.S3Config
	// Shares are the society's share rules as typed (docs/society.md);
	// Validate parses them into SocietyRules, which every command and the
	// server use.
	Shares       ShareSettings
	SocietyRules society.Rules
	// SupporterThanks: a signed-in reader who gives every month sees
	// thanks in the fund box instead of being asked again.
	SupporterThanks bool
	// SupporterColumnThanks: supporters may ask to be thanked by name in
	// the printed fund column, on the join form, their account page and
	// the treasurer's standing-order form.
	SupporterColumnThanks bool
	// BallotAllowChange: a new ballot's form starts with "online voters
	// may change their vote" ticked (the society's rules decide).
	BallotAllowChange bool
	// SecondFactor says whose accounts must have a second factor: power
	// (admins, treasurers, secretaries) or staff (everyone on the staff
	// side); Validate parses it into factorPolicy.
	SecondFactor string
	factorPolicy account.FactorPolicy
	// envErrs are environment variables that could not be read as their
	// type; Validate reports them.
	envErrs []error
}

// SMTPSettings are the COOPRESS_SMTP_* variables as given; mail applies
// its defaults (port by TLS mode, sender) and checks them.
type SMTPSettings struct {
	Host, Port, Username, Password, From, TLS string
}

// lookup serves the settings to mail.SMTPConfigFromLookup by variable name.
func (s SMTPSettings) lookup(name string) string {
	return map[string]string{mail.EnvSMTPHost: s.Host, mail.EnvSMTPPort: s.Port, mail.EnvSMTPUsername: s.Username,
		mail.EnvSMTPPassword: s.Password, mail.EnvSMTPFrom: s.From, mail.EnvSMTPTLS: s.TLS}[name]
}

// MailEnabled reports whether an SMTP host is set; without one no mail is
// queued at all.
func (c *Config) MailEnabled() bool { return strings.TrimSpace(c.SMTP.Host) != "" }

// SMTPConfig is the checked relay configuration, for a Config with mail.
func (c *Config) SMTPConfig() (mail.SMTPConfig, error) {
	return mail.SMTPConfigFromLookup(c.SMTP.lookup)
}

// env returns the environment variable COOPRESS_<name> or def.
func env(name, def string) string {
	if v, ok := os.LookupEnv("COOPRESS_" + name); ok {
		return v
	}
	return def
}

// envBool reads COOPRESS_<name> as a yes/no setting: 1, true or yes turn
// it on; 0, false, no or empty (or unset) leave it off; anything else is
// kept for Validate to report, naming the variable.
func (c *Config) envBool(name string) bool { return c.envBoolOr(name, false) }

// envBoolOr is envBool with def when the variable is unset or empty.
func (c *Config) envBoolOr(name string, def bool) bool {
	v := env(name, "")
	if strings.TrimSpace(v) == "" {
		return def
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes":
		return true
	case "0", "false", "no":
		return false
	}
	if def {
		c.envErrs = append(c.envErrs, fmt.Errorf("COOPRESS_%s=%q: want 0, false or no to turn it off, or 1, true, yes or empty to leave it on", name, v))
	} else {
		c.envErrs = append(c.envErrs, fmt.Errorf("COOPRESS_%s=%q: want 1, true or yes to turn it on, or 0, false, no or empty to leave it off", name, v))
	}
	return def
}

// envInt reads COOPRESS_<name> as a whole number, or def when unset; a
// value that is not one is kept for Validate to report, naming the
// variable.
func (c *Config) envInt(name string, def int) int {
	v, ok := os.LookupEnv("COOPRESS_" + name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		c.envErrs = append(c.envErrs, fmt.Errorf("COOPRESS_%s=%q: want a whole number", name, v))
		return def
	}
	return n
}

// AddStoreFlags registers --data, --database and --timezone, which every
// command that opens the database takes, and reads the settings that every
// command may need without a flag of its own: the site's address and name
// (for links and receipts a command prints or queues), the society's name
// and the mail relay.
func (c *Config) AddStoreFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data", env("DATA", "./data"), "data directory (env COOPRESS_DATA)")
	fs.StringVar(&c.DatabaseURL, "database", env("DATABASE_URL", ""), "postgres:// URL; empty for SQLite in the data directory (env COOPRESS_DATABASE_URL)")
	fs.StringVar(&c.TimeZone, "timezone", env("TIMEZONE", "Europe/London"), "the publication's time zone (env COOPRESS_TIMEZONE)")
	c.Addr, c.BaseURL, c.SiteName = env("ADDR", "127.0.0.1:8080"), env("BASE_URL", ""), env("SITE_NAME", "The Daily Co-op")
	// The society's name heads the register and certificates that
	// commands write.
	c.SocietyName = env("SOCIETY_NAME", "the Daily Co-op Readers' Society")
	c.addShareFlags(fs)
	fs.StringVar(&c.MediaURL, "media-url", env("MEDIA_URL", ""), "where uploaded images are kept: empty for DATA/media, a directory, or s3://bucket/prefix (env COOPRESS_MEDIA_URL; S3 settings from COOPRESS_S3_*)")
	c.S3 = media.S3Config{Endpoint: env("S3_ENDPOINT", "https://s3.amazonaws.com"), Region: env("S3_REGION", "us-east-1"),
		AccessKey: env("S3_ACCESS_KEY", ""), SecretKey: env("S3_SECRET_KEY", "")}
	c.SMTP = SMTPSettings{Host: env("SMTP_HOST", ""), Port: env("SMTP_PORT", ""), Username: env("SMTP_USERNAME", ""),
		Password: env("SMTP_PASSWORD", ""), From: env("SMTP_FROM", ""), TLS: env("SMTP_TLS", "")}
}

// ShareSettings are the society's rules about shares, as typed: the
// society's own rules (its registered rules document) decide them.
type ShareSettings struct {
	Value, MaxIndividual, MaxOrganisation string // in pounds
	MinHolding, NoticeDays                int    // shares; days
	SuspendedFrom, YearEnd                string // YYYY-MM-DD; MM-DD
}

// addShareFlags registers the share rules; every command that opens the
// database takes them, so the command line and the server apply the same.
func (c *Config) addShareFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Shares.Value, "share-value", env("SHARE_VALUE", "1"), "nominal value of one share, in pounds (env COOPRESS_SHARE_VALUE)")
	fs.IntVar(&c.Shares.MinHolding, "share-min-holding", c.envInt("SHARE_MIN_HOLDING", 1), "fewest shares a member may hold (env COOPRESS_SHARE_MIN_HOLDING)")
	fs.StringVar(&c.Shares.MaxIndividual, "share-max-individual", env("SHARE_MAX_INDIVIDUAL", "100000"), "most an individual may hold, in pounds: at most the statutory 100000 (20000 in Northern Ireland); the society's rules may set less (env COOPRESS_SHARE_MAX_INDIVIDUAL)")
	fs.StringVar(&c.Shares.MaxOrganisation, "share-max-organisation", env("SHARE_MAX_ORGANISATION", "0"), "most a member society or union may hold, in pounds; 0 for no limit (env COOPRESS_SHARE_MAX_ORGANISATION)")
	fs.IntVar(&c.Shares.NoticeDays, "withdrawal-notice-days", c.envInt("WITHDRAWAL_NOTICE_DAYS", 0), "notice a member gives before a withdrawal is paid, in days (env COOPRESS_WITHDRAWAL_NOTICE_DAYS)")
	fs.StringVar(&c.Shares.SuspendedFrom, "withdrawals-suspended-from", env("WITHDRAWALS_SUSPENDED_FROM", ""), "YYYY-MM-DD from which the board suspended withdrawals; empty when they are not (env COOPRESS_WITHDRAWALS_SUSPENDED_FROM)")
	fs.StringVar(&c.Shares.YearEnd, "year-end", env("YEAR_END", "12-31"), "last day of the society's financial year, MM-DD (env COOPRESS_YEAR_END)")
}

// societyRules parses the share settings into the society's rules,
// starting from society.DefaultRules: a setting left empty (a Config
// made without flags) keeps its default.
func (c *Config) societyRules() (society.Rules, error) {
	r := society.DefaultRules()
	r.Location = c.Location
	sh := c.Shares
	// pounds reads an amount setting into *dst; empty leaves the default.
	pounds := func(flagName, v string, allowZero bool, dst *int64) error {
		v = strings.TrimSpace(v)
		switch {
		case v == "":
			return nil
		case allowZero && v == "0":
			*dst = 0
			return nil
		}
		m, err := money.Parse(v, r.Currency)
		if err != nil {
			return fmt.Errorf("--%s %q: %w", flagName, v, err)
		}
		*dst = m.Minor
		return nil
	}
	if err := errors.Join(pounds("share-value", sh.Value, false, &r.Nominal),
		pounds("share-max-individual", sh.MaxIndividual, false, &r.MaxIndividual),
		pounds("share-max-organisation", sh.MaxOrganisation, true, &r.MaxOrganisation)); err != nil {
		return r, err
	}
	if sh.MinHolding != 0 {
		r.MinimumShares = int64(sh.MinHolding)
	}
	r.NoticeDays, r.WithdrawalsSuspendedFrom = sh.NoticeDays, strings.TrimSpace(sh.SuspendedFrom)
	if ye := strings.TrimSpace(sh.YearEnd); ye != "" {
		mm, dd, ok := strings.Cut(ye, "-")
		m, err1 := strconv.Atoi(mm)
		d, err2 := strconv.Atoi(dd)
		if !ok || err1 != nil || err2 != nil {
			return r, fmt.Errorf("--year-end %q: write the last day of the financial year as MM-DD, such as 03-31", sh.YearEnd)
		}
		r.YearEndMonth, r.YearEndDay = time.Month(m), d
	}
	if err := r.Validate(); err != nil {
		return r, fmt.Errorf("share settings: %w", err)
	}
	return r, nil
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
	fs.StringVar(&c.MetricsAddr, "metrics-addr", env("METRICS_ADDR", "127.0.0.1:9464"), "address for Prometheus metrics (/metrics), apart from the site's; empty turns them off (env COOPRESS_METRICS_ADDR)")
	fs.IntVar(&c.LivePerNode, "live-max", c.envInt("LIVE_MAX", web.DefaultLivePerNode), "most live fund-box streams open on this node (env COOPRESS_LIVE_MAX)")
	fs.IntVar(&c.LivePerClient, "live-max-per-client", c.envInt("LIVE_MAX_PER_CLIENT", web.DefaultLivePerClient), "most live fund-box streams open from one client address (env COOPRESS_LIVE_MAX_PER_CLIENT)")
	fs.IntVar(&c.FormLimit, "form-limit", c.envInt("FORM_LIMIT", web.DefaultFormPerClient), "most donation, supporter and share forms one client address may send at once, refilled evenly over --form-limit-window (env COOPRESS_FORM_LIMIT)")
	fs.IntVar(&c.FormLimitAll, "form-limit-all", c.envInt("FORM_LIMIT_ALL", web.DefaultFormAll), "the same for all client addresses together, on this node (env COOPRESS_FORM_LIMIT_ALL)")
	fs.StringVar(&c.FormLimitWindow, "form-limit-window", env("FORM_LIMIT_WINDOW", "10m"), "the time in which the form limits refill, such as 10m or 1h (env COOPRESS_FORM_LIMIT_WINDOW)")
	fs.BoolVar(&c.BallotAllowChange, "ballot-allow-change", c.envBoolOr("BALLOT_ALLOW_CHANGE", false), "a new ballot's form starts with online vote changes allowed (env COOPRESS_BALLOT_ALLOW_CHANGE=1, true or yes)")
	fs.BoolVar(&c.SupporterColumnThanks, "supporter-column-thanks", c.envBoolOr("SUPPORTER_COLUMN_THANKS", true), "supporters may ask to be thanked by name in the fund column (env COOPRESS_SUPPORTER_COLUMN_THANKS=0, false or no turns the offer off)")
	fs.BoolVar(&c.SupporterThanks, "supporter-thanks", c.envBoolOr("SUPPORTER_THANKS", true), "a signed-in supporter sees thanks in the fund box instead of the appeal (env COOPRESS_SUPPORTER_THANKS=0, false or no turns it off)")
	fs.BoolVar(&c.Demo, "demo", c.envBool("DEMO"), "load demo content; refused unless the database has no articles, gifts or accounts (env COOPRESS_DEMO=1, true or yes)")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", env("TRUSTED_PROXIES", "127.0.0.1/32,::1/128"), "comma-separated CIDRs of reverse proxies whose X-Forwarded-For or Forwarded header names the client; empty trusts none (env COOPRESS_TRUSTED_PROXIES)")
	fs.StringVar(&c.MediaPublicURL, "media-public-url", env("MEDIA_PUBLIC_URL", ""), "if set, browsers fetch image renditions from here (a public bucket or CDN) instead of /media/ (env COOPRESS_MEDIA_PUBLIC_URL)")
	fs.StringVar(&c.SecondFactor, "second-factor", env("SECOND_FACTOR", string(account.FactorPower)), "whose accounts need a passkey or authenticator app: power (admins, treasurers, secretaries, tellers) or staff (all staff) (env COOPRESS_SECOND_FACTOR)")
	fs.StringVar(&c.LogLevel, "log-level", env("LOG_LEVEL", "info"), "debug, info, warn or error (env COOPRESS_LOG_LEVEL)")
}

// logLevels are the levels --log-level accepts.
var logLevels = map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}

// Validate checks the configuration and fills derived fields.
func (c *Config) Validate() error {
	errs := append([]error(nil), c.envErrs...)
	if c.LogLevel != "" {
		level, ok := logLevels[strings.ToLower(strings.TrimSpace(c.LogLevel))]
		if !ok {
			errs = append(errs, fmt.Errorf("--log-level %q (or COOPRESS_LOG_LEVEL): want one of debug, info, warn, error", c.LogLevel))
		}
		c.Level = level
	}
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
	if c.LivePerNode < 0 || c.LivePerClient < 0 {
		errs = append(errs, fmt.Errorf("--live-max %d and --live-max-per-client %d: want positive numbers (0 takes the default)", c.LivePerNode, c.LivePerClient))
	}
	if err := c.validateFormLimits(); err != nil {
		errs = append(errs, err)
	}
	if err := c.validateDonations(); err != nil {
		errs = append(errs, err)
	}
	if c.BaseURL != "" {
		if u, err := url.Parse(c.BaseURL); err != nil || u.Scheme == "" || u.Host == "" {
			errs = append(errs, fmt.Errorf("base-url %q: want an absolute URL", c.BaseURL))
		}
	}
	if c.Proxies, err = parseProxies(c.TrustedProxies); err != nil {
		errs = append(errs, err)
	}
	if c.SocietyRules, err = c.societyRules(); err != nil {
		errs = append(errs, err)
	}
	if c.MediaLocation, err = media.ParseLocation(c.MediaURL, c.DataDir); err != nil {
		errs = append(errs, fmt.Errorf("--media-url (or COOPRESS_MEDIA_URL): %w", err))
	}
	if c.MediaPublicURL != "" {
		if u, err := url.Parse(c.MediaPublicURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, fmt.Errorf("--media-public-url %q (or COOPRESS_MEDIA_PUBLIC_URL): want an absolute http(s) URL", c.MediaPublicURL))
		}
	}
	if c.factorPolicy, err = account.ParseFactorPolicy(c.SecondFactor); err != nil {
		errs = append(errs, fmt.Errorf("--second-factor (or COOPRESS_SECOND_FACTOR): %w", err))
	}
	return errors.Join(errs...)
}

// validateFormLimits reads the form limits into FormLimits; a zero or
// empty setting takes the default.
func (c *Config) validateFormLimits() error {
	var errs []error
	if c.FormLimit < 0 || c.FormLimitAll < 0 {
		errs = append(errs, fmt.Errorf("--form-limit %d and --form-limit-all %d: want positive numbers (0 takes the default)", c.FormLimit, c.FormLimitAll))
	}
	var window time.Duration
	if w := strings.TrimSpace(c.FormLimitWindow); w != "" {
		d, err := time.ParseDuration(w)
		if err != nil || d < time.Second {
			errs = append(errs, fmt.Errorf("--form-limit-window %q (or COOPRESS_FORM_LIMIT_WINDOW): want a time of a second or more, such as 10m or 1h", c.FormLimitWindow))
		}
		window = d
	}
	c.FormLimits = web.FormLimits{PerClient: c.FormLimit, All: c.FormLimitAll, Window: window}.WithDefaults()
	return errors.Join(errs...)
}

// parseProxies reads the trusted-proxies list. A bare address is one
// host; a prefix with host bits set is refused, since "10.0.0.1/8" is
// more likely a typing slip than a wish to trust all of 10/8.
func parseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil {
				return nil, fmt.Errorf("--trusted-proxies %q (or COOPRESS_TRUSTED_PROXIES): want CIDRs like 10.0.0.0/8 or addresses, comma-separated", f)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		if p != p.Masked() {
			return nil, fmt.Errorf("--trusted-proxies %q (or COOPRESS_TRUSTED_PROXIES): host bits are set; did you mean %s?", f, p.Masked())
		}
		out = append(out, p)
	}
	return out, nil
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
