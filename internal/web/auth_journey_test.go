package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/jobs"
	"github.com/coopress/coopress/internal/mail"
	"github.com/coopress/coopress/internal/testservers"
	"github.com/coopress/coopress/internal/web"
)

func TestSignInAndOut(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, withStaff())
		h.person(t, "ed@example.org", account.Editor)
		runScenarios(t, h, []scenario{
			{name: "sign-in page", path: "/signin?next=/admin/account", status: http.StatusOK,
				want: []string{`<label for="email">`, `value="/admin/account"`}},
			// A wrong password: message beside the field, email kept,
			// password not.
			{name: "wrong password", method: "POST", path: "/signin",
				form:   url.Values{"email": {"Ed@example.org"}, "password": {"not my password"}, "next": {"/admin/account"}},
				status: http.StatusUnauthorized, want: []string{"The email address or password is not right", `value="Ed@example.org"`,
					`aria-invalid="true" aria-describedby="password-error"`, `role="alert"`}, notWant: []string{"not my password"}},
			{name: "empty form", method: "POST", path: "/signin", form: url.Values{"email": {""}, "password": {""}},
				status: http.StatusUnprocessableEntity, want: []string{"Enter your email address.", "Enter your password."}},
		})
		// A session the browser had before is ended at sign-in (rotation).
		planted := h.session(t, h.person(t, "other@example.org", account.Writer))
		res := h.do(t, req{method: "POST", path: "/signin", token: planted, form: url.Values{"email": {"ed@example.org"}, "password": {testPassword}, "next": {"/admin/account"}}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/admin/account" || res.cookie == nil {
			t.Fatalf("sign in: %d %q", res.status, res.header.Get("Location"))
		}
		c := res.cookie
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure || c.MaxAge != 30*24*3600 || c.Value == planted {
			t.Errorf("cookie %+v", c)
		}
		if res := h.do(t, req{path: "/admin/", token: planted}); !res.sentToSignIn() {
			t.Errorf("planted session survived sign-in: %d", res.status)
		}
		if res := h.do(t, req{path: "/admin/", token: c.Value}); res.status != 200 || !strings.Contains(res.body, "Staff dashboard") ||
			!strings.Contains(res.body, `<meta name="robots" content="noindex">`) || strings.Contains(res.body, "Users</a>") {
			t.Errorf("dashboard: %d", res.status)
		}
		if res := h.do(t, req{path: "/signin", token: c.Value}); res.status != http.StatusSeeOther {
			t.Errorf("sign-in page when signed in: %d", res.status)
		}
		// An open redirect through next is refused.
		for _, next := range []string{"//evil.example/", "https://evil.example/", `/\evil.example`, "/\t/evil.example", "/%09/evil.example"} {
			res := h.do(t, req{method: "POST", path: "/signin", form: url.Values{"email": {"ed@example.org"}, "password": {testPassword}, "next": {next}}})
			if res.header.Get("Location") != "/admin/" {
				t.Errorf("next %q: redirected to %q", next, res.header.Get("Location"))
			}
		}
		res = h.do(t, req{method: "POST", path: "/signout", token: c.Value, form: url.Values{}})
		if res.status != http.StatusSeeOther || res.cookie == nil || res.cookie.MaxAge >= 0 {
			t.Fatalf("sign out: %d %+v", res.status, res.cookie)
		}
		if res := h.do(t, req{path: "/admin/", token: c.Value}); !res.sentToSignIn() {
			t.Errorf("session alive after sign-out: %d", res.status)
		}
	})
}

func TestSignInRateLimit(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), withStaff())
	h.person(t, "ed@example.org", account.Editor)
	for i := range 5 {
		if res := h.do(t, req{method: "POST", path: "/signin", form: url.Values{"email": {"ed@example.org"}, "password": {"guess number " + string(rune('a'+i))}}}); res.status != 401 {
			t.Fatalf("guess %d: %d", i+1, res.status)
		}
	}
	res := h.do(t, req{method: "POST", path: "/signin", form: url.Values{"email": {"ed@example.org"}, "password": {testPassword}}})
	if res.status != http.StatusTooManyRequests || !strings.Contains(res.body, "Too many failed attempts") ||
		res.header.Get("Retry-After") == "" || res.cookie != nil || !strings.Contains(res.body, `value="ed@example.org"`) {
		t.Fatalf("sixth try: %d %q", res.status, res.body)
	}
	h.clock.Advance(16 * time.Minute)
	if res := h.do(t, req{method: "POST", path: "/signin", form: url.Values{"email": {"ed@example.org"}, "password": {testPassword}}}); res.status != http.StatusSeeOther {
		t.Fatalf("after 15 minutes: %d", res.status)
	}
}

func TestSignInLinkAndUsers(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), withStaff())
	admin := h.person(t, "admin@example.org", account.Admin)
	token := h.session(t, admin)
	form := url.Values{"email": {"new@example.org"}, "name": {"New Writer"}, "roles": {"writer"}}
	if res := h.do(t, req{method: "POST", path: "/admin/users", token: token, form: url.Values{"email": {"bad"}, "name": {"X"}}}); res.status != 422 ||
		!strings.Contains(res.body, "Choose at least one role") || !strings.Contains(res.body, `value="bad"`) {
		t.Fatalf("bad create: %d", res.status)
	}
	res := h.do(t, req{method: "POST", path: "/admin/users", token: token, form: form})
	if res.status != http.StatusSeeOther || len(h.mail.sent) != 1 {
		t.Fatalf("create: %d, %d mails", res.status, len(h.mail.sent))
	}
	m := regexp.MustCompile(`http://paper\.test(/signin/link/\S+)`).FindStringSubmatch(h.mail.sent[0].Text)
	if m == nil || h.mail.sent[0].To != "new@example.org" {
		t.Fatalf("mail: %+v", h.mail.sent[0])
	}
	if res := h.do(t, req{path: m[1]}); res.status != 200 || !strings.Contains(res.body, "new@example.org") {
		t.Fatalf("link page: %d", res.status)
	}
	res = h.do(t, req{method: "POST", path: m[1], form: url.Values{}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/admin/account?welcome=1" || res.cookie == nil {
		t.Fatalf("link: %d %q", res.status, res.header.Get("Location"))
	}
	if again := h.do(t, req{method: "POST", path: m[1], form: url.Values{}}); again.status != 404 || again.cookie != nil {
		t.Fatalf("link used twice: %d", again.status)
	}
	writer := res.cookie.Value
	if res := h.do(t, req{path: "/admin/account?welcome=1", token: writer}); !strings.Contains(res.body, "Now choose a password") || strings.Contains(res.body, `id="current"`) {
		t.Fatalf("welcome: %s", res.body)
	}
	res = h.do(t, req{method: "POST", path: "/admin/account/password", token: writer, form: url.Values{"password": {"my own passphrase"}, "confirm": {"my own passphrase"}}})
	if res.status != http.StatusSeeOther || res.cookie == nil {
		t.Fatalf("set password: %d", res.status)
	}
	if _, err := h.accounts.Authenticate(context.Background(), "new@example.org", "my own passphrase"); err != nil {
		t.Fatal(err)
	}
	// The admin changes the writer's roles and disables them; both audited.
	nw, _ := h.accounts.ByEmail(context.Background(), "new@example.org")
	path := "/admin/users/" + itoa(nw.ID)
	if res := h.do(t, req{method: "POST", path: path + "/roles", token: token, form: url.Values{"roles": {"writer", "editor"}}}); res.status != http.StatusSeeOther {
		t.Fatalf("roles: %d", res.status)
	}
	if res := h.do(t, req{method: "POST", path: "/admin/users/" + itoa(admin.ID) + "/roles", token: token, form: url.Values{"roles": {"editor"}}}); res.status != 422 ||
		!strings.Contains(res.body, "cannot take the admin role from yourself") {
		t.Fatalf("self demotion: %d", res.status)
	}
	if res := h.do(t, req{method: "POST", path: path + "/disable", token: token, form: url.Values{}}); res.status != http.StatusSeeOther {
		t.Fatalf("disable: %d", res.status)
	}
	res = h.do(t, req{path: "/admin/audit?actor=admin@&action=account.roles", token: token})
	if res.status != 200 || !strings.Contains(res.body, "1 entry") || !strings.Contains(res.body, "&#34;editor&#34;") {
		t.Fatalf("audit: %d\n%s", res.status, res.body)
	}
	if res := h.do(t, req{path: "/admin/audit?since=yesterday", token: token}); res.status != 422 || !strings.Contains(res.body, "YYYY-MM-DD") {
		t.Fatalf("bad date: %d", res.status)
	}
	if res := h.do(t, req{path: "/admin/audit?object=account:" + itoa(nw.ID), token: token}); !strings.Contains(res.body, "account.disable") {
		t.Fatalf("object filter: %s", res.body)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestPasswordResetByMail sends the reset email through the real outbox,
// job queue and SMTP to mailpit, then follows the link.
func TestPasswordResetByMail(t *testing.T) {
	mp := testservers.StartMailpit(t)
	d := dbtest.SQLite(t)
	h := newHarness(t, d, withMailer(mailTo(t, d, mp)))
	h.person(t, "ed@example.org", account.Editor)

	known := h.do(t, req{method: "POST", path: "/reset", form: url.Values{"email": {"Ed@example.org"}}})
	unknown := h.do(t, req{method: "POST", path: "/reset", form: url.Values{"email": {"nobody@example.org"}}})
	if known.status != 200 || !strings.Contains(known.body, "If that address has an account, we've sent a link") || known.body != unknown.body {
		t.Fatalf("reset answers differ or fail: %d / %d", known.status, unknown.status)
	}
	msg := mp.WaitFor(t, "ed@example.org", 10*time.Second)
	m := regexp.MustCompile(`http://paper\.test(/reset/[A-Za-z0-9_-]{43})`).FindStringSubmatch(msg.Text)
	if m == nil {
		t.Fatalf("no link in %q", msg.Text)
	}
	if res := h.do(t, req{path: m[1]}); res.status != 200 || !strings.Contains(res.body, "ed@example.org") {
		t.Fatalf("reset page: %d", res.status)
	}
	if res := h.do(t, req{method: "POST", path: m[1], form: url.Values{"password": {"a new passphrase"}, "confirm": {"another"}}}); res.status != 422 ||
		!strings.Contains(res.body, "not the same") {
		t.Fatalf("mismatch: %d", res.status)
	}
	res := h.do(t, req{method: "POST", path: m[1], form: url.Values{"password": {"a new passphrase"}, "confirm": {"a new passphrase"}}})
	if res.status != http.StatusSeeOther || res.cookie == nil {
		t.Fatalf("reset: %d", res.status)
	}
	if res := h.do(t, req{path: m[1]}); res.status != 404 {
		t.Fatalf("used link: %d", res.status)
	}
	if res := h.do(t, req{method: "POST", path: "/signin", form: url.Values{"email": {"ed@example.org"}, "password": {"a new passphrase"}}}); res.status != http.StatusSeeOther {
		t.Fatalf("sign in with the new password: %d", res.status)
	}
	// Three requests per address per 15 minutes, then a clear refusal.
	for range 2 {
		h.do(t, req{method: "POST", path: "/reset", form: url.Values{"email": {"ed@example.org"}}})
	}
	if res := h.do(t, req{method: "POST", path: "/reset", form: url.Values{"email": {"ed@example.org"}}}); res.status != http.StatusTooManyRequests ||
		!strings.Contains(res.body, "Too many reset requests") {
		t.Fatalf("reset flood: %d", res.status)
	}
}

// mailTo is the real outbox on d, with a River worker delivering its
// messages over SMTP to mp, for tests that read the mail a person gets.
func mailTo(t testing.TB, d *db.DB, mp *testservers.Mailpit) web.Mailer {
	t.Helper()
	if err := jobs.Migrate(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	w := jobs.NewWorkers()
	smtp := mail.SMTPConfig{Host: mp.SMTPHost(), Port: mp.SMTPPort(), From: "The Paper <desk@paper.test>", TLS: mail.TLSNone}
	if err := mail.RegisterWorkers(w, d, smtp, mail.WorkerOptions{Log: quiet}); err != nil {
		t.Fatal(err)
	}
	client, err := jobs.NewClient(d, quiet, w, jobs.Options{PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = client.Stop(ctx)
	})
	return mail.NewOutbox(d, client, nil)
}
