package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/pquerna/otp/totp"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/valid"
)

// adapterSite is a real server on a fresh SQLite database whose log is kept,
// with one staff member's session, for driving the handler adapter directly.
type adapterSite struct {
	srv   *Server
	log   *bytes.Buffer
	token string
}

func newAdapterSite(t *testing.T) *adapterSite {
	t.Helper()
	d := dbtest.SQLite(t)
	now := func() time.Time { return time.Date(2024, 11, 6, 18, 0, 0, 0, time.UTC) }
	accounts := account.New(d, account.Options{Now: now, Hash: account.HashParams{Memory: 1024, Time: 1, Threads: 1}})
	var log bytes.Buffer
	srv, err := New(Deps{
		Site: Site{Name: "The Daily Co-op", BaseURL: "http://paper.test"}, Articles: article.NewStore(d, now), Now: now,
		Logger: slog.New(slog.NewTextHandler(&log, nil)), Accounts: accounts,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := accounts.CreateAccount(ctx, account.Actor{Name: "test"},
		account.NewAccount{Email: "tre@example.org", Name: "Tre", Roles: []account.Role{account.Treasurer}, Password: "correct horse battery staple"})
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := accounts.NewSession(ctx, a.ID, "127.0.0.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	// A treasurer needs a second factor: set one up, as the person would.
	setup, err := accounts.StartTOTP(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	code, err := totp.GenerateCode(setup.Secret, now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := accounts.ConfirmTOTP(ctx, account.ActorOf(a, ""), token, a, "Phone", code); err != nil {
		t.Fatal(err)
	}
	return &adapterSite{srv: srv, log: &log, token: token}
}

// TestAdapterAnswersValidationErrorsWith422: a valid.Error that reaches the
// adapter, however wrapped, is the person's mistake, not the server's: 422
// with its message, public or staff, and nothing in the error log. Before
// the adapter knew valid.Error, each of these was a logged 500.
func TestAdapterAnswersValidationErrorsWith422(t *testing.T) {
	s := newAdapterSite(t)
	refused := func(err error) handlerFunc {
		return func(http.ResponseWriter, *http.Request) error { return err }
	}
	mux := http.NewServeMux()
	mux.Handle("POST /donate-test", s.srv.handle(refused(fmt.Errorf("donation: start: %w", valid.New("amount", "must be more than zero")))))
	mux.Handle("POST /sentence-test", s.srv.handle(refused(valid.New("publish_at", "Choose the date and time to publish."))))
	mux.Handle("GET /broken-test", s.srv.handle(refused(errors.New("disk full"))))
	s.srv.adminRoute(mux, "GET /admin/fund/test-form", treasurers(), refused(nil))
	s.srv.adminRoute(mux, "POST /admin/fund/test-form", treasurers(), refused(fmt.Errorf("fund: record: %w",
		valid.Error{Field: "donor_email", Message: "is not an email address", Cause: errors.New("no @")})))
	s.srv.adminRoute(mux, "POST /admin/fund/test-action", treasurers(), refused(valid.New("reason", "say why the entry is being reversed")))
	s.srv.adminRoute(mux, "POST /admin/fund/test-joined", treasurers(), refused(fmt.Errorf("fund: parse gift: %w",
		errors.Join(valid.New("amount", "must be more than zero"), valid.New("method", "choose one")))))
	mux.Handle("POST /joined-test", s.srv.handle(refused(errors.Join(valid.New("amount", "must be more than zero"), valid.New("method", "choose one")))))

	cases := []struct {
		name, method, path string
		staff              bool
		wantStatus         int
		want, notWant      []string
		wantLogged         bool
	}{
		{name: "public, wrapped", method: "POST", path: "/donate-test", wantStatus: 422,
			want: []string{"Check what you entered", "Amount: must be more than zero."}, notWant: []string{"donation: start", "Something went wrong"}},
		{name: "public, a whole sentence stands alone", method: "POST", path: "/sentence-test", wantStatus: 422,
			want: []string{"Choose the date and time to publish."}, notWant: []string{"Publish at"}},
		{name: "staff, with the way back to the form", method: "POST", path: "/admin/fund/test-form", staff: true, wantStatus: 422,
			want:    []string{"Check what you entered", `role="alert"`, "Donor email: is not an email address.", `<a href="/admin/fund/test-form">Go back to the form</a>`, "Fighting fund</a>"},
			notWant: []string{"no @", "fund: record"}},
		{name: "staff, no form at that address", method: "POST", path: "/admin/fund/test-action", staff: true, wantStatus: 422,
			want: []string{"Reason: say why the entry is being reversed.", `<a href="/admin/">go to the dashboard</a>`}, notWant: []string{"Go back to the form"}},
		{name: "staff, every refusal of a joined error", method: "POST", path: "/admin/fund/test-joined", staff: true, wantStatus: 422,
			want: []string{"<li><span class=\"visually-hidden\">Error:</span> Amount: must be more than zero.</li>", "Method: choose one."}},
		{name: "public, every refusal of a joined error", method: "POST", path: "/joined-test", wantStatus: 422,
			want: []string{"Amount: must be more than zero. Method: choose one."}},
		{name: "anything else is still a logged 500", method: "GET", path: "/broken-test", wantStatus: 500,
			want: []string{"Something went wrong"}, notWant: []string{"disk full"}, wantLogged: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s.log.Reset()
			req := httptest.NewRequest(c.method, c.path, strings.NewReader(url.Values{"x": {"1"}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if c.staff {
				req.AddCookie(&http.Cookie{Name: sessionCookie, Value: s.token})
			}
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)
			body := rec.Body.String()
			if rec.Code != c.wantStatus {
				t.Fatalf("status %d, want %d\n%s", rec.Code, c.wantStatus, body)
			}
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %q\n%s", w, body)
				}
			}
			for _, w := range c.notWant {
				if strings.Contains(body, w) {
					t.Errorf("body shows %q", w)
				}
			}
			if logged := strings.Contains(s.log.String(), "level=ERROR"); logged != c.wantLogged {
				t.Errorf("logged as an error: %v, want %v\n%s", logged, c.wantLogged, s.log.String())
			}
			if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
		})
	}
}

func TestInvalidText(t *testing.T) {
	cases := []struct {
		err  valid.Error
		want string
	}{
		{valid.Error{Field: "amount", Message: "must be more than zero"}, "Amount: must be more than zero."},
		{valid.Error{Field: "donor_email", Message: "is not an email address."}, "Donor email: is not an email address."},
		{valid.Error{Field: "smtp port", Message: "must be between 1 and 65535"}, "Smtp port: must be between 1 and 65535."},
		{valid.Error{Field: "title", Message: "Give the article a headline."}, "Give the article a headline."},
		{valid.Error{Message: "the file is not an image"}, "The file is not an image."},
		{valid.Error{Field: "état", Message: ""}, "État: is not right."},
	}
	for _, c := range cases {
		if got := invalidText(c.err); got != c.want {
			t.Errorf("invalidText(%+v) = %q, want %q", c.err, got, c.want)
		}
	}
}
