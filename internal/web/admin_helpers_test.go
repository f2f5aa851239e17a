package web_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/demo"
	"github.com/coopress/coopress/internal/mail"
	"github.com/coopress/coopress/internal/media"
	"github.com/coopress/coopress/internal/web"
)

// testClock is a settable clock for the account service, so session expiry
// can be tested without waiting.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *testClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// mailbox records what the server queued, standing in for the outbox where
// the test is not about delivery.
type mailbox struct {
	mu   sync.Mutex
	sent []mail.Message
}

func (m *mailbox) EnqueueTx(_ context.Context, _ *sql.Tx, msg mail.Message) (int64, error) {
	return m.Enqueue(context.Background(), msg)
}

func (m *mailbox) Enqueue(_ context.Context, msg mail.Message) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, msg)
	return int64(len(m.sent)), nil
}

// staffSite is a test site with accounts.
type staffSite struct {
	*site
	accounts *account.Service
	clock    *testClock
	mail     *mailbox
	images   *media.Store // nil unless built with the image library
}

// cheapHash keeps argon2id fast in tests; the production cost is tested
// in the account package.
var cheapHash = account.HashParams{Memory: 1024, Time: 1, Threads: 1}

// newStaffSite builds a server with the account service on d. mailer may
// be nil for the recording mailbox.
func newStaffSite(t *testing.T, d *db.DB, mailer web.Mailer) *staffSite {
	t.Helper()
	return newStaffSiteWith(t, d, mailer, false)
}

// newStaffSiteWith is newStaffSite, with the image library when withMedia.
func newStaffSiteWith(t *testing.T, d *db.DB, mailer web.Mailer, withMedia bool) *staffSite {
	t.Helper()
	clock := &testClock{t: time.Date(2024, 11, 6, 18, 0, 0, 0, time.UTC)}
	store := article.NewStore(d, clock.Now)
	if err := demo.Load(context.Background(), store, 1); err != nil {
		t.Fatal(err)
	}
	accounts := account.New(d, account.Options{Now: clock.Now, Hash: cheapHash})
	box := &mailbox{}
	if mailer == nil {
		mailer = box
	}
	var images *media.Store
	if withMedia {
		var err error
		images, err = media.NewStore(d, filepath.Join(t.TempDir(), "media"),
			media.Options{MaxBytes: 1 << 20, Now: clock.Now, Audit: accounts.Audit()})
		if err != nil {
			t.Fatal(err)
		}
	}
	srv, err := web.New(web.Deps{
		Site:     web.Site{Name: "The Daily Co-op", BaseURL: "http://paper.test", ShareOfferURL: "/shares", SocietyName: "the Readers' Society"},
		Articles: store, Now: clock.Now, Fund: fixedBox{web.FundBox{Raised: "£5,047"}},
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Accounts: accounts, Mail: mailer, Media: images,
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &staffSite{site: &site{srv: srv, http: hs, articles: store}, accounts: accounts, clock: clock, mail: box, images: images}
}

const testPassword = "correct horse battery staple"

// person adds an account with a password and the given roles.
func (s *staffSite) person(t *testing.T, email string, roles ...account.Role) account.Account {
	t.Helper()
	a, err := s.accounts.CreateAccount(context.Background(), account.Actor{Name: "test"},
		account.NewAccount{Email: email, Name: "Test " + strings.Split(email, "@")[0], Roles: roles, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// session starts a session for a and returns its token.
func (s *staffSite) session(t *testing.T, a account.Account) string {
	t.Helper()
	token, _, err := s.accounts.NewSession(context.Background(), a.ID, "127.0.0.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// response is what a request returned.
type response struct {
	status int
	header http.Header
	body   string
	cookie *http.Cookie // the session cookie set, if any
}

// do sends a request with the session token as cookie (none when empty),
// form as a urlencoded body for POST, and extra header pairs; redirects are
// not followed.
func (s *staffSite) do(t *testing.T, method, path, token string, form url.Values, header ...string) response {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, s.http.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		req.AddCookie(&http.Cookie{Name: "coopress_session", Value: token})
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := response{status: resp.StatusCode, header: resp.Header, body: string(b)}
	for _, c := range resp.Cookies() {
		if c.Name == "coopress_session" {
			r.cookie = c
		}
	}
	return r
}

// sentToSignIn reports whether r is the staff area's refusal of an
// anonymous GET: to the sign-in page, and back afterwards.
func (r response) sentToSignIn() bool {
	return r.status == http.StatusSeeOther && strings.HasPrefix(r.header.Get("Location"), "/signin?next=")
}
