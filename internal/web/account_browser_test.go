package web_test

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/coopress/coopress/internal/browsertest"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/testservers"
	"github.com/coopress/coopress/internal/testwait"
)

// TestReaderSignInInChromium is a reader's first visit: the masthead's
// "Sign in", the form, the email read from mailpit, the link's button,
// the account page, then their name in the masthead of a cached article.
// The used link, and a tampered one, then show the refusal. axe-core
// finds nothing on the sign-in page, the link page or /account.
func TestReaderSignInInChromium(t *testing.T) {
	mp := testservers.StartMailpit(t)
	d := dbtest.SQLite(t)
	h := newHarness(t, d, withLocalhost(), withMailer(mailTo(t, d, mp)))
	b := browsertest.New(t)
	text := func(sel string) string {
		v, _ := browsertest.TryEval[string](b, `(document.readyState === "complete" && document.querySelector(`+
			strconv.Quote(sel)+`) || {}).textContent || ""`)
		return v
	}
	waitText := func(sel, want string) {
		t.Helper()
		if !testwait.For(10*time.Second, func() bool { return strings.Contains(text(sel), want) }) {
			t.Fatalf("%s says %q, want %q (at %s)", sel, text(sel), want, browsertest.Eval[string](b, `location.href`))
		}
	}

	b.Navigate(h.base + seedPath)
	waitText("[data-account-link]", "Sign in")
	browsertest.Eval[bool](b, `(() => { document.querySelector("[data-account-link]").click(); return true; })()`)
	waitText("h1", "Sign in")
	if vs := b.Axe(h.base + "/account/signin"); len(vs) > 0 {
		t.Errorf("sign-in page: %s", browsertest.FormatViolations(vs))
	}
	browsertest.Eval[bool](b, `(() => {
		document.querySelector("#email").value = "rosa@example.org";
		document.querySelector("form[action='/account/signin']").submit();
		return true;
	})()`)
	waitText("main", "Check your email")

	msg := mp.WaitFor(t, "rosa@example.org", 10*time.Second)
	m := regexp.MustCompile(`(http://localhost:\d+/account/link/[A-Za-z0-9_-]{43})`).FindStringSubmatch(msg.Text)
	if m == nil {
		t.Fatalf("no link in %q", msg.Text)
	}
	link := m[1]
	if vs := b.Axe(link); len(vs) > 0 { // a GET: it spends nothing
		t.Errorf("link page: %s", browsertest.FormatViolations(vs))
	}
	waitText("main", "rosa@example.org")
	browsertest.Eval[bool](b, `(() => { document.querySelector("main form button").click(); return true; })()`)
	waitText("h1", "Your account")
	if u, _ := url.Parse(browsertest.Eval[string](b, `location.href`)); u.RequestURI() != "/account?welcome=1" {
		t.Errorf("after the link the browser is at %s", u)
	}
	if vs := b.Axe(h.base + "/account"); len(vs) > 0 {
		t.Errorf("account page: %s", browsertest.FormatViolations(vs))
	}

	// Named as they chose, in the masthead of a cached article.
	browsertest.Eval[bool](b, `(() => {
		document.querySelector("#name").value = "Rosa Luxembourg";
		document.querySelector("form[action='/account/name']").submit();
		return true;
	})()`)
	waitText("main", "Your name is saved")
	b.Navigate(h.base + seedPath)
	waitText(".account-name", "Rosa Luxembourg")
	waitText("[data-account-link]", "Your account")

	// A passkey instead of the next email: added on /account, then used
	// after signing out.
	addAuthenticator(t, b)
	b.Navigate(h.base + "/account")
	browsertest.Eval[bool](b, `(() => {
		document.querySelector("#passkey-name").value = "Test phone";
		document.querySelector("#passkey .passkey-button").click();
		return true;
	})()`)
	waitText("main", "Your passkey is added")
	waitText(".passkeys", "Test phone")
	browsertest.Eval[bool](b, `(() => { document.querySelector("form[action='/account/signout']").submit(); return true; })()`)
	waitText("main", "You have signed out")
	browsertest.Eval[bool](b, `(() => { document.querySelector("#passkey .passkey-button").click(); return true; })()`)
	waitText("h1", "Your account")
	waitText("main", "rosa@example.org")

	for name, l := range map[string]string{"used": link, "tampered": link[:len(link)-2] + "xx"} {
		if status := b.Navigate(l); status != 404 {
			t.Errorf("%s link: status %d", name, status)
		}
		waitText("main", "has been used already, has expired")
	}
}

// addAuthenticator gives the browser a virtual passkey authenticator that
// keeps discoverable credentials and verifies its user at once.
func addAuthenticator(t *testing.T, b *browsertest.Browser) {
	t.Helper()
	ctx := b.Context()
	_, err := chromedp.Call(ctx, webauthn.Enable, webauthn.EnableParams{})
	if err == nil {
		_, err = chromedp.Call(ctx, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{Options: &webauthn.VirtualAuthenticatorOptions{
			Protocol: webauthn.AuthenticatorProtocolCtap2, Transport: webauthn.AuthenticatorTransportInternal,
			HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
		}})
	}
	if err != nil {
		t.Fatalf("virtual authenticator: %v", err)
	}
}
