package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

// readerLinkPath finds the /account/link/… path in a queued email.
var readerLinkPath = regexp.MustCompile(`http://[^/\s]+(/account/link/[A-Za-z0-9_-]{43})`)

// lastReaderLink asks for a sign-in link for email and returns its path
// from the mail queued.
func (h *harness) lastReaderLink(t testing.TB, email string) string {
	t.Helper()
	res := h.do(t, req{method: "POST", path: "/account/signin", form: url.Values{"email": {email}}})
	if res.status != http.StatusOK || !strings.Contains(res.body, "Check your email") {
		t.Fatalf("ask for a link for %s: %d %s", email, res.status, errorSummaryOr(res.body))
	}
	h.mail.mu.Lock()
	defer h.mail.mu.Unlock()
	msg := h.mail.sent[len(h.mail.sent)-1]
	m := readerLinkPath.FindStringSubmatch(msg.Text)
	if m == nil || msg.To != account.NormalizeEmail(email) {
		t.Fatalf("no link to %s in %+v", email, msg)
	}
	return m[1]
}

// readerSession follows a fresh link for email and returns the session.
func (h *harness) readerSession(t testing.TB, email string) string {
	t.Helper()
	res := h.do(t, req{method: "POST", path: h.lastReaderLink(t, email)})
	if res.status != http.StatusSeeOther || res.cookie == nil {
		t.Fatalf("follow the link for %s: %d", email, res.status)
	}
	return res.cookie.Value
}

func (h *harness) sentCount() int {
	h.mail.mu.Lock()
	defer h.mail.mu.Unlock()
	return len(h.mail.sent)
}

// TestReaderSignInLink goes through the link's life on the web: the same
// answer and one email for known and unknown addresses; the link's page
// spends nothing; the button signs in once; reused, expired, tampered,
// guessed and other purposes' tokens are refused.
func TestReaderSignInLink(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, withStaff())
		h.person(t, "ed@example.org", account.Editor)

		form := h.do(t, req{path: "/account/signin"})
		if form.status != 200 || !strings.Contains(form.body, `<label for="email">`) || form.header.Get("Cache-Control") != "no-store, private" {
			t.Fatalf("form: %d %q", form.status, form.header.Get("Cache-Control"))
		}

		// The same answer, and the same work, whoever asks.
		before := h.sentCount()
		known := h.do(t, req{method: "POST", path: "/account/signin", form: url.Values{"email": {"Ed@example.org"}}})
		unknown := h.do(t, req{method: "POST", path: "/account/signin", form: url.Values{"email": {"nobody@example.org"}}})
		if known.status != 200 || unknown.status != 200 ||
			strings.ReplaceAll(known.body, "Ed@example.org", "X") != strings.ReplaceAll(unknown.body, "nobody@example.org", "X") {
			t.Fatalf("answers differ: %d / %d", known.status, unknown.status)
		}
		if known.cookie != nil || unknown.cookie != nil || h.sentCount() != before+2 {
			t.Fatalf("asking: cookies %v %v, %d emails queued, want 2", known.cookie, unknown.cookie, h.sentCount()-before)
		}

		// The link's page shows a button and spends nothing, however often
		// a mail scanner fetches it.
		link := h.lastReaderLink(t, "new.reader@example.org")
		for range 2 {
			page := h.do(t, req{path: link})
			if page.status != 200 || !strings.Contains(page.body, "new.reader@example.org") || page.cookie != nil {
				t.Fatalf("link page: %d", page.status)
			}
		}
		res := h.do(t, req{method: "POST", path: link})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/account?welcome=1" || res.cookie == nil {
			t.Fatalf("follow: %d %s", res.status, res.header.Get("Location"))
		}
		page := h.do(t, req{path: "/account?welcome=1", token: res.cookie.Value})
		if page.status != 200 || !strings.Contains(page.body, "new.reader@example.org") || !strings.Contains(page.body, "your account is ready") {
			t.Fatalf("account page: %d", page.status)
		}
		if again := h.do(t, req{path: "/account/signin", token: res.cookie.Value}); again.status != http.StatusSeeOther || again.header.Get("Location") != "/account" {
			t.Errorf("sign-in form when signed in: %d %s", again.status, again.header.Get("Location"))
		}
		a, err := h.accounts.ByEmail(context.Background(), "new.reader@example.org")
		if err != nil || len(a.Roles) != 1 || a.Roles[0] != account.Reader {
			t.Fatalf("new account: %+v %v", a, err)
		}

		staffLink, err := h.accounts.IssueSignInLink(context.Background(), account.Actor{Name: "test"}, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		expired := h.lastReaderLink(t, "ed@example.org")
		h.clock.Advance(15 * time.Minute)
		fresh := h.lastReaderLink(t, "ed@example.org")
		refused := map[string]string{
			"reused":             link,
			"expired":            expired,
			"tampered":           fresh[:len(fresh)-1] + map[bool]string{true: "B", false: "A"}[strings.HasSuffix(fresh, "A")],
			"guessed":            "/account/link/" + strings.Repeat("x", 43),
			"a staff link":       "/account/link/" + staffLink,
			"as a staff sign-in": strings.Replace(fresh, "/account/link/", "/signin/link/", 1),
			"as a reset":         strings.Replace(fresh, "/account/link/", "/reset/", 1),
		}
		for name, path := range refused {
			for _, method := range []string{"GET", "POST"} {
				res := h.do(t, req{method: method, path: path, form: url.Values{}})
				if res.status != http.StatusNotFound || res.cookie != nil {
					t.Errorf("%s %s link: %d, cookie %v", method, name, res.status, res.cookie)
				}
			}
		}
		if res := h.do(t, req{method: "POST", path: fresh}); res.status != http.StatusSeeOther || res.header.Get("Location") != "/account" {
			t.Errorf("the fresh link after all those: %d %s", res.status, res.header.Get("Location"))
		}

		for _, bad := range []string{"", "not an address", strings.Repeat("x", 300) + "@example.org"} {
			before := h.sentCount()
			res := h.do(t, req{method: "POST", path: "/account/signin", form: url.Values{"email": {bad}}})
			if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="email-error"`) ||
				!strings.Contains(res.body, `aria-describedby="email-error"`) || h.sentCount() != before {
				t.Errorf("address %q: %d, %d emails", bad, res.status, h.sentCount()-before)
			}
		}
	})
}

// TestReaderSignInLimits: three links per address per 15 minutes, and
// thirty per client address, then a clear refusal beside the field that
// queues nothing.
func TestReaderSignInLimits(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), withStaff())
	ask := func(email string) response {
		return h.do(t, req{method: "POST", path: "/account/signin", form: url.Values{"email": {email}}})
	}
	for i := range 3 {
		if res := ask("r@example.org"); res.status != 200 {
			t.Fatalf("request %d: %d", i+1, res.status)
		}
	}
	before := h.sentCount()
	res := ask("R@example.org")
	if res.status != http.StatusTooManyRequests || !strings.Contains(res.body, `id="email-error"`) ||
		!strings.Contains(res.body, "Too many sign-in links") || res.header.Get("Retry-After") == "" || h.sentCount() != before {
		t.Fatalf("fourth link to one address: %d, %d emails", res.status, h.sentCount()-before)
	}
	h.clock.Advance(15*time.Minute + time.Second)
	if res := ask("r@example.org"); res.status != 200 {
		t.Fatalf("after the window: %d", res.status)
	}

	// Thirty from one client address, to thirty addresses, then a refusal.
	h = newHarness(t, dbtest.SQLite(t), withStaff())
	for i := range 30 {
		if res := ask("p" + itoa(int64(i)) + "@example.org"); res.status != 200 {
			t.Fatalf("address %d from one client: %d", i+1, res.status)
		}
	}
	before = h.sentCount()
	if res := ask("one.more@example.org"); res.status != http.StatusTooManyRequests || h.sentCount() != before {
		t.Fatalf("31st request from one client: %d", res.status)
	}
}

// TestReaderSessionOpensNoStaffRoute drives every staff route with a
// reader's session, and with the session a staff admin got from a reader
// link: each is treated as not signed in (GET to /signin, anything else
// 401), since a link is not the staff password step. The staff sign-in
// form then shows, rather than bouncing back to /admin.
func TestReaderSessionOpensNoStaffRoute(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, withStaff(), withFund(), withMedia(), withJobs())
		admin := h.person(t, "boss@example.org", account.Admin)
		h.enrolTOTP(t, admin)
		sessions := map[string]string{
			"reader":         h.readerSession(t, "reader@example.org"),
			"admin by link":  h.readerSession(t, "boss@example.org"),
			"editor by link": h.readerSession(t, h.person(t, "ed@example.org", account.Editor).Email),
		}
		wildcard := regexp.MustCompile(`\{[a-z]+\}`)
		for who, token := range sessions {
			for _, r := range h.srv.AdminRoutes() {
				method, path, ok := strings.Cut(r.Pattern, " ")
				if !ok {
					method, path = "GET", r.Pattern
				}
				if path == "/admin/" {
					path = "/admin/no-such-page"
				}
				path = wildcard.ReplaceAllString(strings.ReplaceAll(path, "{$}", ""), "1")
				res := h.do(t, req{method: method, path: path, token: token, form: url.Values{}})
				switch {
				case method == "GET" && !res.sentToSignIn():
					t.Errorf("%s: GET %s: %d %s, want a redirect to /signin", who, path, res.status, res.header.Get("Location"))
				case method != "GET" && res.status != http.StatusUnauthorized:
					t.Errorf("%s: %s %s: %d, want 401", who, method, path, res.status)
				}
			}
			if res := h.do(t, req{path: "/signin?next=/admin/", token: token}); res.status != 200 || !strings.Contains(res.body, `id="password"`) {
				t.Errorf("%s: staff sign-in form: %d %s", who, res.status, res.header.Get("Location"))
			}
			if res := h.do(t, req{path: "/signin/second", token: token}); !res.sentToSignIn() {
				t.Errorf("%s: second-factor page: %d %s, want a redirect to /signin", who, res.status, res.header.Get("Location"))
			}
			if res := h.do(t, req{method: "POST", path: "/signin/second", token: token, form: url.Values{"code": {"123456"}}}); res.status == 200 || res.cookie != nil {
				t.Errorf("%s: second factor on a reader session: %d", who, res.status)
			}
			if res := h.do(t, req{path: "/account", token: token}); res.status != 200 {
				t.Errorf("%s: /account: %d", who, res.status)
			}
		}
		// A staff session that gave its password and second factor opens
		// the reader's page too: one person, one account.
		if res := h.do(t, req{path: "/account", token: h.session(t, admin)}); res.status != 200 || !strings.Contains(res.body, "boss@example.org") {
			t.Errorf("admin's own /account: %d", res.status)
		}
		if res := h.do(t, req{path: "/account"}); res.status != http.StatusSeeOther || res.header.Get("Location") != "/account/signin" {
			t.Errorf("anonymous /account: %d %s", res.status, res.header.Get("Location"))
		}
		if res := h.do(t, req{method: "POST", path: "/account/signout-everywhere", form: url.Values{}}); res.status != http.StatusUnauthorized {
			t.Errorf("anonymous sign out everywhere: %d", res.status)
		}
	})
}

// TestCachedArticleCarriesNoReaderData: a signed-in reader reads an
// article, then an anonymous reader gets the cached copy: it names
// nobody and sets no cookie. The masthead's greeting comes from
// /account/me, which nothing may store.
func TestCachedArticleCarriesNoReaderData(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), withStaff())
	token := h.readerSession(t, "rosa.unique@example.org")
	a, err := h.accounts.ByEmail(context.Background(), "rosa.unique@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.accounts.SetName(context.Background(), account.Actor{Name: "test"}, a.ID, "Rosa Quillfeather"); err != nil {
		t.Fatal(err)
	}
	article := seedPath
	for _, path := range []string{article, "/", "/supporters"} {
		mine := h.do(t, req{path: path, token: token})
		anon := h.do(t, req{path: path})
		if mine.status != 200 || anon.status != 200 {
			t.Fatalf("%s: %d / %d", path, mine.status, anon.status)
		}
		for _, res := range []response{mine, anon} {
			for _, secret := range []string{"Rosa", "Quillfeather", "rosa.unique"} {
				if strings.Contains(res.body, secret) {
					t.Errorf("%s carries %q", path, secret)
				}
			}
			if c := res.header.Values("Set-Cookie"); len(c) > 0 {
				t.Errorf("%s sets cookies %v", path, c)
			}
		}
		if mine.body != anon.body {
			t.Errorf("%s: the signed-in reader's copy differs from the anonymous one", path)
		}
		if !strings.Contains(anon.body, `href="/account" data-account-link>Your account</a>`) {
			t.Errorf("%s: no plain account link in the masthead", path)
		}
	}
	if cc := h.do(t, req{path: article}).header.Get("Cache-Control"); !strings.HasPrefix(cc, "public") {
		t.Errorf("article Cache-Control %q, want it cacheable", cc)
	}

	var me struct {
		SignedIn bool
		Name     string
	}
	res := h.do(t, req{path: "/account/me", token: token})
	if err := json.Unmarshal([]byte(res.body), &me); err != nil || !me.SignedIn || me.Name != "Rosa Quillfeather" {
		t.Fatalf("/account/me: %s %v", res.body, err)
	}
	if cc := res.header.Get("Cache-Control"); cc != "no-store, private" {
		t.Errorf("/account/me Cache-Control %q", cc)
	}
	res = h.do(t, req{path: "/account/me"})
	if res.body != `{"signedIn":false}` || res.header.Get("Cache-Control") != "no-store, private" {
		t.Errorf("anonymous /account/me: %s %q", res.body, res.header.Get("Cache-Control"))
	}
}

// TestReaderAccountPage: the name form shows errors beside the field and
// changes nothing; sign out and sign out everywhere end the sessions.
func TestReaderAccountPage(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), withStaff())
	token := h.readerSession(t, "pat@example.org")
	other := h.readerSession(t, "pat@example.org")
	res := h.do(t, req{method: "POST", path: "/account/name", token: token, form: url.Values{"name": {"  "}}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="name-error"`) {
		t.Fatalf("empty name: %d", res.status)
	}
	res = h.do(t, req{method: "POST", path: "/account/name", token: token, form: url.Values{"name": {"Pat Reader"}}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("name: %d", res.status)
	}
	if page := h.do(t, req{path: "/account", token: token}); !strings.Contains(page.body, `value="Pat Reader"`) {
		t.Errorf("name not saved")
	}
	h.clock.Advance(15*time.Minute + time.Second) // past the limit of three links
	unused := h.lastReaderLink(t, "pat@example.org")
	res = h.do(t, req{method: "POST", path: "/account/signout-everywhere", token: token, form: url.Values{}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/account/signin?everywhere=1" {
		t.Fatalf("sign out everywhere: %d", res.status)
	}
	for _, tok := range []string{token, other} {
		if res := h.do(t, req{path: "/account", token: tok}); res.status != http.StatusSeeOther {
			t.Errorf("session after sign out everywhere: %d", res.status)
		}
	}
	if res := h.do(t, req{path: unused}); res.status != http.StatusNotFound {
		t.Errorf("unused link after sign out everywhere: %d", res.status)
	}
	token = h.readerSession(t, "pat@example.org")
	if res := h.do(t, req{method: "POST", path: "/account/signout", token: token, form: url.Values{}}); res.status != http.StatusSeeOther {
		t.Fatalf("sign out: %d", res.status)
	}
	if res := h.do(t, req{path: "/account", token: token}); res.status != http.StatusSeeOther {
		t.Errorf("session after sign out: %d", res.status)
	}
}

// TestReaderPasskeyRefusals: a staff account adds no passkey from the
// reader pages (it would be a second factor got by link); a passkey
// answer without its challenge cookie, or with a made-up body, signs
// nobody in; a reader cannot remove another's passkey. The Chromium
// journey covers passkeys that work.
func TestReaderPasskeyRefusals(t *testing.T) {
	d := dbtest.SQLite(t)
	h := newHarness(t, d, withLocalhost())
	h.person(t, "ed@example.org", account.Editor)
	staff := h.readerSession(t, "ed@example.org")
	for _, path := range []string{"/account/passkey/begin", "/account/passkey/finish"} {
		res := h.do(t, req{method: "POST", path: path, token: staff, body: []byte("{}"), contentType: "application/json"})
		if res.status != http.StatusForbidden || !strings.Contains(res.body, "staff security page") {
			t.Errorf("staff by link %s: %d %s", path, res.status, res.body)
		}
	}
	if res := h.do(t, req{method: "POST", path: "/account/passkey/begin", token: h.readerSession(t, "r@example.org"),
		body: []byte("{}"), contentType: "application/json"}); res.status != 200 || !strings.Contains(res.body, `"residentKey":"required"`) {
		t.Errorf("reader's passkey options: %d %s", res.status, res.body)
	}

	begin := h.do(t, req{method: "POST", path: "/account/signin/passkey/begin", body: []byte("{}"), contentType: "application/json"})
	if begin.status != 200 || !strings.Contains(begin.body, `"userVerification":"required"`) {
		t.Fatalf("begin: %d %s", begin.status, begin.body)
	}
	var challenge string
	for _, c := range begin.header.Values("Set-Cookie") {
		if v, ok := strings.CutPrefix(c, "coopress_passkey="); ok {
			challenge, _, _ = strings.Cut(v, ";")
		}
	}
	junk := []byte(`{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AAAA","signature":"AAAA","userHandle":"AAAAAAAAAAE"}}`)
	for name, cookie := range map[string]string{"no challenge": "", "a made-up answer": challenge} {
		hdr := map[string]string{}
		if cookie != "" {
			hdr["Cookie"] = "coopress_passkey=" + cookie
		}
		res := h.do(t, req{method: "POST", path: "/account/signin/passkey/finish", body: junk, contentType: "application/json", header: hdr})
		if res.status != http.StatusUnauthorized || res.cookie != nil {
			t.Errorf("%s: %d, cookie %v", name, res.status, res.cookie)
		}
	}

	owner, err := h.accounts.ByEmail(context.Background(), "r@example.org")
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := d.Writer().QueryRowContext(context.Background(), `INSERT INTO second_factors (account_id, kind, name, credential_id, credential, confirmed_at, created_at)
		VALUES ($1, 'passkey', 'Phone', 'cred', '{}', $2, $2) RETURNING id`, owner.ID, h.clock.Now()).Scan(&id); err != nil {
		t.Fatal(err)
	}
	other := h.readerSession(t, "someone.else@example.org")
	if res := h.do(t, req{method: "POST", path: "/account/passkeys/" + itoa(id) + "/remove", token: other, form: url.Values{}}); res.status != http.StatusNotFound {
		t.Errorf("another reader's passkey: %d", res.status)
	}
	if res := h.do(t, req{method: "POST", path: "/account/passkeys/" + itoa(id) + "/remove", token: staff, form: url.Values{}}); res.status != http.StatusForbidden {
		t.Errorf("staff by link removing: %d", res.status)
	}
	mine := h.readerSession(t, "r@example.org")
	if page := h.do(t, req{path: "/account", token: mine}); !strings.Contains(page.body, "Phone, added") {
		t.Errorf("the passkey is not listed")
	}
	if res := h.do(t, req{method: "POST", path: "/account/passkeys/" + itoa(id) + "/remove", token: mine, form: url.Values{}}); res.status != http.StatusSeeOther {
		t.Errorf("own passkey: %d", res.status)
	}
}
