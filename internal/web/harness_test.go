package web_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/pquerna/otp/totp"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/demo"
	"github.com/coopress/coopress/internal/donation"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/jobs"
	"github.com/coopress/coopress/internal/mail"
	"github.com/coopress/coopress/internal/media"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/supporter"
	"github.com/coopress/coopress/internal/web"
)

// harness is one running test site: the real router behind a real HTTP
// server on a fresh database, with the parts its options asked for. Every
// web test builds its site with newHarness and sends requests with do.
type harness struct {
	srv      *web.Server
	http     *httptest.Server
	articles *article.Store
	clock    *testClock
	// accounts and mail are set by withStaff (and the options that imply
	// it); mail records what was queued unless withMailer replaced it.
	accounts *account.Service
	mail     *mailbox
	// fund is the real fund service, set by withFund.
	fund *fund.Service
	// standing is the standing-order service on the fund, set by withFund.
	standing *supporter.StandingOrders
	// images is the image library, set by withMedia.
	images *media.Store

	// base is the site's base URL: http://paper.test, or with
	// withLocalhost the localhost address a browser must use.
	base string

	mu       sync.Mutex
	personas map[account.Role]signedIn // by role, made on first use
	// recovery are the unspent recovery codes of each account whose
	// second factor session set up, for its later sessions.
	mu2      sync.Mutex
	recovery map[int64][]string
}

// harnessConfig is what the options chose.
type harnessConfig struct {
	generated  int
	content    func(t testing.TB, store *article.Store, clock *testClock)
	staff      bool
	localhost  bool
	blobs      media.Blobs
	mailer     web.Mailer
	fund       bool
	fundSource web.FundSource
	donations  bool
	starter    web.DonationStarter
	media      bool
	jobs       bool
	watch      bool
	deps       []func(*web.Deps)
}

// option adds a part to a harness.
type option func(*harnessConfig)

// withArticles loads the demo content with n generated articles besides
// the seed article (1 without this option).
func withArticles(n int) option { return func(c *harnessConfig) { c.generated = n } }

// withContent loads fill's articles instead of the demo content.
func withContent(fill func(t testing.TB, store *article.Store, clock *testClock)) option {
	return func(c *harnessConfig) { c.content = fill }
}

// withoutContent leaves the site without sections or articles, as on its
// first start.
func withoutContent() option {
	return withContent(func(testing.TB, *article.Store, *testClock) {})
}

// withLocalhost serves the site at http://localhost:PORT, its base URL
// too, for passkeys: browsers refuse them on an IP address, and
// localhost counts as a secure origin without TLS. h.base is the address.
func withLocalhost() option { return func(c *harnessConfig) { c.localhost, c.staff = true, true } }

// withBlobs keeps the image library's files in b (with withMedia), so
// that two harnesses on one database can share a bucket like two nodes.
func withBlobs(b media.Blobs) option {
	return func(c *harnessConfig) { c.blobs, c.media, c.staff = b, true, true }
}

// withStaff adds accounts, sessions and a recording mailbox.
func withStaff() option { return func(c *harnessConfig) { c.staff = true } }

// withMailer adds accounts, with m sending their mail.
func withMailer(m web.Mailer) option {
	return func(c *harnessConfig) { c.staff, c.mailer = true, m }
}

// withFund adds the real fund service, its snapshot behind the box and the
// reports behind /fund, with a November 2024 target of £18,010.
func withFund() option { return func(c *harnessConfig) { c.fund = true } }

// withFundSource puts src behind the box instead of a fund service.
func withFundSource(src web.FundSource) option { return func(c *harnessConfig) { c.fundSource = src } }

// withFixedFund shows a box of £5,047 raised towards £18,010 on 6 November:
// £12,963 still needed, 25 days remaining.
func withFixedFund() option { return withFundSource(fixedFund()) }

// withDonations adds Stripe's webhook intake (insert-only: no worker runs
// the jobs) and gift limits of £1 to £10,000; starter starts the checkouts,
// and nil leaves online giving not set up.
func withDonations(starter web.DonationStarter) option {
	return func(c *harnessConfig) { c.donations, c.starter, c.jobs = true, starter, true }
}

// withMedia adds the image library, limited to 1 MiB uploads so the size
// tests stay small; it implies withStaff, whose audit log it writes to.
func withMedia() option { return func(c *harnessConfig) { c.media, c.staff = true, true } }

// withJobs creates River's tables, for tests that queue jobs.
func withJobs() option { return func(c *harnessConfig) { c.jobs = true } }

// withWatch runs the server's content watch every 50ms, as serve does, so
// changes made behind the server's back reach its page cache.
func withWatch() option { return func(c *harnessConfig) { c.watch = true } }

// withDeps changes the server's Deps last, for parts no option covers.
func withDeps(f func(*web.Deps)) option { return func(c *harnessConfig) { c.deps = append(c.deps, f) } }

// hookSecret signs the Stripe webhooks of withDonations.
const hookSecret = "whsec_web_test"

// cheapHash keeps argon2id fast in tests; the production cost is tested
// in the account package. At 1 MiB a hash, the staff site allows 64 at
// once, so tests that send many sign-ins meet the rate limits, not the
// bound on concurrent hashing (TestSignInFloodBoundsMemoryAndTime).
var cheapHash = account.HashParams{Memory: 1024, Time: 1, Threads: 1}

// testStart is when every harness's clock starts; tests move it with
// h.clock.Advance and Set.
var testStart = time.Date(2024, 11, 6, 18, 0, 0, 0, time.UTC)

// newHarness builds a site on d with the given parts.
func newHarness(t testing.TB, d *db.DB, opts ...option) *harness {
	t.Helper()
	c := harnessConfig{generated: 1}
	for _, o := range opts {
		o(&c)
	}
	ctx := context.Background()
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := &harness{clock: &testClock{t: testStart}, personas: map[account.Role]signedIn{}, recovery: map[int64][]string{}}
	h.articles = article.NewStore(d, h.clock.Now)
	if c.content != nil {
		c.content(t, h.articles, h.clock)
	} else if err := demo.Load(ctx, h.articles, c.generated); err != nil {
		t.Fatal(err)
	}
	base := "http://paper.test"
	var listener net.Listener
	if c.localhost {
		if listener, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		base = fmt.Sprintf("http://localhost:%d", listener.Addr().(*net.TCPAddr).Port)
	}
	h.base = base
	deps := web.Deps{
		Site: web.Site{Name: "The Daily Co-op", BaseURL: base, Location: london,
			ShareOfferURL: "/shares", SocietyName: "the Readers' Society"},
		Articles: h.articles, Now: h.clock.Now, Logger: quiet, Fund: c.fundSource,
	}
	if c.jobs {
		if err := jobs.Migrate(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if c.staff {
		h.accounts = account.New(d, account.Options{Now: h.clock.Now, Hash: cheapHash, HashSlots: 64, BaseURL: base})
		h.mail = &mailbox{}
		deps.Accounts, deps.Mail = h.accounts, h.mail
		// The secretary's register, on the default share rules.
		soc, err := society.New(d, society.DefaultRules(), h.clock.Now)
		if err != nil {
			t.Fatal(err)
		}
		deps.Society = soc
		if c.mailer != nil {
			deps.Mail = c.mailer
		}
	}
	if c.media {
		blobs := c.blobs
		if blobs == nil {
			if blobs, err = media.NewDirBlobs(filepath.Join(t.TempDir(), "media")); err != nil {
				t.Fatal(err)
			}
		}
		if h.images, err = media.NewStore(d, blobs,
			media.Options{MaxBytes: 1 << 20, Now: h.clock.Now, Audit: h.accounts.Audit()}); err != nil {
			t.Fatal(err)
		}
		deps.Media = h.images
	}
	if c.fund {
		h.fund = fund.New(d, london, h.clock.Now, fund.WithDefaultTarget(money.Major(18010, "GBP")))
		if _, err := h.fund.EnsureCampaign(ctx, "2024-11"); err != nil {
			t.Fatal(err)
		}
		if _, err := h.fund.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		deps.Fund, deps.FundReports = h.fund.Snapshot(), h.fund
		h.standing = supporter.NewStandingOrders(d, h.fund, london, h.clock.Now)
		deps.StandingOrders = h.standing
	}
	if c.donations {
		jc, err := jobs.NewClient(d, quiet, nil, jobs.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if deps.StripeWebhooks, err = payment.NewIntake(d, jc, hookSecret, nil); err != nil {
			t.Fatal(err)
		}
		deps.DonationLimits = donation.Limits{Min: money.Major(1, "GBP"), Max: money.Major(10000, "GBP")}
		if c.starter != nil {
			deps.Donations = c.starter
		}
	}
	// Tests post the limited forms many times from one address; the form
	// limit's own tests (form_limit_test.go) put the real limits back.
	deps.FormLimits = web.FormLimits{PerClient: 1 << 20, All: 1 << 20}
	for _, f := range c.deps {
		f(&deps)
	}
	if h.srv, err = web.New(deps); err != nil {
		t.Fatal(err)
	}
	if c.watch {
		wctx, cancel := context.WithCancel(ctx)
		t.Cleanup(cancel)
		go h.srv.WatchContent(wctx, 50*time.Millisecond)
	}
	if listener != nil {
		h.http = httptest.NewUnstartedServer(h.srv)
		h.http.Listener.Close()
		h.http.Listener = listener
		h.http.Start()
	} else {
		h.http = httptest.NewServer(h.srv)
	}
	t.Cleanup(h.http.Close)
	return h
}

// testPassword is every test account's password.
const testPassword = "correct horse battery staple"

// person adds an account with a password and the given roles.
func (h *harness) person(t testing.TB, email string, roles ...account.Role) account.Account {
	t.Helper()
	name, _, _ := strings.Cut(email, "@")
	a, err := h.accounts.CreateAccount(context.Background(), account.Actor{Name: "test"},
		account.NewAccount{Email: email, Name: "Test " + name, Roles: roles, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// session starts a signed-in session for a and returns its token. An
// account that must have a second factor gets one the way a person does:
// the first session sets up an authenticator app with a code computed
// here, later ones spend a recovery code, so every session a test uses
// has passed the real second step.
func (h *harness) session(t testing.TB, a account.Account) string {
	t.Helper()
	ctx := context.Background()
	token := h.passwordSession(t, a)
	ss, err := h.accounts.Session(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	switch h.accounts.Stage(ss) {
	case account.StageSetUp:
		setup, err := h.accounts.StartTOTP(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		code, err := totp.GenerateCode(setup.Secret, h.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		codes, err := h.accounts.ConfirmTOTP(ctx, account.ActorOf(a, ""), token, a, "Test phone", code)
		if err != nil {
			t.Fatal(err)
		}
		h.mu2.Lock()
		h.recovery[a.ID] = codes
		h.mu2.Unlock()
		return token
	case account.StageSecondFactor:
		// A recovery code each time; the test may have replaced the codes
		// (the security page's "make new codes"), so new ones are made
		// when the kept ones fail.
		for range 2 {
			h.mu2.Lock()
			codes := h.recovery[a.ID]
			if len(codes) == 0 {
				if codes, err = h.accounts.NewRecoveryCodes(ctx, account.ActorOf(a, ""), a.ID); err != nil {
					h.mu2.Unlock()
					t.Fatal(err)
				}
			}
			h.recovery[a.ID] = codes[1:]
			h.mu2.Unlock()
			done, err := h.accounts.VerifyRecoveryCode(ctx, token, ss, codes[0])
			if errors.Is(err, account.ErrWrongCode) {
				h.mu2.Lock()
				h.recovery[a.ID] = nil
				h.mu2.Unlock()
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			return done
		}
		t.Fatalf("no recovery code of %s worked", a.Email)
	}
	return token
}

// enrolTOTP gives a an authenticator app, set up through a session of its
// own as a person would, and returns its secret. The first app's
// recovery codes are kept for the account's later sessions.
func (h *harness) enrolTOTP(t testing.TB, a account.Account) string {
	t.Helper()
	ctx := context.Background()
	token := h.passwordSession(t, a)
	if ss, err := h.accounts.Session(ctx, token); err != nil {
		t.Fatal(err)
	} else if h.accounts.Stage(ss) == account.StageSecondFactor {
		token = h.session(t, a) // an account with a factor adds one once signed in
	}
	setup, err := h.accounts.StartTOTP(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	code, err := totp.GenerateCode(setup.Secret, h.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	codes, err := h.accounts.ConfirmTOTP(ctx, account.ActorOf(a, ""), token, a, "Test phone", code)
	if err != nil {
		t.Fatal(err)
	}
	if codes != nil {
		h.mu2.Lock()
		h.recovery[a.ID] = codes
		h.mu2.Unlock()
	}
	return setup.Secret
}

// passwordSession starts a session for a as a right password does, before
// any second factor.
func (h *harness) passwordSession(t testing.TB, a account.Account) string {
	t.Helper()
	token, _, err := h.accounts.NewSession(context.Background(), a.ID, "127.0.0.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// as returns the session of the persona for role: an account
// role@example.org with that role alone, made on first use.
func (h *harness) as(t testing.TB, role account.Role) string {
	t.Helper()
	return h.persona(t, role).token
}

// account is the persona for role's account.
func (h *harness) account(t testing.TB, role account.Role) account.Account {
	t.Helper()
	return h.persona(t, role).account
}

// signedIn is a persona: an account of one role with a session.
type signedIn struct {
	account account.Account
	token   string
}

func (h *harness) persona(t testing.TB, role account.Role) signedIn {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	p, ok := h.personas[role]
	if !ok {
		p.account = h.person(t, string(role)+"@example.org", role)
		p.token = h.session(t, p.account)
		h.personas[role] = p
	}
	return p
}

// testClock is a settable clock, so session expiry, rate limits and
// publication times can be tested without waiting.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

// Now is the clock's time.
func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Advance moves the clock on by d.
func (c *testClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// Set puts the clock at t.
func (c *testClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// mailbox records what the server queued, standing in for the outbox where
// the test is not about delivery.
type mailbox struct {
	mu   sync.Mutex
	sent []mail.Message
}

// EnqueueTx records msg.
func (m *mailbox) EnqueueTx(_ context.Context, _ *sql.Tx, msg mail.Message) (int64, error) {
	return m.Enqueue(context.Background(), msg)
}

// Enqueue records msg.
func (m *mailbox) Enqueue(_ context.Context, msg mail.Message) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, msg)
	return int64(len(m.sent)), nil
}

// fixedBox is a FundSource with set figures, standing in for the fund's
// snapshot where a test needs a known box and no ledger.
type fixedBox struct{ box fund.Box }

// Box is the set box, whatever the time.
func (f fixedBox) Box(time.Time) fund.Box { return f.box }

// Loaded is always true: the figures are there from the start.
func (f fixedBox) Loaded() bool { return true }

// Version never changes, as the figures do not.
func (f fixedBox) Version() int64 { return 1 }

// Subscribe returns a channel that never delivers.
func (f fixedBox) Subscribe() (<-chan fund.Box, func()) {
	return make(chan fund.Box), func() {}
}

// fixedFund is the box of withFixedFund, worked out by the fund's own rule.
func fixedFund() fixedBox {
	london, _ := time.LoadLocation("Europe/London")
	return fixedBox{fund.ComputeBox(money.Major(18010, "GBP"), money.Major(5047, "GBP"), testStart, london)}
}

var _ web.FundSource = fixedBox{}
