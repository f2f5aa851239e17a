// Package web serves coopress over HTTP: the public pages, feeds and
// sitemaps, donations and Stripe's webhooks, sign-in and the staff pages,
// health and metrics, all from one route table (routes.go). It turns
// requests into calls on the domain packages and their answers into pages.
// What makes input valid is mostly the domains' to say (fund.ParseGift,
// donation.NewRequest, the account, article and media stores); web decides
// which roles open which staff page (the route table, checked by
// adminRoute), reads what requests carry (request.go, formValue's encoding
// and length limits) and words refusals for a person. One exception is
// left: the article form checks its headline, section, authors and tags
// itself (admin_article_form.go) before the article store sees them.
package web

import (
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/donation"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/media"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/supporter"
	"github.com/prometheus/client_golang/prometheus"
)

// Site is what pages say about the paper itself.
type Site struct {
	Name          string
	BaseURL       string
	Location      *time.Location
	ShareOfferURL string
	SocietyName   string
	Language      string
}

// FundSource supplies the appeal box (fund.Box) from memory, without
// touching the database, so that it can be rendered on every request; the
// fund's *fund.Snapshot is one. Loaded is false until there are figures,
// when pages leave the box out. Version changes whenever the figures
// change; Subscribe delivers each new box, for the live updates, until its
// stop function is called.
type FundSource interface {
	Box(now time.Time) fund.Box
	Loaded() bool
	Version() int64
	Subscribe() (<-chan fund.Box, func())
}

// Pinger reports whether the database is reachable and migrated.
type Pinger interface {
	Ready(ctx context.Context) error
}

// Deps is what the server needs from the rest of the program.
type Deps struct {
	Site     Site
	Articles *article.Store
	Fund     FundSource
	// FundReports feeds the public /fund page; nil leaves it out.
	FundReports FundReports
	Ready       Pinger
	Logger      *slog.Logger
	Now         func() time.Time
	// Registry receives the server's metrics; nil makes a private one.
	Registry *prometheus.Registry
	// Donations starts online gifts; nil shows that online giving is not
	// set up. DonationLimits bound one gift (default £1 to £10,000).
	Donations      DonationStarter
	DonationLimits donation.Limits
	// LiveLimits caps /fund/live streams per node and per client
	// address (fund_live_limit.go); zero values take the defaults.
	LiveLimits LiveLimits
	// FormLimits bound the public forms that store rows or call Stripe,
	// per client address and in all (form_limit.go); zero values take
	// the defaults.
	FormLimits FormLimits
	// StripeWebhooks stores Stripe's events; nil answers 503.
	StripeWebhooks WebhookReceiver
	// Payouts reads Stripe's payouts for the treasurer; nil shows that
	// Stripe is not configured (admin_fund_payouts.go).
	Payouts PayoutLister
	// Supporters keeps plans and subscriptions (supporters_join.go,
	// admin_supporters.go); nil leaves the join page saying that giving
	// every month online is not set up.
	Supporters Supporters
	// Accounts signs staff in and keeps roles, sessions and the audit log
	// (admin.go, auth_*.go); Mail sends reset and sign-in links.
	Accounts *account.Service
	Mail     Mailer
	// Media is the image library (media.go, admin_media*.go); nil leaves
	// it out.
	Media *media.Store
	// Jobs queues durable background jobs (scheduled publication) in the
	// caller's transaction; nil makes a short-lived client per call.
	Jobs article.Inserter
	// StandingOrders keeps the standing-order supporters and imports bank
	// statements (admin_standing_orders.go, admin_statement_*.go); nil
	// leaves those pages out.
	StandingOrders *supporter.StandingOrders
	// SupporterThanks: the masthead script thanks a signed-in supporter
	// in the fund box instead of asking again (/account/me says who is).
	SupporterThanks bool
	// BallotAllowChange ticks "online voters may change their vote" on a
	// new ballot's form, for societies whose rules allow it; each ballot
	// still says so itself.
	BallotAllowChange bool
	// Society keeps the members and the share ledger; the secretary's
	// register pages (admin_register.go) need it, and are left out
	// without it.
	Society *society.Service
	// PersonalData exports and erases a reader's own data
	// (account_data.go); nil answers those pages with 503, since erasing
	// the account alone would leave the person in the ledger.
	PersonalData *account.PersonalData
	// TrustedProxies are the addresses whose X-Forwarded-For and
	// Forwarded headers are believed (client_addr.go); nil trusts none.
	TrustedProxies []netip.Prefix
}

// Server is the HTTP side of coopress.
type Server struct {
	site        Site
	articles    *article.Store
	fund        FundSource
	fundReports FundReports
	ready       Pinger
	log         *slog.Logger
	now         func() time.Time
	tmpl        *templates
	pages       *pageCache
	boxes       *boxCache
	metrics     *metrics
	live        *liveStreams
	forms       *formLimiter
	registry    *prometheus.Registry
	static      *staticFiles
	// donations, donationLimits and webhooks serve donate.go and
	// webhook_stripe.go.
	donations      DonationStarter
	donationLimits donation.Limits
	webhooks       WebhookReceiver
	payouts        PayoutLister
	supporters     Supporters
	// accounts, mail and adminTable serve the staff area (admin.go).
	accounts   *account.Service
	mail       Mailer
	adminTable []AdminRoute
	media      *media.Store
	jobs       article.Inserter
	standing   *supporter.StandingOrders
	society    *society.Service
	thanks     bool
	// allowChange is the new ballot form's default (Deps.BallotAllowChange).
	allowChange bool
	personal    *account.PersonalData
	// trustedProxies may say who their client was (client_addr.go).
	trustedProxies []netip.Prefix
	// content is the last content version seen; pages cached under an
	// older one are stale.
	content atomic.Int64
	handler http.Handler
}

// New builds the server and its route table.
func New(d Deps) (*Server, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Site.Location == nil {
		d.Site.Location = time.UTC
	}
	if d.Site.Language == "" {
		d.Site.Language = "en-GB"
	}
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	st, err := newStaticFiles()
	if err != nil {
		return nil, err
	}
	s := &Server{
		site: d.Site, articles: d.Articles, fund: d.Fund, fundReports: d.FundReports, ready: d.Ready, log: d.Logger, now: d.Now,
		pages: newPageCache(4096), boxes: &boxCache{}, registry: d.Registry, static: st,
		metrics: newMetrics(d.Registry), live: newLiveStreams(d.LiveLimits, d.Registry),
		forms: newFormLimiter(d.FormLimits, d.Registry),
	}
	s.accounts, s.mail = d.Accounts, d.Mail
	s.media = d.Media
	s.jobs = d.Jobs
	s.trustedProxies = d.TrustedProxies
	s.standing = d.StandingOrders
	s.society = d.Society
	s.thanks = d.SupporterThanks
	s.allowChange = d.BallotAllowChange
	s.personal = d.PersonalData
	s.donations, s.donationLimits, s.webhooks = d.Donations, d.DonationLimits.WithDefaults(), d.StripeWebhooks
	s.payouts = d.Payouts
	s.supporters = d.Supporters
	if s.tmpl, err = parseTemplates(s.templateFuncs()); err != nil {
		return nil, err
	}
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// templateFuncs are the helpers templates may call.
func (s *Server) templateFuncs() template.FuncMap {
	return template.FuncMap{
		"asset":    s.static.path,
		"longDate": func(t time.Time) string { return t.In(s.site.Location).Format("Monday 2 January 2006") },
		"dateTime": func(t time.Time) string { return t.In(s.site.Location).Format("Monday 2 January 2006, 15:04 MST") },
		"isoTime":  func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"add":      func(a, b int) int { return a + b },
		// mediaImg and mediaImgLazy draw a library image (media.go).
		"mediaImg":     mediaImg,
		"mediaImgLazy": mediaImgLazy,
		// safeHTML marks an article body as HTML; bodies are sanitised by
		// the article store when saved, never here.
		"safeHTML": func(s string) template.HTML { return template.HTML(s) },
	}
}

// Invalidate re-reads the content version and drops every cached page;
// editors call it after a change so the change shows at once in this
// process, under a new ETag (others notice within a second).
func (s *Server) Invalidate(ctx context.Context) {
	s.refreshContentVersion(ctx)
	s.pages.clear()
}

// WatchContent polls the shared content version every interval and drops
// cached pages when another process changed content. It returns when ctx
// ends.
func (s *Server) WatchContent(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		s.refreshContentVersion(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RefreshContent re-reads the shared content version now, dropping cached
// pages if it moved; a PostgreSQL notification calls it between polls.
func (s *Server) RefreshContent(ctx context.Context) { s.refreshContentVersion(ctx) }

func (s *Server) refreshContentVersion(ctx context.Context) {
	v, err := s.articles.ContentVersion(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("content version poll failed", "err", err)
		}
		return
	}
	if old := s.content.Swap(v); old != v {
		s.pages.clear()
	}
}
